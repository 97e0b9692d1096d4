/* fwmark.c - parse and evaluate mangle PREROUTING mark rules (see fwmark.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "lib/strbuf.h"
#include "fwmark.h"

#define MAX_TOKENS 256

/* ---- small helpers ---- */

int fwm_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > 0xffffffffull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static char *xstrdup(struct fwm_classifier *c, const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		c->oom = 1;
	return d;
}

static int grow(struct fwm_classifier *c, void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *na = realloc(*arr, nc * elem);
	if (!na) {
		c->oom = 1;
		return -1;
	}
	*arr = na;
	*cap = nc;
	return 0;
}

struct fwm_classifier *fwm_new(void)
{
	return calloc(1, sizeof(struct fwm_classifier));
}

void fwm_free(struct fwm_classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i].text);
	for (size_t i = 0; i < c->nunsup; i++) {
		free(c->unsup[i].text);
		free(c->unsup[i].reason);
	}
	for (size_t i = 0; i < c->nchains; i++)
		free(c->chains[i].name);
	free(c->rules);
	free(c->unsup);
	free(c->chains);
	free(c);
}

static int add_chain(struct fwm_classifier *c, const char *name, int prio)
{
	if (grow(c, (void **)&c->chains, &c->capchains, c->nchains, sizeof(*c->chains)) < 0)
		return -1;
	c->chains[c->nchains].name = xstrdup(c, name);
	c->chains[c->nchains].priority = prio;
	return (int)c->nchains++;
}

static void add_unsupported(struct fwm_classifier *c, const char *origin, const char *line, const char *reason)
{
	if (grow(c, (void **)&c->unsup, &c->capunsup, c->nunsup, sizeof(*c->unsup)) < 0)
		return;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s: %s", origin, line);
	c->unsup[c->nunsup].text = xstrdup(c, buf);
	c->unsup[c->nunsup].reason = xstrdup(c, reason);
	c->nunsup++;
}

static void add_rule(struct fwm_classifier *c, struct fwm_rule *r, const char *line)
{
	if (grow(c, (void **)&c->rules, &c->caprules, c->nrules, sizeof(*c->rules)) < 0)
		return;
	r->text = xstrdup(c, line);
	if (r->iif[0])
		c->needs_ifname = 1;
	c->rules[c->nrules++] = *r;
}

/* split into tokens: whitespace separated, "quoted strings" kept whole
 * (quotes removed, \" unescaped); with `punct`, { } , are tokens of
 * their own (nft); returns the count or -1 if too many */
static int tokenize(char *s, char **tok, int max, int punct)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		if (punct && (*s == '{' || *s == '}' || *s == ',')) {
			/* move the char into its own string: reuse a static table */
			static const char *const p[] = { "{", "}", "," };
			tok[n++] = (char *)(*s == '{' ? p[0] : *s == '}' ? p[1] : p[2]);
			s++;
			continue;
		}
		if (*s == '"') {
			char *w = ++s;
			tok[n++] = w;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				*w++ = *s++;
			}
			if (*s)
				s++;
			*w = 0;
			/* a quote directly followed by text: keep scanning normally */
			continue;
		}
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
		       !(punct && (*s == '{' || *s == '}' || *s == ','))) {
			s++;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r') {
			*s++ = 0;
		} else if (*s) {
			/* punctuation right after a word: terminate the word
			 * without losing the punctuation char */
			char ch = *s;
			*s = 0;
			if (n == max)
				return -1;
			static const char *const p[] = { "{", "}", "," };
			tok[n++] = (char *)(ch == '{' ? p[0] : ch == '}' ? p[1] : p[2]);
			s++;
		}
	}
	return n;
}

static int parse_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	int len = 32;
	if (slash) {
		*slash++ = 0;
		if (strchr(slash, '.')) {
			struct in_addr m;
			if (inet_pton(AF_INET, slash, &m) != 1)
				return -1;
			*mask = m.s_addr;
			goto addr;
		}
		char *end;
		long l = strtol(slash, &end, 10);
		if (*end || !*slash || l < 0 || l > 32)
			return -1;
		len = (int)l;
	}
	*mask = len ? htonl(0xffffffffu << (32 - len)) : 0;
