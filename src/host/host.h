/* host.h - what the daemon offers its modules (datapath, checker, sync):
 * one neutral interface, so a module depends on this header and never on
 * the daemon's files.
 *
 * The daemon owns the shared state: the table and its lock, the connection
 * core (created before the first module starts, freed after the last one
 * stopped), the net.ipv4.vs.* settings, the options, the main event loop,
 * logging and the control socket.  A module is an instance: start() builds
 * its state and hands it back through *state; the daemon passes that state
 * to every other hook, and the module passes it as the arg of whatever it
 * registers.  Modules are listed in src/daemon/modules.c, started in order
 * and stopped in reverse.
 *
 * Contract:
 *  - The table (lvs_host_table) may be read or changed only between
 *    lvs_host_lock()/lvs_host_unlock().  After changing it a module calls
 *    lvs_host_changed() so that listeners (e.g. the datapath's guard and
 *    XDP maps) can resync.  Control-socket changes call it too.
 *  - lvs_host_changed() may be called from any thread, with or without the
 *    lock held: it only marks the table dirty; the change listeners run
 *    afterwards on the main loop with no lock held.
 *  - The core (lvs_host_core, pkt.h) exists for the whole life of every
 *    module, also when no datapath backend runs (then it only holds
 *    connections imported by sync).  Its lock is the table lock.
 *  - Callbacks registered here run on the main loop thread.  Module threads
 *    (datapath workers, the checker) take the table lock only on slow
 *    paths.  A hook a module sets on the core (the sync hook) is called by
 *    datapath workers: modules stop in reverse start order and the
 *    datapath starts last, so its workers are gone before any other
 *    module frees its state.
 *  - Metrics (lvs_host_register_metrics) are part of the "metrics" view,
 *    in the Prometheus text format; they follow the same rules as views.
 *  - A view whose name ends in ".json" renders JSON (`lvsd --show NAME
 *    --json` asks for "NAME.json"); the HTTP endpoint serves views.
 *  - Text views and commands are reachable from the control socket
 *    (lvsc_get_text / lvsc_command) and from `lvsd --show VIEW` /
 *    `lvsd --cmd "VERB ARGS"`.  They are called WITHOUT the table lock
 *    (take it yourself for as long as you read the table); a command's
 *    args are the text after the verb; a negative return is sent to the
 *    client as the result, with whatever text was written.
 *  - Modules register views, commands, fds, timers and listeners from
 *    their start hook; registrations last until the daemon exits (stop
 *    hooks run after the main loop has ended, so nothing registered is
 *    called once stop has begun; a module still removes its fds before
 *    closing them).  A start hook returning < 0 aborts lvsd's start-up:
 *    it must have undone its own work; the modules started before it are
 *    stopped.  The control socket appears only once every module has
 *    started: no client sees a half-started daemon.
 *  - Every function returning int returns 0 (or a count) or -errno.
 */
#ifndef LVS_HOST_H
#define LVS_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include "core/table.h"
#include "lib/strbuf.h"
#include "lib/clock.h"
#include "lib/log.h"

struct lvs_core;

/* the core's worker slots: a datapath starts no more workers than this */
#define LVS_HOST_MAX_WORKERS 64
#define LVS_HOST_MAX_CONNS_DEFAULT (1u << 20)
/* inbound packets before an established flow goes to the fast path */
#define LVS_HOST_FASTPATH_MIN_PKTS_DEFAULT 8

/* --fastpath: which TCP connections the TC fast path may carry */
enum lvs_fastpath_mode {
	LVS_FASTPATH_ON = 0,            /* from their SYN (setup offload) where the kernel allows it */
	LVS_FASTPATH_ESTABLISHED,       /* once established; handshake and close stay in the workers */
	LVS_FASTPATH_OFF,               /* never: every packet through the workers */
};

/* --xdp-tx: how the AF_XDP backend transmits */
enum lvs_xdp_tx {
	LVS_XDP_TX_XSK = 0,             /* XSK TX rings, AF_PACKET where an interface refuses one */
	LVS_XDP_TX_AFPACKET,            /* AF_PACKET only */
};

/* lvsd's options (lvsd --help); the LVSD_* environment variables named
 * below are read first and a command-line option overrides them */
