/* check-int.h - engine internals shared by the probe kinds (engine.c,
 * probe_*.c).  Everything here runs on the engine thread only. */
#ifndef LVS_CHECK_INT_H
#define LVS_CHECK_INT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include "check.h"
#include "health.h"
#include "lib/clock.h"

struct chk_engine;

/* an fd in the engine's epoll set */
struct chk_watch {
	void (*cb)(struct chk_engine *e, struct chk_watch *w, uint32_t events);
};

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
	int keep;               /* reload bookkeeping */

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
	uint64_t runs, late;
};

/* probe kinds: start returns 0 (in flight) or calls chk_probe_done itself */
void chk_tcp_start(struct chk_engine *e, struct chk_probe *p);
void chk_dialog_start(struct chk_engine *e, struct chk_probe *p);
void chk_udp_start(struct chk_engine *e, struct chk_probe *p);
void chk_dns_start(struct chk_engine *e, struct chk_probe *p);
void chk_icmp_start(struct chk_engine *e, struct chk_probe *p);
void chk_exec_start(struct chk_engine *e, struct chk_probe *p);
void chk_http_start(struct chk_engine *e, struct chk_probe *p);
void chk_http_cancel(struct chk_engine *e, struct chk_probe *p);

/* HTTP support (probe_http.c) */
int chk_http_init(struct chk_engine *e);
void chk_http_fini(struct chk_engine *e);
void chk_http_timer(struct chk_engine *e, uint64_t now);
int64_t chk_http_next_ms(struct chk_engine *e, uint64_t now); /* -1 none */

/* engine services for probes */
int chk_watch_fd(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w);
int chk_watch_mod(struct chk_engine *e, int fd, uint32_t events, struct chk_watch *w);
void chk_unwatch_fd(struct chk_engine *e, int fd);
/* report the result of the running probe; closes p->fd */
void chk_probe_done(struct chk_engine *e, struct chk_probe *p, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void *chk_engine_http_state(struct chk_engine *e);
void chk_engine_set_http_state(struct chk_engine *e, void *st);

/* non-blocking TCP connect to the probe's target; `connected` runs once it
 * succeeded (failures are reported); 0 in flight, -1 failed and reported */
int chk_tcp_connect(struct chk_engine *e, struct chk_probe *p,
		    void (*connected)(struct chk_engine *, struct chk_probe *));

/* sockaddr for a probe target / source */
socklen_t chk_sockaddr(int af, const union lvs_addr *a, uint16_t port, struct sockaddr_storage *ss);

#endif
