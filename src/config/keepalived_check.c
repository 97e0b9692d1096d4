/* keepalived_check.c - the checker blocks of a keepalived.conf real_server
 * (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, PING_CHECK, UDP_CHECK,
 * SMTP_CHECK, DNS_CHECK) and HTTP's url blocks: one descriptor per checker
 * kind (its defaults, its keyword table beside the common one, its last
 * steps), one handler per keyword (keepalived.h).
 *
 * A checker block first fills a base check from the real's settings and
 * its own statements; HTTP_GET/SSL_GET then make one check per url block
 * (a copy of the base with the url's path, status codes, digest, regex),
 * the others one check.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "keepalived.h"

/* the state of one checker block while its statements are read */
struct ka_checker;

struct ka_check_ctx {
	const struct ka_checker *kind;
	struct cfg_check base;
	struct cfg_real *r;
	const struct ka_defaults *vd;
	uint32_t retry;
	int dbr_given;                   /* delay_before_retry in the checker itself */
	int nurls;
	const char *helo_name;           /* SMTP_CHECK */
	const char *dns_name;            /* DNS_CHECK */
	uint16_t dns_type;
	uint32_t misc_timeout;           /* MISC_CHECK, 0 = delay_loop */
};

struct ka_checker {
	struct ka_block block;           /* name: the checker's keyword */
	enum cfg_check_kind kind;
	int https;
	uint32_t retry;                  /* keepalived's defaults when neither the */
	uint32_t retry_delay_ms;         /* checker nor its real/virtual sets them */
	/* after the statements, before the timeouts are checked; may be NULL */
	int (*finish)(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x);
	/* the check(s) of the block into x->r; NULL: one copy of the base */
	int (*emit)(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x);
};

/* ------------------------------------------------------------------ url */

static int url_path(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct cfg_check *k = ctx;

	free(k->path);
	k->path = malloc(strlen(n->argv[1]) + 2);
	if (!k->path)
		return cfg_nomem(&p->d, n->line);
	sprintf(k->path, "%s%s", n->argv[1][0] == '/' ? "" : "/", n->argv[1]);
	return 0;
}

static int url_digest(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct cfg_check *k = ctx;

	if (strlen(n->argv[1]) != 32)
		return cfg_error(&p->d, n->line, -EINVAL, "digest: expected 32 hex digits");
	for (int i = 0; i < 32; i++) {
		if (!isxdigit((unsigned char)n->argv[1][i]))
			return cfg_error(&p->d, n->line, -EINVAL, "digest: expected 32 hex digits");
		k->digest[i] = (char)tolower((unsigned char)n->argv[1][i]);
	}
	k->digest[32] = 0;
	return 0;
}

/* "200", "301-302", ...: each a range of accepted status codes */
static int url_status_code(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct cfg_check *k = ctx;

	for (int i = 1; i < n->argc; i++) {
		uint32_t lo, hi;
		char buf[32], *dash;

		snprintf(buf, sizeof(buf), "%s", n->argv[i]);
		dash = strchr(buf, '-');
		if (dash)
			*dash = 0;
		if (cfg_parse_uint(buf, 999, &lo) || (dash && cfg_parse_uint(dash + 1, 999, &hi)))
			return cfg_error(&p->d, n->line, -EINVAL, "status_code: bad value '%s'", n->argv[i]);
		if (!dash)
			hi = lo;
		if (hi < lo || k->nstatus == CFG_MAX_STATUS)
			return cfg_error(&p->d, n->line, -EINVAL, "status_code: bad or too many values");
		k->status_lo[k->nstatus] = (uint16_t)lo;
		k->status_hi[k->nstatus] = (uint16_t)hi;
		k->nstatus++;
	}
	return 0;
}

static int url_virtualhost(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_strdup(p, n, &((struct cfg_check *)ctx)->host);
}

static int url_regex(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_strdup(p, n, &((struct cfg_check *)ctx)->receive);
}

static int url_regex_no_match(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p, (void)n;
	((struct cfg_check *)ctx)->receive_no_match = 1;
	return 0;
}