addr:;
	struct in_addr a;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*addr = a.s_addr & *mask;
	return 0;
}

static int parse_proto(const char *s, uint8_t *p)
{
	static const struct { const char *n; uint8_t v; } names[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
		{ "icmp", IPPROTO_ICMP }, { "udplite", IPPROTO_UDPLITE }, { "dccp", IPPROTO_DCCP },
		{ "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP }, { "ah", IPPROTO_AH },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].n)) {
			*p = names[i].v;
			return 0;
		}
	uint32_t v;
	if (fwm_parse_u32(s, &v) < 0 || v > 255)
		return -1;
	*p = (uint8_t)v;
	return 0;
}

static int parse_port(const char *s, uint16_t *p)
{
	static const struct { const char *n; uint16_t v; } names[] = {
		{ "http", 80 }, { "https", 443 }, { "ssh", 22 }, { "domain", 53 },
		{ "ftp", 21 }, { "smtp", 25 }, { "ntp", 123 },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].n)) {
			*p = names[i].v;
			return 0;
		}
	char *end;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 65535)
		return -1;
	*p = (uint16_t)v;
	return 0;
}

/* "80", "1000:2000" (iptables) or "1000-2000" (nft) */
static int add_port_range(struct fwm_ports *pm, const char *s, char sep)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", s);
	char *dash = strchr(buf, sep);
	uint16_t lo, hi;
	if (dash) {
		*dash++ = 0;
		/* iptables: ":2000" means 0:2000, "1000:" means 1000:65535 */
		if (!*buf)
			lo = 0;
		else if (parse_port(buf, &lo) < 0)
			return -1;
		if (!*dash)
			hi = 65535;
		else if (parse_port(dash, &hi) < 0)
			return -1;
	} else {
		if (parse_port(buf, &lo) < 0)
			return -1;
		hi = lo;
	}
	if (lo > hi || pm->n == FWM_MAX_PORTS)
		return -1;
	pm->r[pm->n].lo = lo;
	pm->r[pm->n].hi = hi;
	pm->n++;
	return 0;
}

/* comma separated list (multiport) */
static int parse_port_list(struct fwm_ports *pm, const char *s)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", s);
	char *save = NULL;
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (add_port_range(pm, p, ':') < 0)
			return -1;
	return pm->n ? 0 : -1;
}

static int proto_has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP;
}

static int set_iif(struct fwm_rule *r, const char *name, int neg)
{
	size_t l = strlen(name);
	if (!l || l >= IF_NAMESIZE)
		return -1;
	memcpy(r->iif, name, l + 1);
	if (name[l - 1] == '+') {
		r->iif[l - 1] = 0;
		r->iif_prefix = 1;
	}
	r->iif_neg = (uint8_t)neg;
	return 0;
}

/* "v/m" or "v" (mask all ones) */
static int parse_value_mask(const char *s, uint32_t *v, uint32_t *m)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	*m = 0xffffffffu;
	if (slash) {
		*slash++ = 0;
		if (fwm_parse_u32(slash, m) < 0)
			return -1;
	}
	return fwm_parse_u32(buf, v);
}

/* ---- iptables-save ---- */

#define UNSUP(why) do { reason = (why); goto unsupported; } while (0)

