/* keepalived.c - parser for the LVS half of keepalived.conf: the statement
 * tree, the keyword dispatcher, value helpers and the top level
 * (keepalived.h says how the files share the work).
 *
 * Top-level blocks that belong to keepalived's other halves (global_defs
 * but for its script_user and enable_script_security, vrrp_*, static_*,
 * bfd_*, SSL, ...) are skipped: keepalived keeps doing
 * VRRP, lvsd does the LVS part.  Defaults follow keepalived 2.2.7:
 * delay_loop 60 s, connect_timeout 5 s, retry 1 (so 2 failures make a
 * server down; MISC_CHECK retry 0), delay_before_retry 1 s (HTTP 3 s),
 * lvs_sched wlc, lvs_method NAT, protocol UDP when omitted (with a warning,
 * as keepalived does), servers considered up from the start unless alpha.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "include.h"
#include "keepalived.h"

#define KA_MAX_DEPTH 16

static void node_free(struct ka_node *n)
{
	while (n) {
		struct ka_node *next = n->next;

		for (int i = 0; i < n->argc; i++)
			free(n->argv[i]);
		node_free(n->child);
		free(n);
		n = next;
	}
}

/* ---------------------------------------------------------------- tree */

struct ka_tok {
	const char *s;
	size_t len;
	int line;
	int nl_before;   /* a newline precedes this token */
};

struct ka_lex {
	const char *p;
	int line;
};

