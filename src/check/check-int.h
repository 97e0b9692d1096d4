/* check-int.h - the checker's internals, shared by its parts:
 *   engine.c    the thread, its epoll loop, probe scheduling and results
 *   reconfig.c  building the probe set of a configuration and swapping it in
 *   servers.c   real server state, the table sync, notify/quorum scripts
 *   status.c    the "checks" text view and the real servers' facts (host.h)
 *   probe_*.c   the probe kinds
 * Everything here runs on the engine thread unless it says otherwise;
 * e->m guards what the status view reads from other threads.
 *
 * Error convention: 0 or -errno.  A probe's failure is not an error of the
 * function that met it: it is reported with chk_probe_done(), which ends
 * the run, and the function returns -errno so its caller stops too.
 */
#ifndef LVS_CHECK_INT_H
#define LVS_CHECK_INT_H

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "check.h"
#include "health.h"
#include "lib/clock.h"
#include "lib/list.h"

struct chk_engine;
struct chk_http;

/* an fd in the engine's epoll set */
struct chk_watch {
	void (*cb)(struct chk_engine *e, struct chk_watch *w, uint32_t events);
};

typedef void (*chk_watch_fn)(struct chk_engine *e, struct chk_watch *w, uint32_t events);

struct chk_sub {            /* a (service, real) that uses this probe */
	uint32_t svc, real;
};

struct chk_probe {
	struct cfg_check k;     /* own copy */
	char *key;              /* identity for sharing and reload */
	uint64_t key_hash;
	char *label;            /* "http 10.0.0.1:80/index.html" */
	char *command;          /* external: final command line */
	struct chk_health h;
	struct chk_sub *subs;
	size_t nsubs;
	int keep;               /* reload: 0 old and dropped, 1 old and kept, 2 new */

	/* scheduling */
	uint64_t wake_ms;       /* next start, or the deadline while running */
	uint64_t due_ms;        /* when the running probe was due */
	size_t heap_idx;
	int running;

	/* I/O of the running probe */
	struct chk_watch w;
	int fd;
	pid_t pid;
	uint16_t ping_seq, ping_id;
	void *curl;             /* CURL easy handle */
	void *curl_list;        /* its CONNECT_TO list */
	char *body;             /* HTTP body / dialogue input not yet consumed */
	size_t body_len;
	size_t dialog_pos;      /* dialogue: offset of the current step */
	void (*connected)(struct chk_engine *, struct chk_probe *); /* chk_tcp_connect */

	/* status */
	char last_msg[160];
	uint64_t last_change_ms, last_result_ms;
	uint64_t started_ms, last_latency_ms;   /* the running / last finished run */
	uint64_t runs, late;
};

#define chk_probe_of(watch) lvs_container_of(watch, struct chk_probe, w)

struct chk_svc_rt {
	int sorry_on;              /* -1 not decided yet, 0 quorum held, 1 fallback active */
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
	struct chk_svc_rt *rt;     /* [service of cfg] */
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
	struct chk_http *http;
	struct chk_stats st;
	pid_t *reap;               /* killed external checks and notify scripts to reap */
	int *reap_fd;
	size_t nreap;
};

/* ---- engine.c: logging, the loop's services, probe results */
void chk_log(struct chk_engine *e, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* a cfg_log_fn for config/apply.h: arg is the engine */
void chk_cfg_log(void *arg, int prio, const char *msg);
/* (re)open the configuration's logfile, or close it when there is none */
void chk_open_logfile(struct chk_engine *e);
/* watch fd (also one already watched: its events are replaced); 0 or -errno */
int chk_watch_fd(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w);
int chk_watch_mod(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w);
void chk_unwatch_fd(struct chk_engine *e, int fd);
/* hand a child (and an fd to close with it, or -1) to the loop's reaper;
 * -ENOMEM leaves both with the caller */
int chk_reap_later(struct chk_engine *e, pid_t pid, int fd);
/* order the schedule heap after the probe set changed (under e->m) */
void chk_heap_build(struct chk_engine *e);
/* stop whatever the probe is doing (timeout, reload, shutdown) */
void chk_probe_abort(struct chk_engine *e, struct chk_probe *p);
/* report the result of the running probe; closes p->fd */
void chk_probe_done(struct chk_engine *e, struct chk_probe *p, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* watch p->fd for `events` with cb; a failure is reported.  0 or -errno */
int chk_probe_watch(struct chk_engine *e, struct chk_probe *p, uint32_t events, chk_watch_fn cb);
/* compile an extended regex (no subexpressions); a bad one is reported.
 * 0 or -EINVAL */
int chk_probe_regcomp(struct chk_engine *e, struct chk_probe *p, regex_t *re, const char *pattern);

/* ---- reconfig.c: configuration swaps (engine thread, or before it runs) */
/* install c (owned from here on) and make the table follow */
void chk_apply_config(struct chk_engine *e, struct cfg *c);
void chk_probe_free(struct chk_engine *e, struct chk_probe *p);
void chk_rt_free(struct chk_svc_rt *rt, const struct cfg *c);
/* the file's mtime and size; zero and -1 when it cannot be read */
void chk_stat_file(const char *path, struct timespec *mt, off_t *size);
/* once a second: the maintenance directory, and autoreload */
void chk_poll_files(struct chk_engine *e, uint64_t now);

/* ---- servers.c: real servers and the table */
/* is real ri of service si up (every check up, not in maintenance)? */
int chk_real_up(const struct chk_engine *e, size_t si, size_t ri);
/* service si (its table entry) is to be synced at the end of this round */
void chk_mark_dirty(struct chk_engine *e, size_t si);
/* sync the services marked dirty */
void chk_flush_dirty(struct chk_engine *e);
/* a new configuration is in e->cfg: remove the services of old (may be
 * NULL) that left it, sync every other one */
void chk_sync_all(struct chk_engine *e, const struct cfg *old);
/* look at the maintenance directory; a change marks the service dirty */
void chk_poll_maintenance(struct chk_engine *e);

/* ---- the probe kinds: start a run; a failure is reported by the kind */
void chk_tcp_start(struct chk_engine *e, struct chk_probe *p);
void chk_dialog_start(struct chk_engine *e, struct chk_probe *p);
void chk_udp_start(struct chk_engine *e, struct chk_probe *p);
void chk_dns_start(struct chk_engine *e, struct chk_probe *p);
void chk_icmp_start(struct chk_engine *e, struct chk_probe *p);
void chk_exec_start(struct chk_engine *e, struct chk_probe *p);
void chk_http_start(struct chk_engine *e, struct chk_probe *p);
void chk_http_cancel(struct chk_engine *e, struct chk_probe *p);

/* non-blocking TCP connect to the probe's target; `connected` runs once it
 * succeeded.  0 in flight, or -errno (reported) */
int chk_tcp_connect(struct chk_engine *e, struct chk_probe *p,
		    void (*connected)(struct chk_engine *, struct chk_probe *));

/* HTTP support (probe_http.c): libcurl's multi handle in e->http */
int chk_http_init(struct chk_engine *e);
void chk_http_fini(struct chk_engine *e);
void chk_http_timer(struct chk_engine *e, uint64_t now);
int64_t chk_http_next_ms(struct chk_engine *e, uint64_t now); /* -1 none */

#endif