static void ipt_rule(struct fwm_classifier *c, unsigned chain, const char *line)
{
	char copy[2048], *tok[MAX_TOKENS];
	const char *reason = NULL;
	char rbuf[160];
	struct fwm_rule r;
	memset(&r, 0, sizeof(r));
	r.chain = chain;
	snprintf(copy, sizeof(copy), "%s", line);
	int n = tokenize(copy, tok, MAX_TOKENS, 0);
	if (n < 0)
		UNSUP("rule too long");
	int neg = 0;
	for (int i = 2; i < n; i++) {   /* tok[0] "-A", tok[1] chain */
		const char *t = tok[i];
		const char *arg = i + 1 < n ? tok[i + 1] : NULL;
		if (!strcmp(t, "!")) {
			neg = 1;
			continue;
		}
		if (!strcmp(t, "-s") || !strcmp(t, "--source") || !strcmp(t, "-d") || !strcmp(t, "--destination")) {
			int dst = t[1] == 'd' || t[2] == 'd';
			if (!arg || parse_prefix(arg, dst ? &r.daddr : &r.saddr, dst ? &r.dmask : &r.smask) < 0)
				UNSUP("bad address");
			if (dst)
				r.daddr_neg = (uint8_t)neg;
			else
				r.saddr_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "-p") || !strcmp(t, "--protocol")) {
			if (!arg || parse_proto(arg, &r.protos[0]) < 0)
				UNSUP("unknown protocol");
			r.nprotos = 1;
			r.proto_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "-i") || !strcmp(t, "--in-interface")) {
			if (!arg || set_iif(&r, arg, neg) < 0)
				UNSUP("bad interface");
			i++;
		} else if (!strcmp(t, "-m") || !strcmp(t, "--match")) {
			if (!arg)
				UNSUP("missing match name");
			if (strcmp(arg, "tcp") && strcmp(arg, "udp") && strcmp(arg, "sctp") &&
			    strcmp(arg, "multiport") && strcmp(arg, "comment") && strcmp(arg, "mark")) {
				snprintf(rbuf, sizeof(rbuf), "match \"%s\" is not supported", arg);
				UNSUP(rbuf);
			}
			i++;
		} else if (!strcmp(t, "--dport") || !strcmp(t, "--destination-port") ||
			   !strcmp(t, "--sport") || !strcmp(t, "--source-port")) {
			struct fwm_ports *pm = (t[2] == 'd') ? &r.dport : &r.sport;
			if (!arg || pm->n || add_port_range(pm, arg, ':') < 0)
				UNSUP("bad port");
			pm->neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "--dports") || !strcmp(t, "--destination-ports") ||
			   !strcmp(t, "--sports") || !strcmp(t, "--source-ports") || !strcmp(t, "--ports")) {
			struct fwm_ports *pm = !strcmp(t, "--ports") ? &r.anyport : (t[2] == 'd') ? &r.dport : &r.sport;
			if (!arg || pm->n || parse_port_list(pm, arg) < 0)
				UNSUP("bad port list");
			pm->neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "--comment")) {
			i++;
		} else if (!strcmp(t, "--mark")) {
			if (!arg || parse_value_mask(arg, &r.match_mark, &r.match_mask) < 0)
				UNSUP("bad --mark");
			r.has_mark = 1;
			r.mark_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "-j") || !strcmp(t, "--jump")) {
			if (!arg)
				UNSUP("missing target");
			i++;
			if (!strcmp(arg, "MARK")) {
				r.action = FWM_A_MARK;
				r.mark_and = 0xffffffffu;
				r.mark_xor = 0;
			} else if (!strcmp(arg, "ACCEPT") || !strcmp(arg, "RETURN")) {
				r.action = FWM_A_STOP;
			} else if (!strcmp(arg, "DROP")) {
				r.action = FWM_A_DROP;
			} else {
				snprintf(rbuf, sizeof(rbuf), "target \"%s\" is not followed (user chain or unknown target)", arg);
				UNSUP(rbuf);
			}
		} else if (!strcmp(t, "-g") || !strcmp(t, "--goto")) {
			UNSUP("goto to a user chain is not followed");
		} else if (r.action == FWM_A_MARK &&
			   (!strcmp(t, "--set-xmark") || !strcmp(t, "--set-mark") || !strcmp(t, "--and-mark") ||
			    !strcmp(t, "--or-mark") || !strcmp(t, "--xor-mark"))) {
			uint32_t v, m;
			if (!arg || parse_value_mask(arg, &v, &m) < 0)
				UNSUP("bad mark value");
			i++;
			/* xt_MARK: mark = (mark & ~mask) ^ value; --set-mark v/m is
			 * (mark & ~m) | v; and/or/xor are the obvious */
			if (!strcmp(t, "--set-xmark")) {
				r.mark_and = ~m;
				r.mark_xor = v;
			} else if (!strcmp(t, "--set-mark")) {
				r.mark_and = ~(m | v);
				r.mark_xor = v;
			} else if (!strcmp(t, "--and-mark")) {
				r.mark_and = v;
				r.mark_xor = 0;
			} else if (!strcmp(t, "--or-mark")) {
				r.mark_and = ~v;
				r.mark_xor = v;
			} else {
				r.mark_and = 0xffffffffu;
				r.mark_xor = v;
			}
		} else if (!strcmp(t, "-c")) {
			i += 2;         /* packet/byte counters (iptables-save -c) */
		} else if (t[0] == '[') {
			/* [pkts:bytes] counters prefix */
		} else {
			snprintf(rbuf, sizeof(rbuf), "option \"%s\" is not supported", t);
			UNSUP(rbuf);
		}
		neg = 0;
	}
	if (neg)
		UNSUP("dangling \"!\"");
	/* port matches need the protocol to know where the ports are */
	if ((r.dport.n || r.sport.n || r.anyport.n) &&
	    (r.nprotos != 1 || r.proto_neg || !proto_has_ports(r.protos[0])))
		UNSUP("port match without -p tcp/udp/sctp");
	add_rule(c, &r, line);
	return;
