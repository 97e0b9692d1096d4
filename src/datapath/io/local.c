/* local.c - see local.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "lib/list.h"
#include "lib/nl.h"
#include "lib/strbuf.h"
#include "core/table.h"
#include "local.h"
#include "lib/grow.h"

/* the "proto" of lvsd's rules and routes (ip rule/route show: proto 76) */
#define LVSD_RTPROT 76
#define TUN_MTU     1500        /* the workers read whole packets of at most this */
#define TUN_TXQLEN  1000        /* packets the kernel may queue for the workers */
#define MAX_QUEUES  256         /* the kernel's limit per TUN device */
#define LVSD_LOCAL_TUN_ADDR "127.76.86.83"     /* see addr_add() */

struct prefix { uint32_t addr, mask; };        /* network order */

struct dp_local {
	struct lvs_nl nl;
	/* the device */
	char ifname[IF_NAMESIZE];
	int ifindex;
	int *fd;
	unsigned nq;
	uint32_t table;
	/* installed rules */
	struct dp_key *rules;
	size_t nrules;
	/* local addresses */
	struct prefix *pfx;
	size_t npfx;
};

/* ---- netlink ---- */

/* rules of lvsd processes that are gone: copied out of the dump, deleted
 * after it (no request may interleave with a dump) */
struct stale_rules {
	struct nlmsghdr **msg;
	size_t n, cap;
	uint32_t self;
};

static int stale_attr(const struct nlattr *a, void *data)
{
	uint32_t *v = data;
	if (mnl_attr_get_type(a) == FRA_TABLE && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		v[0] = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == FRA_PROTOCOL && mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
		v[1] = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int stale_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stale_rules *s = data;
	uint32_t v[2] = { 0, 0 };
	if (nlh->nlmsg_type != RTM_NEWRULE ||
	    mnl_attr_parse(nlh, sizeof(struct fib_rule_hdr), stale_attr, v) < 0)
		return MNL_CB_OK;
	if (v[1] != LVSD_RTPROT || v[0] < LVSD_LOCAL_TABLE_BASE || v[0] > LVSD_LOCAL_TABLE_BASE + 0x3fffff ||
	    v[0] == s->self)
		return MNL_CB_OK;
	pid_t pid = (pid_t)(v[0] - LVSD_LOCAL_TABLE_BASE);
	if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH))
		return MNL_CB_OK;
	if (lvs_grow(&s->msg, &s->cap, s->n, sizeof(*s->msg), 8) < 0)
		return MNL_CB_OK;
	struct nlmsghdr *copy = malloc(nlh->nlmsg_len);
	if (copy) {
		memcpy(copy, nlh, nlh->nlmsg_len);
		s->msg[s->n++] = copy;
	}
	return MNL_CB_OK;
}

static void reap_stale_rules(struct dp_local *l)
{
	char req[64];
	struct nlmsghdr *nlh = lvs_nl_msg(req, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP);
	struct fib_rule_hdr *h = mnl_nlmsg_put_extra_header(nlh, sizeof(*h));
	h->family = AF_INET;
	struct stale_rules s = { .self = l->table };
	if (lvs_nl_talk(&l->nl, nlh, stale_cb, &s) == 0) {
		for (size_t i = 0; i < s.n; i++) {
			s.msg[i]->nlmsg_type = RTM_DELRULE;
			s.msg[i]->nlmsg_flags = NLM_F_REQUEST;
			(void)lvs_nl_talk(&l->nl, s.msg[i], NULL, NULL);
		}
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.msg[i]);
	free(s.msg);
}

struct dp_local *dp_local_new(void)
{
	struct dp_local *l = calloc(1, sizeof(*l));

