/* keepalived.c - parser for the LVS half of keepalived.conf (compat.md §2.2).
 *
 * The text is first turned into a tree of statements (a keyword, its
 * arguments, an optional { block }), then virtual_server blocks are
 * interpreted.  Top-level blocks that belong to keepalived's other halves
 * (global_defs, vrrp_*, static_*, bfd_*, SSL, ...) are skipped: keepalived
 * keeps doing VRRP, lvsd does the LVS part.  Defaults follow keepalived
 * 2.2.7: delay_loop 60 s, connect_timeout 5 s, retry 1 (so 2 failures make
 * a server down; MISC_CHECK retry 0), delay_before_retry 1 s (HTTP 3 s),
 * lvs_sched wlc, lvs_method NAT, protocol UDP when omitted (with a warning,
 * as keepalived does), servers considered up from the start unless alpha.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dns.h"

#define KA_MAX_ARGS 16
#define KA_MAX_DEPTH 16

struct ka_node {
	char *argv[KA_MAX_ARGS];       /* argv[0] is the keyword */
	int argc;
	int line;
	int has_block;
	struct ka_node *child, *next;
};

struct ka_parser {
	const char *name;
	struct strbuf *err, *warn;
	struct ka_node *groups;          /* the top level, searched for virtual_server_group */
};

static int perr(struct ka_parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct ka_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (p->err->len == 0) {
		sb_printf(p->err, "%s:%d: ", p->name, line);
		va_start(ap, fmt);
		sb_vprintf(p->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void pwarn(struct ka_parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pwarn(struct ka_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (!p->warn)
		return;
	sb_printf(p->warn, "%s:%d: warning: ", p->name, line);
	va_start(ap, fmt);
	sb_vprintf(p->warn, fmt, ap);
	va_end(ap);
	sb_puts(p->warn, "\n");
}

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
	int r;

	*out = NULL;
	if (depth > KA_MAX_DEPTH)
		return perr(p, lx->line, "blocks nested too deeply");
	while ((r = lex(lx, &t)) != 0) {
		if (r == 1 && t.len == 1 && t.s[0] == '}') {
			if (depth == 0) {
				node_free(head);
				return perr(p, t.line, "unexpected '}'");
			}
			*out = head;
			return 0;
		}
		if (r == 1 && t.len == 1 && t.s[0] == '{') {
			if (!cur || cur->has_block) {
				node_free(head);
				return perr(p, t.line, "'{' without a keyword before it");
			}
			cur->has_block = 1;
			if (parse_block(p, lx, depth + 1, &cur->child, t.line)) {
				node_free(head);
				return -1;
			}
			continue;
		}
		/* a word: a new statement after a newline or after a block */
		if (!cur || t.nl_before || cur->has_block) {
			cur = calloc(1, sizeof(*cur));
			if (!cur) {
				node_free(head);
				return perr(p, t.line, "out of memory");
			}
			cur->line = t.line;
			*tail = cur;
			tail = &cur->next;
		}
		if (cur->argc == KA_MAX_ARGS) {
			node_free(head);
			return perr(p, t.line, "too many words in one statement");
		}
		cur->argv[cur->argc] = strndup(t.s, t.len);
		if (!cur->argv[cur->argc]) {
			node_free(head);
			return perr(p, t.line, "out of memory");
		}
		cur->argc++;
	}
	if (depth > 0) {
		node_free(head);
		return perr(p, open_line, "'{' is never closed");
	}
	*out = head;
	return 0;
}

/* ---------------------------------------------------------------- values */

static int need_args(struct ka_parser *p, const struct ka_node *n, int min)
{
	if (n->argc - 1 < min)
		return perr(p, n->line, "%s: missing value", n->argv[0]);
	return 0;
}

static void extra_args(struct ka_parser *p, const struct ka_node *n, int expected)
{
	/* keepalived is line-based: "connect_timeout 1 retry 0" is ONE statement */
	if (n->argc - 1 > expected)
		pwarn(p, n->line, "%s: extra words ignored from '%s' (one setting per line)", n->argv[0],
		      n->argv[expected + 1]);
}

static int arg_uint(struct ka_parser *p, const struct ka_node *n, uint32_t max, uint32_t *v)
{
	if (need_args(p, n, 1))
		return -1;
	extra_args(p, n, 1);
	if (cfg_parse_uint(n->argv[1], max, v))
		return perr(p, n->line, "%s: expected an integer up to %u, got '%s'", n->argv[0], max, n->argv[1]);
	return 0;
}

static int arg_secs(struct ka_parser *p, const struct ka_node *n, uint32_t *ms)
{
	if (need_args(p, n, 1))
		return -1;
	extra_args(p, n, 1);
	if (cfg_parse_seconds(n->argv[1], ms))
		return perr(p, n->line, "%s: expected seconds, got '%s'", n->argv[0], n->argv[1]);
	return 0;
}

static int arg_bool(struct ka_parser *p, const struct ka_node *n, int *v)
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
	return perr(p, n->line, "%s: expected true or false, got '%s'", n->argv[0], n->argv[1]);
}

static int arg_method(struct ka_parser *p, const struct ka_node *n, uint32_t *fwd)
{
	if (need_args(p, n, 1))
		return -1;
	if (!strcasecmp(n->argv[1], "NAT"))
		*fwd = LVS_CONN_F_MASQ;
	else if (!strcasecmp(n->argv[1], "DR"))
		*fwd = LVS_CONN_F_DROUTE;
	else if (!strcasecmp(n->argv[1], "TUN"))
		*fwd = LVS_CONN_F_TUNNEL;
	else
		return perr(p, n->line, "%s: expected NAT, DR or TUN, got '%s'", n->argv[0], n->argv[1]);
	if (n->argc > 2)
		pwarn(p, n->line, "%s: tunnel options are ignored", n->argv[0]);
	return 0;
}

static int is(const struct ka_node *n, const char *kw)
{
	return !strcmp(n->argv[0], kw);
}

static int one_of(const char *kw, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(kw, *list))
			return 1;
	return 0;
}

/* settings a virtual_server passes down to its real servers and checks */
struct ka_defaults {
	uint32_t delay_loop_ms, connect_timeout_ms, retry, delay_before_retry_ms;
	int has_retry, has_dbr, has_timeout;
	int inhibit, alpha;
	uint32_t fwd;
	uint32_t weight;
	char *virtualhost;
};

static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2)
		return -1;
	*out = malloc(n / 2 + 1);
	if (!*out)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static const char *const ignored_check_kw[] = {
	"bind_if", "bind_port", "warmup", "log_all_failures", "fwmark", "http_protocol",
	"fast_recovery", "enable_sni", "user", "min_reply_length", "max_reply_length",
	"misc_dynamic", NULL
};