unsupported:
	add_unsupported(c, "iptables", line, reason);
}

int fwm_parse_iptables_save(struct fwm_classifier *c, const char *text)
{
	if (!c || !text)
		return 0;
	size_t before = c->nrules;
	int in_mangle = 0, chain = -1;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];
		if (len >= sizeof(line)) {
			add_unsupported(c, "iptables", "(line too long)", "line longer than 2047 characters");
		} else {
			memcpy(line, p, len);
			line[len] = 0;
			if (line[0] == '*') {
				in_mangle = !strcmp(line, "*mangle");
			} else if (in_mangle && !strncmp(line, "-A PREROUTING ", 14)) {
				if (chain < 0)
					chain = add_chain(c, "iptables mangle PREROUTING", -150);
				if (chain >= 0)
					ipt_rule(c, (unsigned)chain, line);
			}
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	return (int)(c->nrules - before);
}

/* ---- nft list ruleset ---- */

static int nft_priority(char **tok, int n, int i, int *prio)
{
	static const struct { const char *n; int v; } names[] = {
		{ "raw", -300 }, { "mangle", -150 }, { "dstnat", -100 }, { "filter", 0 },
		{ "security", 50 }, { "srcnat", 100 },
	};
	int base = 0, found = 0;
	if (i >= n)
		return -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", tok[i]);
	size_t l = strlen(buf);
	if (l && buf[l - 1] == ';')
		buf[l - 1] = 0;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(buf, names[k].n)) {
			base = names[k].v;
			found = 1;
		}
	if (!found) {
		char *end;
		long v = strtol(buf, &end, 10);
		if (*end || !*buf)
			return -1;
		base = (int)v;
	}
	/* "mangle + 1" / "mangle - 5" */
	if (!strchr(tok[i], ';') && i + 2 < n && (!strcmp(tok[i + 1], "+") || !strcmp(tok[i + 1], "-"))) {
		long off = strtol(tok[i + 2], NULL, 10);
		base += tok[i + 1][0] == '+' ? (int)off : -(int)off;
	}
	*prio = base;
	return 0;
}

/* value or { v, v, ... } for ports; returns the index after it or -1 */
static int nft_ports(char **tok, int n, int i, struct fwm_ports *pm)
{
	if (i < n && !strcmp(tok[i], "!=")) {
		pm->neg = 1;
		i++;
	}
	if (i >= n || pm->n)
		return -1;
	if (!strcmp(tok[i], "{")) {
		for (i++; i < n && strcmp(tok[i], "}"); i++) {
			if (!strcmp(tok[i], ","))
				continue;
			if (add_port_range(pm, tok[i], '-') < 0)
				return -1;
		}
		return i < n && pm->n ? i + 1 : -1;
	}
	return add_port_range(pm, tok[i], '-') < 0 ? -1 : i + 1;
}

