/* daemon.h - lvsd's internals shared by the files of src/daemon (modules
 * use lvsd.h only).
 *
 * Threads: everything here runs on the main loop thread except lvs_log,
 * lvsd_lock/unlock and lvsd_table_changed, which datapath workers may call.
 */
#ifndef LVSD_DAEMON_H
#define LVSD_DAEMON_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include "host/host.h"
#include "ctl/proto.h"

#define LVSD_VERSION "1.0.0"
#define LVSD_MAX_CLIENTS 256
#define LVSD_CLIENT_STALL_MS 30000   /* a half-sent frame older than this is dropped */
#define LVSD_RX_BUDGET (256u << 10)  /* bytes read per client per wakeup */
#define LVSD_TX_HIGH (8u << 20)      /* stop handling a client's requests above this backlog */

struct lvsd_watch {
	struct lvsd_watch *next;
	int fd;
	int deleted;
	lvsd_fd_fn fn;
	void *arg;
};

struct lvsd_timer {
	uint64_t period_ms, due_ms;
	lvsd_timer_fn fn;
	void *arg;
};

struct lvsd_named {
	char *name;
	void *fn; /* lvsd_text_fn or lvsd_cmd_fn */
	void *arg;
};

struct lvsd_listener {
	lvsd_change_fn fn;
	void *arg;
};

struct lvsd_client;

struct lvsd {
	struct lvs_table *table;
	pthread_mutex_t lock;
	struct lvsd_opts opts;
	const char *pidfile;
	int epfd, sigfd, wakefd, listen_fd;
	ino_t sock_ino;                 /* to remove only our own socket file */
	int lock_fd;                    /* flock on lock_path, held while we run */
	char lock_path[PATH_MAX];
	char sock_tmp[108];             /* where the socket listens until published */
	int sock_published;             /* renamed to opts.socket_path: we are ready */
	int ready;                      /* lvsd_ready() done */
	int ready_fd;                   /* daemon mode: pipe to the waiting parent */
	int pid_written;
	int daemonized;
	char start_err[512];            /* lvsd_start_failed(): why a start hook failed */
	uint64_t start_ms;
	int running;
	int changed;                    /* atomic: lvsd_table_changed() pending */
	pid_t restore_pid;

	struct lvsd_watch *watches;
	struct lvsd_timer *timers;
	size_t ntimers;
	struct lvsd_named *texts, *cmds;
	size_t ntexts, ncmds;
	struct lvsd_listener *listeners;
	size_t nlisteners;
	struct lvsd_client *clients;
	size_t nclients;
	int nmodules_started;
	uint64_t requests, bad_frames, refused;
};

/* log.c */
void lvsd_log_init(const struct lvsd_opts *o);
void lvsd_log_close(void);

/* loop.c */
int lvsd_loop_init(struct lvsd *d);
void lvsd_loop_run(struct lvsd *d);
void lvsd_loop_fini(struct lvsd *d);
int lvsd_mod_fd(struct lvsd *d, int fd, uint32_t epoll_events);

/* server.c: the control socket (published only once lvsd is ready) */
int lvsd_server_bind(struct lvsd *d, struct strbuf *err);    /* before daemonizing: lock, bind privately */
int lvsd_server_start(struct lvsd *d);         /* registers with the loop */
const char *lvsd_server_private_path(struct lvsd *d);        /* where it listens before publishing */
int lvsd_server_publish(struct lvsd *d, struct strbuf *err); /* put it at opts.socket_path */
void lvsd_server_stop(struct lvsd *d);         /* closes clients, removes socket and lock */

/* main.c: modules started (and --restore done): pid file, socket, "ready"
 * to a waiting parent; on failure lvsd must exit */
int lvsd_ready(struct lvsd *d);

/* ops.c: one request frame -> one reply frame appended to out */
void lvsd_handle_request(struct lvsd *d, const struct lvsp_hdr *h, const uint8_t *payload,
			 uid_t uid, struct lvsp_buf *out);
void lvsd_put_reply_hdr(struct lvsp_buf *out, const struct lvsp_hdr *req, int32_t result,
			const void *data, size_t len);

/* views.c */
int lvsd_views_init(struct lvsd *d);

/* netinfo.c: kernel facts for the table (interface MTU, local and
 * broadcast addresses) and the sync master's socket probe */
void lvsd_netinfo_install(struct lvs_table *t);
/* 1 before applying a control request, 0 after: inside, the local
 * address list is read once (see netinfo.c) */
void lvsd_netinfo_request(int active);
int lvsd_sync_send_probe(const struct lvs_daemon_conf *c);
void lvsd_views_fini(struct lvsd *d);
int lvsd_text(struct lvsd *d, const char *name, struct strbuf *out);
int lvsd_cmd(struct lvsd *d, const char *line, struct strbuf *out);
int lvsd_reload(struct lvsd *d, struct strbuf *out);

#endif
