/* ldirectord_check.c - the health check of an ldirectord.cf virtual: the
 * handlers of the check directives (ldirectord.h), and checktype='s
 * values and negotiate's services in tables of their own.
 *
 * Defaults are ldirectord's: checkinterval 10 s, checktimeout 5 s,
 * negotiatetimeout 30 s (either one given stands for both), failurecount 1,
 * checktype negotiate, service from the virtual's port.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "ldirectord.h"

int ld_apply_checkinterval(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	int ret = ld_secs(p, l, K_CHECKINTERVAL, 10000, &b->k.interval_ms);

	b->k.retry_delay_ms = b->k.interval_ms;
	return ret;
}

int ld_apply_checktimeout(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	b->has_ct = l != NULL;
	return ld_secs(p, l, K_CHECKTIMEOUT, 5000, &b->ctimeout);
}

int ld_apply_negotiatetimeout(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	b->has_nt = l != NULL;
	return ld_secs(p, l, K_NEGOTIATETIMEOUT, 30000, &b->ntimeout);
}

/* a count of consecutive results, 1 when not given */
static int ld_count(struct ld_parser *p, const struct ld_line *l, const char *key, uint32_t *out)
{
	*out = 1;
	if (l && (cfg_parse_uint(l->val, 1000000, out) || !*out))
		return cfg_error(&p->d, l->line, -EINVAL, "%s: expected a positive integer, got '%s'", key, l->val);
	return 0;
}

int ld_apply_failurecount(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return ld_count(p, l, "failurecount", &b->k.fall);
}

int ld_apply_successcount(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return ld_count(p, l, "successcount", &b->k.rise);
}

/* without service=, the virtual's port names it (ldirectord's list) */
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

int ld_apply_service(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	if (l) {
		int ok = 0;

		for (int i = 0; known_services[i]; i++)
			ok |= !strcasecmp(known_services[i], l->val);
		if (!ok)
			return cfg_error(&p->d, l->line, -EINVAL, "service: unknown service '%s'", l->val);
		b->service = l->val;
		return 0;
	}
	b->service = "none";
	for (size_t i = 0; i < sizeof(svc_ports) / sizeof(svc_ports[0]); i++)
		if (!b->cs->s.fwmark && svc_ports[i].port == b->cs->s.port)
			b->service = svc_ports[i].name;
	return 0;
}

int ld_apply_checkport(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	uint32_t port;

	b->check_line = l ? l->line : b->v->line;
	if (!l)
		return 0;
	if (cfg_parse_uint(l->val, 65535, &port) || !port)
		return cfg_error(&p->d, l->line, -EINVAL, "checkport: expected a port number, got '%s'", l->val);
	b->k.port = (uint16_t)port;
	return 0;
}

/* ------------------------------------------------ negotiate, by service */

/* a handler of checktype=negotiate for one service; line: for messages */
typedef int (*ld_negotiate_fn)(struct ld_parser *p, struct ld_build *b, int line);

static const struct ld_line *get(struct ld_parser *p, struct ld_build *b, int k)
{
	return ld_get(p, b->v, k);
}

/* GET (or HEAD) request=, the body matching receive= */
static int negotiate_http(struct ld_parser *p, struct ld_build *b, int line)
{
	const struct ld_line *r = get(p, b, K_REQUEST), *rx = get(p, b, K_RECEIVE);
	const struct ld_line *vh = get(p, b, K_VIRTUALHOST), *m = get(p, b, K_HTTPMETHOD);
	const char *req = r ? r->val : "/";
	struct cfg_check *k = &b->k;

	k->kind = CFG_CHK_HTTP;
	k->https = !strcasecmp(b->service, "https");
	k->path = malloc(strlen(req) + 2);
	if (!k->path)
		return cfg_nomem(&p->d, line);
	sprintf(k->path, "%s%s", req[0] == '/' ? "" : "/", req);
	if (rx && rx->val[0] && !(k->receive = strdup(rx->val)))
		return cfg_nomem(&p->d, line);
	if (vh && vh->val[0] && !(k->host = strdup(vh->val)))
		return cfg_nomem(&p->d, line);
	if (m) {
		if (!strcasecmp(m->val, "HEAD"))
			k->head = 1;
		else if (strcasecmp(m->val, "GET"))
			return cfg_error(&p->d, m->line, -EINVAL, "httpmethod: expected GET or HEAD, got '%s'", m->val);
	}
	return 0;
}

static int negotiate_none(struct ld_parser *p, struct ld_build *b, int line)
{
	(void)p, (void)line;
	b->k.kind = CFG_CHK_ON;
	return 0;
}

/* ldirectord looks `request` up (an address by PTR) and wants an A or
 * PTR answer matching `receive` */
static int negotiate_dns(struct ld_parser *p, struct ld_build *b, int line)
{
	const char *req = ld_val(get(p, b, K_REQUEST)), *rx = ld_val(get(p, b, K_RECEIVE));
	char rev[80];
	uint16_t qt = DNS_T_A;
	int ret;

	if (!req || !req[0])
		return cfg_error(&p->d, line, -EINVAL, "service=dns needs request=<name to look up>");
	if (dns_reverse_name(req, rev, sizeof(rev)) == 0)
		req = rev, qt = DNS_T_PTR;
	ret = cfg_dns_build(&b->k, req, qt);
	if (ret == -ENOMEM)
		return cfg_nomem(&p->d, line);
	if (ret)
		return cfg_error(&p->d, line, ret, "request: '%s' is not a valid DNS name", req);
	if (rx && rx[0] && !(b->k.receive = strdup(rx)))
		return cfg_nomem(&p->d, line);
	return 0;
}