static int nft_protos(char **tok, int n, int i, struct fwm_rule *r)
{
	if (i < n && !strcmp(tok[i], "!=")) {
		r->proto_neg = 1;
		i++;
	}
	if (i >= n || r->nprotos)
		return -1;
	if (!strcmp(tok[i], "{")) {
		for (i++; i < n && strcmp(tok[i], "}"); i++) {
			if (!strcmp(tok[i], ","))
				continue;
			if (r->nprotos == FWM_MAX_PROTOS || parse_proto(tok[i], &r->protos[r->nprotos]) < 0)
				return -1;
			r->nprotos++;
		}
		return i < n && r->nprotos ? i + 1 : -1;
	}
	if (parse_proto(tok[i], &r->protos[0]) < 0)
		return -1;
	r->nprotos = 1;
	return i + 1;
}

/* `meta mark set EXPR`: a value, or `meta mark` followed by & | ^ ops */
static int nft_mark_set(char **tok, int n, int i, struct fwm_rule *r)
{
	uint32_t and = 0, xor = 0, v;
	if (i + 1 < n && !strcmp(tok[i], "meta") && !strcmp(tok[i + 1], "mark")) {
		and = 0xffffffffu;
		i += 2;
	} else if (i < n && !strcmp(tok[i], "mark")) {
		and = 0xffffffffu;
		i += 1;
	} else {
		if (i >= n || fwm_parse_u32(tok[i], &v) < 0)
			return -1;
		r->action = FWM_A_MARK;
		r->mark_and = 0;
		r->mark_xor = v;
		return i + 1;
	}
	int ops = 0;
	while (i + 1 < n) {
		const char *op = tok[i];
		int isop = !strcmp(op, "&") || !strcmp(op, "and") || !strcmp(op, "|") || !strcmp(op, "or") ||
			   !strcmp(op, "^") || !strcmp(op, "xor");
		if (!isop)
			break;
		if (fwm_parse_u32(tok[i + 1], &v) < 0)
			return -1;
		/* keep mark = (mark & and) ^ xor closed under each op */
		if (op[0] == '&' || op[0] == 'a') {
			and &= v;
			xor &= v;
		} else if (op[0] == '|' || op[0] == 'o') {
			and &= ~v;
			xor |= v;
		} else {
			xor ^= v;
		}
		i += 2;
		ops++;
	}
	if (!ops)
		return -1;
	r->action = FWM_A_MARK;
	r->mark_and = and;
	r->mark_xor = xor;
	return i;
}

