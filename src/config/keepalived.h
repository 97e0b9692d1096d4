/* keepalived.h - the keepalived.conf parser's own interface, shared by its
 * files (keepalived.c: statement tree, keyword dispatcher, top level;
 * keepalived_lvs.c: virtual_server and real_server; keepalived_check.c:
 * the checkers).  Not for use outside src/config.
 *
 * The text becomes a tree of statements (a keyword, its arguments, an
 * optional { block }).  Each kind of block has a table of its keywords,
 * one handler each (struct ka_kw); ka_dispatch() walks a block's
 * statements, finds each keyword in the block's tables and calls its
 * handler with the block's own state (`ctx`).  A keyword no table knows is
 * an error ("unknown keyword 'X' in BLOCK"), or at the top level a warning.
 * Handlers return 0 or -errno, the message already in the parser's diag.
 */
#ifndef LVS_CONFIG_KEEPALIVED_H
#define LVS_CONFIG_KEEPALIVED_H

#include <stdint.h>

#include "config.h"
#include "diag.h"

#define KA_MAX_ARGS 16

struct ka_node {
	char *argv[KA_MAX_ARGS];       /* argv[0] is the keyword */
	int argc;
	int line;
	int has_block;
	struct ka_node *child, *next;
};

struct ka_parser {
	struct cfg_diag d;
	struct ka_node *groups;          /* the top level, searched for virtual_server_group */
};

typedef int (*ka_handler)(struct ka_parser *p, const struct ka_node *n, void *ctx);

enum {
	KA_BLOCK = 1,    /* needs a { } block ("KW needs a { } block") */
	KA_LATER = 2,    /* not handled by ka_dispatch() but by ka_dispatch_later(),
			  * once the settings of the block around it are known */
	KA_PREFIX = 4,   /* matches every keyword that begins with the name */
};

struct ka_kw {
	const char *name;
	ka_handler fn;                   /* NULL: accepted, nothing to do */
	unsigned flags;
	int min_args;                    /* fewer values: "KW: missing value" */
};

#define KA_MAX_TABLES 3

struct ka_block {
	const char *name;                /* "unknown keyword 'X' in NAME" */
	const struct ka_kw *kw[KA_MAX_TABLES];   /* searched in order; each ends with { 0 } */
	int unknown_warns;               /* the top level: unknown keywords are skipped, with a warning */
	/* after the tables, NULL-terminated lists of keepalived's keywords
	 * that lvsd accepts in any form: `ignored` with a warning that they
	 * have no effect, `skipped` silently (other daemons' business) */
	const char *const *ignored;
	const char *const *skipped;
};

/* the block's statements, from `first` on, through their handlers */
int ka_dispatch(struct ka_parser *p, const struct ka_node *first, const struct ka_block *b, void *ctx);
/* the same for the KA_LATER keywords only; the others were seen already */
int ka_dispatch_later(struct ka_parser *p, const struct ka_node *first, const struct ka_block *b, void *ctx);
/* the keyword's entry in the block's tables, or NULL */
const struct ka_kw *ka_lookup(const struct ka_block *b, const char *kw);

/* ---- values (keepalived.c); each reports its own error ---- */
int ka_need_args(struct ka_parser *p, const struct ka_node *n, int min);
int ka_arg_uint(struct ka_parser *p, const struct ka_node *n, uint32_t max, uint32_t *v);
int ka_arg_secs(struct ka_parser *p, const struct ka_node *n, uint32_t *ms);
int ka_arg_bool(struct ka_parser *p, const struct ka_node *n, int *v);
int ka_arg_method(struct ka_parser *p, const struct ka_node *n, uint32_t *fwd);
/* a copy of the statement's first argument into *dst (freeing the old) */
int ka_arg_strdup(struct ka_parser *p, const struct ka_node *n, char **dst);
/* handler of keywords keepalived has and lvsd does not need: a warning */
int ka_ignored(struct ka_parser *p, const struct ka_node *n, void *ctx);

/* settings a virtual_server passes down to its real servers and checks */
struct ka_defaults {
	uint32_t delay_loop_ms, connect_timeout_ms, retry, delay_before_retry_ms;
	int has_retry, has_dbr;
	int inhibit, alpha;
	uint32_t fwd;
	uint32_t weight;
	const char *virtualhost;
};

/* keepalived_lvs.c: a top-level virtual_server statement */
int ka_virtual_server(struct ka_parser *p, const struct ka_node *vs, void *cfg);

/* the state of one real_server block while its statements are read */
struct ka_real_ctx {
	struct ka_defaults d;            /* the virtual's, overridden by the real's */
	const struct cfg_service *cs;
	struct cfg_real *r;
};

/* keepalived_check.c: the checker statements of a real_server block
 * (KA_LATER: a checker inherits the real's settings, whatever their
 * order), with a struct ka_real_ctx as ctx */
extern const struct ka_kw ka_checker_kw[];

#endif
