/* engine.c - the checker thread: scheduling, probe sharing, state changes,
 * configuration swaps.  See check.h for the contract. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <spawn.h>

#include "check-int.h"
#include "config/apply.h"
#include "lib/inet.h"

extern char **environ;

#define LATE_MS 100            /* a probe started later than this missed its deadline */
#define SPREAD_MAX_MS 1000     /* first probes are spread over at most this */

struct chk_svc_rt {
	int sorry_on;
	struct chk_probe ***rp;    /* [real][check] -> probe, NULL for on/off */
	uint8_t *real_up;          /* [real] state last seen, for notify_up/down */
	uint8_t *maint;            /* [real] in maintenance (ldirectord maintenancedir) */
};

struct chk_engine {
	struct chk_host host;
	pthread_t thread;
	int started;
	pthread_mutex_t m;         /* guards what the status view reads, and mtime/msize */
	pthread_mutex_t logm;      /* guards logf (reload logs from the main thread) */
	int epfd, evfd;
	volatile int stop;
	struct cfg *pending;       /* handed over by set_config, under m */
	struct chk_watch evw;

	struct cfg *cfg;
	struct chk_svc_rt *rt;
	uint8_t *dirty;            /* services to sync after this loop round */
	int any_dirty;
	struct chk_probe **probes;
	size_t nprobes;
	struct chk_probe **heap;
	size_t nheap;

	char *path;
	struct timespec mtime;
	off_t msize;
	uint64_t next_poll_ms;
	FILE *logf;
	void *http;
	struct chk_stats st;
	pid_t *reap;               /* killed external checks and notify scripts to reap */
	int *reap_fd;
	size_t nreap;
};

void *chk_engine_http_state(struct chk_engine *e) { return e->http; }
void chk_engine_set_http_state(struct chk_engine *e, void *st) { e->http = st; }

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

static void elog(struct chk_engine *e, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void elog(struct chk_engine *e, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_(e, prio, fmt, ap);
	va_end(ap);
}

static void apply_log(void *arg, int prio, const char *msg)
{
	elog(arg, prio, "%s", msg);
}

static void open_logfile(struct chk_engine *e)
{
	FILE *f = NULL, *old;
	int err = 0;

	if (e->cfg && e->cfg->logfile) {
		f = fopen(e->cfg->logfile, "ae");
		err = errno;
	}
	pthread_mutex_lock(&e->logm);
	old = e->logf;
	e->logf = f;
	pthread_mutex_unlock(&e->logm);
	if (old)
		fclose(old);
	if (e->cfg && e->cfg->logfile && !f)
		elog(e, LOG_WARNING, "cannot open log file %s: %s", e->cfg->logfile, strerror(err));
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

/* p's key changed: restore the heap order around it */
static void heap_fix(struct chk_engine *e, size_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2]->wake_ms > e->heap[i]->wake_ms) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	heap_down(e, i);
}

