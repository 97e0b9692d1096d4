/* log.h - logging with an injectable sink.
 *
 * Any layer may log; where the text goes is decided by whoever owns the
 * process (the daemon installs syslog/stderr/file, a test may capture the
 * lines).  Without a sink, messages go to stderr.  lvs_log() is safe from
 * any thread; the sink is called with one formatted line (no newline) and
 * must be thread-safe itself.  `prio` may carry a syslog facility
 * (LOG_LOCAL0 | LOG_INFO): a syslog sink files that line under it, the
 * others look only at the level (prio & LOG_PRIMASK). */
#ifndef LVS_LIB_LOG_H
#define LVS_LIB_LOG_H

#include <syslog.h>

typedef void (*lvs_log_sink_fn)(void *arg, int prio, const char *msg);

void lvs_log_set_sink(lvs_log_sink_fn fn, void *arg);
void lvs_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* a syslog facility by its name as syslog.conf spells it ("daemon",
 * "local0".."local7", "user", "mail", ...): its LOG_* value, or -EINVAL
 * ("kern" too: only the kernel logs there) */
int lvs_syslog_facility(const char *name);

#endif
