/* check.h - the health-check engine: runs every configured check on ONE
 * thread with its own epoll loop, and keeps the table in step with the
 * results and the configuration.
 *
 * Contract:
 *  - chk_engine_start() spawns the thread; everything it does to the table
 *    happens between host->lock()/unlock() and is followed by
 *    host->changed().  It never holds its own mutex while holding the
 *    table lock, so the status view may be called from any thread.
 *  - chk_engine_set_config() hands over a parsed configuration (ownership
 *    passes to the engine, also on error).  The engine applies the
 *    difference with the running one: removed services are deleted,
 *    changed ones edited, unchanged ones untouched; checks that stay the
 *    same keep their state (no flap on reload).  All or nothing: should
 *    the table refuse any step, every change is undone and the running
 *    configuration stays (config/apply.h).
 *  - One probe per distinct check: several services sharing a real server
 *    with the same check share one probe and its result.
 *  - All probes are non-blocking: TCP connect, UDP, ICMP echo, HTTP(S)
 *    through libcurl's multi interface, external commands (clone +
 *    pidfd, killed at the timeout).
 *  - autoreload: when the config says so, the file's mtime/size is polled
 *    each second; a file with an error is logged "file:line: message" and
 *    the running configuration stays.
 *  - Errors are 0 or -errno; where a human message is needed the function
 *    takes a `struct strbuf *err` (may be NULL) and appends it there.
 */
#ifndef LVS_CHECK_H
#define LVS_CHECK_H

#include <stdint.h>
#include "config/config.h"
#include "lib/strbuf.h"
#include "core/table.h"
#include "host/host.h"

struct chk_host {
	void (*lock)(void *arg);
	void (*unlock)(void *arg);
	struct lvs_table *(*table)(void *arg);
	void (*changed)(void *arg);
	void (*log)(void *arg, int prio, const char *msg);
	void *arg;
};

struct chk_engine;

/* NULL when out of memory or out of file descriptors */
struct chk_engine *chk_engine_new(const struct chk_host *host);
/* path: the file to re-read on autoreload/reload ("keepalived:" prefix
 * allowed); initial is applied before the thread starts.  0 or -errno
 * (-EINVAL: initial could not be applied, the table is as it was) */
int chk_engine_start(struct chk_engine *e, const char *path, struct cfg *initial);
/* Hand c over and wait for the engine to apply it, all or nothing: 0;
 * -EINVAL (or -ENOMEM) when it could not, the running configuration and
 * the table as they were, its reasons in err ("file:line: message"
 * lines; may be NULL); -EIO when the thread could not be woken;
 * -ETIMEDOUT when it did not answer within 30 s.  A configuration handed
 * over after c and before the engine got to it replaces c (its result is
 * then the later one's, or 0). */
int chk_engine_set_config(struct chk_engine *e, struct cfg *c, struct strbuf *err);
/* parse `path` again and hand the result to the engine.  0, -ENOENT (no
 * file was given), -EINVAL (the file has an error: its "file:line:
 * message" is appended to err, which may be NULL, and the running
 * configuration stays) or -EIO */
int chk_engine_reload(struct chk_engine *e, struct strbuf *err);
/* stop the thread; the table keeps its last state */
void chk_engine_stop(struct chk_engine *e);
void chk_engine_free(struct chk_engine *e);

/* the "checks" text view */
void chk_engine_status(struct chk_engine *e, struct strbuf *out);
/* the same as Prometheus families (lib/prom.h); nothing without a
 * configuration */
void chk_engine_metrics(struct chk_engine *e, struct strbuf *out);
/* a lvs_host_rs_info_fn (arg: the engine): every configured real server's
 * state (UP, DOWN, MAINT), last check message and latency */
void chk_engine_rs_info(void *arg, lvs_host_rs_emit_fn emit, void *emit_arg);

/* counters for tests and the benchmark */
struct chk_stats {
	uint64_t probes_run;
	uint64_t probes_late;      /* started more than 100 ms after they were due */
	uint64_t max_late_ms;
	uint64_t transitions;
	uint64_t reloads, reload_errors;
	uint32_t nprobes;
	uint32_t nup;
};
void chk_engine_stats(struct chk_engine *e, struct chk_stats *out);

#endif
