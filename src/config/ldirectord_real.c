/* ldirectord_real.c - the servers of an ldirectord.cf virtual: real= /
 * real6= lines ("IP[:port] gate|masq|ipip [weight] [l:N] [u:N]
 * ["request", "receive"]", or a range a.b.c.d->a.b.c.e) and fallback= /
 * fallback6= (ldirectord.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ldirectord.h"

static int parse_fwd(const char *w, uint32_t *fwd)
{
	if (!strcasecmp(w, "gate"))
		*fwd = LVS_CONN_F_DROUTE;
	else if (!strcasecmp(w, "masq"))
		*fwd = LVS_CONN_F_MASQ;
	else if (!strcasecmp(w, "ipip"))
		*fwd = LVS_CONN_F_TUNNEL;
	else
		return -EINVAL;
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

/* ipvsadm forces the RS port to the virtual port for gate/ipip on an
 * address service; ldirectord relies on it, so the model says it too */
static void force_port(struct ld_parser *p, const struct cfg_service *cs, struct lvs_dest_conf *d, int line)
{
	if (cs->s.fwmark || d->conn_flags == LVS_CONN_F_MASQ)
		return;
	if (d->port != cs->s.port)
		cfg_warning(&p->d, line, "port %u of a gate/ipip server is replaced by the virtual port %u "
			    "(as ipvsadm does)", d->port, cs->s.port);
	d->port = cs->s.port;
}

static int apply_fallback(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
	char buf[512], *w[4];
	int n, af;

	if (!l)
		return 0;
	snprintf(buf, sizeof(buf), "%s", l->val);
	n = split_words(buf, w, 4);
	if (n < 1)
		return cfg_error(&p->d, l->line, -EINVAL, "fallback: missing address");
	cs->sorry.conn_flags = LVS_CONN_F_DROUTE;
	if (n > 1 && parse_fwd(w[1], &cs->sorry.conn_flags))
		return cfg_error(&p->d, l->line, -EINVAL,
				 "fallback: forwarding method must be gate, masq or ipip, got '%s'", w[1]);
	if (n > 2)
		cfg_warning(&p->d, l->line, "fallback: ignoring trailing text '%s'", w[2]);
	if (cfg_parse_hostport(w[0], cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp", &af,
			       &cs->sorry.addr, &cs->sorry.port))
		return cfg_error(&p->d, l->line, -EINVAL, "fallback: bad address '%s'", w[0]);
	if (af != cs->s.af)
		return cfg_error(&p->d, l->line, -EINVAL, "fallback: address family differs from the virtual's");
	cs->sorry.af = af;
	if (!cs->sorry.port && !cs->s.fwmark)
		cs->sorry.port = cs->s.port;
	cs->sorry.weight = 1;
	force_port(p, cs, &cs->sorry, l->line);
	cs->has_sorry = 1;
	return 0;
}

/* fallback= serves an IPv4 virtual, fallback6= an IPv6 one */
int ld_apply_fallback(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return b->cs->s.af == AF_INET6 ? 0 : apply_fallback(p, l, b);
}

int ld_apply_fallback6(struct ld_parser *p, const struct ld_line *l, struct ld_build *b)
{
	return b->cs->s.af == AF_INET6 ? apply_fallback(p, l, b) : 0;
}

/* the servers of one real= line: from a1 to a2 (one unless a range), each
 * with its copy of the virtual's check */
static int add_reals(struct ld_parser *p, struct ld_build *b, const struct ld_line *rl, const struct lvs_dest_conf *d,
		     const union lvs_addr *a1, const union lvs_addr *a2, const char *req, const char *recv)
{
	struct cfg_service *cs = b->cs;

	for (uint32_t ip = ntohl(a1->ip);; ip++) {
		struct cfg_real *r = cfg_add_real(cs);
		struct cfg_check *k;

		if (!r)
			return cfg_nomem(&p->d, rl->line);
		r->d = *d;
		if (d->af == AF_INET)
			r->d.addr.ip = htonl(ip);
		else
			r->d.addr = *a1;
		r->line = rl->line;
		r->quiesce = b->quiesce;
		r->start_up = 0;
		k = cfg_add_check(r);
		if (!k || cfg_check_copy(k, &b->k))
			return cfg_nomem(&p->d, rl->line);
		k->af = d->af;
		k->addr = r->d.addr;
		if (!k->port)
			k->port = r->d.port ? r->d.port : cs->s.port;
		if (!k->port && (k->kind == CFG_CHK_TCP || k->kind == CFG_CHK_HTTP)) {
			/* a fwmark virtual's real without a port: the service's port */
			k->port = k->kind == CFG_CHK_HTTP ? (k->https ? 443 : 80) : 0;
			if (ip == ntohl(a1->ip))
				cfg_warning(&p->d, rl->line,
					    "real has no port and there is no checkport: checking port %u%s", k->port,
					    k->port ? "" : " (this check cannot succeed)");
		}
		if (k->kind == CFG_CHK_HTTP && req) {
			free(k->path);
			k->path = malloc(strlen(req) + 2);
			if (!k->path)
				return cfg_nomem(&p->d, rl->line);
			sprintf(k->path, "%s%s", req[0] == '/' ? "" : "/", req);
		}
		if (k->kind == CFG_CHK_HTTP && recv) {
			free(k->receive);
			k->receive = recv[0] ? strdup(recv) : NULL;
			if (recv[0] && !k->receive)
				return cfg_nomem(&p->d, rl->line);
		}
		if (d->af != AF_INET || ip == ntohl(a2->ip))
			return 0;
	}
}

