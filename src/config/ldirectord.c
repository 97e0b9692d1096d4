/* ldirectord.c - parser for ldirectord.cf (compat.md §1.7).
 *
 * Two passes: the first reads lines into a global scope and one scope per
 * virtual= (remembering each value's line for messages), the second
 * resolves every virtual with its own value, else the global one, else
 * ldirectord's default, so a global written after the virtuals still
 * applies (ldirectord looks globals up when it uses them).
 *
 * Leniency for copied blog configs (seeds/README.md): lines after virtual=
 * belong to it even when not indented (one warning per section); words
 * after a real='s weight that are not request/receive/l:/u: are ignored
 * with a warning; protocol=fwm beside an ip:port virtual is dropped with a
 * warning.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "config.h"

enum {
	F_G = 1,     /* allowed at top level */
	F_V = 2,     /* allowed in a virtual section */
	F_GONLY = 4, /* global-only: stays global even after a virtual= */
	F_IGN = 8,   /* accepted and ignored, with a warning */
	F_MULTI = 16 /* may repeat (real=) */
};

enum ld_key {
	K_VIRTUAL, K_VIRTUAL6, K_REAL, K_REAL6, K_FALLBACK, K_FALLBACK6,
	K_CHECKTYPE, K_CHECKTIMEOUT, K_NEGOTIATETIMEOUT, K_CONNECTTIMEOUT, K_CHECKINTERVAL,
	K_FAILURECOUNT, K_CHECKCOUNT, K_CHECKCOMMAND, K_CHECKPORT, K_SERVICE, K_REQUEST,
	K_RECEIVE, K_HTTPMETHOD, K_VIRTUALHOST, K_SCHEDULER, K_PERSISTENT, K_NETMASK,
	K_SCHEDFLAGS, K_PROTOCOL, K_OPS, K_QUIESCENT, K_AUTORELOAD, K_LOGFILE,
	K_FALLBACKCOMMAND, K_READDQUIESCENT, K_CLEANSTOP, K_CALLBACK, K_SUPERVISED, K_FORK,
	K_EXECUTE, K_MAINTENANCEDIR, K_MONITORFILE, K_EMAILALERT, K_EMAILALERTFREQ,
	K_EMAILALERTSTATUS, K_EMAILALERTFROM, K_SMTP, K_SERVICENAME, K_COMMENT, K_LOAD,
	K_LOGIN, K_PASSWD, K_DATABASE, K_SECRET, K_TIMEOUT, K_SUCCESSCOUNT, K_INITIALSTATE,
	K_MAX
};

static const struct {
	const char *name;
	int flags;
} keys[K_MAX] = {
	[K_VIRTUAL] = { "virtual", F_G },
	[K_VIRTUAL6] = { "virtual6", F_G },
	[K_REAL] = { "real", F_V | F_MULTI },
	[K_REAL6] = { "real6", F_V | F_MULTI },
	[K_FALLBACK] = { "fallback", F_G | F_V },
	[K_FALLBACK6] = { "fallback6", F_G | F_V },
	[K_CHECKTYPE] = { "checktype", F_G | F_V },
	[K_CHECKTIMEOUT] = { "checktimeout", F_G | F_V },
	[K_NEGOTIATETIMEOUT] = { "negotiatetimeout", F_G | F_V },
	[K_CONNECTTIMEOUT] = { "connecttimeout", F_G | F_V },
	[K_CHECKINTERVAL] = { "checkinterval", F_G | F_V },
	[K_FAILURECOUNT] = { "failurecount", F_G | F_V },
	[K_CHECKCOUNT] = { "checkcount", F_G | F_V | F_IGN },
	[K_CHECKCOMMAND] = { "checkcommand", F_G | F_V },
	[K_CHECKPORT] = { "checkport", F_V },
	[K_SERVICE] = { "service", F_V },
	[K_REQUEST] = { "request", F_V },
	[K_RECEIVE] = { "receive", F_V },
	[K_HTTPMETHOD] = { "httpmethod", F_V },
	[K_VIRTUALHOST] = { "virtualhost", F_V },
	[K_SCHEDULER] = { "scheduler", F_V },
	[K_PERSISTENT] = { "persistent", F_V },
	[K_NETMASK] = { "netmask", F_V },
	[K_SCHEDFLAGS] = { "schedflags", F_V },
	[K_PROTOCOL] = { "protocol", F_V },
	[K_OPS] = { "ops", F_V },
	[K_QUIESCENT] = { "quiescent", F_G | F_V },
	[K_AUTORELOAD] = { "autoreload", F_G | F_GONLY },
	[K_LOGFILE] = { "logfile", F_G | F_GONLY },
	[K_FALLBACKCOMMAND] = { "fallbackcommand", F_G | F_V },
	[K_READDQUIESCENT] = { "readdquiescent", F_G | F_GONLY | F_IGN },
	[K_CLEANSTOP] = { "cleanstop", F_G | F_V | F_IGN },
	[K_CALLBACK] = { "callback", F_G | F_GONLY | F_IGN },
	[K_SUPERVISED] = { "supervised", F_G | F_GONLY | F_IGN },
	[K_FORK] = { "fork", F_G | F_GONLY | F_IGN },
	[K_EXECUTE] = { "execute", F_G | F_GONLY | F_IGN | F_MULTI },
	[K_MAINTENANCEDIR] = { "maintenancedir", F_G | F_GONLY },
	[K_MONITORFILE] = { "monitorfile", F_G | F_V | F_IGN },
	[K_EMAILALERT] = { "emailalert", F_G | F_V | F_IGN },
	[K_EMAILALERTFREQ] = { "emailalertfreq", F_G | F_V | F_IGN },
	[K_EMAILALERTSTATUS] = { "emailalertstatus", F_G | F_V | F_IGN },
	[K_EMAILALERTFROM] = { "emailalertfrom", F_G | F_GONLY | F_IGN },
	[K_SMTP] = { "smtp", F_G | F_V | F_IGN },
	[K_SERVICENAME] = { "servicename", F_V | F_IGN },
	[K_COMMENT] = { "comment", F_V | F_IGN },
	[K_LOAD] = { "load", F_V | F_IGN },
	[K_LOGIN] = { "login", F_V },       /* negotiate: pop, imap, ftp */
	[K_PASSWD] = { "passwd", F_V },
	[K_DATABASE] = { "database", F_V | F_IGN },
	[K_SECRET] = { "secret", F_V | F_IGN },
	[K_TIMEOUT] = { "timeout", F_G | F_V },
	/* lvsd extensions (ldirectord has neither) */
	[K_SUCCESSCOUNT] = { "successcount", F_G | F_V },
	[K_INITIALSTATE] = { "initialstate", F_G | F_V },
};

