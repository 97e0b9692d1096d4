/* daemon.h - lvsd's internals shared by the files of src/daemon (modules
 * see only host/host.h).
 *
 * Threads: everything here runs on the main loop thread except lvs_log,
 * lvsd_lock/unlock and lvsd_table_changed, which module threads may call.
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
#define LVSD_CLIENT_IDLE_MS 10000    /* no complete request (nor reply progress) this long: dropped */
#define LVSD_MAX_CLIENTS_PER_UID 16  /* a non-root uid's share (it only ever gets -EPERM) */
#define LVSD_RX_BUDGET (256u << 10)  /* bytes read per client per wakeup */
#define LVSD_TX_HIGH (8u << 20)      /* stop handling a client's requests above this backlog */

struct lvsd_watch {
	struct lvsd_watch *next;
	int fd;
	int deleted;
	lvs_host_fd_fn fn;
	void *arg;
};

struct lvsd_timer {
	uint64_t period_ms, due_ms;
	lvs_host_timer_fn fn;
	void *arg;
};

struct lvsd_named {
	char *name;
	void *fn; /* lvs_host_text_fn or lvs_host_cmd_fn */
	void *arg;
};

/* what modules register with the daemon: change listeners, metrics
 * sources, real-server listers.  fn is stored as a generic function
 * pointer and cast back to its own type (LVSD_HOOK_FN) at the call. */
struct lvsd_hook {
	void (*fn)(void);
	void *arg;
};

struct lvsd_hooks {
	struct lvsd_hook *v;
	size_t n;
};

/* host.c: append one; 0, -EINVAL (no fn) or -ENOMEM */
int lvsd_hook_add(struct lvsd_hooks *h, void (*fn)(void), void *arg);
void lvsd_hooks_free(struct lvsd_hooks *h);
#define LVSD_HOOK_FN(type, hook) ((type)(hook).fn)

struct lvsd_client;

struct lvsd {
	struct lvs_table *table;
	struct lvs_core *core;          /* core.c: from before the modules start to after they stop */
	pthread_mutex_t lock;
	struct lvs_host_opts opts;
	struct lvs_host host;           /* host.c: what modules get */
	const char **settings;          /* "NAME=VALUE" from $LVSD_SETTINGS, then --set */
	size_t nsettings;
	char *settings_env;             /* the copy of $LVSD_SETTINGS they point into */
	const char *pidfile;
	int epfd, sigfd, wakefd, listen_fd;
	ino_t sock_ino;                 /* to remove only our own socket file */
	int lock_fd;                    /* flock on lock_path, held while we run */
	char lock_path[PATH_MAX];
	char sock_tmp[108];             /* where the socket listens until published */
	int sock_published;             /* renamed to opts.socket_path: we are ready */
	int sock_group_set;             /* --socket-group: the socket is 0660 for sock_gid, */
	gid_t sock_gid;                 /* whose non-root members may only read */
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
	struct lvsd_hooks listeners;     /* lvs_host_change_fn */
	struct lvsd_hooks rs_listers;    /* lvs_host_rs_info_fn */
	struct lvsd_client *clients;
	size_t nclients;
	void **mod_state;               /* one per entry of lvsd_modules */
	int nmodules_started;
	uint64_t requests, bad_frames, refused;
	int syslog_facility;            /* --syslog-facility (LOG_DAEMON) */
	int notify;                     /* a service manager reads sd_notify messages */
	struct lvsd_hooks msrcs;         /* lvs_host_metrics_fn: the modules' families */
	uint64_t start_wall_ms;         /* metrics.c: start time, ms since the epoch */
	uint64_t reloads, reload_failures;      /* lvsd_reload() */
	uint64_t last_reload_wall_ms;   /* 0: none yet */
	int last_reload_ok;
};

/* modules.c: NULL-terminated list, started in order, stopped in reverse */
extern const struct lvs_module *const lvsd_modules[];

/* options.c: argv (and the LVSD_* environment) into d->opts and
 * d->settings, and what is not the daemon's: -S as given (NULL: the
 * default), the client mode's --show VIEW / --cmd LINE.  -1 to go on, else
 * the exit status (0 after --help / --version, 2 on a usage error). */
struct lvsd_args {
	const char *socket, *show, *cmd;
	int wait;                /* --wait given: repeat the command's "wait" */
	long wait_secs;          /* its limit; 0 = none */
	int config_test;                /* -t: check -c FILE and exit */
	int json;                       /* --json: --show VIEW asks for "VIEW.json" */
};
int lvsd_options(struct lvsd *d, int argc, char **argv, struct lvsd_args *a);

/* host.c: d->host, the interface handed to modules */
void lvsd_host_init(struct lvsd *d);

/* core.c: the connection core, its timer and its views */
int lvsd_core_start(struct lvsd *d);
void lvsd_core_stop(struct lvsd *d);

/* settings.c: the net.ipv4.vs.* settings.  check: whether "NAME=VALUE"
 * names a setting and a value in its range (options, before any core);
 * start: registers the view, command and listener and applies
 * d->settings (needs the core) */
int lvsd_setting_check(const char *pair, struct strbuf *err);
int lvsd_settings_start(struct lvsd *d);
int lvsd_setting_get(struct lvsd *d, const char *name, long *value);
int lvsd_setting_set(struct lvsd *d, const char *name, long value, struct strbuf *err);