static void heap_build(struct chk_engine *e)
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

	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int chk_watch_mod(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(e->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void chk_unwatch_fd(struct chk_engine *e, int fd)
{
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
}

socklen_t chk_sockaddr(int af, const union lvs_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->in6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = a->ip;
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

/* ---------------------------------------------------------------- state */

static int real_up(struct chk_engine *e, size_t si, size_t ri)
{
	const struct cfg_real *r = &e->cfg->svcs[si].reals[ri];

	if (e->rt[si].maint[ri])
		return 0;
	for (size_t k = 0; k < r->nchecks; k++) {
		if (r->checks[k].kind == CFG_CHK_OFF)
			return 0;
		if (r->checks[k].kind == CFG_CHK_ON)
			continue;
		if (!e->rt[si].rp[ri][k] || !e->rt[si].rp[ri][k]->h.up)
			return 0;
	}
	return 1;
}

/* hand a child (and an fd to close with it, or -1) to the loop's reaper;
 * -1 when out of memory (the caller keeps the fd) */
static int reap_later(struct chk_engine *e, pid_t pid, int fd)
{
	pid_t *np = realloc(e->reap, (e->nreap + 1) * sizeof(*np));
	if (!np)
		return -1;
	e->reap = np;
	int *nf = realloc(e->reap_fd, (e->nreap + 1) * sizeof(*nf));
	if (!nf)
		return -1;
	e->reap_fd = nf;
	e->reap[e->nreap] = pid;
	e->reap_fd[e->nreap] = fd;
	e->nreap++;
	return 0;
}

/* keepalived's notify_up/down and quorum_up/down: `sh -c cmd`, not
 * waited for (reaped by the loop), never killed */
static void run_notify(struct chk_engine *e, const char *what, const char *name, const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);

	if (err) {
		elog(e, LOG_ERR, "%s of %s: cannot run '%s': %s", what, name, cmd, strerror(err));
		return;
	}
	elog(e, LOG_INFO, "%s of %s: running '%s' (pid %d)", what, name, cmd, (int)pid);
	if (reap_later(e, pid, -1))
		elog(e, LOG_ERR, "out of memory: pid %d will stay a zombie", (int)pid);
}

static void poll_maintenance(struct chk_engine *e);

static void sync_service(struct chk_engine *e, size_t si, struct lvs_table *t)
{
	const struct cfg_service *cs = &e->cfg->svcs[si];
	struct chk_svc_rt *rt = &e->rt[si];
	uint8_t *up = calloc(cs->nreals + 1, 1);
	int had_quorum = rt->sorry_on != 1;   /* unknown counts as "had it" */

	if (!up) {
		elog(e, LOG_ERR, "out of memory syncing %s", cs->name);
		return;
	}
	for (size_t r = 0; r < cs->nreals; r++) {
		const struct cfg_real *cr = &cs->reals[r];
		const char *cmd;
		char hp[64];

		up[r] = (uint8_t)real_up(e, si, r);
		if (up[r] == rt->real_up[r])
			continue;
		rt->real_up[r] = up[r];
		cmd = up[r] ? cr->notify_up : cr->notify_down;
		if (cmd) {
			cfg_hostport_str(cr->d.af, &cr->d.addr, cr->d.port, hp, sizeof(hp));
			run_notify(e, up[r] ? "notify_up" : "notify_down", hp, cmd);
		}
	}
	cfg_sync_service(t, cs, up, &rt->sorry_on, apply_log, e);
	if (had_quorum && rt->sorry_on == 1 && cs->quorum_down)
		run_notify(e, "quorum_down", cs->name, cs->quorum_down);
	else if (!had_quorum && rt->sorry_on == 0 && cs->quorum_up)
		run_notify(e, "quorum_up", cs->name, cs->quorum_up);
	free(up);
}

static void sync_services(struct chk_engine *e, const uint8_t *dirty)
{
	struct lvs_table *t;

	e->host.lock(e->host.arg);
	t = e->host.table(e->host.arg);
	for (size_t i = 0; i < e->cfg->nsvcs; i++)
		if (!dirty || dirty[i])
			sync_service(e, i, t);
	e->host.unlock(e->host.arg);
	if (e->host.changed)
		e->host.changed(e->host.arg);
}

static void reap_killed(struct chk_engine *e)
{
	for (size_t i = 0; i < e->nreap;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)e->reap[i], &si, WEXITED | WNOHANG | __WALL) == 0 && si.si_pid == 0) {
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

/* stop whatever the probe is doing (timeout, reload, shutdown) */
static void probe_abort(struct chk_engine *e, struct chk_probe *p)
{
	if (p->curl)
		chk_http_cancel(e, p);
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		if (reap_later(e, p->pid, p->fd) == 0) {
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
	probe_abort(e, p);
	p->running = 0;
	p->last_result_ms = now;
	flipped = chk_health_feed(&p->h, ok, p->k.fall, p->k.rise);
	p->wake_ms = now + chk_health_next_delay(&p->h, ok, p->k.interval_ms, p->k.retry_delay_ms);
	heap_fix(e, p->heap_idx);
	if (flipped) {
		p->last_change_ms = now;
		e->st.transitions++;
		e->st.nup += p->h.up ? 1 : (uint32_t)-1;
	}
	pthread_mutex_unlock(&e->m);

	if (!ok && !flipped && !p->h.up && p->runs == 1)
		elog(e, LOG_NOTICE, "Check %s is DOWN: %s (first check)", p->label, p->last_msg);
	if (!ok && !flipped && p->h.up)
		elog(e, LOG_INFO, "Soft failure of check %s: %s (failure %u/%u)", p->label, p->last_msg,
		     p->h.fails, p->k.fall);
	if (!flipped)
		return;
	elog(e, p->h.up ? LOG_NOTICE : LOG_WARNING, "Check %s is %s: %s%s", p->label,
	     p->h.up ? "UP" : "DOWN", p->last_msg, p->h.up ? "" : " (after consecutive failures)");
	for (size_t i = 0; i < p->nsubs; i++) {
		const struct cfg_service *cs = &e->cfg->svcs[p->subs[i].svc];
		char hp[64];

		cfg_hostport_str(cs->s.af, &cs->reals[p->subs[i].real].d.addr, cs->reals[p->subs[i].real].d.port,
				 hp, sizeof(hp));
		elog(e, LOG_NOTICE, "Real server %s of %s: check %s %s", hp, cs->name, p->label,
		     p->h.up ? "succeeded" : "failed");
		/* synced once per loop round: many transitions at once (start-up,
		 * a switch failing) cost one table pass per service */
		if (e->dirty)
			e->dirty[p->subs[i].svc] = 1;
		e->any_dirty = 1;
	}
}

static void flush_dirty(struct chk_engine *e)
{
	if (!e->any_dirty)
		return;
	e->any_dirty = 0;
	sync_services(e, e->dirty);
	if (e->dirty)
		memset(e->dirty, 0, e->cfg->nsvcs + 1);
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

/* ---------------------------------------------------------------- probes & config */

static void probe_free(struct chk_engine *e, struct chk_probe *p)
{
	if (!p)
		return;
	probe_abort(e, p);
	cfg_check_free(&p->k);
	free(p->key);
	free(p->label);
	free(p->command);
	free(p->subs);
	free(p);
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static char *probe_command(const struct cfg *c, const struct cfg_service *cs, const struct cfg_real *r,
			   const struct cfg_check *k)
{
	struct strbuf sb = STRBUF_INIT;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	sb_puts(&sb, k->command);
	if (c->format == CFG_FMT_LDIRECTORD) {
		/* ldirectord's arguments: VIP|mark VPORT RIP RPORT */
		if (cs->s.fwmark)
			sb_printf(&sb, " %u 0", cs->s.fwmark);
		else
			sb_printf(&sb, " %s %u", inet_ntop(cs->s.af, &cs->s.addr, a, sizeof(a)), cs->s.port);
		sb_printf(&sb, " %s %u", inet_ntop(r->d.af, &r->d.addr, b, sizeof(b)), r->d.port);
	}
	return sb_detach(&sb);
}

static char *probe_key(const struct cfg_check *k, const char *command)
{
	struct strbuf sb = STRBUF_INIT;
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

	inet_ntop(k->af, &k->addr, a, sizeof(a));
	if (k->has_src)
		inet_ntop(k->af, &k->src, s, sizeof(s));
	else
		strcpy(s, "-");
	sb_printf(&sb, "%d|%s|%u|%s|%u|%u|%u|%u|%u|%d|%d|%s|%s|%s|%d|%s|", k->kind, a, k->port, s,
		  k->interval_ms, k->retry_delay_ms, k->timeout_ms, k->fall, k->rise, k->https, k->head,
		  k->path ? k->path : "", k->host ? k->host : "", k->receive ? k->receive : "",
		  k->receive_no_match, k->digest);
	for (int i = 0; i < k->nstatus; i++)
		sb_printf(&sb, "%u-%u,", k->status_lo[i], k->status_hi[i]);
	sb_puts(&sb, "|");
	for (size_t i = 0; i < k->payload_len; i++)
		sb_printf(&sb, "%02x", k->payload[i]);
	sb_printf(&sb, "|%s|%s", command ? command : "", k->service ? k->service : "");
	return sb_detach(&sb);
}

static char *probe_label(const struct cfg_check *k, const char *command)
{
	struct strbuf sb = STRBUF_INIT;
	char hp[64];
	static const char *const names[] = { "off", "on", "tcp", "udp", "ping", "http", "exec", "dialog", "dns" };

	cfg_hostport_str(k->af, &k->addr, k->port, hp, sizeof(hp));
	if (k->kind == CFG_CHK_HTTP)
		sb_printf(&sb, "%s %s%s", k->https ? "https" : "http", hp, k->path);
	else if (k->kind == CFG_CHK_PING)
		sb_printf(&sb, "ping %s", inet_ntop(k->af, &k->addr, hp, sizeof(hp)));
	else if (k->kind == CFG_CHK_EXTERNAL)
		sb_printf(&sb, "exec '%.60s'", command);
	else if (k->kind == CFG_CHK_DIALOG)
		sb_printf(&sb, "%s %s", k->service, hp);
	else
		sb_printf(&sb, "%s %s", names[k->kind], hp);
	return sb_detach(&sb);
}

struct build {
	struct chk_probe **probes;
	size_t n, cap;
	struct chk_svc_rt *rt;
};

static struct chk_probe *find_probe(struct chk_probe **v, size_t n, const char *key, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->key_hash == h && !strcmp(v[i]->key, key))
			return v[i];
	return NULL;
}

static int add_sub(struct chk_probe *p, size_t si, size_t ri)
{
	struct chk_sub *n = realloc(p->subs, (p->nsubs + 1) * sizeof(*n));

	if (!n)
		return -1;
	p->subs = n;
	p->subs[p->nsubs].svc = (uint32_t)si;
	p->subs[p->nsubs].real = (uint32_t)ri;
	p->nsubs++;
	return 0;
}

static void rt_free(struct chk_svc_rt *rt, const struct cfg *c)
{
	if (!rt)
		return;
	for (size_t i = 0; c && i < c->nsvcs; i++) {
		for (size_t j = 0; rt[i].rp && j < c->svcs[i].nreals; j++)
			free(rt[i].rp[j]);
		free(rt[i].rp);
		free(rt[i].real_up);
		free(rt[i].maint);
	}
	free(rt);
}

/* Build the probe set for `c`, reusing old probes with the same key (they
 * keep state and any I/O in flight).  Old ones reused get keep = 1. */
static int build_probes(struct chk_engine *e, const struct cfg *c, struct build *b, uint64_t now)
{
	memset(b, 0, sizeof(*b));
	b->rt = calloc(c->nsvcs + 1, sizeof(*b->rt));
	if (!b->rt)
		return -1;
	for (size_t i = 0; i < e->nprobes; i++) {
		e->probes[i]->keep = 0;
		free(e->probes[i]->subs);
		e->probes[i]->subs = NULL;
		e->probes[i]->nsubs = 0;
	}
	for (size_t si = 0; si < c->nsvcs; si++) {
		const struct cfg_service *cs = &c->svcs[si];
		int old = cfg_find_service(e->cfg, &cs->s);

		b->rt[si].sorry_on = old >= 0 ? e->rt[old].sorry_on : -1;
		b->rt[si].rp = calloc(cs->nreals + 1, sizeof(*b->rt[si].rp));
		b->rt[si].real_up = calloc(cs->nreals + 1, 1);
		b->rt[si].maint = calloc(cs->nreals + 1, 1);
		if (!b->rt[si].rp || !b->rt[si].real_up || !b->rt[si].maint)
			return -1;
		for (size_t ri = 0; ri < cs->nreals; ri++) {
			const struct cfg_real *r = &cs->reals[ri];

			/* a real server that stays across a reload keeps its state
			 * (no notify, no second "entering maintenance"); a new one
			 * starts where its checks do */
			b->rt[si].real_up[ri] = (uint8_t)(r->start_up ? 1 : 0);
			for (size_t oi = 0; old >= 0 && oi < e->cfg->svcs[old].nreals; oi++) {
				const struct cfg_real *o = &e->cfg->svcs[old].reals[oi];

				if (o->d.af == r->d.af && o->d.port == r->d.port &&
				    lvs_addr_equal(r->d.af, &o->d.addr, &r->d.addr)) {
					b->rt[si].real_up[ri] = e->rt[old].real_up[oi];
					b->rt[si].maint[ri] = e->rt[old].maint[oi];
				}
			}

			b->rt[si].rp[ri] = calloc(r->nchecks + 1, sizeof(struct chk_probe *));
			if (!b->rt[si].rp[ri])
				return -1;
			for (size_t ki = 0; ki < r->nchecks; ki++) {
				const struct cfg_check *k = &r->checks[ki];
				char *cmd = NULL, *key;
				struct chk_probe *p;
				uint64_t h;

				if (k->kind == CFG_CHK_ON || k->kind == CFG_CHK_OFF)
					continue;
				if (k->kind == CFG_CHK_EXTERNAL && !(cmd = probe_command(c, cs, r, k)))
					return -1;
				key = probe_key(k, cmd);
				if (!key) {
					free(cmd);
					return -1;
				}
				h = fnv(key);
				p = find_probe(b->probes, b->n, key, h);
				if (!p) {
					p = find_probe(e->probes, e->nprobes, key, h);
					if (p) {
						p->keep = 1;     /* an old probe joins the new set */
					} else {
						p = calloc(1, sizeof(*p));
						if (!p || cfg_check_copy(&p->k, k)) {
							free(p);
							free(key);
							free(cmd);
							return -1;
						}
						p->key = key;
						p->key_hash = h;
						p->command = cmd;
						key = cmd = NULL;
						p->label = probe_label(&p->k, p->command);
						p->fd = -1;
						p->keep = 2;     /* fresh */
						p->h.up = r->start_up ? 1 : 0;
						p->last_change_ms = now;
						snprintf(p->last_msg, sizeof(p->last_msg), "not checked yet");
					}
					if (b->n == b->cap) {
						size_t nc = b->cap ? b->cap * 2 : 64;
						struct chk_probe **nv = realloc(b->probes, nc * sizeof(*nv));

						if (!nv) {
							if (p->keep == 2)
								probe_free(e, p);
							free(key);
							free(cmd);
							return -1;
						}
						b->probes = nv;
						b->cap = nc;
					}
					b->probes[b->n++] = p;
				}
				free(key);
				free(cmd);
				if (add_sub(p, si, ri))
					return -1;
				b->rt[si].rp[ri][ki] = p;
			}
		}
	}
	return 0;
}

static void build_abort(struct chk_engine *e, const struct cfg *c, struct build *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->probes[i]->keep == 2)
			probe_free(e, b->probes[i]);
	free(b->probes);
	rt_free(b->rt, c);
}

/* install `c` as the running configuration and make the table follow */
static void apply_config(struct chk_engine *e, struct cfg *c)
{
	struct build b;
	uint64_t now = lvs_now_ms();
	struct cfg *old = e->cfg;
	struct chk_svc_rt *old_rt = e->rt;
	struct chk_probe **old_probes = e->probes;
	size_t old_n = e->nprobes;
	struct chk_probe **heap;

	if (build_probes(e, c, &b, now)) {
		build_abort(e, c, &b);
		/* restore the old subscriptions */
		struct build ob;

		elog(e, LOG_ERR, "out of memory applying %s; keeping the running configuration", c->path);
		if (old && build_probes(e, old, &ob, now) == 0) {
			free(ob.probes);
			rt_free(e->rt, old);
			e->rt = ob.rt;
		}
		cfg_free(c);
		return;
	}
	heap = calloc(b.n + 1, sizeof(*heap));
	uint8_t *dirty = calloc(c->nsvcs + 1, 1);

	if (!heap || !dirty) {
		free(heap);
		free(dirty);
		build_abort(e, c, &b);
		cfg_free(c);
		return;
	}
	/* new probes start spread over the first second (or interval) */
	size_t nnew = 0;

	for (size_t i = 0; i < b.n; i++)
		nnew += b.probes[i]->keep == 2;
	size_t inew = 0;

	for (size_t i = 0; i < b.n; i++) {
		struct chk_probe *p = b.probes[i];

		if (p->keep != 2)
			continue;
		uint64_t span = p->k.interval_ms < SPREAD_MAX_MS ? p->k.interval_ms : SPREAD_MAX_MS;

		p->wake_ms = now + (nnew ? span * inew / nnew : 0);
		inew++;
	}

	pthread_mutex_lock(&e->m);
	e->cfg = c;
	e->rt = b.rt;
	e->probes = b.probes;
	e->nprobes = b.n;
	free(e->heap);
	e->heap = heap;
	free(e->dirty);
	e->dirty = dirty;
	e->any_dirty = 0;     /* everything is synced below */
	heap_build(e);
	e->st.nprobes = (uint32_t)b.n;
	e->st.nup = 0;
	for (size_t i = 0; i < b.n; i++)
		e->st.nup += b.probes[i]->h.up;
	pthread_mutex_unlock(&e->m);

	open_logfile(e);
	poll_maintenance(e);  /* before the first sync: such a server never shows up */
	e->any_dirty = 0;     /* ... and the sync below covers every service */
	if (e->dirty)
		memset(e->dirty, 0, c->nsvcs + 1);
	/* the table: drop services that left the configuration, then sync */
	e->host.lock(e->host.arg);
	struct lvs_table *t = e->host.table(e->host.arg);

	for (size_t i = 0; old && i < old->nsvcs; i++)
		if (cfg_find_service(c, &old->svcs[i].s) < 0)
			cfg_remove_service(t, &old->svcs[i], apply_log, e);
	for (size_t i = 0; i < c->nsvcs; i++)
		sync_service(e, i, t);
	e->host.unlock(e->host.arg);
	if (e->host.changed)
		e->host.changed(e->host.arg);
	elog(e, LOG_NOTICE, "configuration %s active: %zu virtual services, %zu checks", c->path, c->nsvcs, b.n);

	for (size_t i = 0; i < old_n; i++)
		if (!old_probes[i]->keep)
			probe_free(e, old_probes[i]);
	free(old_probes);
	rt_free(old_rt, old);
	cfg_free(old);
}

static void stat_file(const char *path, struct timespec *mt, off_t *size)
{
	struct stat st;

	if (!strncmp(path, "ldirectord:", 11) || !strncmp(path, "keepalived:", 11))
		path += 11;
	memset(mt, 0, sizeof(*mt));
	*size = -1;
	if (stat(path, &st) == 0) {
		*mt = st.st_mtim;
		*size = st.st_size;
	}
}

static int load_file(struct chk_engine *e, struct cfg **out, char *err, size_t errlen)
{
	struct strbuf eb = STRBUF_INIT, wb = STRBUF_INIT;
	int ret = cfg_parse_file(e->path, CFG_FMT_AUTO, out, &eb, &wb);

	if (wb.buf) {
		char *save = NULL;

		for (char *l = strtok_r(wb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			elog(e, LOG_WARNING, "%s", l);
	}
	if (ret && err)
		snprintf(err, errlen, "%s", eb.buf ? eb.buf : "parse error");
	if (ret)
		elog(e, LOG_ERR, "%s; keeping the running configuration", eb.buf ? eb.buf : "parse error");
	sb_free(&eb);
	sb_free(&wb);
	return ret;
}

/* ldirectord's maintenancedir: a file named "RIP:port" or "RIP" there
 * takes that real server down (and out of the table, or to weight 0 when
 * quiescent) until it is removed; looked at once a second */
static int in_maintenance(const char *dir, const struct cfg_real *r)
{
	char hp[64], ip[INET6_ADDRSTRLEN], path[PATH_MAX];
	struct stat st;

	cfg_hostport_str(r->d.af, &r->d.addr, r->d.port, hp, sizeof(hp));
	inet_ntop(r->d.af, &r->d.addr, ip, sizeof(ip));
	if (snprintf(path, sizeof(path), "%s/%s", dir, hp) < (int)sizeof(path) && stat(path, &st) == 0)
		return 1;
	return snprintf(path, sizeof(path), "%s/%s", dir, ip) < (int)sizeof(path) && stat(path, &st) == 0;
}

static void poll_maintenance(struct chk_engine *e)
{
	const char *dir = e->cfg ? e->cfg->maintenancedir : NULL;

	if (!dir)
		return;
	for (size_t si = 0; si < e->cfg->nsvcs; si++) {
		const struct cfg_service *cs = &e->cfg->svcs[si];

		for (size_t ri = 0; ri < cs->nreals; ri++) {
			uint8_t m = (uint8_t)in_maintenance(dir, &cs->reals[ri]);
			char hp[64];

			if (m == e->rt[si].maint[ri])
				continue;
			e->rt[si].maint[ri] = m;
			cfg_hostport_str(cs->reals[ri].d.af, &cs->reals[ri].d.addr, cs->reals[ri].d.port, hp, sizeof(hp));
			elog(e, LOG_NOTICE, "Real server %s of %s: %s maintenance (%s)", hp, cs->name,
			     m ? "entering" : "leaving", dir);
			if (e->dirty)
				e->dirty[si] = 1;
			e->any_dirty = 1;
		}
	}
}

static void poll_autoreload(struct chk_engine *e, uint64_t now)
{
	struct timespec mt;
	off_t size;
	struct cfg *c = NULL;

	if (now < e->next_poll_ms)
		return;
	e->next_poll_ms = now + 1000;
	poll_maintenance(e);
	if (!e->path || !e->cfg || !e->cfg->autoreload)
		return;
	stat_file(e->path, &mt, &size);
	pthread_mutex_lock(&e->m);
	if (mt.tv_sec == e->mtime.tv_sec && mt.tv_nsec == e->mtime.tv_nsec && size == e->msize) {
		pthread_mutex_unlock(&e->m);
		return;
	}
	e->mtime = mt;
	e->msize = size;
	pthread_mutex_unlock(&e->m);
	elog(e, LOG_NOTICE, "%s changed on disk: reloading", e->path);
	pthread_mutex_lock(&e->m);
	e->st.reloads++;
	pthread_mutex_unlock(&e->m);
	if (load_file(e, &c, NULL, 0)) {
		pthread_mutex_lock(&e->m);
		e->st.reload_errors++;
		pthread_mutex_unlock(&e->m);
		return;
	}
	apply_config(e, c);
}

/* ---------------------------------------------------------------- thread */

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
		apply_config(e, c);
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
	 * tasks when allowed.  It needs little CPU (~7% for 1,000 checks/s). */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), -10))
		elog(e, LOG_DEBUG, "checker thread keeps normal priority: %s", strerror(errno));
	while (!e->stop) {
		uint64_t now = lvs_now_ms();
		int64_t timeout = 1000, h;

		if (e->nheap)
			timeout = e->heap[0]->wake_ms > now ? (int64_t)(e->heap[0]->wake_ms - now) : 0;
		h = chk_http_next_ms(e, now);
		if (h >= 0 && h < timeout)
			timeout = h;
		if (timeout > 1000)
			timeout = 1000;
		int n = epoll_wait(e->epfd, evs, 256, (int)timeout);

		for (int i = 0; i < n && !e->stop; i++) {
			struct chk_watch *w = evs[i].data.ptr;

			w->cb(e, w, evs[i].events);
		}
		now = lvs_now_ms();
		chk_http_timer(e, now);
		run_due(e);
		poll_autoreload(e, now);   /* also maintenancedir, which may dirty services */
		flush_dirty(e);
		if (e->nreap)
			reap_killed(e);
	}
	return NULL;
}

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
	if (e->epfd < 0 || e->evfd < 0 || chk_watch_fd(e, e->evfd, EPOLLIN, &e->evw) || chk_http_init(e)) {
		chk_engine_free(e);
		return NULL;
	}
	return e;
}