struct ld_line {
	char *val;
	int line;
};

struct ld_scope {
	struct ld_line v[K_MAX];         /* last value of each key */
	struct ld_line *reals;           /* every real=/real6= in order */
	size_t nreals;
	int is_v6;                       /* virtual6= */
	int line;
};

struct ld_parser {
	const char *name;
	struct strbuf *err, *warn;
	struct ld_scope global;
	struct ld_scope *virts;
	size_t nvirts;
};

static int perr(struct ld_parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct ld_parser *p, int line, const char *fmt, ...)
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

static void pwarn(struct ld_parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pwarn(struct ld_parser *p, int line, const char *fmt, ...)
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

static void scope_free(struct ld_scope *s)
{
	for (int k = 0; k < K_MAX; k++)
		free(s->v[k].val);
	for (size_t i = 0; i < s->nreals; i++)
		free(s->reals[i].val);
	free(s->reals);
}

/* remove a '#' comment that is outside double quotes; trim both ends */
static char *clean_line(char *l, int *indented)
{
	int q = 0;
	char *e;

	for (char *c = l; *c; c++) {
		if (*c == '"')
			q = !q;
		else if (*c == '#' && !q) {
			*c = 0;
			break;
		}
	}
	*indented = (*l == ' ' || *l == '\t');
	while (*l == ' ' || *l == '\t')
		l++;
	e = l + strlen(l);
	while (e > l && isspace((unsigned char)e[-1]))
		*--e = 0;
	return l;
}

static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = 0;
		return v + 1;
	}
	return v;
}

static int set_value(struct ld_parser *p, struct ld_scope *s, int k, const char *val, int line)
{
	char *dup = strdup(val);

	if (!dup)
		return perr(p, line, "out of memory");
	if (keys[k].flags & F_MULTI && (k == K_REAL || k == K_REAL6)) {
		struct ld_line *n = realloc(s->reals, (s->nreals + 1) * sizeof(*n));

		if (!n) {
			free(dup);
			return perr(p, line, "out of memory");
		}
		s->reals = n;
		s->reals[s->nreals].val = dup;
		s->reals[s->nreals].line = line;
		/* real6= is remembered by a marker prefix */
		if (k == K_REAL6) {
			char *m = malloc(strlen(dup) + 2);

			if (!m) {
				free(dup);
				return perr(p, line, "out of memory");
			}
			m[0] = '6';
			strcpy(m + 1, dup);
			free(dup);
			s->reals[s->nreals].val = m;
		} else {
			char *m = malloc(strlen(dup) + 2);

			if (!m) {
				free(dup);
				return perr(p, line, "out of memory");
			}
			m[0] = '4';
			strcpy(m + 1, dup);
			free(dup);
			s->reals[s->nreals].val = m;
		}
		s->nreals++;
		return 0;
	}
	free(s->v[k].val);
	s->v[k].val = dup;
	s->v[k].line = line;
	return 0;
}