/* log.c; facility: syslog's for lvsd's own lines (LOG_DAEMON by default) */
void lvsd_log_init(const struct lvs_host_opts *o, int facility);
void lvsd_log_close(void);

/* loop.c: the main loop, and the services host.c hands to modules */
void lvsd_lock(struct lvsd *d);
void lvsd_unlock(struct lvsd *d);
void lvsd_table_changed(struct lvsd *d);
int lvsd_add_fd(struct lvsd *d, int fd, uint32_t epoll_events, lvs_host_fd_fn fn, void *arg);
void lvsd_del_fd(struct lvsd *d, int fd);
int lvsd_add_timer(struct lvsd *d, uint64_t period_ms, lvs_host_timer_fn fn, void *arg);
int lvsd_on_table_change(struct lvsd *d, lvs_host_change_fn fn, void *arg);
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

/* conftest.c: lvsd -t: check a configuration file (NULL: none given);
 * the exit status (0 valid, 1 invalid, 3 unreadable) */
int lvsd_config_test(const char *path);

/* main.c: modules started (and --restore done): pid file, socket, "ready"
 * to a waiting parent; on failure lvsd must exit */
int lvsd_ready(struct lvsd *d);
/* why the start failed, in one line (no newline), e.g. "config
 * /etc/x.cf:3: unknown keyword 'foo'"; lvsd then exits with "cannot
 * start: WHY; exiting".  The first call wins. */
void lvsd_start_failed(struct lvsd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ops.c: one request frame -> one reply frame appended to out */
void lvsd_handle_request(struct lvsd *d, const struct lvsp_hdr *h, const uint8_t *payload,
			 uid_t uid, struct lvsp_buf *out);
void lvsd_put_reply_hdr(struct lvsp_buf *out, const struct lvsp_hdr *req, int32_t result,
			const void *data, size_t len);

/* views.c: the registry of views and commands, and lvsd's own */
int lvsd_register_text(struct lvsd *d, const char *name, lvs_host_text_fn fn, void *arg);
int lvsd_register_command(struct lvsd *d, const char *verb, lvs_host_cmd_fn fn, void *arg);
/* the daemon's own commands, a table each (arg: the daemon) */
struct lvsd_cmd_def {
	const char *verb;
	lvs_host_cmd_fn fn;
};
int lvsd_register_commands(struct lvsd *d, const struct lvsd_cmd_def *defs, size_t n);
int lvsd_views_init(struct lvsd *d);
void lvsd_views_fini(struct lvsd *d);

/* admin.c: the drain / maint / ready / wait commands (registered by
 * lvsd_views_init) and their lines in the status view */
int lvsd_admin_init(struct lvsd *d);
void lvsd_admin_status(struct lvsd *d, struct strbuf *out);
/* client side: the arguments of a "drain|maint|wait ARGS" command (NULL
 * for other verbs; *is_wait: the verb is wait), and --wait's loop, which
 * returns the exit status */
const char *lvsd_wait_args(const char *cmd, int *is_wait);
int lvsd_client_wait(const char *sock, const char *cmd, long secs);
int lvsd_text(struct lvsd *d, const char *name, struct strbuf *out);
int lvsd_cmd(struct lvsd *d, const char *line, struct strbuf *out);
/* real-server facts from the modules (host.h: lvs_host_rs_info) */
int lvsd_register_rs_info(struct lvsd *d, lvs_host_rs_info_fn fn, void *arg);
void lvsd_rs_info(struct lvsd *d, lvs_host_rs_emit_fn emit, void *emit_arg);
/* every started module's reload hook; a line per module in out */
int lvsd_reload(struct lvsd *d, struct strbuf *out);

/* notify.c: systemd's sd_notify protocol (see the file).  open: reads
 * and unsets $NOTIFY_SOCKET and $WATCHDOG_*: 1 if a manager listens, 0 if
 * none, -errno; ready: STATUS= and READY=1, then the watchdog timer and a
 * STATUS= line on each change of the service/real server counts.  Every
 * call is a no-op without a manager. */
int lvsd_notify_open(void);
void lvsd_notify_close(void);
void lvsd_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int lvsd_notify_ready(struct lvsd *d);
void lvsd_notify_status(struct lvsd *d, int force);
void lvsd_notify_reloading(struct lvsd *d);
/* failed: NULL, or why the reload was refused */
void lvsd_notify_reloaded(struct lvsd *d, const char *failed);
/* metrics.c: the "metrics" view (Prometheus text format 0.0.4): lvsd's
 * own families, the table's (core/metrics.h), then the modules' */
int lvsd_metrics_init(struct lvsd *d);
void lvsd_metrics_fini(struct lvsd *d);
int lvsd_register_metrics(struct lvsd *d, lvs_host_metrics_fn fn, void *arg);
/* the wall clock (CLOCK_REALTIME) in ms since the epoch, for timestamps
 * people read; intervals use lvs_now_ms() */
uint64_t lvsd_wall_ms(void);

/* netinfo.c: kernel facts for the table (interface MTU, local and
 * broadcast addresses) and the sync master's socket probe */
void lvsd_netinfo_install(struct lvs_table *t);
/* 1 before applying a control request, 0 after: inside, the local
 * address list is read once (see netinfo.c) */
void lvsd_netinfo_request(int active);
int lvsd_sync_send_probe(const struct lvs_daemon_conf *c);

#endif
