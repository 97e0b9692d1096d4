/* engine.c - the checker thread: its epoll loop, the schedule of probes
 * (a min-heap on the next wake-up: the next start, or the deadline of a
 * running probe, so the engine enforces every kind's timeout), probe
 * results and the state changes they cause, the reaper of killed children
 * and scripts, and the engine's life cycle.  A transition marks the
 * services that use the probe dirty; they are synced with the table once
 * per loop round, under one table lock hold.  Every transition is logged,
 * and with ldirectord's logfile= also written to that file as
 * "[date|lvsd|pid] message".
 * See check.h for the contract, check-int.h for how the parts share it. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check-int.h"

#define LATE_MS 100            /* a probe started later than this missed its deadline */
#define LOOP_MAX_WAIT_MS 1000  /* the loop looks at stop, files and children this often */

/* ---------------------------------------------------------------- logging */

static void vlog_(struct chk_engine *e, int prio, const char *fmt, va_list ap)
{
	char msg[600];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (e->host.log)
		e->host.log(e->host.arg, prio, msg);
	pthread_mutex_lock(&e->logm);
	if (e->logf) {
		char ts[40];
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(e->logf, "[%s|lvsd|%d] %s\n", ts, (int)getpid(), msg);
		fflush(e->logf);
	}
	pthread_mutex_unlock(&e->logm);
}

void chk_log(struct chk_engine *e, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_(e, prio, fmt, ap);
	va_end(ap);
}

void chk_cfg_log(void *arg, int prio, const char *msg)
{
	chk_log(arg, prio, "%s", msg);
}

void chk_open_logfile(struct chk_engine *e)
{
	const char *name = e->cfg ? e->cfg->logfile : NULL;
	FILE *f = NULL, *old;
	int err = 0;

	if (name) {
		f = fopen(name, "ae");
		err = errno;
	}
	pthread_mutex_lock(&e->logm);
	old = e->logf;
	e->logf = f;
	pthread_mutex_unlock(&e->logm);
	if (old)
		fclose(old);
	if (name && !f)
		chk_log(e, LOG_WARNING, "cannot open log file %s: %s", name, strerror(err));
}

/* ---------------------------------------------------------------- heap */

static void heap_swap(struct chk_engine *e, size_t a, size_t b)
{
	struct chk_probe *t = e->heap[a];

	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->heap[a]->heap_idx = a;
	e->heap[b]->heap_idx = b;
}

static void heap_down(struct chk_engine *e, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < e->nheap && e->heap[l]->wake_ms < e->heap[m]->wake_ms)
			m = l;
		if (r < e->nheap && e->heap[r]->wake_ms < e->heap[m]->wake_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(e, i, m);
		i = m;
	}
}

/* the wake-up of heap[i] changed: restore the heap order around it */
static void heap_fix(struct chk_engine *e, size_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2]->wake_ms > e->heap[i]->wake_ms) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	heap_down(e, i);
}

void chk_heap_build(struct chk_engine *e)
{
	e->nheap = 0;
	for (size_t i = 0; i < e->nprobes; i++) {
		e->heap[e->nheap] = e->probes[i];
		e->probes[i]->heap_idx = e->nheap++;
	}
	for (size_t i = e->nheap / 2 + 1; i-- > 0;)
		if (i < e->nheap)
			heap_down(e, i);
}

/* ---------------------------------------------------------------- epoll */

int chk_watch_fd(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	return chk_watch_mod(e, fd, events, w);
}