static int read_lines(struct ld_parser *p, const char *text)
{
	char *copy = strdup(text), *save = NULL, *raw;
	int line = 0, ret = 0, warned_indent = 0;

	if (!copy)
		return perr(p, 1, "out of memory");
	/* strsep keeps empty lines, so line numbers stay right */
	char *cur = copy;

	while ((raw = strsep(&cur, "\n")) != NULL) {
		int indented, k;
		char *l, *eq, *key, *val;

		line++;
		l = clean_line(raw, &indented);
		if (!*l)
			continue;
		eq = l;
		while (isalnum((unsigned char)*eq) || *eq == '_')
			eq++;
		key = l;
		val = eq;
		while (*val == ' ' || *val == '\t')
			val++;
		if (eq == l || *val != '=') {
			ret = perr(p, line, "syntax error: expected 'directive=value', got '%.60s'", l);
			break;
		}
		*eq = 0;
		val++;
		while (*val == ' ' || *val == '\t')
			val++;
		for (k = 0; k < K_MAX; k++)
			if (!strcasecmp(keys[k].name, key))
				break;
		if (k == K_MAX) {
			ret = perr(p, line, "unknown directive '%s'", key);
			break;
		}
		if (k == K_TIMEOUT) {
			ret = perr(p, line, "'timeout' is deprecated and not supported; use checktimeout/negotiatetimeout");
			break;
		}
		if (k == K_CONNECTTIMEOUT) {
			pwarn(p, line, "'connecttimeout' is deprecated; treated as checktimeout");
			k = K_CHECKTIMEOUT;
		}
		if (keys[k].flags & F_IGN)
			pwarn(p, line, "'%s' is not supported by lvsd and is ignored", keys[k].name);
		if (k != K_REAL && k != K_REAL6)
			val = unquote(val);

		if (k == K_VIRTUAL || k == K_VIRTUAL6) {
			struct ld_scope *n = realloc(p->virts, (p->nvirts + 1) * sizeof(*n));

			if (!n) {
				ret = perr(p, line, "out of memory");
				break;
			}
			p->virts = n;
			memset(&p->virts[p->nvirts], 0, sizeof(*n));
			p->virts[p->nvirts].line = line;
			p->virts[p->nvirts].is_v6 = (k == K_VIRTUAL6);
			p->nvirts++;
			warned_indent = 0;
			if (indented)
				pwarn(p, line, "virtual= should start in column 0");
			if (set_value(p, &p->virts[p->nvirts - 1], k, val, line)) {
				ret = -1;
				break;
			}
			continue;
		}
		struct ld_scope *s = &p->global;

		if (p->nvirts && !(keys[k].flags & F_GONLY)) {
			s = &p->virts[p->nvirts - 1];
			if (!indented && !warned_indent) {
				pwarn(p, line, "lines after virtual= (line %d) are not indented; "
				      "treating them as part of that virtual section", s->line);
				warned_indent = 1;
			}
		} else if (!(keys[k].flags & F_G)) {
			ret = perr(p, line, "'%s' is only valid inside a virtual= section", keys[k].name);
			break;
		} else if (indented && p->nvirts) {
			pwarn(p, line, "'%s' is a global directive; applied globally", keys[k].name);
		}
		if (set_value(p, s, k, val, line)) {
			ret = -1;
			break;
		}
	}
	(void)save;
	free(copy);
	return ret;
}

/* value lookup: the virtual's, else the global one */
static const struct ld_line *get(const struct ld_parser *p, const struct ld_scope *v, int k)
{
	if (v && v->v[k].val)
		return &v->v[k];
	if (p->global.v[k].val)
		return &p->global.v[k];
	return NULL;
}

static const char *val_of(const struct ld_line *l)
{
	return l ? l->val : NULL;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "on") || !strcmp(s, "1") || !strcasecmp(s, "true"))
		*out = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "off") || !strcmp(s, "0") || !strcasecmp(s, "false"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int get_bool(struct ld_parser *p, const struct ld_scope *v, int k, int def, int *out)
{
	const struct ld_line *l = get(p, v, k);

	*out = def;
	if (l && parse_bool(l->val, out))
		return perr(p, l->line, "%s: expected yes or no, got '%s'", keys[k].name, l->val);
	return 0;
}

static int get_secs(struct ld_parser *p, const struct ld_scope *v, int k, uint32_t def_ms, uint32_t *ms)
{
	const struct ld_line *l = get(p, v, k);

	*ms = def_ms;
	if (l && (cfg_parse_seconds(l->val, ms) || *ms == 0))
		return perr(p, l->line, "%s: expected a positive number of seconds, got '%s'",
			    keys[k].name, l->val);
	return 0;
}

static int parse_fwd(const char *w, uint32_t *fwd)
{
	if (!strcasecmp(w, "gate"))
		*fwd = LVS_CONN_F_DROUTE;
	else if (!strcasecmp(w, "masq"))
		*fwd = LVS_CONN_F_MASQ;
	else if (!strcasecmp(w, "ipip"))
		*fwd = LVS_CONN_F_TUNNEL;
	else
		return -1;
	return 0;
}

/* Split a real= value into words; a "quoted string" (optionally followed
 * by a comma) is one word without its quotes.  Returns the word count. */
static int split_words(char *s, char **w, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			char *e = strchr(s + 1, '"');

			w[n++] = s + 1;
			if (!e)
				break;
			*e = 0;
			s = e + 1;
			if (*s == ',')
				s++;
			continue;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = 0;
	}
	return n;
}

/* the check every real of this virtual gets, before per-real overrides */
struct ld_check_base {
	struct cfg_check k;
	int is_off;
};

