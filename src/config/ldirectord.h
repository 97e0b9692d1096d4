/* ldirectord.h - the ldirectord.cf parser's own interface, shared by its
 * files (ldirectord.c: the directive table, reading lines, the service;
 * ldirectord_check.c: the health check; ldirectord_real.c: real= and
 * fallback=).  Not for use outside src/config.
 *
 * One table (ld_keys) holds every directive with the sections it may stand
 * in and two handlers:
 *  - read: how a line is recorded while the file is read (NULL: its value
 *    is the section's value of the directive, the last one winning);
 *  - apply: how the value a virtual sees (its own, else the global one,
 *    else NULL for ldirectord's default) enters the model.  A virtual is
 *    built phase by phase (PH_*), and within a phase in the order of
 *    enum ld_key, so a directive's handler may use what earlier ones set.
 *    Directives without one are read by another's handler (checktype reads
 *    request=, receive=, ...) or ignored.
 * Handlers return 0 or -errno, the message already in the parser's diag.
 */
#ifndef LVS_CONFIG_LDIRECTORD_H
#define LVS_CONFIG_LDIRECTORD_H

#include <stdint.h>

#include "config.h"
#include "diag.h"

/* in the order they are applied (see above) */
enum ld_key {
	/* PH_GLOBAL: global-only settings */
	K_AUTORELOAD, K_LOGFILE, K_MAINTENANCEDIR,
	/* PH_SERVICE: the service's key and settings */
	K_PROTOCOL, K_VIRTUAL, K_VIRTUAL6, K_SCHEDULER, K_PERSISTENT, K_NETMASK, K_SCHEDFLAGS, K_OPS,
	/* PH_SERVERS: what its real servers share */
	K_QUIESCENT, K_FALLBACK, K_FALLBACK6, K_FALLBACKCOMMAND, K_INITIALSTATE,
	/* PH_CHECK: the health check */
	K_CHECKINTERVAL, K_CHECKTIMEOUT, K_NEGOTIATETIMEOUT, K_FAILURECOUNT, K_SUCCESSCOUNT, K_SERVICE,
	K_CHECKPORT, K_CHECKTYPE,
	/* read by checktype's handler */
	K_CHECKCOMMAND, K_REQUEST, K_RECEIVE, K_HTTPMETHOD, K_VIRTUALHOST, K_LOGIN, K_PASSWD,
	/* done with when read (their read handlers) */
	K_REAL, K_REAL6, K_TIMEOUT, K_CONNECTTIMEOUT,
	/* accepted and ignored */
	K_CHECKCOUNT, K_READDQUIESCENT, K_CLEANSTOP, K_CALLBACK, K_SUPERVISED, K_FORK, K_EXECUTE,
	K_MONITORFILE, K_EMAILALERT, K_EMAILALERTFREQ, K_EMAILALERTSTATUS, K_EMAILALERTFROM, K_SMTP,
	K_SERVICENAME, K_COMMENT, K_LOAD, K_DATABASE, K_SECRET,
	K_MAX
};

enum {
	F_G = 1,     /* allowed at top level */
	F_V = 2,     /* allowed in a virtual section */
	F_GONLY = 4, /* global-only: stays global even after a virtual= */
	F_IGN = 8,   /* accepted and ignored, with a warning */
};

enum { PH_NONE, PH_GLOBAL, PH_SERVICE, PH_SERVERS, PH_CHECK };

struct ld_line {
	char *val;
	int line;
};

struct ld_scope {
	struct ld_line v[K_MAX];         /* last value of each directive */
	struct ld_line *reals;           /* every real=/real6= in order, val "4..." / "6..." */
	size_t nreals;
	int is_v6;                       /* virtual6= */
	int line;
};

struct ld_parser {
	struct cfg_diag d;
	struct ld_scope global;
	struct ld_scope *virts;
	size_t nvirts;
	int warned_indent;               /* the current section's indentation warning is given */
};

/* one virtual being built (PH_GLOBAL: only c) */
struct ld_build {
	struct cfg *c;
	const struct ld_scope *v;        /* NULL in PH_GLOBAL */
	struct cfg_service *cs;
	const struct ld_line *proto;     /* protocol= as given */
	int quiesce, start_up;
	struct cfg_check k;              /* the check every real gets, before per-real overrides */
	uint32_t ctimeout, ntimeout;     /* checktimeout, negotiatetimeout */
	int has_ct, has_nt;
	const char *service;
	int check_line;                  /* the line check messages name when checktype= is absent */
};

/* a line being read: the directive, its value, where */
struct ld_input {
	int k;
	char *val;
	int line;
	int indented;
};

typedef int (*ld_read_fn)(struct ld_parser *p, struct ld_input *in);
typedef int (*ld_apply_fn)(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);

struct ld_kw {
	const char *name;
	int flags;
	ld_read_fn read;
	int phase;
	ld_apply_fn apply;
};

extern const struct ld_kw ld_keys[K_MAX];

/* the value a virtual sees: its own, else the global one, else NULL */
const struct ld_line *ld_get(const struct ld_parser *p, const struct ld_scope *v, int k);
static inline const char *ld_val(const struct ld_line *l)
{
	return l ? l->val : NULL;
}
/* yes/no of directive k (l its value, NULL: def) */
int ld_bool(struct ld_parser *p, const struct ld_line *l, int k, int def, int *out);
/* a positive number of seconds of directive k (NULL: def_ms) */
int ld_secs(struct ld_parser *p, const struct ld_line *l, int k, uint32_t def_ms, uint32_t *ms);

/* ldirectord_check.c */
int ld_apply_checkinterval(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_checktimeout(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_negotiatetimeout(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_failurecount(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_successcount(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_service(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_checkport(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_checktype(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);

/* ldirectord_real.c */
int ld_apply_fallback(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
int ld_apply_fallback6(struct ld_parser *p, const struct ld_line *l, struct ld_build *b);
/* one real=/real6= line (a range gives several servers) */
int ld_real(struct ld_parser *p, const struct ld_line *rl, struct ld_build *b);

#endif