struct lvs_host_opts {
	const char *socket_path;     /* -S / $LVSD_SOCKET / default */
	int foreground;              /* -f */
	int log_stderr;              /* foreground implies stderr */
	const char *log_file;        /* optional extra log file */
	const char *interfaces;      /* -i eth0,eth1: limit the datapath; NULL = all */
	const char *backend;         /* --backend xdp|afpacket|none|auto */
	int workers;                 /* --workers N (0 = one per RX queue) */
	const char *cpus;            /* --cpus LIST: pin worker i to the i-th CPU; NULL = unpinned */
	size_t max_conns;            /* --max-conns N: the core's connection capacity */
	enum lvs_fastpath_mode fastpath;     /* --fastpath / $LVSD_FASTPATH */
	unsigned fastpath_min_pkts;  /* --fastpath-min-pkts / $LVSD_FASTPATH_MIN_PKTS, >= 1 */
	enum lvs_xdp_tx xdp_tx;      /* --xdp-tx / $LVSD_XDP_TX */
	const char *tun_dev;         /* --tun-dev / $LVSD_TUN_DEV: the TUN clone device; NULL = /dev/net/tun */
	const char *config_file;     /* -c FILE: ldirectord.cf or keepalived.conf */
	const char *restore_file;    /* --restore FILE: ipvsadm -S format at start */
	const char *http;            /* --http ADDR:PORT: the read-only HTTP endpoint; NULL = none */
};

typedef int (*lvs_host_text_fn)(void *arg, struct strbuf *out);
typedef int (*lvs_host_cmd_fn)(void *arg, const char *args, struct strbuf *out);
typedef void (*lvs_host_fd_fn)(void *arg, int fd, uint32_t events);
typedef void (*lvs_host_timer_fn)(void *arg);
typedef void (*lvs_host_change_fn)(void *arg);
/* appends whole Prometheus families (lib/prom.h) to out; 0 or -errno */
typedef int (*lvs_host_metrics_fn)(void *arg, struct strbuf *out);

/* What a module knows about a real server beyond the table (the checker:
 * its health), for the status views.  A module that knows such things
 * registers a lister; lvs_host_rs_info() calls every lister, which calls
 * emit once per real server it knows, also for one that is not in the
 * table (a failed real server the checker removed).  Listers are called on
 * the main loop WITHOUT the table lock and must not take it (a lister
 * holds its own lock while it emits); emit copies what it needs. */
struct lvs_host_rs_info {
	const struct lvs_service_conf *svc;   /* af, protocol, addr, port, fwmark */
	const struct lvs_dest_conf *dest;     /* af, addr, port; the configured weight */
	const char *state;      /* "UP", "DOWN", "MAINT", ... (upper case) */
	const char *msg;        /* the last check's result, "" if none */
	int64_t latency_ms;     /* how long the last check took, -1 unknown */
	int64_t age_ms;         /* since the last check's result, -1 none yet */
};
typedef void (*lvs_host_rs_emit_fn)(void *emit_arg, const struct lvs_host_rs_info *info);
typedef void (*lvs_host_rs_info_fn)(void *arg, lvs_host_rs_emit_fn emit, void *emit_arg);

struct lvs_host_ops {
	struct lvs_table *(*table)(void *ctx);
	struct lvs_core *(*core)(void *ctx);
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	void (*changed)(void *ctx);
	const struct lvs_host_opts *(*options)(void *ctx);
	int (*register_text)(void *ctx, const char *name, lvs_host_text_fn fn, void *arg);
	int (*register_command)(void *ctx, const char *verb, lvs_host_cmd_fn fn, void *arg);
	int (*add_fd)(void *ctx, int fd, uint32_t epoll_events, lvs_host_fd_fn fn, void *arg);
	void (*del_fd)(void *ctx, int fd);
	int (*add_timer)(void *ctx, uint64_t period_ms, lvs_host_timer_fn fn, void *arg);
	int (*on_table_change)(void *ctx, lvs_host_change_fn fn, void *arg);
	/* the net.ipv4.vs.* settings by their sysctl name (`lvsd --show
	 * settings`): -ENOENT for an unknown name, -EINVAL for a value out of
	 * the sysctl's range (with a message in err) */
	int (*setting_get)(void *ctx, const char *name, long *value);
	int (*setting_set)(void *ctx, const char *name, long value, struct strbuf *err);
	/* the "metrics" view: the daemon writes its own families and the
	 * table's, then calls each registered fn (without the table lock),
	 * in registration order; a module's family names start "lvsd_" */
	int (*register_metrics)(void *ctx, lvs_host_metrics_fn fn, void *arg);
	/* render the view registered under name (what `lvsd --show NAME`
	 * prints): -ENOENT if there is none, else the view's result */
	int (*render_text)(void *ctx, const char *name, struct strbuf *out);
	int (*register_rs_info)(void *ctx, lvs_host_rs_info_fn fn, void *arg);
	void (*rs_info)(void *ctx, lvs_host_rs_emit_fn emit, void *emit_arg);
};