static void nft_rule(struct fwm_classifier *c, unsigned chain, int family_v6_only, const char *origin, const char *line)
{
	char copy[2048], *tok[MAX_TOKENS];
	const char *reason = NULL;
	char rbuf[160];
	struct fwm_rule r;
	memset(&r, 0, sizeof(r));
	r.chain = chain;
	snprintf(copy, sizeof(copy), "%s", line);
	if (family_v6_only)
		UNSUP("ip6 family: lvsd's datapath classifies IPv4 only");
	int n = tokenize(copy, tok, MAX_TOKENS, 1);
	if (n < 0)
		UNSUP("rule too long");
	int i = 0;
	while (i < n) {
		const char *t = tok[i];
		const char *a = i + 1 < n ? tok[i + 1] : "";
		int j;
		if (!strcmp(t, "ip") && (!strcmp(a, "saddr") || !strcmp(a, "daddr"))) {
			int dst = a[0] == 'd';
			i += 2;
			int neg = 0;
			if (i < n && !strcmp(tok[i], "!=")) {
				neg = 1;
				i++;
			}
			if (i >= n || parse_prefix(tok[i], dst ? &r.daddr : &r.saddr, dst ? &r.dmask : &r.smask) < 0)
				UNSUP("address match other than a single prefix");
			if (dst)
				r.daddr_neg = (uint8_t)neg;
			else
				r.saddr_neg = (uint8_t)neg;
			i++;
		} else if ((!strcmp(t, "ip") && !strcmp(a, "protocol")) || (!strcmp(t, "meta") && !strcmp(a, "l4proto"))) {
			if ((j = nft_protos(tok, n, i + 2, &r)) < 0)
				UNSUP("protocol match not understood");
			i = j;
		} else if ((!strcmp(t, "tcp") || !strcmp(t, "udp") || !strcmp(t, "sctp") || !strcmp(t, "th")) &&
			   (!strcmp(a, "dport") || !strcmp(a, "sport"))) {
			if (strcmp(t, "th")) {
				uint8_t p;
				parse_proto(t, &p);
				/* `tcp dport` implies the protocol (nft adds a l4proto
				 * dependency); a different explicit one never matches */
				if (r.nprotos && !(r.nprotos == 1 && !r.proto_neg && r.protos[0] == p))
					UNSUP("conflicting protocol matches");
				r.nprotos = 1;
				r.protos[0] = p;
			}
			if ((j = nft_ports(tok, n, i + 2, a[0] == 'd' ? &r.dport : &r.sport)) < 0)
				UNSUP("port match not understood");
			i = j;
		} else if (!strcmp(t, "iifname") || !strcmp(t, "iif") ||
			   (!strcmp(t, "meta") && (!strcmp(a, "iifname") || !strcmp(a, "iif")))) {
			i += !strcmp(t, "meta") ? 2 : 1;
			int neg = 0;
			if (i < n && !strcmp(tok[i], "!=")) {
				neg = 1;
				i++;
			}
			/* nft wildcard is "eth*" */
			char name[IF_NAMESIZE + 1];
			if (i >= n || strlen(tok[i]) >= sizeof(name))
				UNSUP("interface match not understood");
			snprintf(name, sizeof(name), "%s", tok[i]);
			size_t l = strlen(name);
			if (l && name[l - 1] == '*')
				name[l - 1] = '+';
			if (!strcmp(name, "{") || set_iif(&r, name, neg) < 0)
				UNSUP("interface match not understood");
			i++;
		} else if ((!strcmp(t, "meta") && !strcmp(a, "mark") && i + 2 < n && !strcmp(tok[i + 2], "set")) ||
			   (!strcmp(t, "mark") && !strcmp(a, "set"))) {
			i += !strcmp(t, "meta") ? 3 : 2;
			if ((j = nft_mark_set(tok, n, i, &r)) < 0)
				UNSUP("meta mark set expression not understood");
			i = j;
		} else if (!strcmp(t, "meta") && !strcmp(a, "mark")) {
			i += 2;
			int neg = 0;
			if (i < n && !strcmp(tok[i], "!=")) {
				neg = 1;
				i++;
			}
			if (i >= n || fwm_parse_u32(tok[i], &r.match_mark) < 0)
				UNSUP("meta mark match not understood");
			r.match_mask = 0xffffffffu;
			r.has_mark = 1;
			r.mark_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "counter")) {
			i++;
			if (i + 3 < n && !strcmp(tok[i], "packets") && !strcmp(tok[i + 2], "bytes"))
				i += 4;
		} else if (!strcmp(t, "comment")) {
			i += 2;
		} else if (!strcmp(t, "accept") || !strcmp(t, "return")) {
			r.action = FWM_A_STOP;
			i++;
		} else if (!strcmp(t, "drop")) {
			r.action = FWM_A_DROP;
			i++;
		} else if (!strcmp(t, "continue")) {
			i++;
		} else if (!strcmp(t, "jump") || !strcmp(t, "goto")) {
			snprintf(rbuf, sizeof(rbuf), "%s to chain \"%s\" is not followed", t, a);
			UNSUP(rbuf);
		} else {
			snprintf(rbuf, sizeof(rbuf), "expression \"%s%s%s\" is not supported", t, *a ? " " : "", a);
			UNSUP(rbuf);
		}
	}
	if ((r.dport.n || r.sport.n) && (r.nprotos != 1 || r.proto_neg || !proto_has_ports(r.protos[0])))
		UNSUP("port match without a tcp/udp/sctp protocol");
	add_rule(c, &r, line);
	return;
