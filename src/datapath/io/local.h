/* local.h - real servers local to the director (127.0.0.1, the VIP, the
 * DIP, any local address): the sorry server on the director itself
 * (ldirectord `fallback=127.0.0.1 gate`, keepalived `sorry_server`).
 *
 * Kernel IPVS runs inside the stack: for a connection whose real server
 * routes locally it simply lets the packet go on into LOCAL_IN (DR and TUN
 * unchanged, NAT after the DNAT), and it sees the local server's NAT
 * replies at LOCAL_OUT.  lvsd sits below the stack, so it needs a door in
 * each direction:
 *
 *  - In: a TUN device (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, "lvsd%d",
 *    usually lvsd0), one queue per worker (IFF_MULTI_QUEUE).  A worker
 *    writes the packet into its queue and the kernel receives it on lvsd0
 *    as if it had arrived there, offload metadata (GSO, partial checksum)
 *    included.  rp_filter=2 (the clients are routed elsewhere; loose mode
 *    needs an address on the device: a loopback /32 of host scope, which
 *    nothing outside can reach), route_localnet=1 (so 127.0.0.1 may be the
 *    destination), IPv6 off.  The nftables guard drops only on served
 *    (Ethernet) links and the workers' taps ignore non-Ethernet links, so
 *    neither sees these packets again.
 *  - Out: what a local NAT real server sends from its (address,
 *    protocol, port) is routed into the TUN device by policy routing
 *    (table T: `default dev lvsd0`), where the workers read it, un-NAT it
 *    (source -> VIP:vport) and transmit it like any NAT reply:
 *    * at a loopback address, by the rule `from RIP ipproto P sport PORT
 *      lookup T`: the route is chosen before any output hook runs, and
 *      from 127.0.0.1 to a remote client there is no route but this one
 *      (a loopback source is accepted only towards a route_localnet
 *      device).  Plus an ICMP rule, so its ICMP errors come back too.
 *    * at any other local address (VIP, DIP), by the mark LVSD_LOCAL_MARK
 *      that lvsd's nftables table sets on output (netfilter/guard.h) and the rule
 *      `fwmark LVSD_LOCAL_MARK lookup T`.  Not by address rules: the
 *      reverse-path check looks its route up with the ports swapped, so
 *      such a rule would make a direct client of DIP:PORT fail a strict
 *      rp_filter; marks play no part in that lookup.  Marking after the
 *      route was chosen also catches a UDP server that lets the kernel
 *      pick its source address.
 *    Packets of those addresses/ports that belong to no lvsd connection
 *    (a client talking to DIP:8080 directly) are sent on unchanged.
 *    Local-table routes (rule 0) still come first: the director's traffic
 *    to itself never enters the device.
 *
 * Which dests are local: on every table and address change the datapath
 * module re-reads the kernel's local table and sets LVS_DEST_F_LOCAL on
 * the dests at a local address (dp_local_mark).  The TC fast path never
 * carries these connections (the core leaves dests with LVS_DEST_F_LOCAL
 * in the workers), so they cost a userspace crossing per packet: fine for
 * a sorry server.  Without a TUN device the module logs why once, when a
 * local dest appears, and their packets are dropped as LOCAL_NO_TUN.
 * Limits: IPv4; the device's MTU is TUN_MTU (local.c); ICMP errors the
 * local stack sends from a non-loopback local NAT real server are not
 * translated.
 *
 * Contract: everything but the queue descriptors is main-thread only.
 * Workers use their queue fd: write() = deliver, read() = what the local
 * stack routed into the device.  Rules are tagged with table
 * LVSD_LOCAL_TABLE_BASE + pid and protocol 76 (`ip rule` shows "proto
 * 76"); dp_local_new() removes those of lvsd processes that no longer
 * exist (the routes die with their device).
 */
#ifndef LVS_DP_LOCAL_H
#define LVS_DP_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "datapath/netfilter/guard.h"

struct lvs_table;
struct strbuf;
struct dp_local;

#define LVSD_LOCAL_TABLE_BASE 0x4c000000u       /* + pid (< 2^22) */
#define LVSD_LOCAL_RULE_PRIO  100               /* after the local table (0), before main */
#define LVSD_LOCAL_MARK       0x4c565344u       /* "LVSD": see netfilter/guard.h */

/* the control part (a netlink socket); NULL when out of memory or netlink
 * is unavailable */
struct dp_local *dp_local_new(void);
/* create the TUN device with nq queues, configure it and its route table;
 * 0 or -errno with the reason in err (tun_path: NULL = /dev/net/tun) */
int dp_local_tun_open(struct dp_local *l, unsigned nq, const char *tun_path, struct strbuf *err);
/* rules deleted, queues closed (the device and its routes go with them) */
void dp_local_free(struct dp_local *l);

/* queue q's descriptor (non-blocking), -1 without a device */
int dp_local_queue_fd(const struct dp_local *l, unsigned q);
const char *dp_local_ifname(const struct dp_local *l);          /* "" without a device */
size_t dp_local_nrules(const struct dp_local *l);

/* the kernel's local addresses, from its local table (what
 * inet_addr_type() calls RTN_LOCAL: interface addresses, 127/8, `local`
 * routes); read afresh, 0 or -errno */
int dp_local_refresh_prefixes(struct dp_local *l);
int dp_local_is_local(const struct dp_local *l, uint32_t addr);     /* network order */

/* caller holds the table lock: set LVS_DEST_F_LOCAL on the IPv4 dests
 * whose address is local (clear it on the others; *nlocal: how many are,
 * *changed: whether any flag changed) and collect the (address, protocol,
 * port) keys the reply rules of loopback NAT dests need into *keys
 * (malloc'd, caller frees); the number of keys, or -ENOMEM */
long dp_local_mark(struct dp_local *l, struct lvs_table *t, struct dp_key **keys, size_t *nlocal, int *changed);
/* make the installed rules exactly keys[0..n-1]; 0 or -errno (err: the
 * first failure; the others are still tried) */
int dp_local_set_rules(struct dp_local *l, const struct dp_key *keys, size_t n, struct strbuf *err);

#endif