/* ctx: the struct cfg_check of the url */
static const struct ka_kw url_kw[] = {
	{ "path", url_path, 0, 1 },
	{ "digest", url_digest, 0, 1 },
	{ "status_code", url_status_code, 0, 1 },
	{ "virtualhost", url_virtualhost, 0, 1 },
	{ "regex", url_regex, 0, 1 },
	{ "regex_no_match", url_regex_no_match, 0, 0 },
	{ "regex_", ka_ignored, KA_PREFIX, 0 },   /* regex_max_offset, regex_stack, ... */
	{ 0 }
};

static const struct ka_block url_block = { "url", { url_kw }, 0, NULL, NULL };

/* one url { } of HTTP_GET: a check of its own, a copy of the checker's base */
static int http_url(struct ka_parser *p, const struct ka_node *u, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	struct cfg_check *k = cfg_add_check(x->r);
	int ret;

	x->nurls++;
	if (!k || cfg_check_copy(k, &x->base))
		return cfg_nomem(&p->d, u->line);
	if ((ret = ka_dispatch(p, u->child, &url_block, k)))
		return ret;
	if (!k->path)
		return cfg_error(&p->d, u->line, -EINVAL, "url: missing path");
	return 0;
}

/* ------------------------------------------------------ common keywords */

static int chk_connect_ip(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	int af;

	if (cfg_parse_addr(n->argv[1], 0, &af, &x->base.addr) || af != x->r->d.af)
		return cfg_error(&p->d, n->line, -EINVAL, "connect_ip: bad address '%s'", n->argv[1]);
	return 0;
}

static int chk_connect_port(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	uint32_t v;
	int ret = ka_arg_uint(p, n, 65535, &v);

	if (!ret)
		x->base.port = (uint16_t)v;
	return ret;
}

static int chk_bindto(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	int af;

	if (cfg_parse_addr(n->argv[1], 0, &af, &x->base.src) || af != x->r->d.af)
		return cfg_error(&p->d, n->line, -EINVAL, "bindto: bad address '%s'", n->argv[1]);
	x->base.has_src = 1;
	return 0;
}

static int chk_connect_timeout(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_check_ctx *)ctx)->base.timeout_ms);
}

static int chk_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 1000, &((struct ka_check_ctx *)ctx)->retry);
}

static int chk_delay_before_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;

	x->dbr_given = 1;
	return ka_arg_secs(p, n, &x->base.retry_delay_ms);
}

static int chk_delay_loop(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_check_ctx *)ctx)->base.interval_ms);
}

/* alpha in a checker decides the real's initial state */
static int chk_alpha(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	int a, ret = ka_arg_bool(p, n, &a);

	if (!ret)
		x->r->start_up = !a;
	return ret;
}

/* ctx: struct ka_check_ctx; every checker has these */
static const struct ka_kw common_kw[] = {
	{ "connect_ip", chk_connect_ip, 0, 1 },
	{ "connect_port", chk_connect_port, 0, 1 },
	{ "bindto", chk_bindto, 0, 1 },
	{ "connect_timeout", chk_connect_timeout, 0, 1 },
	{ "retry", chk_retry, 0, 1 },
	{ "nb_get_retry", chk_retry, 0, 1 },
	{ "delay_before_retry", chk_delay_before_retry, 0, 1 },
	{ "delay_loop", chk_delay_loop, 0, 1 },
	{ "alpha", chk_alpha, 0, 0 },
	{ 0 }
};

/* keepalived's, with no effect on lvsd's checks */
static const char *const ignored[] = {
	"bind_if", "bind_port", "warmup", "log_all_failures", "fwmark", "http_protocol", "fast_recovery",
	"enable_sni", "user", "min_reply_length", "max_reply_length", "misc_dynamic", NULL
};

/* ------------------------------------------------------------ per kind */

/* HTTP_GET, SSL_GET: the urls are read once the base is complete */
static const struct ka_kw http_kw[] = {
	{ "url", http_url, KA_LATER, 0 },
	{ 0 }
};

static int http_emit(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x)
{
	int ret = ka_dispatch_later(p, c->child, &x->kind->block, x);

	if (!ret && !x->nurls)
		return cfg_error(&p->d, c->line, -EINVAL, "%s: needs at least one url { path ... }", c->argv[0]);
	return ret;
}

static int misc_path(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_strdup(p, n, &((struct ka_check_ctx *)ctx)->base.command);
}

static int misc_timeout(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_check_ctx *)ctx)->misc_timeout);
}

static const struct ka_kw misc_kw[] = {
	{ "misc_path", misc_path, 0, 1 },
	{ "misc_timeout", misc_timeout, 0, 1 },
	{ 0 }
};