unsupported:
	add_unsupported(c, origin, line, reason);
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int fwm_parse_nft(struct fwm_classifier *c, const char *text, int skip_ip_mangle)
{
	if (!c || !text)
		return 0;
	size_t before = c->nrules;
	char family[16] = "", table[64] = "", chainname[64] = "";
	int depth = 0;          /* 1 in a table, 2 in a chain/set/..., deeper: skipped block */
	int in_chain = 0, skip_table = 0, chain = -1, hooked = 0, v6only = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];
		if (len >= sizeof(line))
			len = sizeof(line) - 1;         /* a truncated line is reported below if a rule */
		memcpy(line, p, len);
		line[len] = 0;
		p += nl ? (size_t)(nl - p) + 1 : strlen(p);
		const char *s = skip_ws(line);
		if (!*s || *s == '#')
			continue;
		size_t sl = strlen(s);
		int opens = s[sl - 1] == '{';
		if (depth == 0) {
			if (opens && sscanf(s, "table %15s %63s", family, table) == 2) {
				depth = 1;
				/* lvsd's own guard tables (lvsd_*) are not user rules */
				skip_table = (skip_ip_mangle && !strcmp(family, "ip") && !strcmp(table, "mangle")) ||
					     !strncmp(table, "lvsd_", 5) ||
					     (strcmp(family, "ip") && strcmp(family, "inet") && strcmp(family, "ip6"));
				v6only = !strcmp(family, "ip6");
			}
			continue;
		}
		if (depth == 1) {
			if (!strcmp(s, "}")) {
				depth = 0;
			} else if (opens) {
				depth = 2;
				in_chain = sscanf(s, "chain %63s", chainname) == 1;
				chain = -1;
				hooked = 0;
			}
			continue;
		}
		if (depth >= 3) {       /* inside a set/map element block of a set */
			if (!strcmp(s, "}") || (s[sl - 1] == '}' && !strchr(s, '{')))
				depth--;
			else if (opens)
				depth++;
			continue;
		}
		/* depth 2 */
		if (!strcmp(s, "}")) {
			depth = 1;
			in_chain = 0;
			continue;
		}
		if (!in_chain) {
			/* multi-line set elements: "elements = { a, b," ... "}" */
			int o = 0;
			for (const char *q = s; *q; q++)
				o += *q == '{' ? 1 : *q == '}' ? -1 : 0;
			if (o > 0)
				depth += 1;
			continue;
		}
		if (!strncmp(s, "type ", 5)) {
			char *tok[32], copy[2048];
			snprintf(copy, sizeof(copy), "%s", s);
			int n = tokenize(copy, tok, 32, 0);
			hooked = 0;
			for (int i = 0; i + 1 < n; i++)
				if (!strcmp(tok[i], "hook") && (!strcmp(tok[i + 1], "prerouting") || !strcmp(tok[i + 1], "prerouting;")))
					hooked = 1;
			int prio = 0;
			for (int i = 0; i + 1 < n; i++)
				if (!strcmp(tok[i], "priority") && nft_priority(tok, n, i + 1, &prio) < 0)
					hooked = 0;
			if (hooked && !skip_table) {
				char name[200];
				snprintf(name, sizeof(name), "nft %s %s %s", family, table, chainname);
				chain = add_chain(c, name, prio);
			}
			continue;
		}
		if (!strncmp(s, "policy ", 7) || !strncmp(s, "comment ", 8) || !strncmp(s, "devices ", 8))
			continue;
		if (!hooked || skip_table || chain < 0)
			continue;       /* rules of other chains are reached only by jumps (reported) */
		char origin[200];
		snprintf(origin, sizeof(origin), "nft %s %s %s", family, table, chainname);
		nft_rule(c, (unsigned)chain, v6only, origin, s);
	}
	return (int)(c->nrules - before);
}

/* ---- ordering and evaluation ---- */

static int cmp_rule(const void *a, const void *b, void *arg)
{
	const struct fwm_classifier *c = arg;
	const struct fwm_rule *x = a, *y = b;
	int px = c->chains[x->chain].priority, py = c->chains[y->chain].priority;
	if (px != py)
		return px < py ? -1 : 1;
	/* same priority: chain order as read, then rule order as read (the
	 * text pointer order is not stable; use the chain index, and rules
	 * were appended in order so a stable merge keeps them) */
	return x->chain < y->chain ? -1 : x->chain > y->chain;
}