struct lvs_host {
	const struct lvs_host_ops *ops;
	void *ctx;
};

static inline struct lvs_table *lvs_host_table(const struct lvs_host *h) { return h->ops->table(h->ctx); }
static inline struct lvs_core *lvs_host_core(const struct lvs_host *h) { return h->ops->core(h->ctx); }
static inline void lvs_host_lock(const struct lvs_host *h) { h->ops->lock(h->ctx); }
static inline void lvs_host_unlock(const struct lvs_host *h) { h->ops->unlock(h->ctx); }
static inline void lvs_host_changed(const struct lvs_host *h) { h->ops->changed(h->ctx); }
static inline const struct lvs_host_opts *lvs_host_opts(const struct lvs_host *h) { return h->ops->options(h->ctx); }

static inline int lvs_host_register_text(const struct lvs_host *h, const char *name, lvs_host_text_fn fn,
					 void *arg)
{
	return h->ops->register_text(h->ctx, name, fn, arg);
}

static inline int lvs_host_register_command(const struct lvs_host *h, const char *verb, lvs_host_cmd_fn fn,
					    void *arg)
{
	return h->ops->register_command(h->ctx, verb, fn, arg);
}

static inline int lvs_host_add_fd(const struct lvs_host *h, int fd, uint32_t epoll_events, lvs_host_fd_fn fn,
				  void *arg)
{
	return h->ops->add_fd(h->ctx, fd, epoll_events, fn, arg);
}

static inline void lvs_host_del_fd(const struct lvs_host *h, int fd) { h->ops->del_fd(h->ctx, fd); }

static inline int lvs_host_add_timer(const struct lvs_host *h, uint64_t period_ms, lvs_host_timer_fn fn,
				     void *arg)
{
	return h->ops->add_timer(h->ctx, period_ms, fn, arg);
}

static inline int lvs_host_on_table_change(const struct lvs_host *h, lvs_host_change_fn fn, void *arg)
{
	return h->ops->on_table_change(h->ctx, fn, arg);
}

static inline int lvs_host_setting_get(const struct lvs_host *h, const char *name, long *value)
{
	return h->ops->setting_get(h->ctx, name, value);
}

static inline int lvs_host_setting_set(const struct lvs_host *h, const char *name, long value, struct strbuf *err)
{
	return h->ops->setting_set(h->ctx, name, value, err);
}

static inline int lvs_host_register_metrics(const struct lvs_host *h, lvs_host_metrics_fn fn, void *arg)
{
	return h->ops->register_metrics(h->ctx, fn, arg);
}

static inline int lvs_host_render_text(const struct lvs_host *h, const char *name, struct strbuf *out)
{
	return h->ops->render_text(h->ctx, name, out);
}

static inline int lvs_host_register_rs_info(const struct lvs_host *h, lvs_host_rs_info_fn fn, void *arg)
{
	return h->ops->register_rs_info(h->ctx, fn, arg);
}

static inline void lvs_host_rs_info(const struct lvs_host *h, lvs_host_rs_emit_fn emit, void *emit_arg)
{
	h->ops->rs_info(h->ctx, emit, emit_arg);
}

/* a module: start() returns 0 or -errno and, on success, its state in
 * *state; a failed start says why in err, in one line without a newline
 * (e.g. "config /etc/x.cf:3: unknown keyword 'foo'"), which lvsd prints as
 * "cannot start: WHY; exiting" (without one: the module's name and the
 * errno).  stop() and reload() get the state back.  reload (SIGHUP,
 * `lvsd --cmd reload`) may be NULL; a failed reload says why in err. */
struct lvs_module {
	const char *name;
	int (*start)(struct lvs_host *h, void **state, struct strbuf *err);
	void (*stop)(void *state);
	int (*reload)(void *state, struct strbuf *err);
};

#endif
