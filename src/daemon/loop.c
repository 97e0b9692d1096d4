/* loop.c - the single-threaded epoll main loop: module fds, periodic timers,
 * signals (signalfd) and deferred table-change notifications; plus the
 * table lock. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "daemon.h"

void lvsd_lock(struct lvsd *d) { pthread_mutex_lock(&d->lock); }
void lvsd_unlock(struct lvsd *d) { pthread_mutex_unlock(&d->lock); }

/* Any thread may report a change; the listeners run later on the main loop
 * with no lock held, so a listener may take lvsd_lock() itself and a caller
 * may report while holding it. */
void lvsd_table_changed(struct lvsd *d)
{
	if (__atomic_exchange_n(&d->changed, 1, __ATOMIC_ACQ_REL) == 0 && d->wakefd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(d->wakefd, &one, sizeof(one));
		(void)r;
	}
}

int lvsd_add_fd(struct lvsd *d, int fd, uint32_t epoll_events, lvs_host_fd_fn fn, void *arg)
{
	struct lvsd_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	struct epoll_event ev = { .events = epoll_events, .data.ptr = w };
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;
		free(w);
		return -e;
	}
	w->next = d->watches;
	d->watches = w;
	return 0;
}

/* the watch is freed after the current batch of events, so an event for it
 * that is already queued is skipped rather than dispatched to freed memory */
void lvsd_del_fd(struct lvsd *d, int fd)
{
	for (struct lvsd_watch *w = d->watches; w; w = w->next) {
		if (w->fd == fd && !w->deleted) {
			epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
			w->deleted = 1;
			return;
		}
	}
}

/* change the events of a watched fd (server.c uses it for EPOLLOUT) */
int lvsd_mod_fd(struct lvsd *d, int fd, uint32_t epoll_events)
{
	for (struct lvsd_watch *w = d->watches; w; w = w->next) {
		if (w->fd == fd && !w->deleted) {
			struct epoll_event ev = { .events = epoll_events, .data.ptr = w };
			return epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
		}
	}
	return -ENOENT;
}

int lvsd_add_timer(struct lvsd *d, uint64_t period_ms, lvs_host_timer_fn fn, void *arg)
{
	if (period_ms == 0)
		return -EINVAL;
	struct lvsd_timer *t = realloc(d->timers, (d->ntimers + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	d->timers = t;
	t[d->ntimers++] = (struct lvsd_timer){ period_ms, lvs_now_ms() + period_ms, fn, arg };
	return 0;
}

int lvsd_on_table_change(struct lvsd *d, lvs_host_change_fn fn, void *arg)
{
	return lvsd_hook_add(&d->listeners, (void (*)(void))fn, arg);
}

static void on_wake(void *arg, int fd, uint32_t events)
{
	(void)events; (void)arg;
	uint64_t v;
	ssize_t r = read(fd, &v, sizeof(v));
	(void)r;
}

static void on_signal(void *arg, int fd, uint32_t events)
{
	struct lvsd *d = arg;

	(void)events;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			lvs_log(LOG_NOTICE, "signal %d: shutting down", (int)si.ssi_signo);
			d->running = 0;
			break;
		case SIGHUP: {
			struct strbuf sb = STRBUF_INIT;
			lvs_log(LOG_NOTICE, "SIGHUP: reloading modules");
			lvsd_reload(d, &sb);
			sb_free(&sb);
			break;
		}
		case SIGCHLD: {
			int status;
			pid_t p;
			while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
				if (p != d->restore_pid)
					continue;
				d->restore_pid = 0;
				if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
					lvs_log(LOG_INFO, "restore from %s done", d->opts.restore_file);
				else
					lvs_log(LOG_ERR, "restore from %s failed (status 0x%x)",
						 d->opts.restore_file, status);
				/* the table is what the file made of it (a failed
				 * restore leaves lvsd running, as it always did) */
				if (!d->ready && d->running)
					lvsd_ready(d);
			}
			break;
		}
		}
	}
}

static void timer_estimate(void *arg)
{
	struct lvsd *d = arg;

	lvsd_lock(d);
	lvs_table_estimate(d->table);
	lvsd_unlock(d);
}

static void timer_tick(void *arg)
{
	struct lvsd *d = arg;

	lvsd_lock(d);
	lvs_table_tick(d->table, lvs_now_ms());
	lvsd_unlock(d);
}

int lvsd_loop_init(struct lvsd *d)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	/* blocked before any module thread exists, so threads inherit it and
	 * only the signalfd sees these signals */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -EINVAL;
	signal(SIGPIPE, SIG_IGN);

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return -errno;
	d->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->wakefd < 0)
		return -errno;
	int err = lvsd_add_fd(d, d->sigfd, EPOLLIN, on_signal, d);
	if (!err)
		err = lvsd_add_fd(d, d->wakefd, EPOLLIN, on_wake, NULL);
	if (!err)
		err = lvsd_add_timer(d, 2000, timer_estimate, d);
	if (!err)
		err = lvsd_add_timer(d, 1000, timer_tick, d);
	return err;
}

static void reap_watches(struct lvsd *d)
{
	struct lvsd_watch **pp = &d->watches;
	while (*pp) {
		struct lvsd_watch *w = *pp;
		if (w->deleted) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

void lvsd_loop_run(struct lvsd *d)
{
	struct epoll_event evs[64];
	d->running = 1;
	while (d->running) {
		uint64_t now = lvs_now_ms();
		int timeout = 1000;
		for (size_t i = 0; i < d->ntimers; i++) {
			uint64_t due = d->timers[i].due_ms;
			int left = due <= now ? 0 : (int)(due - now);
			if (left < timeout)
				timeout = left;
		}
		int n = epoll_wait(d->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			lvs_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct lvsd_watch *w = evs[i].data.ptr;
			if (!w->deleted)
				w->fn(w->arg, w->fd, evs[i].events);
		}
		reap_watches(d);

		now = lvs_now_ms();
		for (size_t i = 0; i < d->ntimers; i++) {
			struct lvsd_timer *t = &d->timers[i];
			if (t->due_ms > now)
				continue;
			/* no catch-up storms after a stall: next run one period on */
			t->due_ms = now + t->period_ms;
			t->fn(t->arg);
		}

		if (__atomic_exchange_n(&d->changed, 0, __ATOMIC_ACQ_REL))
			for (size_t i = 0; i < d->listeners.n; i++)
				LVSD_HOOK_FN(lvs_host_change_fn, d->listeners.v[i])(d->listeners.v[i].arg);
	}
}

void lvsd_loop_fini(struct lvsd *d)
{
	for (struct lvsd_watch *w = d->watches; w; w = w->next)
		w->deleted = 1;
	reap_watches(d);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->wakefd >= 0)
		close(d->wakefd);
	if (d->epfd >= 0)
		close(d->epfd);
	d->sigfd = d->wakefd = d->epfd = -1;
	free(d->timers);
	d->timers = NULL;
	d->ntimers = 0;
	lvsd_hooks_free(&d->listeners);
}