void fwm_finish(struct fwm_classifier *c)
{
	if (!c || !c->nrules)
		return;
	/* stable insertion sort (rule counts are small) */
	for (size_t i = 1; i < c->nrules; i++) {
		struct fwm_rule r = c->rules[i];
		size_t j = i;
		while (j > 0 && cmp_rule(&c->rules[j - 1], &r, c) > 0) {
			c->rules[j] = c->rules[j - 1];
			j--;
		}
		c->rules[j] = r;
	}
	for (size_t i = 0; i < c->nrules;) {
		size_t j = i;
		while (j < c->nrules && c->rules[j].chain == c->rules[i].chain)
			j++;
		for (size_t k = i; k < j; k++)
			c->rules[k].chain_end = (unsigned)j;
		i = j;
	}
}

static int ports_match(const struct fwm_ports *pm, uint16_t port)
{
	int in = 0;
	for (unsigned i = 0; i < pm->n && !in; i++)
		in = port >= pm->r[i].lo && port <= pm->r[i].hi;
	return in != pm->neg;
}

static int rule_match(const struct fwm_rule *r, const struct fwm_pkt *p, uint32_t mark)
{
	if (r->nprotos) {
		int in = 0;
		for (unsigned i = 0; i < r->nprotos; i++)
			in |= r->protos[i] == p->protocol;
		if (in == r->proto_neg)
			return 0;
	}
	if (r->smask || r->saddr_neg)
		if (((p->saddr & r->smask) == r->saddr) == r->saddr_neg)
			return 0;
	if (r->dmask || r->daddr_neg)
		if (((p->daddr & r->dmask) == r->daddr) == r->daddr_neg)
			return 0;
	if (r->dport.n || r->sport.n || r->anyport.n) {
		if (!proto_has_ports(p->protocol))
			return 0;
		if (r->dport.n && !ports_match(&r->dport, p->dport))
			return 0;
		if (r->sport.n && !ports_match(&r->sport, p->sport))
			return 0;
		if (r->anyport.n) {
			/* multiport --ports: either port in the list */
			struct fwm_ports pos = r->anyport;
			pos.neg = 0;
			int in = ports_match(&pos, p->sport) || ports_match(&pos, p->dport);
			if (in == r->anyport.neg)
				return 0;
		}
	}
	if (r->iif[0]) {
		int in = 0;
		if (p->ifname)
			in = r->iif_prefix ? !strncmp(p->ifname, r->iif, strlen(r->iif)) : !strcmp(p->ifname, r->iif);
		if (in == r->iif_neg)
			return 0;
	}
	if (r->has_mark && (((mark & r->match_mask) == r->match_mark) == r->mark_neg))
		return 0;
	return 1;
}

uint64_t fwm_classify(const struct fwm_classifier *c, const struct fwm_pkt *p)
{
	uint32_t mark = 0;
	if (!c || !p || p->af != AF_INET)
		return 0;
	for (size_t i = 0; i < c->nrules;) {
		const struct fwm_rule *r = &c->rules[i];
		if (!rule_match(r, p, mark)) {
			i++;
			continue;
		}
		switch (r->action) {
		case FWM_A_MARK:
			mark = (mark & r->mark_and) ^ r->mark_xor;
			i++;
			break;
		case FWM_A_STOP:
			i = r->chain_end;
			break;
		case FWM_A_DROP:
			return FWM_DROP;
		default:
			i++;
		}
	}
	return mark;
}

void fwm_describe(const struct fwm_classifier *c, struct strbuf *out)
{
	if (!c) {
		sb_puts(out, "rules: 0 compiled, 0 unsupported\n");
		return;
	}
	sb_printf(out, "rules: %zu compiled, %zu unsupported\n", c->nrules, c->nunsup);
	for (size_t i = 0; i < c->nrules; i++) {
		const struct fwm_rule *r = &c->rules[i];
		sb_printf(out, "rule %zu [%s prio %d]: %s\n", i + 1, c->chains[r->chain].name,
			  c->chains[r->chain].priority, r->text ? r->text : "");
	}
	for (size_t i = 0; i < c->nunsup; i++)
		sb_printf(out, "unsupported: %s -- %s\n", c->unsup[i].text, c->unsup[i].reason);
}
