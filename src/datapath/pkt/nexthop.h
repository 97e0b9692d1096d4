/* nexthop.h - next hops from the kernel over rtnetlink (libmnl).
 *
 * The datapath transmits with AF_PACKET, below the kernel's routing, so it
 * asks the kernel where a packet must go: RTM_GETROUTE (output interface,
 * gateway, preferred source, route type) and RTM_GETNEIGH (the next hop's
 * MAC).  Answers are cached per worker; the cache is valid for one
 * "generation" and the main thread's monitor socket bumps the generation
 * on every RTM_NEW/DEL{LINK,ADDR,ROUTE,NEIGH} notification, so the kernel
 * stays the single source of truth.
 *
 * Contract:
 *  - One struct nh_ctx per thread (it owns a netlink socket); no locks.
 *  - nh_neigh4() never blocks on ARP: an unresolved neighbour returns 0
 *    after asking the kernel to resolve it (RTM_NEWNEIGH + NTF_USE, what
 *    `ip neigh replace ... use` sends), and the caller queues the packet.
 *  - Addresses network order.
 */
#ifndef LVS_DP_NEXTHOP_H
#define LVS_DP_NEXTHOP_H

#include <stdint.h>
#include <net/if.h>

struct nh_ctx;

struct nh_route {
	uint8_t type;           /* RTN_UNICAST, RTN_LOCAL, ... */
	int ifindex;
	uint32_t nexthop;       /* gateway, or the destination itself if on-link */
	uint32_t prefsrc;       /* preferred source (0: use the interface's) */
	uint32_t mtu;           /* route MTU or the interface's */
};

struct nh_link {
	int ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	uint16_t type;          /* ARPHRD_* */
	unsigned flags;         /* IFF_* */
	char name[IF_NAMESIZE];
};

struct nh_ctx *nh_ctx_new(void);
void nh_ctx_free(struct nh_ctx *c);

/* 0 and *out, or -1 (unreachable / error) */
int nh_route4(struct nh_ctx *c, uint32_t daddr, struct nh_route *out);
/* 0 and *out, or -1 */
int nh_link(struct nh_ctx *c, int ifindex, struct nh_link *out);
/* 1: *mac filled; 0: resolution under way; -1: failed (no such link) */
int nh_neigh4(struct nh_ctx *c, int ifindex, uint32_t addr, uint8_t mac[6], uint64_t now_ms);
/* a preferred IPv4 address of the interface (for ICMP we originate), 0 if none */
uint32_t nh_ifaddr4(struct nh_ctx *c, int ifindex);

/* the cache generation: bumped by the monitor */
unsigned nh_generation(void);
void nh_bump_generation(void);

/* the monitor (main thread): a socket subscribed to link/addr/route/neigh
 * changes.  nh_monitor_read() drains it, bumps the generation and returns
 * NH_CHANGED_* bits. */
#define NH_CHANGED_LINK  1
#define NH_CHANGED_ADDR  2
#define NH_CHANGED_ROUTE 4
#define NH_CHANGED_NEIGH 8
struct nh_monitor;
struct nh_monitor *nh_monitor_open(void);
int nh_monitor_fd(struct nh_monitor *m);
int nh_monitor_read(struct nh_monitor *m);
void nh_monitor_close(struct nh_monitor *m);

#endif