static const struct {
	const char *name;
	uint16_t port;
} svc_ports[] = {
	{ "ftp", 21 }, { "smtp", 25 }, { "dns", 53 }, { "http", 80 }, { "pop", 110 },
	{ "nntp", 119 }, { "imap", 143 }, { "ldap", 389 }, { "https", 443 },
	{ "submission", 587 }, { "ldaps", 636 }, { "imaps", 993 }, { "pops", 995 },
	{ "oracle", 1521 }, { "radius", 1812 }, { "http_proxy", 3128 }, { "mysql", 3306 },
	{ "sip", 5060 }, { "pgsql", 5432 },
};

static const char *const known_services[] = {
	"http", "https", "http_proxy", "ftp", "smtp", "submission", "pop", "pops", "imap",
	"imaps", "ldap", "ldaps", "nntp", "dns", "mysql", "pgsql", "oracle", "sip", "radius",
	"simpletcp", "none", NULL
};

static int build_check(struct ld_parser *p, const struct ld_scope *v, const struct cfg_service *cs,
		       struct cfg_check *k)
{
	const struct ld_line *l;
	const char *ct = "negotiate", *service = NULL;
	uint32_t ctimeout, ntimeout, failures = 1;
	int has_ct = get(p, v, K_CHECKTIMEOUT) != NULL, has_nt = get(p, v, K_NEGOTIATETIMEOUT) != NULL;

	memset(k, 0, sizeof(*k));
	if (get_secs(p, v, K_CHECKINTERVAL, 10000, &k->interval_ms) ||
	    get_secs(p, v, K_CHECKTIMEOUT, 5000, &ctimeout) ||
	    get_secs(p, v, K_NEGOTIATETIMEOUT, 30000, &ntimeout))
		return -1;
	if (has_ct && !has_nt)
		ntimeout = ctimeout;
	if (has_nt && !has_ct)
		ctimeout = ntimeout;
	if ((l = get(p, v, K_FAILURECOUNT)) && (cfg_parse_uint(l->val, 1000000, &failures) || !failures))
		return perr(p, l->line, "failurecount: expected a positive integer, got '%s'", l->val);
	k->fall = failures;
	k->rise = 1;
	if ((l = get(p, v, K_SUCCESSCOUNT)) && (cfg_parse_uint(l->val, 1000000, &k->rise) || !k->rise))
		return perr(p, l->line, "successcount: expected a positive integer, got '%s'", l->val);
	k->retry_delay_ms = k->interval_ms;

	if ((l = get(p, v, K_CHECKTYPE)))
		ct = l->val;
	if ((l = get(p, v, K_SERVICE))) {
		int ok = 0;

		for (int i = 0; known_services[i]; i++)
			ok |= !strcasecmp(known_services[i], l->val);
		if (!ok)
			return perr(p, l->line, "service: unknown service '%s'", l->val);
		service = l->val;
	} else {
		service = "none";
		for (size_t i = 0; i < sizeof(svc_ports) / sizeof(svc_ports[0]); i++)
			if (!cs->s.fwmark && svc_ports[i].port == cs->s.port)
				service = svc_ports[i].name;
	}
	if ((l = get(p, v, K_CHECKPORT))) {
		uint32_t port;

		if (cfg_parse_uint(l->val, 65535, &port) || !port)
			return perr(p, l->line, "checkport: expected a port number, got '%s'", l->val);
		k->port = (uint16_t)port;
	}
	k->timeout_ms = ctimeout;
	int line = l ? l->line : v->line;