int chk_watch_mod(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(e->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

void chk_unwatch_fd(struct chk_engine *e, int fd)
{
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* ---------------------------------------------------------------- reaper */

int chk_reap_later(struct chk_engine *e, pid_t pid, int fd)
{
	pid_t *np = realloc(e->reap, (e->nreap + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	e->reap = np;
	int *nf = realloc(e->reap_fd, (e->nreap + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	e->reap_fd = nf;
	e->reap[e->nreap] = pid;
	e->reap_fd[e->nreap] = fd;
	e->nreap++;
	return 0;
}

/* reap what has exited; `wait`: block until everything has */
static void reap_children(struct chk_engine *e, int wait)
{
	for (size_t i = 0; i < e->nreap;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)e->reap[i], &si, WEXITED | __WALL | (wait ? 0 : WNOHANG)) == 0 &&
		    si.si_pid == 0) {
			i++;
			continue;
		}
		if (e->reap_fd[i] >= 0)
			close(e->reap_fd[i]);
		e->reap[i] = e->reap[e->nreap - 1];
		e->reap_fd[i] = e->reap_fd[e->nreap - 1];
		e->nreap--;
	}
}

/* ---------------------------------------------------------------- probes */

void chk_probe_abort(struct chk_engine *e, struct chk_probe *p)
{
	if (p->curl)
		chk_http_cancel(e, p);
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		if (chk_reap_later(e, p->pid, p->fd) == 0) {
			if (p->fd >= 0)
				chk_unwatch_fd(e, p->fd);
			p->fd = -1;     /* closed once the child is reaped */
		}
		p->pid = 0;
	}
	if (p->fd >= 0) {
		chk_unwatch_fd(e, p->fd);
		close(p->fd);
		p->fd = -1;
	}
	free(p->body);
	p->body = NULL;
	p->body_len = 0;
}

/* log a result and, when it flipped the check, have the services using it
 * follow (once, at the end of the loop round: many transitions at once -
 * start-up, a switch failing - cost one table pass per service) */
static void probe_changed(struct chk_engine *e, struct chk_probe *p, int ok, int flipped)
{
	if (!ok && !flipped && !p->h.up && p->runs == 1)
		chk_log(e, LOG_NOTICE, "Check %s is DOWN: %s (first check)", p->label, p->last_msg);
	if (!ok && !flipped && p->h.up)
		chk_log(e, LOG_INFO, "Soft failure of check %s: %s (failure %u/%u)", p->label, p->last_msg,
			p->h.fails, p->k.fall);
	if (!flipped)
		return;
	chk_log(e, p->h.up ? LOG_NOTICE : LOG_WARNING, "Check %s is %s: %s%s", p->label,
		p->h.up ? "UP" : "DOWN", p->last_msg, p->h.up ? "" : " (after consecutive failures)");
	for (size_t i = 0; i < p->nsubs; i++) {
		const struct cfg_service *cs = &e->cfg->svcs[p->subs[i].svc];
		const struct cfg_real *r = &cs->reals[p->subs[i].real];
		char hp[64];

		cfg_hostport_str(cs->s.af, &r->d.addr, r->d.port, hp, sizeof(hp));
		chk_log(e, LOG_NOTICE, "Real server %s of %s: check %s %s", hp, cs->name, p->label,
			p->h.up ? "succeeded" : "failed");
		chk_mark_dirty(e, p->subs[i].svc);
	}
}

void chk_probe_done(struct chk_engine *e, struct chk_probe *p, int ok, const char *fmt, ...)
{
	va_list ap;
	uint64_t now = lvs_now_ms();
	int flipped;

	if (!p->running)
		return;
	va_start(ap, fmt);
	pthread_mutex_lock(&e->m);
	vsnprintf(p->last_msg, sizeof(p->last_msg), fmt, ap);
	va_end(ap);
	chk_probe_abort(e, p);
	p->running = 0;
	p->last_result_ms = now;
	p->last_latency_ms = now - p->started_ms;
	flipped = chk_health_feed(&p->h, ok, p->k.fall, p->k.rise);
	p->wake_ms = now + chk_health_next_delay(&p->h, ok, p->k.interval_ms, p->k.retry_delay_ms);
	heap_fix(e, p->heap_idx);
	if (flipped) {
		p->last_change_ms = now;
		e->st.transitions++;
		e->st.nup += p->h.up ? 1 : (uint32_t)-1;
	}
	pthread_mutex_unlock(&e->m);
	probe_changed(e, p, ok, flipped);
}

int chk_probe_watch(struct chk_engine *e, struct chk_probe *p, uint32_t events, chk_watch_fn cb)
{
	int ret;

	p->w.cb = cb;
	ret = chk_watch_fd(e, p->fd, events, &p->w);
	if (ret)
		chk_probe_done(e, p, 0, "epoll: %s", strerror(-ret));
	return ret;
}

int chk_probe_regcomp(struct chk_engine *e, struct chk_probe *p, regex_t *re, const char *pattern)
{
	if (regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) == 0)
		return 0;
	chk_probe_done(e, p, 0, "bad regular expression /%s/", pattern);
	return -EINVAL;
}

static void probe_start(struct chk_engine *e, struct chk_probe *p, uint64_t now)
{
	uint64_t late = now > p->wake_ms ? now - p->wake_ms : 0;

	pthread_mutex_lock(&e->m);
	p->runs++;
	e->st.probes_run++;
	if (late > LATE_MS) {
		p->late++;
		e->st.probes_late++;
	}
	if (late > e->st.max_late_ms)
		e->st.max_late_ms = late;
	p->running = 1;
	p->started_ms = now;
	p->due_ms = p->wake_ms;
	p->wake_ms = now + p->k.timeout_ms;
	heap_fix(e, p->heap_idx);
	pthread_mutex_unlock(&e->m);
	switch (p->k.kind) {
	case CFG_CHK_TCP: chk_tcp_start(e, p); break;
	case CFG_CHK_UDP: chk_udp_start(e, p); break;
	case CFG_CHK_PING: chk_icmp_start(e, p); break;
	case CFG_CHK_HTTP: chk_http_start(e, p); break;
	case CFG_CHK_EXTERNAL: chk_exec_start(e, p); break;
	case CFG_CHK_DIALOG: chk_dialog_start(e, p); break;
	case CFG_CHK_DNS: chk_dns_start(e, p); break;
	default: chk_probe_done(e, p, 1, "no probe"); break;
	}
}

/* start the probes that are due; a running one that is due timed out */
static void run_due(struct chk_engine *e)
{
	uint64_t now = lvs_now_ms();

	while (e->nheap && e->heap[0]->wake_ms <= now && !e->stop) {
		struct chk_probe *p = e->heap[0];

		if (p->running)
			chk_probe_done(e, p, 0, "timeout after %u ms", p->k.timeout_ms);
		else
			probe_start(e, p, now);
		now = lvs_now_ms();
	}
}

/* ---------------------------------------------------------------- thread */

/* the eventfd: a configuration handed over, or stop */
static void on_event(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	uint64_t v;
	struct cfg *c;
	ssize_t r = read(e->evfd, &v, sizeof(v));

	(void)w;
	(void)events;
	(void)r;
	pthread_mutex_lock(&e->m);
	c = e->pending;
	e->pending = NULL;
	pthread_mutex_unlock(&e->m);
	if (c)
		chk_apply_config(e, c);
}

static int loop_timeout(struct chk_engine *e, uint64_t now)
{
	int64_t timeout = LOOP_MAX_WAIT_MS, h;

	if (e->nheap)
		timeout = e->heap[0]->wake_ms > now ? (int64_t)(e->heap[0]->wake_ms - now) : 0;
	h = chk_http_next_ms(e, now);
	if (h >= 0 && h < timeout)
		timeout = h;
	return timeout > LOOP_MAX_WAIT_MS ? LOOP_MAX_WAIT_MS : (int)timeout;
}

static void *engine_main(void *arg)
{
	struct chk_engine *e = arg;
	struct epoll_event evs[256];
	sigset_t all;

	/* signals belong to the daemon's main loop */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* A checker starved of CPU reports healthy servers late (or times
	 * them out): like keepalived's checker_priority, run it above normal
	 * tasks when allowed.  It needs little CPU (bench/results/checks-*). */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), -10))
		chk_log(e, LOG_DEBUG, "checker thread keeps normal priority: %s", strerror(errno));
	while (!e->stop) {
		uint64_t now = lvs_now_ms();
		int n = epoll_wait(e->epfd, evs, 256, loop_timeout(e, now));

		for (int i = 0; i < n && !e->stop; i++) {
			struct chk_watch *w = evs[i].data.ptr;

			w->cb(e, w, evs[i].events);
		}
		now = lvs_now_ms();
		chk_http_timer(e, now);
		run_due(e);
		chk_poll_files(e, now);   /* the maintenance directory may dirty services */
		chk_flush_dirty(e);
		if (e->nreap)
			reap_children(e, 0);
	}
	return NULL;
}

