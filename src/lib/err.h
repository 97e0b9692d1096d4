/* err.h - reporting a failure the lvsd way: functions return 0 or -errno
 * and, where a person needs to know why, take a `struct strbuf *err` (may
 * be NULL) for a one-line reason.  lvs_err() writes that line. */
#ifndef LVS_LIB_ERR_H
#define LVS_LIB_ERR_H

struct strbuf;

/* append the reason to err (when not NULL) and return r (a -errno), so that
 * `return lvs_err(err, -errno, "bind: %m");` reports and fails in one
 * statement; %m in fmt stands for strerror(-r), errno is left as it was */
int lvs_err(struct strbuf *err, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
