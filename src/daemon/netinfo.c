/* netinfo.c - the facts about lvsd's network namespace that the kernel's
 * IPVS looks up itself and the pure table cannot: an interface's MTU (sync
 * daemon maxlen, -ENODEV), whether an address is local or a broadcast
 * address (dest validation, -EINVAL), and whether a sync master could open
 * its multicast socket (-ENETUNREACH and friends, as start_sync_thread
 * reports them). */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "daemon.h"

static int ifmtu_hook(const char *ifname, void *arg)
{
	struct ifreq ifr;
	int fd, r;

	(void)arg;
	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	r = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -ENODEV : ifr.ifr_mtu;
	close(fd);
	return r;
}

/* The address list is read once per control request: a restore of 100,000
 * destinations arrives in batches, and one getifaddrs() per destination
 * (a netlink dump each) made it 10x slower.  A request is applied at one
 * instant under the table lock, so one snapshot per request is what the
 * kernel would see.  Outside a request (reload, checker) every lookup
 * reads the list afresh. */
static struct ifaddrs *addr_snapshot;
static int in_request;

void lvsd_netinfo_request(int active)
{
	if (addr_snapshot)
		freeifaddrs(addr_snapshot);
	addr_snapshot = NULL;
	in_request = active;
}

/* the kernel's inet_addr_type() for our purposes: an address of one of our
 * interfaces is LOCAL, an interface's (subnet) broadcast is BROADCAST */
static enum lvs_addr_type addr_type_hook(int af, const union lvs_addr *a, void *arg)
{
	const struct ifaddrs *i;
	enum lvs_addr_type t = LVS_ADDR_UNICAST;

	(void)arg;
	if (!addr_snapshot && getifaddrs(&addr_snapshot) < 0)
		return LVS_ADDR_UNICAST;
	for (i = addr_snapshot; i && t == LVS_ADDR_UNICAST; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != af)
			continue;
		if (af == AF_INET) {
			const struct sockaddr_in *sin = (const void *)i->ifa_addr;
			const struct sockaddr_in *brd = (const void *)i->ifa_broadaddr;

			if (sin->sin_addr.s_addr == a->ip)
				t = LVS_ADDR_LOCAL;
			else if ((i->ifa_flags & IFF_BROADCAST) && brd && brd->sin_addr.s_addr == a->ip)
				t = LVS_ADDR_BROADCAST;
		} else if (af == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)i->ifa_addr;

			if (!memcmp(&sin6->sin6_addr, &a->in6, sizeof(a->in6)))
				t = LVS_ADDR_LOCAL;
		}
	}
	if (!in_request)
		lvsd_netinfo_request(0);
	return t;
}

void lvsd_netinfo_install(struct lvs_table *t)
{
	lvs_table_set_ifmtu_hook(t, ifmtu_hook, NULL);
	lvs_table_set_addr_type_hook(t, addr_type_hook, NULL);
}

/* What the kernel's master does first (make_send_sock): a UDP socket on the
 * interface, multicast through it, connected to group:port.  If that fails
 * here it would fail there, with the same errno. */
int lvsd_sync_send_probe(const struct lvs_daemon_conf *c)
{
	unsigned ifindex = if_nametoindex(c->mcast_ifn);
	int fd, r = 0;

	if (!ifindex)
		return -ENODEV;
	fd = socket(c->mcast_af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->mcast_ifn, (socklen_t)strlen(c->mcast_ifn)) < 0) {
		r = -errno;
	} else if (c->mcast_af == AF_INET6) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(c->mcast_port) };
		int idx = (int)ifindex;

		memcpy(&sa.sin6_addr, &c->mcast_group.in6, sizeof(sa.sin6_addr));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			r = -errno;
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(c->mcast_port),
					  .sin_addr.s_addr = c->mcast_group.ip };
		struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };

		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			r = -errno;
	}
	close(fd);
	return r;
}
