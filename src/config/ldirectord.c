/* ldirectord.c - parser for ldirectord.cf: the directive table, reading
 * the lines into sections, building each virtual service
 * (ldirectord.h says how the files share the work).
 *
 * Two passes: the first reads lines into a global section and one section
 * per virtual= (remembering each value's line for messages), the second
 * resolves every virtual with its own value, else the global one, else
 * ldirectord's default, so a global written after the virtuals still
 * applies (ldirectord looks globals up when it uses them).
 *
 * Leniency for configurations copied from blog posts: lines after virtual=
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
#include <strings.h>

#include "ldirectord.h"
#include "lib/log.h"

/* ------------------------------------------------------------- reading */

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
		return cfg_nomem(&p->d, line);
	free(s->v[k].val);
	s->v[k].val = dup;
	s->v[k].line = line;
	return 0;
}

/* the section a line of directive in->k belongs to */
static int section_for(struct ld_parser *p, const struct ld_input *in, struct ld_scope **s)
{
	int flags = ld_keys[in->k].flags;

	*s = &p->global;
	if (p->nvirts && !(flags & F_GONLY)) {
		*s = &p->virts[p->nvirts - 1];
		if (!in->indented && !p->warned_indent) {
			cfg_warning(&p->d, in->line, "lines after virtual= (line %d) are not indented; "
				    "treating them as part of that virtual section", (*s)->line);
			p->warned_indent = 1;
		}
	} else if (!(flags & F_G)) {
		return cfg_error(&p->d, in->line, -EINVAL, "'%s' is only valid inside a virtual= section",
				 ld_keys[in->k].name);
	} else if (in->indented && p->nvirts) {
		cfg_warning(&p->d, in->line, "'%s' is a global directive; applied globally", ld_keys[in->k].name);
	}
	return 0;
}

/* the default: the (unquoted) value becomes the section's */
static int read_value(struct ld_parser *p, struct ld_input *in)
{
	struct ld_scope *s;
	int ret;

	if (ld_keys[in->k].flags & F_IGN)
		cfg_warning(&p->d, in->line, "'%s' is not supported by lvsd and is ignored", ld_keys[in->k].name);
	in->val = unquote(in->val);
	if ((ret = section_for(p, in, &s)))
		return ret;
	return set_value(p, s, in->k, in->val, in->line);
}

/* virtual=, virtual6=: a new section */
static int read_virtual(struct ld_parser *p, struct ld_input *in)
{
	struct ld_scope *n = realloc(p->virts, (p->nvirts + 1) * sizeof(*n));

	in->val = unquote(in->val);
	if (!n)
		return cfg_nomem(&p->d, in->line);
	p->virts = n;
	n = &p->virts[p->nvirts++];
	memset(n, 0, sizeof(*n));
	n->line = in->line;
	n->is_v6 = in->k == K_VIRTUAL6;
	p->warned_indent = 0;
	if (in->indented)
		cfg_warning(&p->d, in->line, "virtual= should start in column 0");
	return set_value(p, n, in->k, in->val, in->line);
}

/* real=, real6=: one more in the section's list, quotes kept (they mark
 * the request and receive words); the family is a prefix of the value */
static int read_real(struct ld_parser *p, struct ld_input *in)
{
	struct ld_scope *s;
	struct ld_line *n;
	int ret = section_for(p, in, &s);

	if (ret)
		return ret;
	n = realloc(s->reals, (s->nreals + 1) * sizeof(*n));
	if (!n)
		return cfg_nomem(&p->d, in->line);
	s->reals = n;
	n = &s->reals[s->nreals];
	n->val = malloc(strlen(in->val) + 2);
	if (!n->val)
		return cfg_nomem(&p->d, in->line);
	n->val[0] = in->k == K_REAL6 ? '6' : '4';
	strcpy(n->val + 1, in->val);
	n->line = in->line;
	s->nreals++;
	return 0;
}

static int read_timeout(struct ld_parser *p, struct ld_input *in)
{
	return cfg_error(&p->d, in->line, -EINVAL,
			 "'timeout' is deprecated and not supported; use checktimeout/negotiatetimeout");
}