/* one url { } of HTTP_GET: a copy of the checker's base */
static int parse_url(struct ka_parser *p, const struct ka_node *u, const struct cfg_check *base,
		     struct cfg_real *r)
{
	struct cfg_check *k = cfg_add_check(r);

	if (!k || cfg_check_copy(k, base))
		return perr(p, u->line, "out of memory");
	for (const struct ka_node *n = u->child; n; n = n->next) {
		if (is(n, "path")) {
			if (need_args(p, n, 1))
				return -1;
			free(k->path);
			k->path = malloc(strlen(n->argv[1]) + 2);
			if (!k->path)
				return perr(p, n->line, "out of memory");
			sprintf(k->path, "%s%s", n->argv[1][0] == '/' ? "" : "/", n->argv[1]);
		} else if (is(n, "digest")) {
			if (need_args(p, n, 1))
				return -1;
			if (strlen(n->argv[1]) != 32)
				return perr(p, n->line, "digest: expected 32 hex digits");
			for (int i = 0; i < 32; i++) {
				if (!isxdigit((unsigned char)n->argv[1][i]))
					return perr(p, n->line, "digest: expected 32 hex digits");
				k->digest[i] = (char)tolower((unsigned char)n->argv[1][i]);
			}
			k->digest[32] = 0;
		} else if (is(n, "status_code")) {
			if (need_args(p, n, 1))
				return -1;
			for (int i = 1; i < n->argc; i++) {
				uint32_t lo, hi;
				char buf[32], *dash;

				snprintf(buf, sizeof(buf), "%s", n->argv[i]);
				dash = strchr(buf, '-');
				if (dash)
					*dash = 0;
				if (cfg_parse_uint(buf, 999, &lo) || (dash && cfg_parse_uint(dash + 1, 999, &hi)))
					return perr(p, n->line, "status_code: bad value '%s'", n->argv[i]);
				if (!dash)
					hi = lo;
				if (hi < lo || k->nstatus == CFG_MAX_STATUS)
					return perr(p, n->line, "status_code: bad or too many values");
				k->status_lo[k->nstatus] = (uint16_t)lo;
				k->status_hi[k->nstatus] = (uint16_t)hi;
				k->nstatus++;
			}
		} else if (is(n, "virtualhost")) {
			if (need_args(p, n, 1))
				return -1;
			free(k->host);
			k->host = strdup(n->argv[1]);
		} else if (is(n, "regex")) {
			if (need_args(p, n, 1))
				return -1;
			free(k->receive);
			k->receive = strdup(n->argv[1]);
		} else if (is(n, "regex_no_match")) {
			k->receive_no_match = 1;
		} else if (!strncmp(n->argv[0], "regex_", 6)) {
			pwarn(p, n->line, "%s is ignored", n->argv[0]);
		} else {
			return perr(p, n->line, "unknown keyword '%s' in url", n->argv[0]);
		}
	}
	if (!k->path)
		return perr(p, u->line, "url: missing path");
	return 0;
}