	if ((l = get(p, v, K_CHECKTYPE)))
		line = l->line;
	if (!strcasecmp(ct, "off")) {
		k->kind = CFG_CHK_OFF;
	} else if (!strcasecmp(ct, "on")) {
		k->kind = CFG_CHK_ON;
	} else if (!strcasecmp(ct, "connect")) {
		k->kind = cs->s.protocol == IPPROTO_UDP ? CFG_CHK_PING : CFG_CHK_TCP;
	} else if (!strcasecmp(ct, "ping")) {
		k->kind = CFG_CHK_PING;
	} else if (!strcasecmp(ct, "external")) {
		const struct ld_line *c = get(p, v, K_CHECKCOMMAND);

		k->kind = CFG_CHK_EXTERNAL;
		k->command = strdup(c ? c->val : "/bin/true");
		if (!k->command)
			return perr(p, line, "out of memory");
	} else if (!strcasecmp(ct, "external-perl")) {
		return perr(p, line, "checktype=external-perl is not supported (lvsd has no Perl); "
			    "use checktype=external");
	} else if (!strcasecmp(ct, "negotiate") || isdigit((unsigned char)ct[0])) {
		uint32_t n;
		int r;

		if (isdigit((unsigned char)ct[0])) {
			if (cfg_parse_uint(ct, 1000000, &n))
				return perr(p, line, "checktype: bad value '%s'", ct);
			pwarn(p, line, "checktype=%s (combined connect/negotiate) runs the negotiate check every time", ct);
		}
		k->timeout_ms = ntimeout;
		if (!strcasecmp(service, "http") || !strcasecmp(service, "https") ||
		    !strcasecmp(service, "http_proxy")) {
			const struct ld_line *r = get(p, v, K_REQUEST), *rx = get(p, v, K_RECEIVE);
			const struct ld_line *vh = get(p, v, K_VIRTUALHOST), *m = get(p, v, K_HTTPMETHOD);
			const char *req = r ? r->val : "/";

			k->kind = CFG_CHK_HTTP;
			k->https = !strcasecmp(service, "https");
			k->path = malloc(strlen(req) + 2);
			if (!k->path)
				return perr(p, line, "out of memory");
			sprintf(k->path, "%s%s", req[0] == '/' ? "" : "/", req);
			if (rx && rx->val[0] && !(k->receive = strdup(rx->val)))
				return perr(p, line, "out of memory");
			if (vh && vh->val[0] && !(k->host = strdup(vh->val)))
				return perr(p, line, "out of memory");
			if (m) {
				if (!strcasecmp(m->val, "HEAD"))
					k->head = 1;
				else if (strcasecmp(m->val, "GET"))
					return perr(p, m->line, "httpmethod: expected GET or HEAD, got '%s'", m->val);
			}
		} else if (!strcasecmp(service, "none")) {
			k->kind = CFG_CHK_ON;
		} else if (!strcasecmp(service, "dns")) {
			/* ldirectord looks `request` up (an address by PTR) and wants
			 * an A or PTR answer matching `receive` */
			const char *req = val_of(get(p, v, K_REQUEST)), *rx = val_of(get(p, v, K_RECEIVE));
			char rev[80];
			uint16_t qt = DNS_T_A;

			if (!req || !req[0])
				return perr(p, line, "service=dns needs request=<name to look up>");
			if (dns_reverse_name(req, rev, sizeof(rev)) == 0)
				req = rev, qt = DNS_T_PTR;
			if ((r = cfg_dns_build(k, req, qt)) == -EINVAL)
				return perr(p, line, "request: '%s' is not a valid DNS name", req);
			if (r)
				return perr(p, line, "out of memory");
			if (rx && rx[0] && !(k->receive = strdup(rx)))
				return perr(p, line, "out of memory");
		} else if (cs->s.protocol != IPPROTO_UDP &&
			   (r = cfg_dialog_build(k, service, val_of(get(p, v, K_REQUEST)), val_of(get(p, v, K_RECEIVE)),
						 val_of(get(p, v, K_LOGIN)), val_of(get(p, v, K_PASSWD)))) <= 0) {
			if (r < 0)
				return perr(p, line, "out of memory");
		} else {
			k->kind = cs->s.protocol == IPPROTO_UDP ? CFG_CHK_PING : CFG_CHK_TCP;
			pwarn(p, line, "negotiate checks for service=%s are not implemented; "
			      "using a %s check", service, k->kind == CFG_CHK_TCP ? "TCP connect" : "ping");
		}
	} else {
		return perr(p, line, "checktype: expected connect, negotiate, ping, external, off, on "
			    "or a number, got '%s'", ct);
	}
	return 0;
}

static int parse_virtual_addr(struct ld_parser *p, const struct ld_scope *v, struct cfg_service *cs)
{
	const struct ld_line *l = &v->v[v->is_v6 ? K_VIRTUAL6 : K_VIRTUAL];
	const struct ld_line *pr = get(p, v, K_PROTOCOL);
	const char *proto = pr ? pr->val : NULL;
	uint32_t mark;

	if (proto && strcasecmp(proto, "tcp") && strcasecmp(proto, "udp") && strcasecmp(proto, "fwm"))
		return perr(p, pr->line, "protocol: expected tcp, udp or fwm, got '%s'", proto);
	if (isdigit((unsigned char)l->val[0]) && !cfg_parse_uint(l->val, 0xffffffffu, &mark)) {
		if (!mark)
			return perr(p, l->line, "virtual: firewall mark 0 is not allowed");
		cs->s.af = v->is_v6 ? AF_INET6 : AF_INET;
		cs->s.fwmark = mark;
		cs->s.protocol = IPPROTO_TCP;
		if (proto && strcasecmp(proto, "fwm"))
			pwarn(p, pr->line, "protocol=%s ignored for firewall-mark virtual %u", proto, mark);
		return 0;
	}
	const char *pname = proto && !strcasecmp(proto, "udp") ? "udp" : "tcp";

	if (cfg_parse_hostport(l->val, pname, &cs->s.af, &cs->s.addr, &cs->s.port) || !strchr(l->val, ':'))
		return perr(p, l->line, "virtual: expected IP:port, [IPv6]:port or a firewall mark, got '%s'",
			    l->val);
	if (v->is_v6 != (cs->s.af == AF_INET6))
		return perr(p, l->line, "%s: address family does not match the directive",
			    v->is_v6 ? "virtual6" : "virtual");
	if (!proto) {
		cs->s.protocol = cs->s.port == 53 ? IPPROTO_UDP : IPPROTO_TCP;
	} else if (!strcasecmp(proto, "fwm")) {
		pwarn(p, pr->line, "protocol=fwm needs virtual=<mark>; virtual %s is an address, "
		      "so it is served as tcp", l->val);
		cs->s.protocol = IPPROTO_TCP;
	} else {
		cs->s.protocol = !strcasecmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	}
	return 0;
}