int ld_real(struct ld_parser *p, const struct ld_line *rl, struct ld_build *b)
{
	struct cfg_service *cs = b->cs;
	char buf[1024], *w[24], *arrow;
	int n, is6 = rl->val[0] == '6', af = 0, af2 = 0, iw = 2, nreq = 0;
	union lvs_addr a1, a2;
	uint16_t port = 0, port2 = 0;
	struct lvs_dest_conf d;
	const char *req = NULL, *recv = NULL, *proto = cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp";

	snprintf(buf, sizeof(buf), "%s", rl->val + 1);
	n = split_words(buf, w, 24);
	if (n < 2)
		return cfg_error(&p->d, rl->line, -EINVAL, "real: expected 'IP[:port] gate|masq|ipip [weight]', got '%s'",
				 rl->val + 1);
	memset(&d, 0, sizeof(d));
	d.weight = 1;
	if (parse_fwd(w[1], &d.conn_flags))
		return cfg_error(&p->d, rl->line, -EINVAL, "real: forwarding method must be gate, masq or ipip, got '%s'",
				 w[1]);
	/* an address, or a range a.b.c.d->a.b.c.e[:port] */
	arrow = strstr(w[0], "->");
	if (arrow) {
		*arrow = 0;
		if (cfg_parse_hostport(w[0], proto, &af, &a1, &port) ||
		    cfg_parse_hostport(arrow + 2, proto, &af2, &a2, &port2) || af != AF_INET || af2 != AF_INET)
			return cfg_error(&p->d, rl->line, -EINVAL, "real: bad IPv4 range '%s->%s'", w[0], arrow + 2);
		port = port2 ? port2 : port;
		if (ntohl(a2.ip) < ntohl(a1.ip) || ntohl(a2.ip) - ntohl(a1.ip) > 1023)
			return cfg_error(&p->d, rl->line, -EINVAL, "real: range must be ascending and at most 1024 addresses");
	} else {
		if (cfg_parse_hostport(w[0], proto, &af, &a1, &port))
			return cfg_error(&p->d, rl->line, -EINVAL, "real: bad address '%s'", w[0]);
		a2 = a1;
	}
	if ((af == AF_INET6) != is6)
		return cfg_error(&p->d, rl->line, -EINVAL, "%s: cannot specify an %s address here, use %s instead",
				 is6 ? "real6" : "real", is6 ? "IPv4" : "IPv6", is6 ? "real" : "real6");
	/* ldirectord ties real6 to virtual6 (and real to virtual), whatever
	 * the forwarding method */
	if (af != cs->s.af)
		return cfg_error(&p->d, rl->line, -EINVAL, "%s: cannot be used under %s, use %s instead",
				 is6 ? "real6" : "real", is6 ? "virtual" : "virtual6", is6 ? "real" : "real6");
	if (!port && !cs->s.fwmark)
		port = cs->s.port;
	d.af = af;
	d.port = port;
	if (n > 2 && isdigit((unsigned char)w[2][0])) {
		uint32_t wt;

		if (cfg_parse_uint(w[2], 65535, &wt))
			return cfg_error(&p->d, rl->line, -EINVAL, "real: bad weight '%s'", w[2]);
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
			cfg_warning(&p->d, rl->line, "real: ignoring trailing text '%s'", w[i]);
			break;
		}
	}
	force_port(p, cs, &d, rl->line);
	return add_reals(p, b, rl, &d, &a1, &a2, req, recv);
}