static int read_connecttimeout(struct ld_parser *p, struct ld_input *in)
{
	cfg_warning(&p->d, in->line, "'connecttimeout' is deprecated; treated as checktimeout");
	in->k = K_CHECKTIMEOUT;
	return read_value(p, in);
}

/* one "directive=value" line */
static int read_line(struct ld_parser *p, char *raw, int line)
{
	struct ld_input in = { 0, NULL, line, 0 };
	char *l, *eq, *key, *val;

	l = clean_line(raw, &in.indented);
	if (!*l)
		return 0;
	eq = l;
	while (isalnum((unsigned char)*eq) || *eq == '_')
		eq++;
	key = l;
	val = eq;
	while (*val == ' ' || *val == '\t')
		val++;
	if (eq == l || *val != '=')
		return cfg_error(&p->d, line, -EINVAL, "syntax error: expected 'directive=value', got '%.60s'", l);
	*eq = 0;
	val++;
	while (*val == ' ' || *val == '\t')
		val++;
	in.val = val;
	for (in.k = 0; in.k < K_MAX; in.k++)
		if (!strcasecmp(ld_keys[in.k].name, key))
			break;
	if (in.k == K_MAX)
		return cfg_error(&p->d, line, -EINVAL, "unknown directive '%s'", key);
	return (ld_keys[in.k].read ? ld_keys[in.k].read : read_value)(p, &in);
}

static int read_lines(struct ld_parser *p, const char *text)
{
	char *copy = strdup(text), *cur = copy, *raw;
	int line = 0, ret = 0;

	if (!copy)
		return cfg_nomem(&p->d, 1);
	/* strsep keeps empty lines, so line numbers stay right */
	while (!ret && (raw = strsep(&cur, "\n")) != NULL)
		ret = read_line(p, raw, ++line);
	free(copy);
	return ret;
}

/* --------------------------------------------------------------- values */