	/* 2 s: a lost answer must not hang the main loop */
	if (!l || lvs_nl_open(&l->nl, 2) < 0) {
		dp_local_free(l);
		return NULL;
	}
	/* dumps filtered by the kernel: a router's main table may hold a
	 * million routes, and the local table is all we want */
	int one = 1;
	setsockopt(mnl_socket_get_fd(l->nl.sock), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	l->table = LVSD_LOCAL_TABLE_BASE + ((uint32_t)getpid() & 0x3fffff);
	reap_stale_rules(l);
	return l;
}

/* ---- rules ---- */

/* the rule for k (from addr ipproto proto [sport port]), or with k NULL
 * the one for the output mark (fwmark LVSD_LOCAL_MARK) */
static int rule_msg(struct dp_local *l, uint16_t type, const struct dp_key *k)
{
	char req[256];
	struct nlmsghdr *nlh = lvs_nl_msg(req, type,
					  NLM_F_REQUEST | (type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0));
	struct fib_rule_hdr *h = mnl_nlmsg_put_extra_header(nlh, sizeof(*h));
	h->family = AF_INET;
	h->action = FR_ACT_TO_TBL;
	h->table = RT_TABLE_UNSPEC;             /* FRA_TABLE: ours is > 255 */
	mnl_attr_put_u32(nlh, FRA_PRIORITY, LVSD_LOCAL_RULE_PRIO);
	mnl_attr_put_u32(nlh, FRA_TABLE, l->table);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, LVSD_RTPROT);
	if (!k) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, LVSD_LOCAL_MARK);
		mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffu);
		int e = lvs_nl_talk(&l->nl, nlh, NULL, NULL);
		return e == -EEXIST && type == RTM_NEWRULE ? 0 : e;
	}
	h->src_len = 32;
	mnl_attr_put(nlh, FRA_SRC, sizeof(k->addr), &k->addr);
	mnl_attr_put_u8(nlh, FRA_IP_PROTO, k->proto);
	if (k->port) {
		struct fib_rule_port_range r = { .start = k->port, .end = k->port };   /* host order */
		mnl_attr_put(nlh, FRA_SPORT_RANGE, sizeof(r), &r);
	}
	int e = lvs_nl_talk(&l->nl, nlh, NULL, NULL);
	return e == -EEXIST && type == RTM_NEWRULE ? 0 : e;
}

static int key_eq(const struct dp_key *a, const struct dp_key *b)
{
	return a->addr == b->addr && a->proto == b->proto && a->port == b->port;
}

static int key_in(const struct dp_key *k, const struct dp_key *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (key_eq(k, &set[i]))
			return 1;
	return 0;
}

static void rule_err(struct strbuf *err, int *first, const char *what, const struct dp_key *k, int e)
{
	if (*first || !err)
		return;
	*first = e;
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &k->addr, a, sizeof(a));
	sb_printf(err, "%s rule from %s ipproto %u sport %u: %s", what, a, k->proto, k->port, strerror(-e));
}

int dp_local_set_rules(struct dp_local *l, const struct dp_key *keys, size_t n, struct strbuf *err)
{
	int first = 0;
	if (!l->fd)
		n = 0;          /* no device: nothing to send replies into */
	size_t keep = 0;
	for (size_t i = 0; i < l->nrules; i++) {
		if (key_in(&l->rules[i], keys, n)) {
			l->rules[keep++] = l->rules[i];
			continue;
		}
		int e = rule_msg(l, RTM_DELRULE, &l->rules[i]);
		if (e < 0 && e != -ENOENT) {
			rule_err(err, &first, "cannot delete", &l->rules[i], e);
			l->rules[keep++] = l->rules[i];         /* tried again next time */
		}
	}
	l->nrules = keep;
	if (n) {
		struct dp_key *r = realloc(l->rules, (l->nrules + n) * sizeof(*r));
		if (!r) {
			if (err && !first)
				sb_printf(err, "out of memory");
			return -ENOMEM;
		}
		l->rules = r;
	}
	for (size_t i = 0; i < n; i++) {
		if (key_in(&keys[i], l->rules, l->nrules))
			continue;
		int e = rule_msg(l, RTM_NEWRULE, &keys[i]);
		if (e < 0)
			rule_err(err, &first, "cannot add", &keys[i], e);
		else
			l->rules[l->nrules++] = keys[i];
	}
	return first;
}

size_t dp_local_nrules(const struct dp_local *l)
{
	return l ? l->nrules : 0;
}

/* ---- local addresses ---- */

struct pfx_dump { struct prefix *p; size_t n, cap; int oom; };

static int pfx_attr(const struct nlattr *a, void *data)
{
	uint32_t *dst = data;
	if (mnl_attr_get_type(a) == RTA_DST && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		*dst = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int pfx_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pfx_dump *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_LOCAL ||
	    rtm->rtm_dst_len > 32)
		return MNL_CB_OK;
	uint32_t dst = 0;
	mnl_attr_parse(nlh, sizeof(*rtm), pfx_attr, &dst);
	if (lvs_grow(&d->p, &d->cap, d->n, sizeof(*d->p), 16) < 0) {
		d->oom = 1;
		return MNL_CB_OK;
	}
	uint32_t mask = rtm->rtm_dst_len ? htonl(~0u << (32 - rtm->rtm_dst_len)) : 0;
	d->p[d->n++] = (struct prefix){ dst & mask, mask };
	return MNL_CB_OK;
}