int chk_engine_start(struct chk_engine *e, const char *path, struct cfg *initial)
{
	if (path) {
		e->path = strdup(path);
		stat_file(path, &e->mtime, &e->msize);
	}
	e->next_poll_ms = lvs_now_ms() + 1000;
	if (initial)
		apply_config(e, initial);   /* before the thread: the table is ready when start returns */
	if (pthread_create(&e->thread, NULL, engine_main, e))
		return -errno;
	e->started = 1;
	return 0;
}

int chk_engine_set_config(struct chk_engine *e, struct cfg *c)
{
	uint64_t one = 1;
	struct cfg *old;
	ssize_t r;

	pthread_mutex_lock(&e->m);
	old = e->pending;
	e->pending = c;
	pthread_mutex_unlock(&e->m);
	cfg_free(old);
	if (!e->started) {
		on_event(e, &e->evw, 0);
		return 0;
	}
	r = write(e->evfd, &one, sizeof(one));
	return r == (ssize_t)sizeof(one) ? 0 : -EIO;
}

int chk_engine_reload(struct chk_engine *e, char *err, size_t errlen)
{
	struct cfg *c = NULL;

	if (!e->path) {
		snprintf(err, errlen, "no configuration file (lvsd -c FILE)");
		return -ENOENT;
	}
	struct timespec mt;
	off_t size;

	/* the mtime is remembered so that autoreload does not reload it again */
	stat_file(e->path, &mt, &size);
	pthread_mutex_lock(&e->m);
	e->st.reloads++;
	e->mtime = mt;
	e->msize = size;
	pthread_mutex_unlock(&e->m);
	if (load_file(e, &c, err, errlen)) {
		pthread_mutex_lock(&e->m);
		e->st.reload_errors++;
		pthread_mutex_unlock(&e->m);
		return -EINVAL;
	}
	return chk_engine_set_config(e, c);
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
		probe_free(e, e->probes[i]);
	free(e->probes);
	free(e->heap);
	free(e->dirty);
	rt_free(e->rt, e->cfg);
	cfg_free(e->cfg);
	cfg_free(e->pending);
	chk_http_fini(e);
	for (size_t i = 0; i < e->nreap; i++) {
		siginfo_t si;

		waitid(P_PID, (id_t)e->reap[i], &si, WEXITED | __WALL);
		if (e->reap_fd[i] >= 0)
			close(e->reap_fd[i]);
	}
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

static const char *ago(uint64_t now, uint64_t t, char *buf, size_t len)
{
	if (!t)
		return "-";
	snprintf(buf, len, "%.1fs", (double)(now - t) / 1000.0);
	return buf;
}

void chk_engine_status(struct chk_engine *e, struct strbuf *out)
{
	uint64_t now = lvs_now_ms();
	char a[32], b[32], hp[64];

	pthread_mutex_lock(&e->m);
	if (!e->cfg) {
		sb_puts(out, "No health-check configuration (start lvsd with -c FILE).\n");
		pthread_mutex_unlock(&e->m);
		return;
	}
	sb_printf(out, "Configuration %s (%s), autoreload %s\n", e->cfg->path,
		  e->cfg->format == CFG_FMT_KEEPALIVED ? "keepalived" : "ldirectord",
		  e->cfg->autoreload ? "yes" : "no");
	sb_printf(out, "Checks: %zu, up %u, probes run %llu, late %llu (max %llu ms), transitions %llu, "
		  "reloads %llu (failed %llu)\n", e->nprobes, e->st.nup,
		  (unsigned long long)e->st.probes_run, (unsigned long long)e->st.probes_late,
		  (unsigned long long)e->st.max_late_ms, (unsigned long long)e->st.transitions,
		  (unsigned long long)e->st.reloads, (unsigned long long)e->st.reload_errors);
	sb_printf(out, "%-44s %-5s %-7s %-7s %-9s %-9s %s\n", "CHECK", "STATE", "FAILS", "RUNS", "CHANGED", "RESULT", "LAST");
	for (size_t i = 0; i < e->nprobes; i++) {
		struct chk_probe *p = e->probes[i];
		char f[24];

		snprintf(f, sizeof(f), "%u/%u", p->h.fails < p->k.fall ? p->h.fails : p->k.fall, p->k.fall);
		sb_printf(out, "%-44s %-5s %-7s %-7llu %-9s %-9s %s%s\n", p->label, p->h.up ? "up" : "down", f,
			  (unsigned long long)p->runs,
			  ago(now, p->last_change_ms, a, sizeof(a)), ago(now, p->last_result_ms, b, sizeof(b)),
			  p->last_msg, p->running ? " (running)" : "");
	}
	for (size_t i = 0; i < e->cfg->nsvcs; i++) {
		const struct cfg_service *cs = &e->cfg->svcs[i];

		sb_printf(out, "Service %s: %s", cs->name,
			  e->rt[i].sorry_on == 1 ? "no quorum" : "quorum");
		if (cs->has_sorry)
			sb_printf(out, ", fallback %s %s",
				  cfg_hostport_str(cs->s.af, &cs->sorry.addr, cs->sorry.port, hp, sizeof(hp)),
				  e->rt[i].sorry_on == 1 ? "active" : "inactive");
		sb_puts(out, "\n");
		for (size_t r = 0; r < cs->nreals; r++)
			sb_printf(out, "  -> %-28s %-5s weight %d%s\n",
				  cfg_hostport_str(cs->s.af, &cs->reals[r].d.addr, cs->reals[r].d.port, hp, sizeof(hp)),
				  real_up(e, i, r) ? "up" : "down", cs->reals[r].d.weight,
				  cs->reals[r].quiesce ? " (quiescent when down)" : "");
	}
	pthread_mutex_unlock(&e->m);
}