/* ---------------------------------------------------------------- life cycle */

struct chk_engine *chk_engine_new(const struct chk_host *host)
{
	struct chk_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->host = *host;
	pthread_mutex_init(&e->m, NULL);
	pthread_mutex_init(&e->logm, NULL);
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	e->evw.cb = on_event;
	if (e->epfd < 0 || e->evfd < 0 || chk_watch_fd(e, e->evfd, EPOLLIN, &e->evw) || chk_http_init(e))
		goto fail;
	return e;
fail:
	chk_engine_free(e);
	return NULL;
}

int chk_engine_start(struct chk_engine *e, const char *path, struct cfg *initial)
{
	int ret;

	if (path) {
		e->path = strdup(path);
		if (!e->path) {
			cfg_free(initial);
			return -ENOMEM;
		}
		chk_stat_file(path, &e->mtime, &e->msize);
	}
	e->next_poll_ms = lvs_now_ms() + 1000;
	if (initial)
		chk_apply_config(e, initial);   /* before the thread: the table is ready when start returns */
	ret = pthread_create(&e->thread, NULL, engine_main, e);
	if (ret)
		return -ret;
	e->started = 1;
	return 0;
}

int chk_engine_set_config(struct chk_engine *e, struct cfg *c)
{
	uint64_t one = 1;
	struct cfg *old;

	pthread_mutex_lock(&e->m);
	old = e->pending;
	e->pending = c;
	pthread_mutex_unlock(&e->m);
	cfg_free(old);
	if (!e->started) {
		on_event(e, &e->evw, 0);
		return 0;
	}
	return write(e->evfd, &one, sizeof(one)) == (ssize_t)sizeof(one) ? 0 : -EIO;
}