const struct ld_line *ld_get(const struct ld_parser *p, const struct ld_scope *v, int k)
{
	if (v && v->v[k].val)
		return &v->v[k];
	if (p->global.v[k].val)
		return &p->global.v[k];
	return NULL;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "on") || !strcmp(s, "1") || !strcasecmp(s, "true"))
		*out = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "off") || !strcmp(s, "0") || !strcasecmp(s, "false"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

int ld_bool(struct ld_parser *p, const struct ld_line *l, int k, int def, int *out)
{
	*out = def;
	if (l && parse_bool(l->val, out))
		return cfg_error(&p->d, l->line, -EINVAL, "%s: expected yes or no, got '%s'", ld_keys[k].name, l->val);
	return 0;
}

int ld_secs(struct ld_parser *p, const struct ld_line *l, int k, uint32_t def_ms, uint32_t *ms)
{
	*ms = def_ms;
	if (l && (cfg_parse_seconds(l->val, ms) || *ms == 0))
		return cfg_error(&p->d, l->line, -EINVAL, "%s: expected a positive number of seconds, got '%s'",
				 ld_keys[k].name, l->val);
	return 0;
}

/* ------------------------------------------------------- global settings */

static int apply_autoreload(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return ld_bool(p, l, K_AUTORELOAD, 0, &b->c->autoreload);
}

/* a path, or as in ldirectord a syslog facility ("local0"): the checker's
 * lines then go to syslog under that facility */
static int apply_logfile(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	int fac;

	if (l && l->val[0] == '/') {
		if (!(b->c->logfile = strdup(l->val)))
			return cfg_nomem(&p->d, l->line);
	} else if (l && (fac = lvs_syslog_facility(l->val)) >= 0) {
		b->c->syslog_facility = fac;
	} else if (l) {
		cfg_warning(&p->d, l->line, "logfile=%s: neither an absolute path nor a syslog facility; "
			    "using lvsd's log", l->val);
	}
	return 0;
}

static int apply_maintenancedir(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	if (l && l->val[0] && !(b->c->maintenancedir = strdup(l->val)))
		return cfg_nomem(&p->d, l->line);
	return 0;
}

/* -------------------------------------------------------------- service */

static int apply_protocol(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	b->proto = l;
	if (l && strcasecmp(l->val, "tcp") && strcasecmp(l->val, "udp") && strcasecmp(l->val, "fwm"))
		return cfg_error(&p->d, l->line, -EINVAL, "protocol: expected tcp, udp or fwm, got '%s'", l->val);
	return 0;
}

/* virtual=ip:port, [v6]:port or a firewall mark (the key applies to the
 * section's own directive only: a section is one or the other) */
static int apply_virtual(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
	const struct ld_line *pr = b->proto;
	const char *proto = ld_val(pr), *pname;
	uint32_t mark;

	if (!l)
		return 0;
	if (isdigit((unsigned char)l->val[0]) && !cfg_parse_uint(l->val, 0xffffffffu, &mark)) {
		if (!mark)
			return cfg_error(&p->d, l->line, -EINVAL, "virtual: firewall mark 0 is not allowed");
		cs->s.af = b->v->is_v6 ? AF_INET6 : AF_INET;
		cs->s.fwmark = mark;
		cs->s.protocol = IPPROTO_TCP;
		if (proto && strcasecmp(proto, "fwm"))
			cfg_warning(&p->d, pr->line, "protocol=%s ignored for firewall-mark virtual %u", proto, mark);
		return 0;
	}
	pname = proto && !strcasecmp(proto, "udp") ? "udp" : "tcp";
	if (cfg_parse_hostport(l->val, pname, &cs->s.af, &cs->s.addr, &cs->s.port) || !strchr(l->val, ':'))
		return cfg_error(&p->d, l->line, -EINVAL,
				 "virtual: expected IP:port, [IPv6]:port or a firewall mark, got '%s'", l->val);
	/* ldirectord's own words: its IPv6 directives carry a 6 */
	if (b->v->is_v6 != (cs->s.af == AF_INET6))
		return cfg_error(&p->d, l->line, -EINVAL, "%s: cannot specify an %s address here, use %s instead",
				 b->v->is_v6 ? "virtual6" : "virtual", b->v->is_v6 ? "IPv4" : "IPv6",
				 b->v->is_v6 ? "virtual" : "virtual6");
	if (!proto) {
		cs->s.protocol = cs->s.port == 53 ? IPPROTO_UDP : IPPROTO_TCP;
	} else if (!strcasecmp(proto, "fwm")) {
		cfg_warning(&p->d, pr->line, "protocol=fwm needs virtual=<mark>; virtual %s is an address, "
			    "so it is served as tcp", l->val);
		cs->s.protocol = IPPROTO_TCP;
	} else {
		cs->s.protocol = !strcasecmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	}
	return 0;
}

static int apply_scheduler(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	const char *sched = "wrr";

	if (l) {
		for (const char *c = l->val; *c; c++)
			if (!islower((unsigned char)*c))
				return cfg_error(&p->d, l->line, -EINVAL, "scheduler: bad name '%s'", l->val);
		if (!l->val[0] || strlen(l->val) >= LVS_SCHEDNAME_MAXLEN)
			return cfg_error(&p->d, l->line, -EINVAL, "scheduler: bad name '%s'", l->val);
		sched = l->val;
	}
	snprintf(b->cs->s.sched_name, sizeof(b->cs->s.sched_name), "%s", sched);
	return 0;
}

static int apply_persistent(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
	uint32_t t;

	cs->s.netmask = cs->s.af == AF_INET6 ? 128 : 0xffffffffu;
	if (!l)
		return 0;
	if (cfg_parse_uint(l->val, LVS_PERSIST_TIMEOUT_MAX, &t) || !t)
		return cfg_error(&p->d, l->line, -EINVAL, "persistent: expected seconds (1..%u), got '%s'",
				 LVS_PERSIST_TIMEOUT_MAX, l->val);
	cs->s.flags |= LVS_SVC_F_PERSISTENT;
	cs->s.timeout = t;
	return 0;
}

/* the persistence granularity: only with persistent= */
static int apply_netmask(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
	uint32_t plen;

	if (!l || !(cs->s.flags & LVS_SVC_F_PERSISTENT))
		return 0;
	if (cs->s.af == AF_INET6) {
		if (cfg_parse_uint(l->val, 128, &plen) || !plen)
			return cfg_error(&p->d, l->line, -EINVAL, "netmask: expected an IPv6 prefix length, got '%s'",
					 l->val);
		cs->s.netmask = plen;
	} else if (inet_pton(AF_INET, l->val, &cs->s.netmask) != 1) {
		return cfg_error(&p->d, l->line, -EINVAL, "netmask: expected a dotted mask, got '%s'", l->val);
	}
	return 0;
}

static int apply_schedflags(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	char buf[128], *save = NULL;

	if (!l)
		return 0;
	snprintf(buf, sizeof(buf), "%s", l->val);
	for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "flag-1") || !strcmp(f, "sh-fallback") || !strcmp(f, "mh-fallback"))
			b->cs->s.flags |= LVS_SVC_F_SCHED1;
		else if (!strcmp(f, "flag-2") || !strcmp(f, "sh-port") || !strcmp(f, "mh-port"))
			b->cs->s.flags |= LVS_SVC_F_SCHED2;
		else if (!strcmp(f, "flag-3"))
			b->cs->s.flags |= LVS_SVC_F_SCHED3;
		else
			return cfg_error(&p->d, l->line, -EINVAL, "schedflags: unknown flag '%s'", f);
	}
	return 0;
}