static int parse_service_params(struct ld_parser *p, const struct ld_scope *v, struct cfg_service *cs)
{
	const struct ld_line *l;
	const char *sched = "wrr";

	if ((l = get(p, v, K_SCHEDULER))) {
		for (const char *c = l->val; *c; c++)
			if (!islower((unsigned char)*c))
				return perr(p, l->line, "scheduler: bad name '%s'", l->val);
		if (!l->val[0] || strlen(l->val) >= LVS_SCHEDNAME_MAXLEN)
			return perr(p, l->line, "scheduler: bad name '%s'", l->val);
		sched = l->val;
	}
	snprintf(cs->s.sched_name, sizeof(cs->s.sched_name), "%s", sched);
	cs->s.netmask = cs->s.af == AF_INET6 ? 128 : 0xffffffffu;
	if ((l = get(p, v, K_PERSISTENT))) {
		uint32_t t;

		if (cfg_parse_uint(l->val, LVS_PERSIST_TIMEOUT_MAX, &t) || !t)
			return perr(p, l->line, "persistent: expected seconds (1..%u), got '%s'",
				    LVS_PERSIST_TIMEOUT_MAX, l->val);
		cs->s.flags |= LVS_SVC_F_PERSISTENT;
		cs->s.timeout = t;
		if ((l = get(p, v, K_NETMASK))) {
			uint32_t plen;

			if (cs->s.af == AF_INET6) {
				if (cfg_parse_uint(l->val, 128, &plen) || !plen)
					return perr(p, l->line, "netmask: expected an IPv6 prefix length, got '%s'", l->val);
				cs->s.netmask = plen;
			} else if (inet_pton(AF_INET, l->val, &cs->s.netmask) != 1) {
				return perr(p, l->line, "netmask: expected a dotted mask, got '%s'", l->val);
			}
		}
	}
	if ((l = get(p, v, K_SCHEDFLAGS))) {
		char buf[128], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", l->val);
		for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			if (!strcmp(f, "flag-1") || !strcmp(f, "sh-fallback") || !strcmp(f, "mh-fallback"))
				cs->s.flags |= LVS_SVC_F_SCHED1;
			else if (!strcmp(f, "flag-2") || !strcmp(f, "sh-port") || !strcmp(f, "mh-port"))
				cs->s.flags |= LVS_SVC_F_SCHED2;
			else if (!strcmp(f, "flag-3"))
				cs->s.flags |= LVS_SVC_F_SCHED3;
			else
				return perr(p, l->line, "schedflags: unknown flag '%s'", f);
		}
	}
	int ops;

	if (get_bool(p, v, K_OPS, 0, &ops))
		return -1;
	if (ops && cs->s.protocol == IPPROTO_UDP && !cs->s.fwmark)
		cs->s.flags |= LVS_SVC_F_ONEPACKET;
	return 0;
}

/* ipvsadm forces the RS port to the virtual port for gate/ipip on an
 * address service; ldirectord relies on it, so the model says it too */
static void force_port(struct ld_parser *p, const struct cfg_service *cs, struct lvs_dest_conf *d, int line)
{
	if (cs->s.fwmark || d->conn_flags == LVS_CONN_F_MASQ)
		return;
	if (d->port != cs->s.port)
		pwarn(p, line, "port %u of a gate/ipip server is replaced by the virtual port %u "
		      "(as ipvsadm does)", d->port, cs->s.port);
	d->port = cs->s.port;
}