void chk_engine_stop(struct chk_engine *e)
{
	uint64_t one = 1;
	ssize_t r;

	if (!e || !e->started)
		return;
	e->stop = 1;
	r = write(e->evfd, &one, sizeof(one));
	(void)r;
	pthread_join(e->thread, NULL);
	e->started = 0;
}

void chk_engine_free(struct chk_engine *e)
{
	if (!e)
		return;
	chk_engine_stop(e);
	for (size_t i = 0; i < e->nprobes; i++)
		chk_probe_free(e, e->probes[i]);
	free(e->probes);
	free(e->heap);
	free(e->dirty);
	chk_rt_free(e->rt, e->cfg);
	cfg_free(e->cfg);
	cfg_free(e->pending);
	chk_http_fini(e);
	reap_children(e, 1);
	free(e->reap);
	free(e->reap_fd);
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->evfd >= 0)
		close(e->evfd);
	if (e->logf)
		fclose(e->logf);
	free(e->path);
	pthread_mutex_destroy(&e->m);
	pthread_mutex_destroy(&e->logm);
	free(e);
}

void chk_engine_stats(struct chk_engine *e, struct chk_stats *out)
{
	pthread_mutex_lock(&e->m);
	*out = e->st;
	pthread_mutex_unlock(&e->m);
}