/* next token: '{', '}', a "quoted string" or a word; 0 at end */
static int lex(struct ka_lex *lx, struct ka_tok *t)
{
	t->nl_before = 0;
	for (;;) {
		while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
			lx->p++;
		if (*lx->p == '\n') {
			lx->line++;
			lx->p++;
			t->nl_before = 1;
			continue;
		}
		if (*lx->p == '#' || *lx->p == '!') {
			while (*lx->p && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	if (!*lx->p)
		return 0;
	t->line = lx->line;
	if (*lx->p == '{' || *lx->p == '}') {
		t->s = lx->p++;
		t->len = 1;
		return 1;
	}
	if (*lx->p == '"') {
		const char *e = lx->p + 1;

		while (*e && *e != '"' && *e != '\n')
			e++;
		t->s = lx->p + 1;
		t->len = (size_t)(e - t->s);
		lx->p = *e == '"' ? e + 1 : e;
		return 2; /* quoted: never a brace */
	}
	t->s = lx->p;
	while (*lx->p && !isspace((unsigned char)*lx->p) && *lx->p != '{' && *lx->p != '}' &&
	       *lx->p != '#' && *lx->p != '!')
		lx->p++;
	t->len = (size_t)(lx->p - t->s);
	return 1;
}

/* parse statements until '}' (depth > 0) or the end (depth 0) */
static int parse_block(struct ka_parser *p, struct ka_lex *lx, int depth, struct ka_node **out, int open_line)
{
	struct ka_node *head = NULL, **tail = &head, *cur = NULL;
	struct ka_tok t;
	int r, ret;

	*out = NULL;
	if (depth > KA_MAX_DEPTH)
		return cfg_error(&p->d, lx->line, -EINVAL, "blocks nested too deeply");
	while ((r = lex(lx, &t)) != 0) {
		if (r == 1 && t.len == 1 && t.s[0] == '}') {
			if (depth == 0) {
				ret = cfg_error(&p->d, t.line, -EINVAL, "unexpected '}'");
				goto fail;
			}
			*out = head;
			return 0;
		}
		if (r == 1 && t.len == 1 && t.s[0] == '{') {
			if (!cur || cur->has_block) {
				ret = cfg_error(&p->d, t.line, -EINVAL, "'{' without a keyword before it");
				goto fail;
			}
			cur->has_block = 1;
			if ((ret = parse_block(p, lx, depth + 1, &cur->child, t.line)))
				goto fail;
			continue;
		}
		/* a word: a new statement after a newline or after a block */
		if (!cur || t.nl_before || cur->has_block) {
			cur = calloc(1, sizeof(*cur));
			if (!cur) {
				ret = cfg_nomem(&p->d, t.line);
				goto fail;
			}
			cur->line = t.line;
			*tail = cur;
			tail = &cur->next;
		}
		if (cur->argc == KA_MAX_ARGS) {
			ret = cfg_error(&p->d, t.line, -EINVAL, "too many words in one statement");
			goto fail;
		}
		cur->argv[cur->argc] = strndup(t.s, t.len);
		if (!cur->argv[cur->argc]) {
			ret = cfg_nomem(&p->d, t.line);
			goto fail;
		}
		cur->argc++;
	}
	if (depth > 0) {
		ret = cfg_error(&p->d, open_line, -EINVAL, "'{' is never closed");
		goto fail;
	}
	*out = head;
	return 0;
fail:
	node_free(head);
	return ret;
}

/* ---------------------------------------------------------- dispatcher */

static int listed(const char *const *names, const char *kw)
{
	for (; names && *names; names++)
		if (!strcmp(*names, kw))
			return 1;
	return 0;
}

const struct ka_kw *ka_lookup(const struct ka_block *b, const char *kw)
{
	static const struct ka_kw ignored = { "", ka_ignored, 0, 0 }, skipped = { "", NULL, 0, 0 };

	for (int t = 0; t < KA_MAX_TABLES && b->kw[t]; t++)
		for (const struct ka_kw *e = b->kw[t]; e->name; e++)
			if (e->flags & KA_PREFIX ? !strncmp(kw, e->name, strlen(e->name)) : !strcmp(kw, e->name))
				return e;
	if (listed(b->ignored, kw))
		return &ignored;
	return listed(b->skipped, kw) ? &skipped : NULL;
}

/* the statement's form (block, argument count), then its handler */
static int call(struct ka_parser *p, const struct ka_node *n, const struct ka_kw *e, void *ctx)
{
	int ret;

	if (e->flags & KA_BLOCK && !n->has_block)
		return cfg_error(&p->d, n->line, -EINVAL, "%s needs a { } block", n->argv[0]);
	if ((ret = ka_need_args(p, n, e->min_args)))
		return ret;
	return e->fn ? e->fn(p, n, ctx) : 0;
}

int ka_dispatch(struct ka_parser *p, const struct ka_node *first, const struct ka_block *b, void *ctx)
{
	for (const struct ka_node *n = first; n; n = n->next) {
		const struct ka_kw *e = ka_lookup(b, n->argv[0]);
		int ret;

		if (!e && b->unknown_warns) {
			cfg_warning(&p->d, n->line, "unknown top-level keyword '%s' skipped", n->argv[0]);
			continue;
		}
		if (!e)
			return cfg_error(&p->d, n->line, -EINVAL, "unknown keyword '%s' in %s", n->argv[0], b->name);
		if (!(e->flags & KA_LATER) && (ret = call(p, n, e, ctx)))
			return ret;
	}
	return 0;
}

int ka_dispatch_later(struct ka_parser *p, const struct ka_node *first, const struct ka_block *b, void *ctx)
{
	for (const struct ka_node *n = first; n; n = n->next) {
		const struct ka_kw *e = ka_lookup(b, n->argv[0]);
		int ret;

		if (e && e->flags & KA_LATER && (ret = call(p, n, e, ctx)))
			return ret;
	}
	return 0;
}

/* ---------------------------------------------------------------- values */

int ka_need_args(struct ka_parser *p, const struct ka_node *n, int min)
{
	if (n->argc - 1 < min)
		return cfg_error(&p->d, n->line, -EINVAL, "%s: missing value", n->argv[0]);
	return 0;
}

static void extra_args(struct ka_parser *p, const struct ka_node *n, int expected)
{
	/* keepalived is line-based: "connect_timeout 1 retry 0" is ONE statement */
	if (n->argc - 1 > expected)
		cfg_warning(&p->d, n->line, "%s: extra words ignored from '%s' (one setting per line)", n->argv[0],
			    n->argv[expected + 1]);
}

int ka_arg_uint(struct ka_parser *p, const struct ka_node *n, uint32_t max, uint32_t *v)
{
	int ret = ka_need_args(p, n, 1);

	if (ret)
		return ret;
	extra_args(p, n, 1);
	if (cfg_parse_uint(n->argv[1], max, v))
		return cfg_error(&p->d, n->line, -EINVAL, "%s: expected an integer up to %u, got '%s'", n->argv[0],
				 max, n->argv[1]);
	return 0;
}

int ka_arg_secs(struct ka_parser *p, const struct ka_node *n, uint32_t *ms)
{
	int ret = ka_need_args(p, n, 1);

	if (ret)
		return ret;
	extra_args(p, n, 1);
	if (cfg_parse_seconds(n->argv[1], ms))
		return cfg_error(&p->d, n->line, -EINVAL, "%s: expected seconds, got '%s'", n->argv[0], n->argv[1]);
	return 0;
}

int ka_arg_bool(struct ka_parser *p, const struct ka_node *n, int *v)
{
	*v = 1;
	if (n->argc < 2)
		return 0;
	if (!strcasecmp(n->argv[1], "true") || !strcasecmp(n->argv[1], "on") || !strcasecmp(n->argv[1], "yes"))
		return 0;
	if (!strcasecmp(n->argv[1], "false") || !strcasecmp(n->argv[1], "off") || !strcasecmp(n->argv[1], "no")) {
		*v = 0;
		return 0;
	}
	return cfg_error(&p->d, n->line, -EINVAL, "%s: expected true or false, got '%s'", n->argv[0], n->argv[1]);
}

int ka_arg_method(struct ka_parser *p, const struct ka_node *n, uint32_t *fwd)
{
	int ret = ka_need_args(p, n, 1);

	if (ret)
		return ret;
	if (!strcasecmp(n->argv[1], "NAT"))
		*fwd = LVS_CONN_F_MASQ;
	else if (!strcasecmp(n->argv[1], "DR"))
		*fwd = LVS_CONN_F_DROUTE;
	else if (!strcasecmp(n->argv[1], "TUN"))
		*fwd = LVS_CONN_F_TUNNEL;
	else
		return cfg_error(&p->d, n->line, -EINVAL, "%s: expected NAT, DR or TUN, got '%s'", n->argv[0],
				 n->argv[1]);
	if (n->argc > 2)
		cfg_warning(&p->d, n->line, "%s: tunnel options are ignored", n->argv[0]);
	return 0;
}

int ka_arg_strdup(struct ka_parser *p, const struct ka_node *n, char **dst)
{
	int ret = ka_need_args(p, n, 1);

	if (ret)
		return ret;
	free(*dst);
	*dst = strdup(n->argv[1]);
	return *dst ? 0 : cfg_nomem(&p->d, n->line);
}

int ka_ignored(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)ctx;
	cfg_warning(&p->d, n->line, "%s is ignored", n->argv[0]);
	return 0;
}

/* ------------------------------------------------------------ top level */

/* a group is read where a virtual_server names it (keepalived_lvs.c) */
static int top_group(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)ctx;
	if (n->argc < 2 || !n->has_block)
		return cfg_error(&p->d, n->line, -EINVAL, "virtual_server_group: expected NAME { ... }");
	return 0;
}

/* `include FILE` was expanded before (include.h); what is left here has
 * another number of words, which keepalived does not take for an include */
static int top_include(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)ctx;
	cfg_warning(&p->d, n->line, "include needs exactly one file name; line skipped");
	return 0;
}