int dp_local_refresh_prefixes(struct dp_local *l)
{
	char req[64];
	struct nlmsghdr *nlh = lvs_nl_msg(req, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_LOCAL;        /* honoured with strict checking (dp_local_new) */
	struct pfx_dump d = { 0 };
	int e = lvs_nl_talk(&l->nl, nlh, pfx_cb, &d);
	if (e == 0 && d.oom)
		e = -ENOMEM;
	if (e < 0) {
		free(d.p);
		return e;       /* the previous answer stays */
	}
	free(l->pfx);
	l->pfx = d.p;
	l->npfx = d.n;
	return 0;
}

int dp_local_is_local(const struct dp_local *l, uint32_t addr)
{
	for (size_t i = 0; l && i < l->npfx; i++)
		if ((addr & l->pfx[i].mask) == l->pfx[i].addr)
			return 1;
	return 0;
}

static int keys_push(struct dp_key **arr, size_t *n, size_t *cap, uint32_t addr, uint8_t proto, uint16_t port)
{
	struct dp_key k = { .addr = addr, .port = port, .proto = proto, .method = LVS_CONN_F_MASQ };
	if (key_in(&k, *arr, *n))
		return 0;
	if (lvs_grow(arr, cap, *n, sizeof(**arr), 8) < 0)
		return -1;
	(*arr)[(*n)++] = k;
	return 0;
}

long dp_local_mark(struct dp_local *l, struct lvs_table *t, struct dp_key **keys, size_t *nlocal, int *changed)
{
	struct dp_key *arr = NULL;
	size_t n = 0, cap = 0;
	*nlocal = 0;
	*changed = 0;
	for (struct lvs_service *svc = lvs_svc_first(t); svc; svc = lvs_svc_next(t, svc)) {
		struct lvs_dest *d;
		lvs_list_for_each_entry(d, &svc->destinations, n_list) {
			if (d->af != AF_INET)
				continue;
			int local = dp_local_is_local(l, d->addr.ip);
			uint32_t was;
			if (local) {
				was = __atomic_fetch_or(&d->flags, LVS_DEST_F_LOCAL, __ATOMIC_RELAXED);
				(*nlocal)++;
			} else {
				was = __atomic_fetch_and(&d->flags, ~(uint32_t)LVS_DEST_F_LOCAL, __ATOMIC_RELAXED);
			}
			*changed |= !(was & LVS_DEST_F_LOCAL) != !local;
			/* rules for the loopback NAT ones; the others' packets
			 * are marked by the nftables table (netfilter/guard.h) */
			if (!local || (d->conn_flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_MASQ ||
			    (ntohl(d->addr.ip) >> 24) != 127)
				continue;
			/* the local server answers from the dest's address and
			 * port (any port when the dest takes the packet's) */
			static const uint8_t all[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
			int bad = 0;
			if (svc->fwmark) {   /* a mark may cover every protocol */
				for (size_t i = 0; i < sizeof(all); i++)
					bad |= keys_push(&arr, &n, &cap, d->addr.ip, all[i], d->port);
			} else {
				bad |= keys_push(&arr, &n, &cap, d->addr.ip, (uint8_t)svc->protocol, d->port);
			}
			/* a loopback server's ICMP errors have no other way out */
			bad |= keys_push(&arr, &n, &cap, d->addr.ip, IPPROTO_ICMP, 0);
			if (bad) {
				free(arr);
				return -ENOMEM;
			}
		}
	}
	*keys = arr;
	return (long)n;
}

/* ---- the device ---- */

static int write_sysctl(const char *fmt, const char *ifname, const char *val)
{
	char path[128];
	snprintf(path, sizeof(path), fmt, ifname);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, val, strlen(val));
	int e = w < 0 ? -errno : 0;
	close(fd);
	return e;
}

/* the reverse-path filter rejects every packet arriving on a device with
 * no IPv4 address (whatever the mode) unless it is off everywhere
 * (all.rp_filter too, which is not ours to change): so the device gets one
 * that can never be reached from outside, a loopback /32 of host scope */
static int addr_add(struct dp_local *l)
{
	char req[256];
	struct nlmsghdr *nlh = lvs_nl_msg(req, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_scope = RT_SCOPE_HOST;
	ifa->ifa_index = (unsigned)l->ifindex;
	uint32_t a = inet_addr(LVSD_LOCAL_TUN_ADDR);
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	return lvs_nl_talk(&l->nl, nlh, NULL, NULL);
}

static int route_add(struct dp_local *l)
{
	char req[256];
	struct nlmsghdr *nlh = lvs_nl_msg(req, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = LVSD_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, l->table);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)l->ifindex);
	return lvs_nl_talk(&l->nl, nlh, NULL, NULL);
}

static int tun_queue(const char *path, char *name, struct strbuf *err)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		sb_printf(err, "%s: %s", path, strerror(-e));
		return e;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;
		sb_printf(err, "TUNSETIFF %s: %s", name, strerror(-e));
		close(fd);
		return e;
	}
	snprintf(name, IF_NAMESIZE, "%s", ifr.ifr_name);
	return fd;
}