static int parse_checker(struct ka_parser *p, const struct ka_node *c, const struct ka_defaults *vd,
			 const struct cfg_service *cs, struct cfg_real *r)
{
	struct cfg_check base;
	uint32_t retry, v;
	int has_retry = vd->has_retry, has_dbr = vd->has_dbr, nurls = 0, ret = -1;
	int http = is(c, "HTTP_GET") || is(c, "SSL_GET"), misc = is(c, "MISC_CHECK");
	int smtp = is(c, "SMTP_CHECK"), dns = is(c, "DNS_CHECK"), dbr_given = 0;
	const char *helo_name = "smtpchecker.keepalived.org";   /* keepalived's default */
	const char *dns_name = ".";                             /* DNS_CHECK: root SOA */
	uint16_t dns_type = DNS_T_SOA;
	uint32_t misc_timeout = 0;

	memset(&base, 0, sizeof(base));
	base.af = r->d.af;
	base.addr = r->d.addr;
	base.port = r->d.port ? r->d.port : cs->s.port;
	base.interval_ms = vd->delay_loop_ms;
	base.timeout_ms = vd->connect_timeout_ms;
	base.rise = 1;
	retry = has_retry ? vd->retry : misc ? 0 : dns ? 3 : 1;
	base.retry_delay_ms = has_dbr ? vd->delay_before_retry_ms : http ? 3000 : 1000;
	if (is(c, "TCP_CHECK"))
		base.kind = CFG_CHK_TCP;
	else if (http)
		base.kind = CFG_CHK_HTTP, base.https = is(c, "SSL_GET");
	else if (misc)
		base.kind = CFG_CHK_EXTERNAL;
	else if (is(c, "PING_CHECK"))
		base.kind = CFG_CHK_PING;
	else if (is(c, "UDP_CHECK"))
		base.kind = CFG_CHK_UDP;
	if (vd->virtualhost && http && !(base.host = strdup(vd->virtualhost)))
		return perr(p, c->line, "out of memory");

	for (const struct ka_node *n = c->child; n; n = n->next) {
		if (is(n, "connect_ip")) {
			int af;

			if (need_args(p, n, 1))
				goto out;
			if (cfg_parse_addr(n->argv[1], 0, &af, &base.addr) || af != r->d.af) {
				perr(p, n->line, "connect_ip: bad address '%s'", n->argv[1]);
				goto out;
			}
		} else if (is(n, "connect_port")) {
			if (arg_uint(p, n, 65535, &v))
				goto out;
			base.port = (uint16_t)v;
		} else if (is(n, "bindto")) {
			int af;

			if (need_args(p, n, 1))
				goto out;
			if (cfg_parse_addr(n->argv[1], 0, &af, &base.src) || af != r->d.af) {
				perr(p, n->line, "bindto: bad address '%s'", n->argv[1]);
				goto out;
			}
			base.has_src = 1;
		} else if (is(n, "connect_timeout")) {
			if (arg_secs(p, n, &base.timeout_ms))
				goto out;
		} else if (is(n, "retry") || is(n, "nb_get_retry")) {
			if (arg_uint(p, n, 1000, &retry))
				goto out;
			has_retry = 1;
		} else if (is(n, "delay_before_retry")) {
			if (arg_secs(p, n, &base.retry_delay_ms))
				goto out;
			dbr_given = 1;
		} else if (is(n, "delay_loop")) {
			if (arg_secs(p, n, &base.interval_ms))
				goto out;
		} else if (is(n, "alpha")) {
			int a;

			if (arg_bool(p, n, &a))
				goto out;
			r->start_up = !a;
		} else if (http && is(n, "url")) {
			nurls++; /* parsed below, once the base is complete */
		} else if (misc && is(n, "misc_path")) {
			if (need_args(p, n, 1))
				goto out;
			free(base.command);
			base.command = strdup(n->argv[1]);
		} else if (misc && is(n, "misc_timeout")) {
			if (arg_secs(p, n, &misc_timeout))
				goto out;
		} else if (is(c, "UDP_CHECK") && is(n, "payload")) {
			if (need_args(p, n, 1) || parse_hex(n->argv[1], &base.payload, &base.payload_len)) {
				perr(p, n->line, "payload: expected hex bytes");
				goto out;
			}
		} else if (smtp && is(n, "helo_name")) {
			if (need_args(p, n, 1))
				goto out;
			helo_name = n->argv[1];
		} else if (smtp && is(n, "host")) {
			perr(p, n->line, "SMTP_CHECK: host { } blocks are not supported; "
			     "use connect_ip/connect_port in the SMTP_CHECK itself");
			goto out;
		} else if (dns && is(n, "type")) {
			if (need_args(p, n, 1))
				goto out;
			if (!(dns_type = dns_qtype(n->argv[1]))) {
				perr(p, n->line, "type: expected A, NS, CNAME, SOA, MX, TXT, AAAA or PTR, got '%s'",
				     n->argv[1]);
				goto out;
			}
		} else if (dns && is(n, "name")) {
			if (need_args(p, n, 1))
				goto out;
			dns_name = n->argv[1];
		} else if (is(c, "UDP_CHECK") && is(n, "require_reply")) {
			/* any reply is what we require already */
		} else if (one_of(n->argv[0], ignored_check_kw)) {
			pwarn(p, n->line, "%s is ignored", n->argv[0]);
		} else {
			perr(p, n->line, "unknown keyword '%s' in %s", n->argv[0], c->argv[0]);
			goto out;
		}
	}
	base.fall = retry + 1;
	if (misc) {
		if (!base.command) {
			perr(p, c->line, "MISC_CHECK: missing misc_path");
			goto out;
		}
		base.timeout_ms = misc_timeout ? misc_timeout : base.interval_ms;
	}
	if (base.timeout_ms == 0 || base.interval_ms == 0) {
		perr(p, c->line, "%s: timeouts and delay_loop must be positive", c->argv[0]);
		goto out;
	}
	if (http) {
		if (!nurls) {
			perr(p, c->line, "%s: needs at least one url { path ... }", c->argv[0]);
			goto out;
		}
		for (const struct ka_node *n = c->child; n; n = n->next)
			if (is(n, "url") && parse_url(p, n, &base, r))
				goto out;
	} else {
		struct cfg_check *k;

		if (smtp && cfg_dialog_smtp_helo(&base, helo_name)) {
			perr(p, c->line, "out of memory");
			goto out;
		}
		if (dns) {
			/* keepalived retries a DNS check after delay_loop, not 1 s */
			if (!dbr_given && !has_dbr)
				base.retry_delay_ms = base.interval_ms;
			int r = cfg_dns_build(&base, dns_name, dns_type);
			if (r) {
				if (r == -EINVAL)
					perr(p, c->line, "DNS_CHECK: name '%s' is not a valid DNS name", dns_name);
				else
					perr(p, c->line, "out of memory");
				goto out;
			}
		}
		k = cfg_add_check(r);
		if (!k || cfg_check_copy(k, &base)) {
			perr(p, c->line, "out of memory");
			goto out;
		}
	}
	ret = 0;
out:
	cfg_check_free(&base);
	return ret;
}

