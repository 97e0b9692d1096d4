/* list.c - everything ipvsadm prints from the table: -L/-l (all views),
 * -S, -c, --timeout, --daemon.
 *
 * Sorting reproduces ipvsadm exactly: its comparators subtract unsigned
 * values and read the result as a signed int (so 192.168.x sorts before
 * 10.x), and Debian's glibc 2.36 qsort is a top-down merge sort; both are
 * re-implemented here so the order does not depend on the host's libc.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* names are cut to ipvsadm's buffer sizes on purpose (59-char names,
 * 15-char tunnel info): truncating snprintf is intended in this file */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* ---- names ------------------------------------------------------------ */

static const char *proto_key(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	default: return NULL;
	}
}

static const char *addr_to_anyname(int af, const union lvs_addr *addr, char *buf, size_t len)
{
	struct hostent *h = gethostbyaddr(addr, af == AF_INET6 ? sizeof(struct in6_addr) :
					  sizeof(struct in_addr), af);
	if (h)
		return h->h_name;
	inet_ntop(af, addr, buf, (socklen_t)len);
	return buf;
}

static const char *port_to_anyname(uint16_t port, uint16_t proto, char *buf, size_t len)
{
	const char *p = proto_key(proto);
	struct servent *se;

	if (p && (se = getservbyport(htons(port), p)))
		return se->s_name;
	snprintf(buf, len, "%u", port);
	return buf;
}

/* ipvsadm's addrport_to_anyname: at most 59 characters */
static void addrport_name(char out[60], int af, const union lvs_addr *addr, uint16_t port,
			  uint16_t proto, unsigned format)
{
	char abuf[INET6_ADDRSTRLEN], pbuf[16];
	const char *lb = af == AF_INET ? "" : "[", *rb = af == AF_INET ? "" : "]";

	if (format & FMT_NUMERIC) {
		if (!inet_ntop(af, addr, abuf, sizeof(abuf)))
			snprintf(abuf, sizeof(abuf), "(null)");
		snprintf(out, 60, "%s%s%s:%u", lb, abuf, rb, port);
	} else {
		snprintf(out, 60, "%s%s%s:%s", lb, addr_to_anyname(af, addr, abuf, sizeof(abuf)), rb,
			 port_to_anyname(port, proto, pbuf, sizeof(pbuf)));
	}
}

/* ---- sorting ----------------------------------------------------------- */

static int cmp_addr(int af, const union lvs_addr *a, const union lvs_addr *b)
{
	int r = 0;

	if (af == AF_INET6) {
		for (int i = 0; !r && i < 4; i++)
			r = (int)(ntohl(a->w[i]) - ntohl(b->w[i]));
	} else {
		r = (int)(ntohl(a->ip) - ntohl(b->ip));
	}
	return r;
}

static int cmp_services(const void *pa, const void *pb)
{
	const struct lvs_service_conf *a = &((const struct lvs_service_entry *)pa)->conf;
	const struct lvs_service_conf *b = &((const struct lvs_service_entry *)pb)->conf;
	int r;

	if ((r = (int)(a->fwmark - b->fwmark)))
		return r;
	if ((r = (uint16_t)a->af - (uint16_t)b->af))
		return r;
	if ((r = a->protocol - b->protocol))
		return r;
	if ((r = cmp_addr(a->af, &a->addr, &b->addr)))
		return r;
	return a->port - b->port;
}

static int cmp_dests(const void *pa, const void *pb)
{
	const struct lvs_dest_conf *a = &((const struct lvs_dest_entry *)pa)->conf;
	const struct lvs_dest_conf *b = &((const struct lvs_dest_entry *)pb)->conf;
	int r = cmp_addr(a->af, &a->addr, &b->addr);

	if (r)
		return r;
	return a->port - b->port;
}

