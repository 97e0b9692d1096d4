/* host.h - what the daemon offers its modules (datapath, checker, config,
 * sync).  The daemon owns the table, the table lock, the main event loop,
 * logging and the control socket; modules plug in through this API and are
 * listed in src/daemon/modules.c.
 *
 * Contract:
 *  - The table (lvsd_table) may be read or changed only between
 *    lvsd_lock()/lvsd_unlock().  After changing it a module calls
 *    lvsd_table_changed() so that listeners (e.g. the datapath's guard and
 *    XDP maps) can resync.  Control-socket changes call it too.
 *  - Callbacks registered here run on the main loop thread.  Datapath
 *    workers are the module's own threads; they take lvsd_lock() only on
 *    slow paths (scheduling a new connection).
 *  - Text views and commands are reachable from the control socket
 *    (lvsc_get_text / lvsc_command) and from `lvsd --show VIEW` /
 *    `lvsd --cmd "VERB ARGS"`.  They are called WITHOUT the table lock
 *    (take it yourself for as long as you read the table); a command's
 *    args are the text after the verb; a negative return is sent to the
 *    client as the result, with whatever text was written.
 *  - lvsd_table_changed() may be called from any thread, with or without
 *    the lock held: it only marks the table dirty; the change listeners
 *    run afterwards on the main loop with no lock held.
 *  - Modules register views, commands, fds, timers and listeners from
 *    their start hook; a start hook returning < 0 aborts lvsd's start-up.
 */
#ifndef LVSD_H
#define LVSD_H

#include <stdint.h>
#include <syslog.h>
#include "core/table.h"
#include "lib/strbuf.h"
#include "lib/clock.h"
#include "lib/log.h"

struct lvsd;

struct lvsd_opts {
	const char *socket_path;     /* -S / $LVSD_SOCKET / default */
	int foreground;              /* -f */
	int log_stderr;              /* foreground implies stderr */
	const char *log_file;        /* optional extra log file */
	const char *interfaces;      /* -i eth0,eth1: limit the datapath; NULL = all */
	const char *backend;         /* --backend xdp|afpacket|none|auto */
	int workers;                 /* --workers N (0 = one per RX queue) */
	const char *cpus;            /* --cpus LIST: pin worker i to the i-th CPU; NULL = unpinned */
	const char *config_file;     /* -c FILE: ldirectord.cf or keepalived.conf */
	const char *restore_file;    /* --restore FILE: ipvsadm -S format at start */
};

struct lvs_table *lvsd_table(struct lvsd *d);
void lvsd_lock(struct lvsd *d);
void lvsd_unlock(struct lvsd *d);
void lvsd_table_changed(struct lvsd *d);
const struct lvsd_opts *lvsd_opts(struct lvsd *d);

typedef int (*lvsd_text_fn)(struct lvsd *d, void *arg, struct strbuf *out);
typedef int (*lvsd_cmd_fn)(struct lvsd *d, void *arg, const char *args, struct strbuf *out);
typedef void (*lvsd_fd_fn)(struct lvsd *d, int fd, uint32_t events, void *arg);
typedef void (*lvsd_timer_fn)(struct lvsd *d, void *arg);
typedef void (*lvsd_change_fn)(struct lvsd *d, void *arg);

int lvsd_register_text(struct lvsd *d, const char *name, lvsd_text_fn fn, void *arg);
int lvsd_register_command(struct lvsd *d, const char *verb, lvsd_cmd_fn fn, void *arg);
int lvsd_add_fd(struct lvsd *d, int fd, uint32_t epoll_events, lvsd_fd_fn fn, void *arg);
void lvsd_del_fd(struct lvsd *d, int fd);
int lvsd_add_timer(struct lvsd *d, uint64_t period_ms, lvsd_timer_fn fn, void *arg);
int lvsd_on_table_change(struct lvsd *d, lvsd_change_fn fn, void *arg);

/* A start hook about to return < 0 says why in one line (no newline), e.g.
 * "config /etc/x.cf:3: unknown keyword 'foo'"; lvsd then exits with
 * "cannot start: WHY; exiting".  The first call wins.  Without it the line
 * names the module and the errno. */
void lvsd_start_failed(struct lvsd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct lvsd_module {
	const char *name;
	int (*start)(struct lvsd *d);                            /* 0 or -errno */
	void (*stop)(struct lvsd *d);
	int (*reload)(struct lvsd *d, char *err, size_t errlen); /* SIGHUP */
};

/* modules.c: NULL-terminated list, started in order, stopped in reverse */
extern const struct lvsd_module *const lvsd_modules[];

#endif