static int parse_real(struct ld_parser *p, const struct ld_scope *v, struct cfg_service *cs,
		      const struct ld_line *rl, const struct cfg_check *base, int quiesce)
{
	char buf[1024], *w[24];
	int n, is6 = rl->val[0] == '6', af = 0, af2 = 0, iw = 2, nreq = 0;
	union lvs_addr a1, a2;
	uint16_t port = 0, port2 = 0;
	struct lvs_dest_conf d;
	const char *req = NULL, *recv = NULL;

	snprintf(buf, sizeof(buf), "%s", rl->val + 1);
	n = split_words(buf, w, 24);
	if (n < 2)
		return perr(p, rl->line, "real: expected 'IP[:port] gate|masq|ipip [weight]', got '%s'", rl->val + 1);
	memset(&d, 0, sizeof(d));
	d.weight = 1;
	if (parse_fwd(w[1], &d.conn_flags))
		return perr(p, rl->line, "real: forwarding method must be gate, masq or ipip, got '%s'", w[1]);
	/* address, or a range a.b.c.d->a.b.c.e[:port] */
	char *arrow = strstr(w[0], "->");
	const char *proto = cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp";

	if (arrow) {
		*arrow = 0;
		if (cfg_parse_hostport(w[0], proto, &af, &a1, &port) ||
		    cfg_parse_hostport(arrow + 2, proto, &af2, &a2, &port2) || af != AF_INET || af2 != AF_INET)
			return perr(p, rl->line, "real: bad IPv4 range '%s->%s'", w[0], arrow + 2);
		port = port2 ? port2 : port;
		if (ntohl(a2.ip) < ntohl(a1.ip) || ntohl(a2.ip) - ntohl(a1.ip) > 1023)
			return perr(p, rl->line, "real: range must be ascending and at most 1024 addresses");
	} else {
		if (cfg_parse_hostport(w[0], proto, &af, &a1, &port))
			return perr(p, rl->line, "real: bad address '%s'", w[0]);
		a2 = a1;
	}
	if ((af == AF_INET6) != is6)
		return perr(p, rl->line, "%s: address family does not match the directive", is6 ? "real6" : "real");
	if (af != cs->s.af)
		return perr(p, rl->line, "real: address family differs from the virtual's");
	if (!port && !cs->s.fwmark)
		port = cs->s.port;
	d.af = af;
	d.port = port;
	if (n > 2 && isdigit((unsigned char)w[2][0])) {
		uint32_t wt;

		if (cfg_parse_uint(w[2], 65535, &wt))
			return perr(p, rl->line, "real: bad weight '%s'", w[2]);
		d.weight = (int)wt;
		iw = 3;
	}
	for (int i = iw; i < n; i++) {
		uint32_t t;

		if (!strncmp(w[i], "l:", 2) && !cfg_parse_uint(w[i] + 2, 0x7fffffff, &t)) {
			d.l_threshold = t;
		} else if (!strncmp(w[i], "u:", 2) && !cfg_parse_uint(w[i] + 2, 0x7fffffff, &t)) {
			d.u_threshold = t;
		} else if (w[i][-1] == '"' && nreq < 2) {
			/* a quoted word: request, then receive */
			if (nreq++ == 0)
				req = w[i];
			else
				recv = w[i];
		} else {
			pwarn(p, rl->line, "real: ignoring trailing text '%s'", w[i]);
			break;
		}
	}
	force_port(p, cs, &d, rl->line);
	for (uint32_t ip = ntohl(a1.ip);; ip++) {
		struct cfg_real *r = cfg_add_real(cs);

		if (!r)
			return perr(p, rl->line, "out of memory");
		r->d = d;
		if (af == AF_INET)
			r->d.addr.ip = htonl(ip);
		else
			r->d.addr = a1;
		r->line = rl->line;
		r->quiesce = quiesce;
		r->start_up = 0;
		struct cfg_check *k = cfg_add_check(r);

		if (!k || cfg_check_copy(k, base))
			return perr(p, rl->line, "out of memory");
		k->af = af;
		k->addr = r->d.addr;
		if (!k->port)
			k->port = r->d.port ? r->d.port : cs->s.port;
		if (!k->port && (k->kind == CFG_CHK_TCP || k->kind == CFG_CHK_HTTP)) {
			/* a fwmark virtual's real without a port: the service's port */
			k->port = k->kind == CFG_CHK_HTTP ? (k->https ? 443 : 80) : 0;
			if (ip == ntohl(a1.ip))
				pwarn(p, rl->line, "real has no port and there is no checkport: checking port %u%s",
				      k->port, k->port ? "" : " (this check cannot succeed)");
		}
		if (k->kind == CFG_CHK_HTTP && req) {
			free(k->path);
			k->path = malloc(strlen(req) + 2);
			if (!k->path)
				return perr(p, rl->line, "out of memory");
			sprintf(k->path, "%s%s", req[0] == '/' ? "" : "/", req);
		}
		if (k->kind == CFG_CHK_HTTP && recv) {
			free(k->receive);
			k->receive = recv[0] ? strdup(recv) : NULL;
		}
		if (af != AF_INET || ip == ntohl(a2.ip))
			break;
	}
	(void)v;
	return 0;
}

static int parse_fallback(struct ld_parser *p, const struct ld_scope *v, struct cfg_service *cs)
{
	const struct ld_line *l = get(p, v, cs->s.af == AF_INET6 ? K_FALLBACK6 : K_FALLBACK);
	char buf[512], *w[4];
	int n, af;

	if (!l)
		return 0;
	snprintf(buf, sizeof(buf), "%s", l->val);
	n = split_words(buf, w, 4);
	if (n < 1)
		return perr(p, l->line, "fallback: missing address");
	cs->sorry.conn_flags = LVS_CONN_F_DROUTE;
	if (n > 1 && parse_fwd(w[1], &cs->sorry.conn_flags))
		return perr(p, l->line, "fallback: forwarding method must be gate, masq or ipip, got '%s'", w[1]);
	if (n > 2)
		pwarn(p, l->line, "fallback: ignoring trailing text '%s'", w[2]);
	if (cfg_parse_hostport(w[0], cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp", &af,
			       &cs->sorry.addr, &cs->sorry.port))
		return perr(p, l->line, "fallback: bad address '%s'", w[0]);
	if (af != cs->s.af)
		return perr(p, l->line, "fallback: address family differs from the virtual's");
	cs->sorry.af = af;
	if (!cs->sorry.port && !cs->s.fwmark)
		cs->sorry.port = cs->s.port;
	cs->sorry.weight = 1;
	force_port(p, cs, &cs->sorry, l->line);
	cs->has_sorry = 1;
	return 0;
}

/* fallbackcommand runs with "start VIP:port proto" when the last real
 * server goes down and "stop ..." when one comes back (a fwmark virtual:
 * ":0 fwm", as ldirectord prints it): the quorum scripts of the model */