int dp_local_tun_open(struct dp_local *l, unsigned nq, const char *tun_path, struct strbuf *err)
{
	if (l->fd)
		return -EBUSY;
	if (!nq || nq > MAX_QUEUES)
		return -EINVAL;
	const char *path = tun_path && *tun_path ? tun_path : "/dev/net/tun";
	l->fd = calloc(nq, sizeof(*l->fd));
	if (!l->fd)
		return -ENOMEM;
	char name[IF_NAMESIZE] = "lvsd%d";     /* the kernel picks the first free number */
	int e = 0;
	for (unsigned i = 0; i < nq; i++) {
		int fd = tun_queue(path, name, err);
		if (fd < 0) {
			e = fd;
			break;
		}
		l->fd[l->nq++] = fd;
	}
	if (!e) {
		snprintf(l->ifname, sizeof(l->ifname), "%s", name);
		l->ifindex = (int)if_nametoindex(name);
		if (!l->ifindex) {
			e = -errno;
			sb_printf(err, "%s: %s", name, strerror(-e));
		}
	}
	/* clients reach the director on its other links: loose reverse-path
	 * check; 127.0.0.1 may be a (NAT) destination; no IPv6 chatter */
	if (!e && ((e = write_sysctl("/proc/sys/net/ipv4/conf/%s/rp_filter", name, "2")) < 0 ||
		   (e = write_sysctl("/proc/sys/net/ipv4/conf/%s/route_localnet", name, "1")) < 0))
		sb_printf(err, "%s: sysctl: %s", name, strerror(-e));
	if (!e)
		(void)write_sysctl("/proc/sys/net/ipv6/conf/%s/disable_ipv6", name, "1");
	if (!e) {
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		ifr.ifr_mtu = TUN_MTU;
		if (s < 0 || ioctl(s, SIOCSIFMTU, &ifr) < 0)
			e = -errno;
		ifr.ifr_qlen = TUN_TXQLEN;
		if (!e)
			(void)ioctl(s, SIOCSIFTXQLEN, &ifr);
		if (!e && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
				e = -errno;
		} else if (!e) {
			e = -errno;
		}
		if (e)
			sb_printf(err, "%s: cannot configure: %s", name, strerror(-e));
		if (s >= 0)
			close(s);
	}
	if (!e && (e = addr_add(l)) < 0)
		sb_printf(err, "address %s on %s: %s", LVSD_LOCAL_TUN_ADDR, name, strerror(-e));
	if (!e && (e = route_add(l)) < 0)
		sb_printf(err, "route table %u dev %s: %s", l->table, name, strerror(-e));
	if (!e && (e = rule_msg(l, RTM_NEWRULE, NULL)) < 0)
		sb_printf(err, "rule fwmark 0x%08x lookup %u: %s", LVSD_LOCAL_MARK, l->table, strerror(-e));
	if (e) {
		for (unsigned i = 0; i < l->nq; i++)
			close(l->fd[i]);
		free(l->fd);
		l->fd = NULL;
		l->nq = 0;
		l->ifname[0] = 0;
		l->ifindex = 0;
	}
	return e;
}

int dp_local_queue_fd(const struct dp_local *l, unsigned q)
{
	return l && l->fd && q < l->nq ? l->fd[q] : -1;
}

const char *dp_local_ifname(const struct dp_local *l)
{
	return l ? l->ifname : "";
}

void dp_local_free(struct dp_local *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->nl.sock && i < l->nrules; i++)
		(void)rule_msg(l, RTM_DELRULE, &l->rules[i]);
	if (l->nl.sock && l->fd)
		(void)rule_msg(l, RTM_DELRULE, NULL);
	for (unsigned i = 0; l->fd && i < l->nq; i++)
		close(l->fd[i]);
	free(l->fd);
	free(l->rules);
	free(l->pfx);
	lvs_nl_close(&l->nl);
	free(l);
}
