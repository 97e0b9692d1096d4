/* fwmark_rules.c - reading the user's mangle PREROUTING rules: the text of
 * `iptables-save -t mangle` and of `nft list ruleset`, into a classifier
 * (see fwmark.h).  Parsing never fails on bad input: what cannot be
 * evaluated exactly is added as unsupported, with the reason.
 *
 * Understood: -s/-d and nft `ip saddr/daddr` prefixes; -p, `meta l4proto`,
 * `ip protocol` (nft sets too); --dport/--sport values and ranges, -m
 * multiport --dports/--sports/--ports, nft `th|tcp|udp|sctp dport|sport`
 * values, ranges and { } sets; -i / iifname / iif (with + and *
 * wildcards); -m mark --mark v/m and `meta mark`; negations (!, !=); -j
 * MARK --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark, `meta mark
 * set v` and `meta mark set meta mark & a | o ^ x`; ACCEPT/RETURN/accept/
 * return (end of that chain) and DROP/drop.  nft chain priorities may be
 * numbers or the named ones (raw, mangle, "mangle + 1", ...).
 *
 * Text, not `nft -j`: the JSON output hides the xtables parts of
 * iptables-nft rules ({"xt": {"name": "multiport"}}, no ports, no mark),
 * while iptables-save prints them in a stable format and libnftables
 * prints native rules as text.
 *
 * Reported, not evaluated: IPv6 tables, nft address sets and ranges, ct,
 * socket, meta keys other than mark/iif/iifname, jumps and gotos to user
 * chains, other targets (CONNMARK, ...), malformed values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "fwmark.h"
#include "fwmark_build.h"

#define MAX_TOKENS 256

/* ---- values and tokens ---- */

int fwm_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > 0xffffffffull)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* split into tokens: whitespace separated, "quoted strings" kept whole
 * (quotes removed, \" unescaped); with `punct`, { } , are tokens of
 * their own (nft); returns the count or -E2BIG if too many */
static int tokenize(char *s, char **tok, int max, int punct)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -E2BIG;
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
				return -E2BIG;
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
				return -EINVAL;
			*mask = m.s_addr;
			goto addr;
		}
		char *end;
		long l = strtol(slash, &end, 10);
		if (*end || !*slash || l < 0 || l > 32)
			return -EINVAL;
		len = (int)l;
	}
	*mask = len ? htonl(0xffffffffu << (32 - len)) : 0;
addr:;
	struct in_addr a;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
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
		return -EINVAL;
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
		return -EINVAL;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 65535)
		return -EINVAL;
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
			return -EINVAL;
		if (!*dash)
			hi = 65535;
		else if (parse_port(dash, &hi) < 0)
			return -EINVAL;
	} else {
		if (parse_port(buf, &lo) < 0)
			return -EINVAL;
		hi = lo;
	}
	if (lo > hi || pm->n == FWM_MAX_PORTS)
		return -EINVAL;
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
			return -EINVAL;
	return pm->n ? 0 : -1;
}

/* a source (dst 0) or destination address match: one prefix */
static int set_addr(struct fwm_rule *r, int dst, const char *prefix, int neg)
{
	if (!prefix || parse_prefix(prefix, dst ? &r->daddr : &r->saddr, dst ? &r->dmask : &r->smask) < 0)
		return -EINVAL;
	if (dst)
		r->daddr_neg = (uint8_t)neg;
	else
		r->saddr_neg = (uint8_t)neg;
	return 0;
}

static int set_iif(struct fwm_rule *r, const char *name, int neg)
{
	size_t l = strlen(name);
	if (!l || l >= IF_NAMESIZE)
		return -EINVAL;
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
			return -EINVAL;
	}
	return fwm_parse_u32(buf, v);
}

/* compiles the tokens of one rule into *r; NULL, or why it cannot be
 * (a constant, or text written to rbuf) */
typedef const char *compile_fn(struct fwm_rule *r, char **tok, int n, char *rbuf, size_t rlen);

/* one rule line: compiled into c's rules, or listed as unsupported with
 * the reason; punct: nft's { } , are tokens of their own */
static void add_line(struct fwm_classifier *c, unsigned chain, const char *origin, const char *line, int punct,
		     compile_fn *compile)
{
	char copy[2048], *tok[MAX_TOKENS], rbuf[160];
	struct fwm_rule r;
	memset(&r, 0, sizeof(r));
	r.chain = chain;
	snprintf(copy, sizeof(copy), "%s", line);
	int n = tokenize(copy, tok, MAX_TOKENS, punct);
	const char *reason = n < 0 ? "rule too long" : compile(&r, tok, n, rbuf, sizeof(rbuf));
	if (reason)
		fwm_add_unsupported(c, origin, line, reason);
	else
		fwm_add_rule(c, &r, line);
}