/* global_defs: the script settings; the rest is keepalived's own */
static int gd_script_user(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct cfg *c = ctx;
	free(c->script_user);
	free(c->script_group);
	c->script_user = strdup(n->argv[1]);
	c->script_group = n->argc > 2 ? strdup(n->argv[2]) : NULL;
	if (!c->script_user || (n->argc > 2 && !c->script_group))
		return cfg_nomem(&p->d, n->line);
	return 0;
}

static int gd_script_security(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	(void)n;
	((struct cfg *)ctx)->script_security = 1;
	return 0;
}

static const struct ka_kw global_kw[] = {
	{ "script_user", gd_script_user, 0, 1 },
	{ "enable_script_security", gd_script_security, 0, 0 },
	{ "", NULL, KA_PREFIX, 0 },
	{ 0 }
};

static const struct ka_block global_block = { "global_defs", { global_kw }, 0, NULL, NULL };

static int top_global(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return n->has_block ? ka_dispatch(p, n->child, &global_block, ctx) : 0;
}

/* ctx: the struct cfg being built */
static const struct ka_kw top_kw[] = {
	{ "virtual_server", ka_virtual_server, KA_BLOCK, 1 },
	{ "virtual_server_group", top_group, 0, 0 },
	{ "include", top_include, 0, 0 },
	/* keepalived's other halves: not lvsd's business */
	{ "vrrp_", NULL, KA_PREFIX, 0 },
	{ "global_defs", top_global, 0, 0 },
	{ 0 }
};

static const char *const top_skipped[] = {
	"static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "SSL",
	"net_namespace", "instance", "use_pid_dir", "bfd_instance", "garp_group", NULL
};

static const struct ka_block top_block = { "the top level", { top_kw }, 1, NULL, top_skipped };

int cfg_parse_keepalived(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn)
{
	struct ka_parser p = { { name, err, warn, 0, NULL }, NULL };
	struct ka_lex lx = { NULL, 1 };
	struct ka_node *root = NULL;
	struct cfg_src *src = NULL;
	struct cfg *c = NULL;
	char *all = NULL;
	int ret;

	*out = NULL;
	if ((ret = cfg_include_expand(name, text, &all, &src, err, warn))) {
		p.d.failed = 1;   /* the message is in err */
		goto out;
	}
	p.d.src = src;
	lx.p = all;
	if ((ret = parse_block(&p, &lx, 0, &root, 1)))
		goto out;
	c = cfg_new(CFG_FMT_KEEPALIVED, name);
	if (!c) {
		ret = cfg_nomem(&p.d, 1);
		goto out;
	}
	c->src = src;   /* the model's lines are those of the expanded text */
	src = NULL;
	p.groups = root; /* ka_virtual_server() finds virtual_server_group nodes by name */
	if ((ret = ka_dispatch(&p, root, &top_block, c)))
		goto out;
	if (!c->nsvcs)
		cfg_warning(&p.d, 1, "no virtual_server");
	*out = c;
	c = NULL;
out:
	node_free(root);
	cfg_free(c);
	cfg_src_free(src);
	free(all);
	return cfg_diag_done(&p.d, ret);
}
