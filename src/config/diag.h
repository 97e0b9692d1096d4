/* diag.h - "file:line: message" diagnostics of the configuration parsers
 * (keepalived.conf and ldirectord.cf share them).
 *
 * Contract:
 *  - cfg_error() keeps the FIRST error only, as "NAME:LINE: message" in
 *    `err`: the first one names the cause, later ones are its consequences.
 *    It returns `ret` (a -errno: -EINVAL for a bad file, -ENOMEM), so a
 *    parser writes `return cfg_error(d, line, -EINVAL, ...)`.
 *  - cfg_warning() appends "NAME:LINE: warning: message\n" to `warn`.
 *  - `err` and `warn` may be NULL: the message is dropped, the return value
 *    still says what happened.
 */
#ifndef LVS_CONFIG_DIAG_H
#define LVS_CONFIG_DIAG_H

#include "lib/strbuf.h"

struct cfg_src;

struct cfg_diag {
	const char *name;             /* the file, as messages name it */
	struct strbuf *err, *warn;
	int failed;                   /* an error has been reported */
	const struct cfg_src *src;    /* set: lines are those of a text with its
				       * includes expanded (include.h), named by
				       * the file and line they come from */
};

int cfg_error(struct cfg_diag *d, int line, int ret, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "out of memory", -ENOMEM */
int cfg_nomem(struct cfg_diag *d, int line);
void cfg_warning(struct cfg_diag *d, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* the parser's result: `ret`, with "NAME: parse error" in `err` should a
 * failure have left no message (every failure path reports one; this keeps
 * the contract "an error always says something" should one not) */
int cfg_diag_done(struct cfg_diag *d, int ret);

#endif