/* one-packet scheduling: UDP address services only */
static int apply_ops(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	int ops, ret = ld_bool(p, l, K_OPS, 0, &ops);

	if (!ret && ops && b->cs->s.protocol == IPPROTO_UDP && !b->cs->s.fwmark)
		b->cs->s.flags |= LVS_SVC_F_ONEPACKET;
	return ret;
}

/* ------------------------------------------------------- shared by reals */

static int apply_quiescent(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return ld_bool(p, l, K_QUIESCENT, 0, &b->quiesce);
}

/* fallbackcommand runs with "start VIP:port proto" when the last real
 * server goes down and "stop ..." when one comes back (a fwmark virtual:
 * ":0 fwm", as ldirectord prints it): the quorum scripts of the model */
static int apply_fallbackcommand(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
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
		return cfg_nomem(&p->d, l->line);
	}
	if (asprintf(&cs->quorum_up, "%s stop %s", l->val, where) < 0) {
		cs->quorum_up = NULL;
		return cfg_nomem(&p->d, l->line);
	}
	return 0;
}

/* lvsd's own: whether real servers start up or down (ldirectord: down) */
static int apply_initialstate(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	b->start_up = 0;
	if (l && !strcasecmp(l->val, "up"))
		b->start_up = 1;
	else if (l && strcasecmp(l->val, "down"))
		return cfg_error(&p->d, l->line, -EINVAL, "initialstate: expected up or down, got '%s'", l->val);
	return 0;
}

/* ---------------------------------------------------------------- table */