static const char *const checker_kw[] = {
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "PING_CHECK", "UDP_CHECK", "SMTP_CHECK", "DNS_CHECK", NULL
};
static const char *const unsupported_checker_kw[] = {
	"BFD_CHECK", "FILE_CHECK", NULL
};
static const char *const ignored_rs_kw[] = {
	"smtp_alert", "snmp_name", "warmup", "virtualhost", NULL
};

static int parse_real_server(struct ka_parser *p, const struct ka_node *n, const struct ka_defaults *vd,
			     struct cfg_service *cs)
{
	struct ka_defaults d = *vd;
	struct cfg_real *r;
	uint32_t v;
	int af;

	if (need_args(p, n, 1))
		return -1;
	r = cfg_add_real(cs);
	if (!r)
		return perr(p, n->line, "out of memory");
	r->line = n->line;
	if (cfg_parse_addr(n->argv[1], 0, &af, &r->d.addr) || af != cs->s.af)
		return perr(p, n->line, "real_server: bad address '%s'", n->argv[1]);
	r->d.af = af;
	if (n->argc > 2) {
		if (cfg_parse_port(n->argv[2], cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp", &r->d.port))
			return perr(p, n->line, "real_server: bad port '%s'", n->argv[2]);
	} else if (!cs->s.fwmark) {
		r->d.port = cs->s.port;
	}
	r->d.weight = (int)vd->weight;
	r->d.conn_flags = vd->fwd;
	for (const struct ka_node *c = n->child; c; c = c->next) {
		if (is(c, "weight")) {
			if (arg_uint(p, c, 65535, &v))
				return -1;
			r->d.weight = (int)v;
		} else if (is(c, "lvs_method") || is(c, "lb_kind")) {
			if (arg_method(p, c, &r->d.conn_flags))
				return -1;
		} else if (is(c, "uthreshold")) {
			if (arg_uint(p, c, 0x7fffffff, &r->d.u_threshold))
				return -1;
		} else if (is(c, "lthreshold")) {
			if (arg_uint(p, c, 0x7fffffff, &r->d.l_threshold))
				return -1;
		} else if (is(c, "inhibit_on_failure")) {
			if (arg_bool(p, c, &d.inhibit))
				return -1;
		} else if (is(c, "alpha")) {
			if (arg_bool(p, c, &d.alpha))
				return -1;
		} else if (is(c, "retry") || is(c, "nb_get_retry")) {
			if (arg_uint(p, c, 1000, &d.retry))
				return -1;
			d.has_retry = 1;
		} else if (is(c, "delay_before_retry")) {
			if (arg_secs(p, c, &d.delay_before_retry_ms))
				return -1;
			d.has_dbr = 1;
		} else if (is(c, "connect_timeout")) {
			if (arg_secs(p, c, &d.connect_timeout_ms))
				return -1;
		} else if (is(c, "delay_loop")) {
			if (arg_secs(p, c, &d.delay_loop_ms))
				return -1;
		} else if (is(c, "notify_up") || is(c, "notify_down")) {
			char **dst = is(c, "notify_up") ? &r->notify_up : &r->notify_down;

			if (need_args(p, c, 1))
				return -1;
			free(*dst);
			if (!(*dst = strdup(c->argv[1])))
				return perr(p, c->line, "out of memory");
		} else if (one_of(c->argv[0], checker_kw) || one_of(c->argv[0], unsupported_checker_kw)) {
			/* after the RS-level settings: handled below */
		} else if (one_of(c->argv[0], ignored_rs_kw)) {
			pwarn(p, c->line, "%s is ignored", c->argv[0]);
		} else {
			return perr(p, c->line, "unknown keyword '%s' in real_server", c->argv[0]);
		}
	}
	r->quiesce = d.inhibit;
	r->start_up = !d.alpha;
	if (cs->s.fwmark == 0 && r->d.conn_flags != LVS_CONN_F_MASQ && r->d.port != cs->s.port) {
		pwarn(p, n->line, "real_server port %u is replaced by the virtual port %u for DR/TUN",
		      r->d.port, cs->s.port);
		r->d.port = cs->s.port;
	}
	for (const struct ka_node *c = n->child; c; c = c->next) {
		if (one_of(c->argv[0], unsupported_checker_kw)) {
			pwarn(p, c->line, "%s is not supported; this checker is ignored", c->argv[0]);
		} else if (one_of(c->argv[0], checker_kw)) {
			struct cfg_real *rr = r;

			if (parse_checker(p, c, &d, cs, rr))
				return -1;
		}
	}
	for (size_t i = 0; i + 1 < cs->nreals; i++)
		if (cs->reals[i].d.port == r->d.port && lvs_addr_equal(af, &cs->reals[i].d.addr, &r->d.addr))
			return perr(p, n->line, "real_server %s %u is already defined at line %d",
				    n->argv[1], r->d.port, cs->reals[i].line);
	return 0;
}

static const char *const ignored_vs_kw[] = {
	"omega", "smtp_alert", "snmp_name", "ha_suspend",
	"warmup", "persistence_engine", "sorry_server_inhibit", "retry", NULL
};

/* the service keys of a virtual_server line (one, or one per group entry) */
struct ka_key {
	struct lvs_service_conf s;
	int line;
};

static int vs_keys(struct ka_parser *p, const struct ka_node *vs, struct ka_key *keys, int max, int *nkeys)
{
	*nkeys = 0;
	if (need_args(p, vs, 1))
		return -1;
	if (!strcmp(vs->argv[1], "fwmark")) {
		uint32_t mark;

		if (vs->argc < 3 || cfg_parse_uint(vs->argv[2], 0xffffffffu, &mark) || !mark)
			return perr(p, vs->line, "virtual_server fwmark: expected a non-zero mark");
		memset(&keys[0], 0, sizeof(keys[0]));
		keys[0].s.af = AF_INET;
		keys[0].s.fwmark = mark;
		keys[0].s.protocol = IPPROTO_TCP;
		keys[0].line = vs->line;
		*nkeys = 1;
		return 0;
	}
	if (!strcmp(vs->argv[1], "group")) {
		const struct ka_node *g;

		if (vs->argc < 3)
			return perr(p, vs->line, "virtual_server group: missing group name");
		for (g = p->groups; g; g = g->next)
			if (is(g, "virtual_server_group") && g->argc > 1 && !strcmp(g->argv[1], vs->argv[2]))
				break;
		if (!g)
			return perr(p, vs->line, "virtual_server group '%s' is not defined (define it first)",
				    vs->argv[2]);
		for (const struct ka_node *e = g->child; e; e = e->next) {
			struct ka_key *k = &keys[*nkeys];
			uint32_t v;

			if (*nkeys == max)
				return perr(p, e->line, "too many entries in virtual_server_group");
			memset(k, 0, sizeof(*k));
			k->line = e->line;
			k->s.protocol = IPPROTO_TCP;
			if (!strcmp(e->argv[0], "fwmark")) {
				if (e->argc < 2 || cfg_parse_uint(e->argv[1], 0xffffffffu, &v) || !v)
					return perr(p, e->line, "fwmark: expected a non-zero mark");
				k->s.af = e->argc > 2 && !strcmp(e->argv[2], "inet6") ? AF_INET6 : AF_INET;
				k->s.fwmark = v;
			} else {
				if (strchr(e->argv[0], '-') || strchr(e->argv[0], '/'))
					return perr(p, e->line, "address ranges in virtual_server_group are not supported");
				if (cfg_parse_addr(e->argv[0], 0, &k->s.af, &k->s.addr))
					return perr(p, e->line, "bad address '%s'", e->argv[0]);
				if (e->argc > 1 && cfg_parse_port(e->argv[1], "tcp", &k->s.port))
					return perr(p, e->line, "bad port '%s'", e->argv[1]);
			}
			(*nkeys)++;
		}
		return 0;
	}
	memset(&keys[0], 0, sizeof(keys[0]));
	if (cfg_parse_addr(vs->argv[1], 0, &keys[0].s.af, &keys[0].s.addr))
		return perr(p, vs->line, "virtual_server: bad address '%s'", vs->argv[1]);
	if (vs->argc > 2 && cfg_parse_port(vs->argv[2], "tcp", &keys[0].s.port))
		return perr(p, vs->line, "virtual_server: bad port '%s'", vs->argv[2]);
	keys[0].line = vs->line;
	*nkeys = 1;
	return 0;
}

static int parse_virtual_server(struct ka_parser *p, struct cfg *c, const struct ka_node *vs)
{
	struct ka_defaults d;
	struct lvs_service_conf s;
	struct ka_key keys[64];
	int nkeys, has_proto = 0, has_sorry = 0, has_sched = 0, has_method = 0;
	uint32_t quorum = 1, hyst = 0, v, sorry_fwd = 0, sorry_has_fwd = 0;
	union lvs_addr sorry_addr;
	uint16_t sorry_port = 0;
	int sorry_af = 0;
	const struct ka_node *sorry_node = NULL;
	const char *quorum_up = NULL, *quorum_down = NULL;

	if (!vs->has_block)
		return perr(p, vs->line, "virtual_server needs a { } block");
	if (vs_keys(p, vs, keys, 64, &nkeys))
		return -1;
	memset(&d, 0, sizeof(d));
	d.delay_loop_ms = 60000;
	d.connect_timeout_ms = 5000;
	d.retry = 1;
	d.delay_before_retry_ms = 1000;
	d.fwd = LVS_CONN_F_MASQ;
	d.weight = 1;
	memset(&s, 0, sizeof(s));
	snprintf(s.sched_name, sizeof(s.sched_name), "wlc");
	s.protocol = IPPROTO_UDP;
	for (const struct ka_node *n = vs->child; n; n = n->next) {
		if (is(n, "delay_loop")) {
			if (arg_secs(p, n, &d.delay_loop_ms))
				return -1;
		} else if (is(n, "lvs_sched") || is(n, "lb_algo")) {
			if (need_args(p, n, 1))
				return -1;
			if (strlen(n->argv[1]) >= LVS_SCHEDNAME_MAXLEN)
				return perr(p, n->line, "%s: bad scheduler '%s'", n->argv[0], n->argv[1]);
			snprintf(s.sched_name, sizeof(s.sched_name), "%s", n->argv[1]);
			has_sched = 1;
		} else if (is(n, "lvs_method") || is(n, "lb_kind")) {
			if (arg_method(p, n, &d.fwd))
				return -1;
			has_method = 1;
		} else if (is(n, "persistence_timeout")) {
			s.flags |= LVS_SVC_F_PERSISTENT;
			s.timeout = LVS_PERSIST_TIMEOUT_DEFAULT;
			if (n->argc > 1) {
				if (arg_uint(p, n, LVS_PERSIST_TIMEOUT_MAX, &s.timeout))
					return -1;
				if (!s.timeout)
					s.timeout = LVS_PERSIST_TIMEOUT_DEFAULT;
			}
		} else if (is(n, "persistence_granularity")) {
			if (need_args(p, n, 1))
				return -1;
			if (strchr(n->argv[1], '.')) {
				if (inet_pton(AF_INET, n->argv[1], &s.netmask) != 1)
					return perr(p, n->line, "persistence_granularity: bad mask '%s'", n->argv[1]);
			} else if (cfg_parse_uint(n->argv[1], 128, &s.netmask)) {
				return perr(p, n->line, "persistence_granularity: bad value '%s'", n->argv[1]);
			}
		} else if (is(n, "protocol")) {
			if (need_args(p, n, 1))
				return -1;
			if (!strcasecmp(n->argv[1], "TCP"))
				s.protocol = IPPROTO_TCP;
			else if (!strcasecmp(n->argv[1], "UDP"))
				s.protocol = IPPROTO_UDP;
			else if (!strcasecmp(n->argv[1], "SCTP"))
				s.protocol = IPPROTO_SCTP;
			else
				return perr(p, n->line, "protocol: expected TCP, UDP or SCTP, got '%s'", n->argv[1]);
			has_proto = 1;
		} else if (is(n, "sorry_server")) {
			if (need_args(p, n, 1))
				return -1;
			if (cfg_parse_addr(n->argv[1], 0, &sorry_af, &sorry_addr))
				return perr(p, n->line, "sorry_server: bad address '%s'", n->argv[1]);
			if (n->argc > 2 && cfg_parse_port(n->argv[2], "tcp", &sorry_port))
				return perr(p, n->line, "sorry_server: bad port '%s'", n->argv[2]);
			has_sorry = 1;
			sorry_node = n;
		} else if (is(n, "sorry_server_lvs_method")) {
			if (arg_method(p, n, &sorry_fwd))
				return -1;
			sorry_has_fwd = 1;
		} else if (is(n, "quorum")) {
			if (arg_uint(p, n, 0x7fffffff, &quorum))
				return -1;
		} else if (is(n, "hysteresis")) {
			if (arg_uint(p, n, 0x7fffffff, &hyst))
				return -1;
		} else if (is(n, "quorum_up") || is(n, "quorum_down")) {
			if (need_args(p, n, 1))
				return -1;
			*(is(n, "quorum_up") ? &quorum_up : &quorum_down) = n->argv[1];
		} else if (is(n, "inhibit_on_failure")) {
			if (arg_bool(p, n, &d.inhibit))
				return -1;
		} else if (is(n, "alpha")) {
			if (arg_bool(p, n, &d.alpha))
				return -1;
		} else if (is(n, "connect_timeout")) {
			if (arg_secs(p, n, &d.connect_timeout_ms))
				return -1;
		} else if (is(n, "delay_before_retry")) {
			if (arg_secs(p, n, &d.delay_before_retry_ms))
				return -1;
			d.has_dbr = 1;
		} else if (is(n, "weight")) {
			if (arg_uint(p, n, 65535, &d.weight))
				return -1;
		} else if (is(n, "virtualhost")) {
			if (need_args(p, n, 1))
				return -1;
			d.virtualhost = n->argv[1];
		} else if (is(n, "ops")) {
			s.flags |= LVS_SVC_F_ONEPACKET;
		} else if (is(n, "flag-1") || is(n, "sh-fallback") || is(n, "mh-fallback")) {
			s.flags |= LVS_SVC_F_SCHED1;
		} else if (is(n, "flag-2") || is(n, "sh-port") || is(n, "mh-port")) {
			s.flags |= LVS_SVC_F_SCHED2;
		} else if (is(n, "flag-3")) {
			s.flags |= LVS_SVC_F_SCHED3;
		} else if (is(n, "hashed") || is(n, "ip_family")) {
			/* implied */
		} else if (is(n, "real_server")) {
			/* below, once the virtual's settings are known */
		} else if (one_of(n->argv[0], ignored_vs_kw)) {
			if (is(n, "retry")) {
				if (arg_uint(p, n, 1000, &v))
					return -1;
				d.retry = v;
				d.has_retry = 1;
			} else {
				pwarn(p, n->line, "%s is ignored", n->argv[0]);
			}
		} else {
			return perr(p, n->line, "unknown keyword '%s' in virtual_server", n->argv[0]);
		}
	}
	if (!has_sched)
		pwarn(p, vs->line, "virtual_server: no lvs_sched, using wlc");
	if (!has_method)
		pwarn(p, vs->line, "virtual_server: no lvs_method, using NAT");
	if (!has_proto && !keys[0].s.fwmark)
		pwarn(p, vs->line, "virtual_server: no protocol, using UDP as keepalived does");

	for (int i = 0; i < nkeys; i++) {
		struct cfg_service *cs = cfg_add_service(c);

		if (!cs)
			return perr(p, vs->line, "out of memory");
		cs->s = s;
		cs->s.af = keys[i].s.af;
		cs->s.addr = keys[i].s.addr;
		cs->s.port = keys[i].s.port;
		cs->s.fwmark = keys[i].s.fwmark;
		if (cs->s.fwmark)
			cs->s.protocol = IPPROTO_TCP;
		if (!(cs->s.flags & LVS_SVC_F_PERSISTENT))
			cs->s.netmask = 0;
		if (!cs->s.netmask || !(s.flags & LVS_SVC_F_PERSISTENT))
			cs->s.netmask = cs->s.af == AF_INET6 ? 128 : 0xffffffffu;
		cs->line = keys[i].line;
		cs->quorum = quorum;
		cs->hysteresis = hyst;
		if ((quorum_up && !(cs->quorum_up = strdup(quorum_up))) ||
		    (quorum_down && !(cs->quorum_down = strdup(quorum_down))))
			return perr(p, vs->line, "out of memory");
		cfg_service_name(cs);
		for (size_t j = 0; j + 1 < c->nsvcs; j++)
			if (cfg_svc_key_equal(&c->svcs[j].s, &cs->s))
				return perr(p, vs->line, "virtual_server %s is already defined at line %d",
					    cs->name, c->svcs[j].line);
		if (has_sorry) {
			if (sorry_af != cs->s.af)
				return perr(p, sorry_node->line, "sorry_server: address family differs from the virtual's");
			cs->has_sorry = 1;
			cs->sorry.af = sorry_af;
			cs->sorry.addr = sorry_addr;
			cs->sorry.port = sorry_port ? sorry_port : cs->s.port;
			cs->sorry.conn_flags = sorry_has_fwd ? sorry_fwd : d.fwd;
			cs->sorry.weight = 1;
			if (!cs->s.fwmark && cs->sorry.conn_flags != LVS_CONN_F_MASQ)
				cs->sorry.port = cs->s.port;
		}
		for (const struct ka_node *n = vs->child; n; n = n->next)
			if (is(n, "real_server") && parse_real_server(p, n, &d, cs))
				return -1;
	}
	return 0;
}

static const char *const skipped_top[] = {
	"global_defs", "static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces",
	"SSL", "net_namespace", "instance", "use_pid_dir", "bfd_instance", "garp_group", NULL
};

int cfg_parse_keepalived(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn)
{
	struct ka_parser p;
	struct ka_lex lx = { text, 1 };
	struct ka_node *root = NULL, *n;
	struct cfg *c = NULL;
	int ret = -1;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.warn = warn;
	if (parse_block(&p, &lx, 0, &root, 1))
		goto out;
	c = cfg_new(CFG_FMT_KEEPALIVED, name);
	if (!c) {
		perr(&p, 1, "out of memory");
		goto out;
	}
	p.groups = root; /* vs_keys() finds virtual_server_group nodes by name */
	for (n = root; n; n = n->next) {
		if (is(n, "virtual_server")) {
			if (parse_virtual_server(&p, c, n))
				goto out;
		} else if (is(n, "virtual_server_group")) {
			if (n->argc < 2 || !n->has_block) {
				perr(&p, n->line, "virtual_server_group: expected NAME { ... }");
				goto out;
			}
		} else if (!strncmp(n->argv[0], "vrrp_", 5) || one_of(n->argv[0], skipped_top)) {
			continue;
		} else if (is(n, "include")) {
			pwarn(&p, n->line, "include is not supported; the included file is not read");
		} else {
			pwarn(&p, n->line, "unknown top-level keyword '%s' skipped", n->argv[0]);
		}
	}
	if (!c->nsvcs)
		pwarn(&p, 1, "no virtual_server");
	*out = c;
	c = NULL;
	ret = 0;
out:
	node_free(root);
	cfg_free(c);
	if (ret && !err->len)
		sb_printf(err, "%s: parse error", name);
	return ret;
}