/* the command's own timeout, else delay_loop (keepalived's default) */
static int misc_finish(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x)
{
	if (!x->base.command)
		return cfg_error(&p->d, c->line, -EINVAL, "MISC_CHECK: missing misc_path");
	x->base.timeout_ms = x->misc_timeout ? x->misc_timeout : x->base.interval_ms;
	return 0;
}

/* "0a0b..." -> bytes; 0, -EINVAL or -ENOMEM */
static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *b;

	if (n % 2)
		return -EINVAL;
	b = malloc(n / 2 + 1);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(b);
			return -EINVAL;
		}
		b[i] = (uint8_t)v;
	}
	free(*out);
	*out = b;
	*len = n / 2;
	return 0;
}

static int udp_payload(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;
	int ret = parse_hex(n->argv[1], &x->base.payload, &x->base.payload_len);

	if (ret == -ENOMEM)
		return cfg_nomem(&p->d, n->line);
	if (ret)
		return cfg_error(&p->d, n->line, ret, "payload: expected hex bytes");
	return 0;
}

static const struct ka_kw udp_kw[] = {
	{ "payload", udp_payload, 0, 1 },
	{ "require_reply", NULL, 0, 0 },   /* any reply is what is required already */
	{ 0 }
};

static int smtp_helo_name(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	((struct ka_check_ctx *)ctx)->helo_name = n->argv[1];
	return 0;
}

static int smtp_host(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)ctx;
	return cfg_error(&p->d, n->line, -EINVAL, "SMTP_CHECK: host { } blocks are not supported; "
			 "use connect_ip/connect_port in the SMTP_CHECK itself");
}

static const struct ka_kw smtp_kw[] = {
	{ "helo_name", smtp_helo_name, 0, 1 },
	{ "host", smtp_host, 0, 0 },
	{ 0 }
};

static int add_base(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x)
{
	struct cfg_check *k = cfg_add_check(x->r);

	if (!k || cfg_check_copy(k, &x->base))
		return cfg_nomem(&p->d, c->line);
	return 0;
}

static int smtp_emit(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x)
{
	if (cfg_dialog_smtp_helo(&x->base, x->helo_name))
		return cfg_nomem(&p->d, c->line);
	return add_base(p, c, x);
}

static int dns_type(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_check_ctx *x = ctx;

	if (!(x->dns_type = dns_qtype(n->argv[1])))
		return cfg_error(&p->d, n->line, -EINVAL,
				 "type: expected A, NS, CNAME, SOA, MX, TXT, AAAA or PTR, got '%s'", n->argv[1]);
	return 0;
}

static int dns_name(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	((struct ka_check_ctx *)ctx)->dns_name = n->argv[1];
	return 0;
}

static const struct ka_kw dns_kw[] = {
	{ "type", dns_type, 0, 1 },
	{ "name", dns_name, 0, 1 },
	{ 0 }
};

static int dns_emit(struct ka_parser *p, const struct ka_node *c, struct ka_check_ctx *x)
{
	int ret;

	/* keepalived retries a DNS check after delay_loop, not 1 s */
	if (!x->dbr_given && !x->vd->has_dbr)
		x->base.retry_delay_ms = x->base.interval_ms;
	ret = cfg_dns_build(&x->base, x->dns_name, x->dns_type);
	if (ret == -ENOMEM)
		return cfg_nomem(&p->d, c->line);
	if (ret)
		return cfg_error(&p->d, c->line, ret, "DNS_CHECK: name '%s' is not a valid DNS name", x->dns_name);
	return add_base(p, c, x);
}

/* keepalived 2.2.7's defaults: retry 1 (MISC_CHECK 0, DNS_CHECK 3),
 * delay_before_retry 1 s (HTTP 3 s) */