const struct ld_kw ld_keys[K_MAX] = {
	[K_AUTORELOAD] = { "autoreload", F_G | F_GONLY, NULL, PH_GLOBAL, apply_autoreload },
	[K_LOGFILE] = { "logfile", F_G | F_GONLY, NULL, PH_GLOBAL, apply_logfile },
	[K_MAINTENANCEDIR] = { "maintenancedir", F_G | F_GONLY, NULL, PH_GLOBAL, apply_maintenancedir },

	[K_PROTOCOL] = { "protocol", F_V, NULL, PH_SERVICE, apply_protocol },
	[K_VIRTUAL] = { "virtual", F_G, read_virtual, PH_SERVICE, apply_virtual },
	[K_VIRTUAL6] = { "virtual6", F_G, read_virtual, PH_SERVICE, apply_virtual },
	[K_SCHEDULER] = { "scheduler", F_V, NULL, PH_SERVICE, apply_scheduler },
	[K_PERSISTENT] = { "persistent", F_V, NULL, PH_SERVICE, apply_persistent },
	[K_NETMASK] = { "netmask", F_V, NULL, PH_SERVICE, apply_netmask },
	[K_SCHEDFLAGS] = { "schedflags", F_V, NULL, PH_SERVICE, apply_schedflags },
	[K_OPS] = { "ops", F_V, NULL, PH_SERVICE, apply_ops },

	[K_QUIESCENT] = { "quiescent", F_G | F_V, NULL, PH_SERVERS, apply_quiescent },
	[K_FALLBACK] = { "fallback", F_G | F_V, NULL, PH_SERVERS, ld_apply_fallback },
	[K_FALLBACK6] = { "fallback6", F_G | F_V, NULL, PH_SERVERS, ld_apply_fallback6 },
	[K_FALLBACKCOMMAND] = { "fallbackcommand", F_G | F_V, NULL, PH_SERVERS, apply_fallbackcommand },
	[K_INITIALSTATE] = { "initialstate", F_G | F_V, NULL, PH_SERVERS, apply_initialstate }, /* lvsd's */

	[K_CHECKINTERVAL] = { "checkinterval", F_G | F_V, NULL, PH_CHECK, ld_apply_checkinterval },
	[K_CHECKTIMEOUT] = { "checktimeout", F_G | F_V, NULL, PH_CHECK, ld_apply_checktimeout },
	[K_NEGOTIATETIMEOUT] = { "negotiatetimeout", F_G | F_V, NULL, PH_CHECK, ld_apply_negotiatetimeout },
	[K_FAILURECOUNT] = { "failurecount", F_G | F_V, NULL, PH_CHECK, ld_apply_failurecount },
	[K_SUCCESSCOUNT] = { "successcount", F_G | F_V, NULL, PH_CHECK, ld_apply_successcount }, /* lvsd's */
	[K_SERVICE] = { "service", F_V, NULL, PH_CHECK, ld_apply_service },
	[K_CHECKPORT] = { "checkport", F_V, NULL, PH_CHECK, ld_apply_checkport },
	[K_CHECKTYPE] = { "checktype", F_G | F_V, NULL, PH_CHECK, ld_apply_checktype },

	[K_CHECKCOMMAND] = { "checkcommand", F_G | F_V, NULL, PH_NONE, NULL },
	[K_REQUEST] = { "request", F_V, NULL, PH_NONE, NULL },
	[K_RECEIVE] = { "receive", F_V, NULL, PH_NONE, NULL },
	[K_HTTPMETHOD] = { "httpmethod", F_V, NULL, PH_NONE, NULL },
	[K_VIRTUALHOST] = { "virtualhost", F_V, NULL, PH_NONE, NULL },
	[K_LOGIN] = { "login", F_V, NULL, PH_NONE, NULL },      /* negotiate: pop, imap, ftp */
	[K_PASSWD] = { "passwd", F_V, NULL, PH_NONE, NULL },

	[K_REAL] = { "real", F_V, read_real, PH_NONE, NULL },   /* build_virtual() reads the list */
	[K_REAL6] = { "real6", F_V, read_real, PH_NONE, NULL },
	[K_TIMEOUT] = { "timeout", F_G | F_V, read_timeout, PH_NONE, NULL },
	[K_CONNECTTIMEOUT] = { "connecttimeout", F_G | F_V, read_connecttimeout, PH_NONE, NULL },

	[K_CHECKCOUNT] = { "checkcount", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_READDQUIESCENT] = { "readdquiescent", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_CLEANSTOP] = { "cleanstop", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_CALLBACK] = { "callback", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_SUPERVISED] = { "supervised", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_FORK] = { "fork", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_EXECUTE] = { "execute", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_MONITORFILE] = { "monitorfile", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_EMAILALERT] = { "emailalert", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_EMAILALERTFREQ] = { "emailalertfreq", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_EMAILALERTSTATUS] = { "emailalertstatus", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_EMAILALERTFROM] = { "emailalertfrom", F_G | F_GONLY | F_IGN, NULL, PH_NONE, NULL },
	[K_SMTP] = { "smtp", F_G | F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_SERVICENAME] = { "servicename", F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_COMMENT] = { "comment", F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_LOAD] = { "load", F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_DATABASE] = { "database", F_V | F_IGN, NULL, PH_NONE, NULL },
	[K_SECRET] = { "secret", F_V | F_IGN, NULL, PH_NONE, NULL },
};