/* ---- iptables-save ---- */

static const char *ipt_compile(struct fwm_rule *r, char **tok, int n, char *rbuf, size_t rlen)
{
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
			if (set_addr(r, dst, arg, neg) < 0)
				return "bad address";
			i++;
		} else if (!strcmp(t, "-p") || !strcmp(t, "--protocol")) {
			if (!arg || parse_proto(arg, &r->protos[0]) < 0)
				return "unknown protocol";
			r->nprotos = 1;
			r->proto_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "-i") || !strcmp(t, "--in-interface")) {
			if (!arg || set_iif(r, arg, neg) < 0)
				return "bad interface";
			i++;
		} else if (!strcmp(t, "-m") || !strcmp(t, "--match")) {
			if (!arg)
				return "missing match name";
			if (strcmp(arg, "tcp") && strcmp(arg, "udp") && strcmp(arg, "sctp") &&
			    strcmp(arg, "multiport") && strcmp(arg, "comment") && strcmp(arg, "mark")) {
				snprintf(rbuf, rlen, "match \"%s\" is not supported", arg);
				return rbuf;
			}
			i++;
		} else if (!strcmp(t, "--dport") || !strcmp(t, "--destination-port") ||
			   !strcmp(t, "--sport") || !strcmp(t, "--source-port")) {
			struct fwm_ports *pm = (t[2] == 'd') ? &r->dport : &r->sport;
			if (!arg || pm->n || add_port_range(pm, arg, ':') < 0)
				return "bad port";
			pm->neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "--dports") || !strcmp(t, "--destination-ports") ||
			   !strcmp(t, "--sports") || !strcmp(t, "--source-ports") || !strcmp(t, "--ports")) {
			struct fwm_ports *pm = !strcmp(t, "--ports") ? &r->anyport : (t[2] == 'd') ? &r->dport : &r->sport;
			if (!arg || pm->n || parse_port_list(pm, arg) < 0)
				return "bad port list";
			pm->neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "--comment")) {
			i++;
		} else if (!strcmp(t, "--mark")) {
			if (!arg || parse_value_mask(arg, &r->match_mark, &r->match_mask) < 0)
				return "bad --mark";
			r->has_mark = 1;
			r->mark_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "-j") || !strcmp(t, "--jump")) {
			if (!arg)
				return "missing target";
			i++;
			if (!strcmp(arg, "MARK")) {
				r->action = FWM_A_MARK;
				r->mark_and = 0xffffffffu;
				r->mark_xor = 0;
			} else if (!strcmp(arg, "ACCEPT") || !strcmp(arg, "RETURN")) {
				r->action = FWM_A_STOP;
			} else if (!strcmp(arg, "DROP")) {
				r->action = FWM_A_DROP;
			} else {
				snprintf(rbuf, rlen, "target \"%s\" is not followed (user chain or unknown target)", arg);
				return rbuf;
			}
		} else if (!strcmp(t, "-g") || !strcmp(t, "--goto")) {
			return "goto to a user chain is not followed";
		} else if (r->action == FWM_A_MARK &&
			   (!strcmp(t, "--set-xmark") || !strcmp(t, "--set-mark") || !strcmp(t, "--and-mark") ||
			    !strcmp(t, "--or-mark") || !strcmp(t, "--xor-mark"))) {
			uint32_t v, m;
			if (!arg || parse_value_mask(arg, &v, &m) < 0)
				return "bad mark value";
			i++;
			/* xt_MARK: mark = (mark & ~mask) ^ value; --set-mark v/m is
			 * (mark & ~m) | v; and/or/xor are the obvious */
			if (!strcmp(t, "--set-xmark")) {
				r->mark_and = ~m;
				r->mark_xor = v;
			} else if (!strcmp(t, "--set-mark")) {
				r->mark_and = ~(m | v);
				r->mark_xor = v;
			} else if (!strcmp(t, "--and-mark")) {
				r->mark_and = v;
				r->mark_xor = 0;
			} else if (!strcmp(t, "--or-mark")) {
				r->mark_and = ~v;
				r->mark_xor = v;
			} else {
				r->mark_and = 0xffffffffu;
				r->mark_xor = v;
			}
		} else if (!strcmp(t, "-c")) {
			i += 2;         /* packet/byte counters (iptables-save -c) */
		} else if (t[0] == '[') {
			/* [pkts:bytes] counters prefix */
		} else {
			snprintf(rbuf, rlen, "option \"%s\" is not supported", t);
			return rbuf;
		}
		neg = 0;
	}
	if (neg)
		return "dangling \"!\"";
	/* port matches need the protocol to know where the ports are */
	if ((r->dport.n || r->sport.n || r->anyport.n) &&
	    (r->nprotos != 1 || r->proto_neg || !fwm_proto_has_ports(r->protos[0])))
		return "port match without -p tcp/udp/sctp";
	return NULL;
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
			fwm_add_unsupported(c, "iptables", "(line too long)", "line longer than 2047 characters");
		} else {
			memcpy(line, p, len);
			line[len] = 0;
			if (line[0] == '*') {
				in_mangle = !strcmp(line, "*mangle");
			} else if (in_mangle && !strncmp(line, "-A PREROUTING ", 14)) {
				if (chain < 0)
					chain = fwm_add_chain(c, "iptables mangle PREROUTING", -150);
				if (chain >= 0)
					add_line(c, (unsigned)chain, "iptables", line, 0, ipt_compile);
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
		return -EINVAL;
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
			return -EINVAL;
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

/* an nft relation's `!=` at tok[*i]: consumed, 1; else 0 */
static uint8_t nft_neg(char **tok, int n, int *i)
{
	if (*i < n && !strcmp(tok[*i], "!=")) {
		(*i)++;
		return 1;
	}
	return 0;
}

/* `[!=] VALUE` or `[!=] { VALUE, VALUE, ... }` from tok[i] on, each value
 * through add(arg, value); returns the index after it, or -EINVAL */
static int nft_values(char **tok, int n, int i, uint8_t *neg, int (*add)(void *arg, const char *v), void *arg)
{
	*neg = nft_neg(tok, n, &i);
	if (i >= n)
		return -EINVAL;
	if (strcmp(tok[i], "{"))
		return add(arg, tok[i]) < 0 ? -EINVAL : i + 1;
	int added = 0;
	for (i++; i < n && strcmp(tok[i], "}"); i++) {
		if (!strcmp(tok[i], ","))
			continue;
		if (add(arg, tok[i]) < 0)
			return -EINVAL;
		added++;
	}
	return i < n && added ? i + 1 : -EINVAL;
}

static int add_nft_port(void *pm, const char *v)
{
	return add_port_range(pm, v, '-');
}

static int add_proto(void *rule, const char *v)
{
	struct fwm_rule *r = rule;
	if (r->nprotos == FWM_MAX_PROTOS || parse_proto(v, &r->protos[r->nprotos]) < 0)
		return -EINVAL;
	r->nprotos++;
	return 0;
}

/* a port match (one per direction) */
static int nft_ports(char **tok, int n, int i, struct fwm_ports *pm)
{
	return pm->n ? -EINVAL : nft_values(tok, n, i, &pm->neg, add_nft_port, pm);
}

/* a protocol match (one per rule) */
static int nft_protos(char **tok, int n, int i, struct fwm_rule *r)
{
	return r->nprotos ? -EINVAL : nft_values(tok, n, i, &r->proto_neg, add_proto, r);
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
			return -EINVAL;
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
			return -EINVAL;
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
		return -EINVAL;
	r->action = FWM_A_MARK;
	r->mark_and = and;
	r->mark_xor = xor;
	return i;
}

static const char *nft_compile(struct fwm_rule *r, char **tok, int n, char *rbuf, size_t rlen)
{
	int i = 0;
	while (i < n) {
		const char *t = tok[i];
		const char *a = i + 1 < n ? tok[i + 1] : "";
		int j;
		if (!strcmp(t, "ip") && (!strcmp(a, "saddr") || !strcmp(a, "daddr"))) {
			int dst = a[0] == 'd';
			i += 2;
			int neg = nft_neg(tok, n, &i);
			if (set_addr(r, dst, i < n ? tok[i] : NULL, neg) < 0)
				return "address match other than a single prefix";
			i++;
		} else if ((!strcmp(t, "ip") && !strcmp(a, "protocol")) || (!strcmp(t, "meta") && !strcmp(a, "l4proto"))) {
			if ((j = nft_protos(tok, n, i + 2, r)) < 0)
				return "protocol match not understood";
			i = j;
		} else if ((!strcmp(t, "tcp") || !strcmp(t, "udp") || !strcmp(t, "sctp") || !strcmp(t, "th")) &&
			   (!strcmp(a, "dport") || !strcmp(a, "sport"))) {
			if (strcmp(t, "th")) {
				uint8_t p;
				parse_proto(t, &p);
				/* `tcp dport` implies the protocol (nft adds a l4proto
				 * dependency); a different explicit one never matches */
				if (r->nprotos && !(r->nprotos == 1 && !r->proto_neg && r->protos[0] == p))
					return "conflicting protocol matches";
				r->nprotos = 1;
				r->protos[0] = p;
			}
			if ((j = nft_ports(tok, n, i + 2, a[0] == 'd' ? &r->dport : &r->sport)) < 0)
				return "port match not understood";
			i = j;
		} else if (!strcmp(t, "iifname") || !strcmp(t, "iif") ||
			   (!strcmp(t, "meta") && (!strcmp(a, "iifname") || !strcmp(a, "iif")))) {
			i += !strcmp(t, "meta") ? 2 : 1;
			int neg = nft_neg(tok, n, &i);
			/* nft wildcard is "eth*" */
			char name[IF_NAMESIZE + 1];
			if (i >= n || strlen(tok[i]) >= sizeof(name))
				return "interface match not understood";
			snprintf(name, sizeof(name), "%s", tok[i]);
			size_t l = strlen(name);
			if (l && name[l - 1] == '*')
				name[l - 1] = '+';
			if (!strcmp(name, "{") || set_iif(r, name, neg) < 0)
				return "interface match not understood";
			i++;
		} else if ((!strcmp(t, "meta") && !strcmp(a, "mark") && i + 2 < n && !strcmp(tok[i + 2], "set")) ||
			   (!strcmp(t, "mark") && !strcmp(a, "set"))) {
			i += !strcmp(t, "meta") ? 3 : 2;
			if ((j = nft_mark_set(tok, n, i, r)) < 0)
				return "meta mark set expression not understood";
			i = j;
		} else if (!strcmp(t, "meta") && !strcmp(a, "mark")) {
			i += 2;
			int neg = nft_neg(tok, n, &i);
			if (i >= n || fwm_parse_u32(tok[i], &r->match_mark) < 0)
				return "meta mark match not understood";
			r->match_mask = 0xffffffffu;
			r->has_mark = 1;
			r->mark_neg = (uint8_t)neg;
			i++;
		} else if (!strcmp(t, "counter")) {
			i++;
			if (i + 3 < n && !strcmp(tok[i], "packets") && !strcmp(tok[i + 2], "bytes"))
				i += 4;
		} else if (!strcmp(t, "comment")) {
			i += 2;
		} else if (!strcmp(t, "accept") || !strcmp(t, "return")) {
			r->action = FWM_A_STOP;
			i++;
		} else if (!strcmp(t, "drop")) {
			r->action = FWM_A_DROP;
			i++;
		} else if (!strcmp(t, "continue")) {
			i++;
		} else if (!strcmp(t, "jump") || !strcmp(t, "goto")) {
			snprintf(rbuf, rlen, "%s to chain \"%s\" is not followed", t, a);
			return rbuf;
		} else {
			snprintf(rbuf, rlen, "expression \"%s%s%s\" is not supported", t, *a ? " " : "", a);
			return rbuf;
		}
	}
	if ((r->dport.n || r->sport.n) && (r->nprotos != 1 || r->proto_neg || !fwm_proto_has_ports(r->protos[0])))
		return "port match without a tcp/udp/sctp protocol";
	return NULL;
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
				chain = fwm_add_chain(c, name, prio);
			}
			continue;
		}
		if (!strncmp(s, "policy ", 7) || !strncmp(s, "comment ", 8) || !strncmp(s, "devices ", 8))
			continue;
		if (!hooked || skip_table || chain < 0)
			continue;       /* rules of other chains are reached only by jumps (reported) */
		char origin[200];
		snprintf(origin, sizeof(origin), "nft %s %s %s", family, table, chainname);
		if (v6only)
			fwm_add_unsupported(c, origin, s, "ip6 family: lvsd's datapath classifies IPv4 only");
		else
			add_line(c, (unsigned)chain, origin, s, 1, nft_compile);
	}
	return (int)(c->nrules - before);
}