static const struct ka_checker checkers[] = {
	{ { "TCP_CHECK", { common_kw }, 0, ignored, NULL }, CFG_CHK_TCP, 0, 1, 1000, NULL, NULL },
	{ { "HTTP_GET", { common_kw, http_kw }, 0, ignored, NULL }, CFG_CHK_HTTP, 0, 1, 3000, NULL, http_emit },
	{ { "SSL_GET", { common_kw, http_kw }, 0, ignored, NULL }, CFG_CHK_HTTP, 1, 1, 3000, NULL, http_emit },
	{ { "MISC_CHECK", { common_kw, misc_kw }, 0, ignored, NULL }, CFG_CHK_EXTERNAL, 0, 0, 1000, misc_finish, NULL },
	{ { "PING_CHECK", { common_kw }, 0, ignored, NULL }, CFG_CHK_PING, 0, 1, 1000, NULL, NULL },
	{ { "UDP_CHECK", { common_kw, udp_kw }, 0, ignored, NULL }, CFG_CHK_UDP, 0, 1, 1000, NULL, NULL },
	{ { "SMTP_CHECK", { common_kw, smtp_kw }, 0, ignored, NULL }, CFG_CHK_DIALOG, 0, 1, 1000, NULL, smtp_emit },
	{ { "DNS_CHECK", { common_kw, dns_kw }, 0, ignored, NULL }, CFG_CHK_DNS, 0, 3, 1000, NULL, dns_emit },
};

static int parse_checker(struct ka_parser *p, const struct ka_node *c, const struct ka_checker *kind,
			 const struct ka_real_ctx *rc)
{
	const struct ka_defaults *vd = &rc->d;
	struct ka_check_ctx x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.kind = kind;
	x.r = rc->r;
	x.vd = vd;
	x.helo_name = "smtpchecker.keepalived.org";   /* keepalived's default */
	x.dns_name = ".";                             /* DNS_CHECK: the root's SOA */
	x.dns_type = DNS_T_SOA;
	x.base.kind = kind->kind;
	x.base.https = kind->https;
	x.base.af = rc->r->d.af;
	x.base.addr = rc->r->d.addr;
	x.base.port = rc->r->d.port ? rc->r->d.port : rc->cs->s.port;
	x.base.interval_ms = vd->delay_loop_ms;
	x.base.timeout_ms = vd->connect_timeout_ms;
	x.base.rise = 1;
	x.retry = vd->has_retry ? vd->retry : kind->retry;
	x.base.retry_delay_ms = vd->has_dbr ? vd->delay_before_retry_ms : kind->retry_delay_ms;
	if (vd->virtualhost && kind->kind == CFG_CHK_HTTP && !(x.base.host = strdup(vd->virtualhost))) {
		ret = cfg_nomem(&p->d, c->line);
		goto out;
	}
	if ((ret = ka_dispatch(p, c->child, &kind->block, &x)))
		goto out;
	x.base.fall = x.retry + 1;
	if (kind->finish && (ret = kind->finish(p, c, &x)))
		goto out;
	if (x.base.timeout_ms == 0 || x.base.interval_ms == 0) {
		ret = cfg_error(&p->d, c->line, -EINVAL, "%s: timeouts and delay_loop must be positive", c->argv[0]);
		goto out;
	}
	ret = kind->emit ? kind->emit(p, c, &x) : add_base(p, c, &x);
out:
	cfg_check_free(&x.base);
	return ret;
}

static int checker_stmt(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	for (size_t i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++)
		if (!strcmp(n->argv[0], checkers[i].block.name))
			return parse_checker(p, n, &checkers[i], ctx);
	/* not reached: ka_checker_kw names only the checkers above */
	return cfg_error(&p->d, n->line, -EINVAL, "unknown keyword '%s' in real_server", n->argv[0]);
}

static int checker_unsupported(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)ctx;
	cfg_warning(&p->d, n->line, "%s is not supported; this checker is ignored", n->argv[0]);
	return 0;
}

const struct ka_kw ka_checker_kw[] = {
	{ "TCP_CHECK", checker_stmt, KA_LATER, 0 },
	{ "HTTP_GET", checker_stmt, KA_LATER, 0 },
	{ "SSL_GET", checker_stmt, KA_LATER, 0 },
	{ "MISC_CHECK", checker_stmt, KA_LATER, 0 },
	{ "PING_CHECK", checker_stmt, KA_LATER, 0 },
	{ "UDP_CHECK", checker_stmt, KA_LATER, 0 },
	{ "SMTP_CHECK", checker_stmt, KA_LATER, 0 },
	{ "DNS_CHECK", checker_stmt, KA_LATER, 0 },
	{ "BFD_CHECK", checker_unsupported, KA_LATER, 0 },
	{ "FILE_CHECK", checker_unsupported, KA_LATER, 0 },
	{ 0 }
};
