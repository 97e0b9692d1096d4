/* nexthop.c - see nexthop.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <net/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include "nexthop.h"

#define ROUTE_SLOTS 256
#define NEIGH_SLOTS 256
#define LINK_SLOTS  64
#define ADDR_SLOTS  64
#define NEIGH_RETRY_MS 200      /* re-ask the kernel to resolve at most this often */

static unsigned g_generation = 1;

unsigned nh_generation(void)
{
	return __atomic_load_n(&g_generation, __ATOMIC_ACQUIRE);
}

void nh_bump_generation(void)
{
	__atomic_add_fetch(&g_generation, 1, __ATOMIC_RELEASE);
}

struct route_ent { unsigned gen; uint32_t daddr; int ok; struct nh_route r; };
struct neigh_ent { unsigned gen; int ifindex; uint32_t addr; int state; uint8_t mac[6]; uint64_t asked_ms; };
struct link_ent { unsigned gen; int ok; struct nh_link l; };
struct addr_ent { unsigned gen; int ifindex; uint32_t addr; };

struct nh_ctx {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char *buf;
	struct route_ent routes[ROUTE_SLOTS];
	struct neigh_ent neighs[NEIGH_SLOTS];
	struct link_ent links[LINK_SLOTS];
	struct addr_ent addrs[ADDR_SLOTS];
};

struct nh_ctx *nh_ctx_new(void)
{
	struct nh_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	c->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!c->buf || !c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		nh_ctx_free(c);
		return NULL;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (unsigned)time(NULL);
	/* a lost answer (receive buffer overrun) must not hang a worker */
	struct timeval tv = { .tv_sec = 1 };
	setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return c;
}

void nh_ctx_free(struct nh_ctx *c)
{
	if (!c)
		return;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c->buf);
	free(c);
}

/* send the request in c->buf and run cb over the answer(s); 0 or -errno */
static int nl_talk(struct nh_ctx *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	unsigned seq = nlh->nlmsg_seq = ++c->seq;
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(c->nl, c->buf, MNL_SOCKET_BUFFER_SIZE);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		int r = mnl_cb_run(c->buf, (size_t)n, seq, c->portid, cb, arg);
		if (r == MNL_CB_STOP)
			return 0;
		if (r < 0)
			return errno ? -errno : -EIO;
		/* MNL_CB_OK: a non-dump answer without ACK ends here */
		if (!(nlh->nlmsg_flags & (NLM_F_DUMP | NLM_F_ACK)))
			return 0;
	}
}

/* ---- routes ---- */

struct route_parse { struct nh_route *r; int got; };

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_parse *p = data;
	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			p->r->ifindex = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			p->r->nexthop = mnl_attr_get_u32(a);
		break;
	case RTA_PREFSRC:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			p->r->prefsrc = mnl_attr_get_u32(a);
		break;
	case RTA_METRICS: {
		const struct nlattr *m;
		mnl_attr_for_each_nested(m, a) {
			if (mnl_attr_get_type(m) == RTAX_MTU && mnl_attr_validate(m, MNL_TYPE_U32) >= 0)
				p->r->mtu = mnl_attr_get_u32(m);
		}
		break;
	}
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_parse *p = data;
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	p->r->type = rtm->rtm_type;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr, p);
	p->got = 1;
	return MNL_CB_OK;
}

int nh_route4(struct nh_ctx *c, uint32_t daddr, struct nh_route *out)
{
	unsigned gen = nh_generation();
	struct route_ent *e = &c->routes[(ntohl(daddr) * 2654435761u) >> 24];
	if (e->gen == gen && e->daddr == daddr) {
		*out = e->r;
		return e->ok ? 0 : -1;
	}
	char req[MNL_SOCKET_BUFFER_SIZE / 8];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put_u32(nlh, RTA_DST, daddr);
	struct nh_route r = { 0 };
	struct route_parse p = { &r, 0 };
	int err = nl_talk(c, nlh, route_cb, &p);
	int ok = !err && p.got && r.ifindex > 0;
	if (ok && !r.nexthop)
		r.nexthop = daddr;
	if (ok && !r.mtu) {
		struct nh_link l;
		r.mtu = nh_link(c, r.ifindex, &l) == 0 ? l.mtu : 1500;
	}
	e->gen = gen;
	e->daddr = daddr;
	e->ok = ok;
	e->r = r;
	*out = r;
	return ok ? 0 : -1;
}

/* ---- links ---- */

static int link_attr(const struct nlattr *a, void *data)
{
	struct nh_link *l = data;
	switch (mnl_attr_get_type(a)) {
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6)
			memcpy(l->mac, mnl_attr_get_payload(a), 6);
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			l->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_STRING) >= 0) {
			strncpy(l->name, mnl_attr_get_str(a), IF_NAMESIZE - 1);
			l->name[IF_NAMESIZE - 1] = 0;
		}
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nh_link *l = data;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	l->ifindex = ifi->ifi_index;
	l->type = ifi->ifi_type;
	l->flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, l);
	return MNL_CB_OK;
}

int nh_link(struct nh_ctx *c, int ifindex, struct nh_link *out)
{
	unsigned gen = nh_generation();
	if (ifindex <= 0)
		return -1;
	struct link_ent *e = &c->links[ifindex % LINK_SLOTS];
	if (e->gen == gen && e->l.ifindex == ifindex) {
		*out = e->l;
		return e->ok ? 0 : -1;
	}
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	struct nh_link l = { 0 };
	int err = nl_talk(c, nlh, link_cb, &l);
	e->gen = gen;
	e->ok = !err && l.ifindex == ifindex;
	l.ifindex = ifindex;
	e->l = l;
	*out = l;
	return e->ok ? 0 : -1;
}

/* ---- interface addresses (source of ICMP errors we originate) ---- */