/* a dialogue when lvsd speaks the protocol, else a connect check */
static int negotiate_other(struct ld_parser *p, struct ld_build *b, int line)
{
	struct cfg_check *k = &b->k;
	int udp = b->cs->s.protocol == IPPROTO_UDP, ret = 1;

	if (!udp)
		ret = cfg_dialog_build(k, b->service, ld_val(get(p, b, K_REQUEST)), ld_val(get(p, b, K_RECEIVE)),
				       ld_val(get(p, b, K_LOGIN)), ld_val(get(p, b, K_PASSWD)));
	if (ret < 0)
		return cfg_nomem(&p->d, line);
	if (ret == 0)
		return 0;
	k->kind = udp ? CFG_CHK_PING : CFG_CHK_TCP;
	cfg_warning(&p->d, line, "negotiate checks for service=%s are not implemented; using a %s check",
		    b->service, k->kind == CFG_CHK_TCP ? "TCP connect" : "ping");
	return 0;
}

static const struct {
	const char *service;
	ld_negotiate_fn fn;
} negotiators[] = {
	{ "http", negotiate_http },
	{ "https", negotiate_http },
	{ "http_proxy", negotiate_http },
	{ "none", negotiate_none },
	{ "dns", negotiate_dns },
};

/* ---------------------------------------------------- checktype values */

/* a handler of one checktype= value; ct: the value, line: for messages */
typedef int (*ld_checktype_fn)(struct ld_parser *p, struct ld_build *b, const char *ct, int line);

static int checktype_connect(struct ld_parser *p, struct ld_build *b, const char *ct, int line)
{
	(void)p, (void)ct, (void)line;
	b->k.kind = b->cs->s.protocol == IPPROTO_UDP ? CFG_CHK_PING : CFG_CHK_TCP;
	return 0;
}

static int checktype_external(struct ld_parser *p, struct ld_build *b, const char *ct, int line)
{
	const struct ld_line *c = get(p, b, K_CHECKCOMMAND);

	(void)ct;
	b->k.kind = CFG_CHK_EXTERNAL;
	b->k.command = strdup(c ? c->val : "/bin/true");
	return b->k.command ? 0 : cfg_nomem(&p->d, line);
}

static int checktype_external_perl(struct ld_parser *p, struct ld_build *b, const char *ct, int line)
{
	(void)b, (void)ct;
	return cfg_error(&p->d, line, -EINVAL, "checktype=external-perl is not supported (lvsd has no Perl); "
			 "use checktype=external");
}

static int checktype_negotiate(struct ld_parser *p, struct ld_build *b, const char *ct, int line)
{
	(void)ct;
	b->k.timeout_ms = b->ntimeout;
	for (size_t i = 0; i < sizeof(negotiators) / sizeof(negotiators[0]); i++)
		if (!strcasecmp(b->service, negotiators[i].service))
			return negotiators[i].fn(p, b, line);
	return negotiate_other(p, b, line);
}

/* checktype=N: connect N-1 times, then negotiate; lvsd negotiates each time */
static int checktype_number(struct ld_parser *p, struct ld_build *b, const char *ct, int line)
{
	uint32_t n;

	if (cfg_parse_uint(ct, 1000000, &n))
		return cfg_error(&p->d, line, -EINVAL, "checktype: bad value '%s'", ct);
	cfg_warning(&p->d, line, "checktype=%s (combined connect/negotiate) runs the negotiate check every time", ct);
	return checktype_negotiate(p, b, ct, line);
}

/* a value is either just a kind of check or needs its handler */
static const struct {
	const char *value;
	ld_checktype_fn fn;
	enum cfg_check_kind kind;
} checktypes[] = {
	{ "off", NULL, CFG_CHK_OFF },
	{ "on", NULL, CFG_CHK_ON },
	{ "connect", checktype_connect, 0 },
	{ "ping", NULL, CFG_CHK_PING },
	{ "external", checktype_external, 0 },
	{ "external-perl", checktype_external_perl, 0 },
	{ "negotiate", checktype_negotiate, 0 },
};

int ld_apply_checktype(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	const char *ct = l ? l->val : "negotiate";
	int line = l ? l->line : b->check_line;

	/* either timeout given alone stands for both */
	if (b->has_ct && !b->has_nt)
		b->ntimeout = b->ctimeout;
	if (b->has_nt && !b->has_ct)
		b->ctimeout = b->ntimeout;
	b->k.timeout_ms = b->ctimeout;
	for (size_t i = 0; i < sizeof(checktypes) / sizeof(checktypes[0]); i++) {
		if (strcasecmp(ct, checktypes[i].value))
			continue;
		if (checktypes[i].fn)
			return checktypes[i].fn(p, b, ct, line);
		b->k.kind = checktypes[i].kind;
		return 0;
	}
	if (isdigit((unsigned char)ct[0]))
		return checktype_number(p, b, ct, line);
	return cfg_error(&p->d, line, -EINVAL, "checktype: expected connect, negotiate, ping, external, off, on "
			 "or a number, got '%s'", ct);
}