/* glibc's msort_with_tmp on an array of pointers */
static void msort(void **b, size_t n, void **tmp, int (*cmp)(const void *, const void *))
{
	size_t n1, n2, i = 0, j, k = 0;

	if (n <= 1)
		return;
	n1 = n / 2;
	n2 = n - n1;
	msort(b, n1, tmp, cmp);
	msort(b + n1, n2, tmp, cmp);
	j = n1;
	while (i < n1 && j < n) {
		if (cmp(b[i], b[j]) <= 0)
			tmp[k++] = b[i++];
		else
			tmp[k++] = b[j++];
	}
	while (i < n1)
		tmp[k++] = b[i++];
	memcpy(b, tmp, k * sizeof(*b));
}

static void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	void **ptrs, **tmp;
	char *copy;

	if (n <= 1)
		return;
	ptrs = malloc(n * sizeof(*ptrs));
	tmp = malloc(n * sizeof(*tmp));
	copy = malloc(n * size);
	if (!ptrs || !tmp || !copy) {
		fputs("Memory allocation problem\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		ptrs[i] = (char *)base + i * size;
	msort(ptrs, n, tmp, cmp);
	for (size_t i = 0; i < n; i++)
		memcpy(copy + i * size, ptrs[i], size);
	memcpy(base, copy, n * size);
	free(ptrs);
	free(tmp);
	free(copy);
}

/* ---- numbers ------------------------------------------------------------ */

static void print_largenum(unsigned long long i, unsigned format)
{
	if (format & FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", i);
		printf("%*llu", len <= 8 ? 9 : len + 1, i);
		return;
	}
	if (i < 100000000ULL)
		printf("%9llu", i);
	else if (i < 1000000000ULL)
		printf("%8lluK", i / 1000);
	else if (i < 100000000000ULL)
		printf("%8lluM", i / 1000000);
	else if (i < 100000000000000ULL)
		printf("%8lluG", i / 1000000000ULL);
	else
		printf("%8lluT", i / 1000000000000ULL);
}

/* the five columns of --stats */
static void print_counters(const struct lvs_counters *c, unsigned format)
{
	print_largenum(c->conns, format);
	print_largenum(c->inpkts, format);
	print_largenum(c->outpkts, format);
	print_largenum(c->inbytes, format);
	print_largenum(c->outbytes, format);
}

/* ---- services and dests ------------------------------------------------- */

static const char *const tunnames[] = { "ipip", "gue", "gre" };
static const char *const tunflags[] = { "-c", "+c", "r+c" };
static const char *const tun_flags_opts[] = { "--tun-nocsum", "--tun-csum", "--tun-remcsum" };

static const char *fwd_name(uint32_t flags)
{
	switch (flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ: return "Masq";
	case LVS_CONN_F_LOCALNODE: return "Local";
	case LVS_CONN_F_TUNNEL: return "Tunnel";
	case LVS_CONN_F_DROUTE: return "Route";
	default: return "(null)";
	}
}

static const char *fwd_switch(uint32_t flags)
{
	switch (flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ: return "-m";
	case LVS_CONN_F_TUNNEL: return "-i";
	case LVS_CONN_F_LOCALNODE:
	case LVS_CONN_F_DROUTE: return "-g";
	default: return "(null)";
	}
}

static const char *tun_flag(const char *const *names, uint16_t f)
{
	return f < 3 ? names[f] : "(null)";
}

/* "n/a" unless a tunnel dest of a known type */
static void tun_info(char out[16], const struct lvs_dest_conf *d)
{
	snprintf(out, 16, "n/a");
	if ((d->conn_flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_TUNNEL)
		return;
	switch (d->tun_type) {
	case LVS_TUN_TYPE_IPIP:
		snprintf(out, 16, "%s", tunnames[d->tun_type]);
		break;
	case LVS_TUN_TYPE_GUE:
		snprintf(out, 16, "%s:%d:%s", tunnames[d->tun_type], d->tun_port,
			 tun_flag(tunflags, d->tun_flags));
		break;
	case LVS_TUN_TYPE_GRE:
		snprintf(out, 16, "%s:%s", tunnames[d->tun_type], tun_flag(tunflags, d->tun_flags));
		break;
	}
}

static void print_sched_flags(const struct lvs_service_conf *s)
{
	char flags[64] = "";

	if (!strcmp(s->sched_name, "sh")) {
		if (s->flags & LVS_SVC_F_SCHED1) strcat(flags, "sh-fallback,");
		if (s->flags & LVS_SVC_F_SCHED2) strcat(flags, "sh-port,");
	} else if (!strcmp(s->sched_name, "mh")) {
		if (s->flags & LVS_SVC_F_SCHED1) strcat(flags, "mh-fallback,");
		if (s->flags & LVS_SVC_F_SCHED2) strcat(flags, "mh-port,");
	} else {
		if (s->flags & LVS_SVC_F_SCHED1) strcat(flags, "flag-1,");
		if (s->flags & LVS_SVC_F_SCHED2) strcat(flags, "flag-2,");
		if (s->flags & LVS_SVC_F_SCHED3) strcat(flags, "flag-3,");
	}
	if (flags[0]) {
		flags[strlen(flags) - 1] = '\0';
		printf("%s", flags);
	}
}

static void print_title(unsigned format)
{
	if (format & FMT_STATS)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
		       "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (format & FMT_RATE)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
		       "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (format & FMT_THRESHOLDS)
		printf("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (format & FMT_PERSISTENTCONN)
		printf("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (format & FMT_TUN_INFO)
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(format & FMT_RULE))
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

static const char *protocol_name(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default: return "?";
	}
}

static const char *option_from_protocol(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "-t";
	case IPPROTO_UDP: return "-u";
	case IPPROTO_SCTP: return "--sctp-service";
	default: return "--xxx-service";
	}
}

static void print_mask(const struct lvs_service_conf *s, const char *word)
{
	if (s->af == AF_INET && s->netmask != 0xffffffffu) {
		struct in_addr m = { .s_addr = s->netmask };
		printf(" %s %s", word, inet_ntoa(m));
	}
	if (s->af == AF_INET6 && s->netmask != 128)
		printf(" %s %i", word, (int)s->netmask);
}

static void print_dest_rule(const char *svc_name, const char *dname, const struct lvs_dest_entry *e)
{
	const struct lvs_dest_conf *d = &e->conf;

	printf("-a %s -r %s %s -w %d", svc_name, dname, fwd_switch(d->conn_flags), d->weight);
	if ((d->conn_flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_TUNNEL) {
		switch (d->tun_type) {
		case LVS_TUN_TYPE_GRE:
			printf(" --tun-type %s %s", tunnames[d->tun_type],
			       tun_flag(tun_flags_opts, d->tun_flags));
			break;
		case LVS_TUN_TYPE_GUE:
			printf(" --tun-type %s --tun-port %d %s", tunnames[d->tun_type], d->tun_port,
			       tun_flag(tun_flags_opts, d->tun_flags));
			break;
		case LVS_TUN_TYPE_IPIP:
			printf(" --tun-type %s", tunnames[d->tun_type]);
			break;
		}
	}
	printf("\n");
}

static void print_service_entry(struct lvs_service_entry *se, unsigned format)
{
	/* the daemon's reply is outside input: terminate its strings */
	se->conf.sched_name[sizeof(se->conf.sched_name) - 1] = '\0';
	se->conf.pe_name[sizeof(se->conf.pe_name) - 1] = '\0';
	if (!se->dests)
		se->num_dests = 0;

	const struct lvs_service_conf *s = &se->conf;
	const struct lvs_stats_view *st = &se->stats;
	/* the kernel reports no protocol for fwmark services, so ipvsadm
	 * never turns their dest ports into names */
	uint16_t name_proto = s->fwmark ? 0 : s->protocol;
	char svc_name[1024];

	if (s->fwmark) {
		/* ipvsadm 1.31 prints the mark with %d */
		if (format & FMT_RULE)
			snprintf(svc_name, sizeof(svc_name), s->af == AF_INET6 ? "-f %d -6" : "-f %d",
				 (int)s->fwmark);
		else
			snprintf(svc_name, sizeof(svc_name), s->af == AF_INET6 ? "FWM  %d IPv6" : "FWM  %d",
				 (int)s->fwmark);
	} else {
		char vname[60];
		addrport_name(vname, s->af, &s->addr, s->port, s->protocol, format);
		if (format & FMT_RULE) {
			snprintf(svc_name, sizeof(svc_name), "%s %s", option_from_protocol(s->protocol), vname);
		} else {
			snprintf(svc_name, sizeof(svc_name), "%-4s %s", protocol_name(s->protocol), vname);
			if (s->af != AF_INET6)
				svc_name[33] = '\0';
		}
	}

	if (format & FMT_RULE) {
		printf("-A %s -s %s", svc_name, s->sched_name);
		if (s->flags & LVS_SVC_F_PERSISTENT) {
			printf(" -p %u", s->timeout);
			print_mask(s, "-M");
		}
		if (s->pe_name[0])
			printf(" --pe %s", s->pe_name);
		if (s->flags & LVS_SVC_F_ONEPACKET)
			printf(" -o");
		if (s->flags & (LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3)) {
			printf(" -b ");
			print_sched_flags(s);
		}
	} else if (format & FMT_STATS) {
		printf("%-33s", svc_name);
		print_counters(&st->c, format);
	} else if (format & FMT_RATE) {
		printf("%-33s", svc_name);
		print_largenum(st->r.cps, format);
		print_largenum(st->r.inpps, format);
		print_largenum(st->r.outpps, format);
		print_largenum(st->r.inbps, format);
		print_largenum(st->r.outbps, format);
	} else {
		printf("%s %s", svc_name, s->sched_name);
		if (s->flags & (LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3)) {
			printf(" (");
			print_sched_flags(s);
			printf(")");
		}
		if (s->flags & LVS_SVC_F_PERSISTENT) {
			printf(" persistent %u", s->timeout);
			print_mask(s, "mask");
			if (s->pe_name[0])
				printf(" pe %s", s->pe_name);
		}
		if (s->flags & LVS_SVC_F_ONEPACKET)
			printf(" ops");
	}
	printf("\n");

	/* the comparator reads IPv6 width when the left dest is IPv6 (mixed-
	 * family tunnel dests): IPv4 entries must be zero past their 4 bytes,
	 * as in the kernel's zeroed dest */
	for (uint32_t i = 0; i < se->num_dests; i++)
		if (se->dests[i].conf.af != AF_INET6)
			se->dests[i].conf.addr.w[1] = se->dests[i].conf.addr.w[2] =
				se->dests[i].conf.addr.w[3] = 0;
	if (!(format & FMT_NOSORT))
		sort_array(se->dests, se->num_dests, sizeof(*se->dests), cmp_dests);

	for (uint32_t i = 0; i < se->num_dests; i++) {
		const struct lvs_dest_entry *e = &se->dests[i];
		const struct lvs_dest_conf *d = &e->conf;
		/* ipvsadm 1.31 decodes a dest's 64-bit stats attribute with its
		 * 32-bit parser (netlink path): conns, packets and rates keep
		 * their low 32 bits, only bytes survive whole */
		struct lvs_stats_view v = e->stats;
		char dname[60];

		v.c.conns = (uint32_t)v.c.conns;
		v.c.inpkts = (uint32_t)v.c.inpkts;
		v.c.outpkts = (uint32_t)v.c.outpkts;
		v.r.cps = (uint32_t)v.r.cps;
		v.r.inpps = (uint32_t)v.r.inpps;
		v.r.outpps = (uint32_t)v.r.outpps;
		v.r.inbps = (uint32_t)v.r.inbps;
		v.r.outbps = (uint32_t)v.r.outbps;

		addrport_name(dname, d->af, &d->addr, d->port, name_proto, format);
		if (!(format & FMT_RULE) && d->af != AF_INET6)
			dname[28] = '\0';

		if (format & FMT_RULE) {
			print_dest_rule(svc_name, dname, e);
		} else if (format & FMT_STATS) {
			printf("  -> %-28s", dname);
			print_counters(&v.c, format);
			printf("\n");
		} else if (format & FMT_RATE) {
			printf("  -> %-28s %8llu %8llu %8llu", dname, (unsigned long long)v.r.cps,
			       (unsigned long long)v.r.inpps, (unsigned long long)v.r.outpps);
			print_largenum(v.r.inbps, format);
			print_largenum(v.r.outbps, format);
			printf("\n");
		} else if (format & FMT_THRESHOLDS) {
			printf("  -> %-28s %-10u %-10u %-10u %-10u\n", dname, d->u_threshold,
			       d->l_threshold, e->activeconns, e->inactconns);
		} else if (format & FMT_PERSISTENTCONN) {
			printf("  -> %-28s %-9u %-11u %-10u %-10u\n", dname, (unsigned)d->weight,
			       e->persistconns, e->activeconns, e->inactconns);
		} else if (format & FMT_TUN_INFO) {
			char ti[16];
			tun_info(ti, d);
			printf("  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname, fwd_name(d->conn_flags),
			       ti, d->weight, e->activeconns, e->inactconns);
		} else {
			printf("  -> %-28s %-7s %-6d %-10u %-10u\n", dname, fwd_name(d->conn_flags),
			       d->weight, e->activeconns, e->inactconns);
		}
	}
}

void list_all(unsigned format)
{
	struct lvs_service_entry *v = NULL;
	size_t n = 0;
	int rc;

	if (!(format & FMT_RULE))
		printf("IP Virtual Server version %d.%d.%d (size=%d)\n",
		       (g_info.version >> 16) & 0xff, (g_info.version >> 8) & 0xff,
		       g_info.version & 0xff, (int)g_info.conn_tab_size);

	if ((rc = lvsc_get_services(g_ctl, &v, &n)) < 0) {
		fflush(stdout);
		fprintf(stderr, "%s\n", cli_strerror(OP_GET_SERVICES, -rc));
		exit(1);
	}
	if (!(format & FMT_NOSORT))
		sort_array(v, n, sizeof(*v), cmp_services);
	print_title(format);
	for (size_t i = 0; i < n; i++)
		print_service_entry(&v[i], format);
	lvsc_free_services(v, n);
}

void list_service(const struct lvs_service_conf *svc, unsigned format)
{
	struct lvs_service_entry *e = NULL;
	int rc;

	if ((rc = lvsc_get_service(g_ctl, svc, &e)) < 0) {
		fprintf(stderr, "%s\n", cli_strerror(OP_GET_SERVICE, -rc));
		exit(1);
	}
	print_title(format);
	print_service_entry(e, format);
	lvsc_free_services(e, 1);
}

void list_timeout(void)
{
	struct lvs_timeouts t;

	if (lvsc_get_timeouts(g_ctl, &t) < 0)
		exit(1);
	printf("Timeout (tcp tcpfin udp): %d %d %d\n", (int)t.tcp[LVS_TCP_S_ESTABLISHED],
	       (int)t.tcp[LVS_TCP_S_FIN_WAIT], (int)t.udp);
}

void list_daemon(void)
{
	struct lvs_daemon_conf d[2];
	int n;

	memset(d, 0, sizeof(d));
	if ((n = lvsc_get_daemons(g_ctl, d)) < 0)
		exit(1);
	for (int i = 0; i < n && i < 2; i++) {
		const char *type;
		d[i].mcast_ifn[sizeof(d[i].mcast_ifn) - 1] = '\0';
		if (d[i].state & LVS_DAEMON_MASTER)
			type = "master";
		else if (d[i].state & LVS_DAEMON_BACKUP)
			type = "backup";
		else
			continue;
		printf("%s sync daemon (mcast=%s, syncid=%d", type, d[i].mcast_ifn, (int)d[i].syncid);
		if (d[i].sync_maxlen)
			printf(", maxlen=%u", d[i].sync_maxlen);
		if (d[i].mcast_af != AF_UNSPEC) {
			char addr[INET6_ADDRSTRLEN];
			if (inet_ntop(d[i].mcast_af, &d[i].mcast_group, addr, sizeof(addr)))
				printf(", group=%s", addr);
		}
		if (d[i].mcast_port)
			printf(", port=%u", d[i].mcast_port);
		if (d[i].mcast_ttl)
			printf(", ttl=%u", d[i].mcast_ttl);
		printf(")\n");
	}
}

/* ---- -c: the ip_vs_conn text view, parsed as ipvsadm parses /proc ------- */

#define CONN_PROC_FILE "/proc/net/ip_vs_conn"

static void print_conn(const char *buf, unsigned format)
{
	/* a line is at most 255 chars (fgets into 256 bytes), so no field overflows */
	char protocol[256] = "", t1[256] = "", t2[256] = "", t3[256] = "", state[256] = "";
	char pe_name[256] = "", pe_data[256] = "";
	unsigned short cport = 0, vport = 0, dport = 0;
	unsigned expires = 0;
	union lvs_addr caddr, vaddr, daddr;
	int af, daf, n;
	uint16_t proto;
	char cname[60], vname[60], dname[60], expire_str[16];

	n = sscanf(buf, "%s %s %hX %s %hX %s %hX %s %u %s %s", protocol, t1, &cport, t2, &vport,
		   t3, &dport, state, &expires, pe_name, pe_data);
	if (n == -1)
		exit(1);

	if (!strcmp(protocol, "TCP"))
		proto = IPPROTO_TCP;
	else if (!strcmp(protocol, "UDP"))
		proto = IPPROTO_UDP;
	else if (!strcmp(protocol, "SCTP"))
		proto = IPPROTO_SCTP;
	else
		proto = 0;

	/* the client's form decides how the virtual address is read */
	memset(&caddr, 0, sizeof(caddr));
	memset(&vaddr, 0, sizeof(vaddr));
	memset(&daddr, 0, sizeof(daddr));
	af = daf = AF_INET;
	if (inet_pton(AF_INET6, t1, &caddr.in6) > 0) {
		inet_pton(AF_INET6, t2, &vaddr.in6);
		af = AF_INET6;
	} else if (inet_pton(AF_INET, t1, &caddr.ip) > 0) {
		inet_pton(AF_INET, t2, &vaddr.ip);
	} else {
		caddr.ip = htonl((uint32_t)strtoul(t1, NULL, 16));
		vaddr.ip = htonl((uint32_t)strtoul(t2, NULL, 16));
	}
	if (inet_pton(AF_INET6, t3, &daddr.in6) > 0)
		daf = AF_INET6;
	else if (inet_pton(AF_INET, t3, &daddr.ip) <= 0)
		daddr.ip = htonl((uint32_t)strtoul(t3, NULL, 16));

	addrport_name(cname, af, &caddr, cport, proto, format);
	addrport_name(vname, af, &vaddr, vport, proto, format);
	addrport_name(dname, daf, &daddr, dport, proto, format);
	snprintf(expire_str, sizeof(expire_str), "%02d:%02d", (int)(expires / 60), (int)(expires % 60));

	if ((format & FMT_PERSISTENTCONN) && n == 11)
		printf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n", protocol, expire_str, state,
		       cname, vname, dname, pe_name, pe_data);
	else
		printf("%-3s %-6s %-11s %-18s %-18s %s\n", protocol, expire_str, state, cname, vname,
		       dname);
}

/* fgets(buf, 256, f) over a string */
static const char *next_chunk(const char *p, char out[256])
{
	size_t k = 0;

	if (!*p)
		return NULL;
	while (*p && k < 255) {
		out[k++] = *p;
		if (*p++ == '\n')
			break;
	}
	out[k] = '\0';
	return p;
}

void list_conn(unsigned format)
{
	char *text = NULL, buf[256];
	const char *p;

	if (lvsc_get_text(g_ctl, "ip_vs_conn", &text) < 0 || !text) {
		fprintf(stderr, "cannot open file %s\n", CONN_PROC_FILE);
		exit(1);
	}
	if (!(p = next_chunk(text, buf))) {
		fprintf(stderr, "unexpected input from %s\n", CONN_PROC_FILE);
		exit(1);
	}
	printf("IPVS connection entries\n");
	if (format & FMT_PERSISTENTCONN)
		printf("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual",
		       "destination", "pe name", "pe_data");
	else
		printf("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
	while ((p = next_chunk(p, buf)))
		print_conn(buf, format);
	free(text);
}