struct addr_parse { int ifindex; uint32_t addr; };

static int addr_attr(const struct nlattr *a, void *data)
{
	uint32_t *v = data;
	if ((mnl_attr_get_type(a) == IFA_LOCAL || (mnl_attr_get_type(a) == IFA_ADDRESS && !*v)) &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		*v = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_parse *p = data;
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if ((int)ifa->ifa_index != p->ifindex || ifa->ifa_family != AF_INET || p->addr)
		return MNL_CB_OK;
	uint32_t v = 0;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &v);
	p->addr = v;
	return MNL_CB_OK;
}

uint32_t nh_ifaddr4(struct nh_ctx *c, int ifindex)
{
	unsigned gen = nh_generation();
	struct addr_ent *e = &c->addrs[(unsigned)ifindex % ADDR_SLOTS];
	if (e->gen == gen && e->ifindex == ifindex)
		return e->addr;
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	struct addr_parse p = { ifindex, 0 };
	if (nl_talk(c, nlh, addr_cb, &p) < 0)
		p.addr = 0;
	e->gen = gen;
	e->ifindex = ifindex;
	e->addr = p.addr;
	return p.addr;
}

/* ---- neighbours ---- */

struct neigh_parse { int state; int got; uint8_t mac[6]; int have_mac; };

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct neigh_parse *p = data;
	if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6) {
		memcpy(p->mac, mnl_attr_get_payload(a), 6);
		p->have_mac = 1;
	}
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_parse *p = data;
	if (nlh->nlmsg_type != RTM_NEWNEIGH)
		return MNL_CB_OK;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	p->state = nd->ndm_state;
	p->got = 1;
	mnl_attr_parse(nlh, sizeof(*nd), neigh_attr, p);
	return MNL_CB_OK;
}

/* ask the kernel to resolve (or re-confirm) a neighbour */
static void neigh_kick(struct nh_ctx *c, int ifindex, uint32_t addr)
{
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NONE;
	nd->ndm_flags = NTF_USE;
	mnl_attr_put_u32(nlh, NDA_DST, addr);
	(void)nl_talk(c, nlh, NULL, NULL);
}

int nh_neigh4(struct nh_ctx *c, int ifindex, uint32_t addr, uint8_t mac[6], uint64_t now_ms)
{
	unsigned gen = nh_generation();
	struct neigh_ent *e = &c->neighs[((ntohl(addr) ^ (uint32_t)ifindex) * 2654435761u) >> 24];
	if (e->gen == gen && e->addr == addr && e->ifindex == ifindex) {
		if (e->state > 0) {
			memcpy(mac, e->mac, 6);
			return 1;
		}
		if (now_ms - e->asked_ms >= NEIGH_RETRY_MS) {
			e->asked_ms = now_ms;
			neigh_kick(c, ifindex, addr);
		}
		return 0;
	}
	struct nh_link l;
	if (nh_link(c, ifindex, &l) < 0)
		return -1;
	if (l.flags & IFF_NOARP || l.type != ARPHRD_ETHER) {
		/* point-to-point style link: no neighbour, broadcast MAC is fine */
		memset(mac, 0xff, 6);
		return 1;
	}
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex;
	mnl_attr_put_u32(nlh, NDA_DST, addr);
	struct neigh_parse p = { 0 };
	int err = nl_talk(c, nlh, neigh_cb, &p);
	e->gen = gen;
	e->addr = addr;
	e->ifindex = ifindex;
	int usable = !err && p.got && p.have_mac &&
		     (p.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP));
	e->state = usable ? 1 : 0;
	if (usable) {
		memcpy(e->mac, p.mac, 6);
		memcpy(mac, p.mac, 6);
		/* a stale entry is used but the kernel is asked to confirm it */
		if (p.state & NUD_STALE)
			neigh_kick(c, ifindex, addr);
		return 1;
	}
	e->asked_ms = now_ms;
	neigh_kick(c, ifindex, addr);
	return 0;
}

/* ---- monitor ---- */

struct nh_monitor {
	struct mnl_socket *nl;
	char *buf;
};

struct nh_monitor *nh_monitor_open(void)
{
	struct nh_monitor *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->buf || !m->nl ||
	    mnl_socket_bind(m->nl, RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE,
			    MNL_SOCKET_AUTOPID) < 0) {
		nh_monitor_close(m);
		return NULL;
	}
	return m;
}

int nh_monitor_fd(struct nh_monitor *m)
{
	return mnl_socket_get_fd(m->nl);
}

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	int *bits = data;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK: *bits |= NH_CHANGED_LINK; break;
	case RTM_NEWADDR: case RTM_DELADDR: *bits |= NH_CHANGED_ADDR; break;
	case RTM_NEWROUTE: case RTM_DELROUTE: *bits |= NH_CHANGED_ROUTE; break;
	case RTM_NEWNEIGH: case RTM_DELNEIGH: *bits |= NH_CHANGED_NEIGH; break;
	}
	return MNL_CB_OK;
}

int nh_monitor_read(struct nh_monitor *m)
{
	int bits = 0;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(m->nl, m->buf, MNL_SOCKET_BUFFER_SIZE);
		if (n < 0) {
			if (errno == ENOBUFS)   /* lost events: assume everything changed */
				bits |= NH_CHANGED_LINK | NH_CHANGED_ADDR | NH_CHANGED_ROUTE | NH_CHANGED_NEIGH;
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		mnl_cb_run(m->buf, (size_t)n, 0, 0, monitor_cb, &bits);
	}
	if (bits)
		nh_bump_generation();
	return bits;
}

void nh_monitor_close(struct nh_monitor *m)
{
	if (!m)
		return;
	if (m->nl)
		mnl_socket_close(m->nl);
	free(m->buf);
	free(m);
}