/* the handlers of one phase, in table order */
static int apply_phase(struct ld_parser *p, struct ld_build *b, int phase)
{
	int ret;

	for (int k = 0; k < K_MAX; k++)
		if (ld_keys[k].phase == phase && (ret = ld_keys[k].apply(p, ld_get(p, b->v, k), b)))
			return ret;
	return 0;
}

/* the real servers (all, after the check they copy), no address twice */
static int build_reals(struct ld_parser *p, struct ld_build *b)
{
	const struct ld_scope *v = b->v;
	struct cfg_service *cs = b->cs;
	char hp[64];
	int ret;

	if (!v->nreals)
		cfg_warning(&p->d, v->line, "virtual %s has no real= servers", cs->name);
	for (size_t i = 0; i < v->nreals; i++)
		if ((ret = ld_real(p, &v->reals[i], b)))
			return ret;
	for (size_t i = 0; i < cs->nreals; i++)
		cs->reals[i].start_up = b->start_up;
	for (size_t i = 0; i < cs->nreals; i++)
		for (size_t j = 0; j < i; j++)
			if (cs->reals[i].d.port == cs->reals[j].d.port &&
			    lvs_addr_equal(cs->s.af, &cs->reals[i].d.addr, &cs->reals[j].d.addr))
				return cfg_error(&p->d, cs->reals[i].line, -EINVAL,
						 "real server %s is listed twice in virtual %s",
						 cfg_hostport_str(cs->s.af, &cs->reals[i].d.addr, cs->reals[i].d.port, hp,
								  sizeof(hp)),
						 cs->name);
	return 0;
}

static int build_virtual(struct ld_parser *p, struct cfg *c, const struct ld_scope *v)
{
	struct ld_build b;
	int ret;

	memset(&b, 0, sizeof(b));
	b.c = c;
	b.v = v;
	b.cs = cfg_add_service(c);
	if (!b.cs)
		return cfg_nomem(&p->d, v->line);
	b.cs->line = v->line;
	b.cs->quorum = 1;
	b.cs->quorum_by_count = 1;
	if ((ret = apply_phase(p, &b, PH_SERVICE)))
		goto out;
	cfg_service_name(b.cs);
	for (size_t i = 0; i + 1 < c->nsvcs; i++)
		if (cfg_svc_key_equal(&c->svcs[i].s, &b.cs->s)) {
			ret = cfg_error(&p->d, v->line, -EINVAL, "virtual %s is already defined at line %d", b.cs->name,
					c->svcs[i].line);
			goto out;
		}
	if ((ret = apply_phase(p, &b, PH_SERVERS)) || (ret = apply_phase(p, &b, PH_CHECK)))
		goto out;
	b.cs->never_sorry = b.k.kind == CFG_CHK_OFF;
	ret = build_reals(p, &b);
out:
	cfg_check_free(&b.k);
	return ret;
}

int cfg_parse_ldirectord(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn)
{
	struct ld_parser p;
	struct ld_build g;
	struct cfg *c = NULL;
	int ret;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.d.name = name;
	p.d.err = err;
	p.d.warn = warn;
	if ((ret = read_lines(&p, text)))
		goto out;
	c = cfg_new(CFG_FMT_LDIRECTORD, name);
	if (!c) {
		ret = cfg_nomem(&p.d, 0);
		goto out;
	}
	memset(&g, 0, sizeof(g));
	g.c = c;
	if ((ret = apply_phase(&p, &g, PH_GLOBAL)))
		goto out;
	for (size_t i = 0; i < p.nvirts; i++)
		if ((ret = build_virtual(&p, c, &p.virts[i])))
			goto out;
	if (!p.nvirts)
		cfg_warning(&p.d, 1, "no virtual= section");
	*out = c;
	c = NULL;
out:
	cfg_free(c);
	scope_free(&p.global);
	for (size_t i = 0; i < p.nvirts; i++)
		scope_free(&p.virts[i]);
	free(p.virts);
	return cfg_diag_done(&p.d, ret);
}