static int parse_fallbackcommand(struct ld_parser *p, const struct ld_scope *v, struct cfg_service *cs)
{
	const struct ld_line *l = get(p, v, K_FALLBACKCOMMAND);
	char hp[64], where[80];

	if (!l || !l->val[0])
		return 0;
	if (cs->s.fwmark)
		snprintf(where, sizeof(where), ":0 fwm");
	else
		snprintf(where, sizeof(where), "%s %s", cfg_hostport_str(cs->s.af, &cs->s.addr, cs->s.port, hp, sizeof(hp)),
			 cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp");
	/* asprintf leaves the pointer undefined on failure; cfg_free frees
	 * whichever was set */
	if (asprintf(&cs->quorum_down, "%s start %s", l->val, where) < 0) {
		cs->quorum_down = NULL;
		return perr(p, l->line, "out of memory");
	}
	if (asprintf(&cs->quorum_up, "%s stop %s", l->val, where) < 0) {
		cs->quorum_up = NULL;
		return perr(p, l->line, "out of memory");
	}
	return 0;
}

static int build_virtual(struct ld_parser *p, struct cfg *c, const struct ld_scope *v)
{
	struct cfg_service *cs = cfg_add_service(c);
	struct cfg_check base;
	int quiesce, ret = -1;

	if (!cs)
		return perr(p, v->line, "out of memory");
	cs->line = v->line;
	cs->quorum = 1;
	cs->quorum_by_count = 1;
	if (parse_virtual_addr(p, v, cs) || parse_service_params(p, v, cs))
		return -1;
	cfg_service_name(cs);
	for (size_t i = 0; i + 1 < c->nsvcs; i++)
		if (cfg_svc_key_equal(&c->svcs[i].s, &cs->s))
			return perr(p, v->line, "virtual %s is already defined at line %d", cs->name,
				    c->svcs[i].line);
	if (get_bool(p, v, K_QUIESCENT, 0, &quiesce) || parse_fallback(p, v, cs) ||
	    parse_fallbackcommand(p, v, cs))
		return -1;
	int start_up = 0;
	const struct ld_line *is = get(p, v, K_INITIALSTATE);

	if (is && !strcasecmp(is->val, "up"))
		start_up = 1;
	else if (is && strcasecmp(is->val, "down"))
		return perr(p, is->line, "initialstate: expected up or down, got '%s'", is->val);
	if (build_check(p, v, cs, &base)) {
		cfg_check_free(&base);
		return -1;
	}
	cs->never_sorry = base.kind == CFG_CHK_OFF;
	if (!v->nreals)
		pwarn(p, v->line, "virtual %s has no real= servers", cs->name);
	for (size_t i = 0; i < v->nreals; i++)
		if (parse_real(p, v, cs, &v->reals[i], &base, quiesce))
			goto out;
	for (size_t i = 0; i < cs->nreals; i++)
		cs->reals[i].start_up = start_up;
	for (size_t i = 0; i < cs->nreals; i++)
		for (size_t j = 0; j < i; j++)
			if (cs->reals[i].d.port == cs->reals[j].d.port &&
			    lvs_addr_equal(cs->s.af, &cs->reals[i].d.addr, &cs->reals[j].d.addr)) {
				char hp[64];

				perr(p, cs->reals[i].line, "real server %s is listed twice in virtual %s",
				     cfg_hostport_str(cs->s.af, &cs->reals[i].d.addr, cs->reals[i].d.port, hp, sizeof(hp)),
				     cs->name);
				goto out;
			}
	ret = 0;
out:
	cfg_check_free(&base);
	return ret;
}

int cfg_parse_ldirectord(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn)
{
	struct ld_parser p;
	struct cfg *c = NULL;
	int ret = -1;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.warn = warn;
	if (read_lines(&p, text))
		goto out;
	c = cfg_new(CFG_FMT_LDIRECTORD, name);
	if (!c) {
		perr(&p, 0, "out of memory");
		goto out;
	}
	if (get_bool(&p, NULL, K_AUTORELOAD, 0, &c->autoreload))
		goto out;
	const struct ld_line *lf = get(&p, NULL, K_LOGFILE);

	if (lf && lf->val[0] == '/') {
		c->logfile = strdup(lf->val);
	} else if (lf) {
		pwarn(&p, lf->line, "logfile=%s: syslog facilities are not supported; using lvsd's log", lf->val);
	}
	const struct ld_line *md = get(&p, NULL, K_MAINTENANCEDIR);

	if (md && md->val[0] && !(c->maintenancedir = strdup(md->val))) {
		perr(&p, md->line, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p.nvirts; i++)
		if (build_virtual(&p, c, &p.virts[i]))
			goto out;
	if (!p.nvirts)
		pwarn(&p, 1, "no virtual= section");
	*out = c;
	c = NULL;
	ret = 0;
out:
	cfg_free(c);
	scope_free(&p.global);
	for (size_t i = 0; i < p.nvirts; i++)
		scope_free(&p.virts[i]);
	free(p.virts);
	if (ret && !err->len)
		sb_printf(err, "%s: parse error", name);
	return ret;
}
