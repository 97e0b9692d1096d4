/* guard.h - which packets lvsd owns, and keeping the kernel off them.
 *
 * AF_PACKET is a tap: the kernel processes its own copy of every frame.
 * For what lvsd forwards that copy must die, or the kernel answers it (RST
 * from the VIP, a local address) or forwards it un-NATed (replies of NAT
 * real servers).  The owned set is:
 *   vips:  (VIP, protocol, port) of every virtual service (port 0: any port)
 *   natrs: (RIP, protocol, port) of every NAT (masquerading) destination,
 *          owned only when the packet's destination is NOT a local address,
 *          so health checks from the director to its real servers still
 *          reach the kernel.
 * Enforcement is an nftables `ip` table "lvsd_<pid>" whose prerouting chain
 * (priority -500: before conntrack and the user's own rules) drops exactly
 * those packets when they arrive on a served interface.  The workers' tap
 * is an ETH_P_IP protocol handler, a sibling of ip_rcv
 * (__netif_receive_skb_core: tc ingress, nf ingress, then the protocol
 * handlers, each with its own reference to the frame; ip_rcv works on a
 * clone when the tap also holds it), so dropping the kernel's copy in
 * prerouting leaves the tap's copy alone, in either order of the two.
 * It cannot be the netdev ingress hook: that runs before the protocol
 * handlers and would take the frame from the tap too.  ICMP, ARP,
 * fragments (no transport header to match) and everything else stay with
 * the kernel.
 *
 * The same table carries the output side of local real servers (local.h):
 * a `type route` output chain marks what a local NAT real server at a
 * non-loopback address sends from its (address, protocol, port), so that
 * the kernel re-routes it by that mark into lvsd's TUN device.
 *
 * fwmark services have no VIP key: their packets are found by the fwmark
 * classifier, and their kernel copies are dropped by a table of their own
 * (fwmark_watch.h); their NAT real servers' replies are owned here, for
 * TCP, UDP and SCTP alike, since one mark may cover all three.
 *
 * Contract:
 *  - dp_owned_build() snapshots the table (caller holds the table lock);
 *    the result is immutable, workers read it without locks.  The datapath
 *    module rebuilds it on every table and link change and publishes it by
 *    pointer; an old snapshot is freed once every worker has published a
 *    newer version as seen (dp_worker.owned_seen).
 *  - steer_apply() (main thread) replaces the whole nft table in one
 *    transaction: 0, or -errno with the reason in `err` (may be NULL);
 *    steer_remove() deletes it on stop; steer_new() (NULL: no libnftables)
 *    deletes tables of lvsd processes that died without cleaning up.
 */
#ifndef LVS_DP_STEER_H
#define LVS_DP_STEER_H

#include <stddef.h>
#include <stdint.h>
#include "lib/strbuf.h"

struct lvs_table;
struct strbuf;

struct dp_key {
	uint32_t addr;          /* network order */
	uint16_t port;          /* host order; 0 = any */
	uint8_t proto;
	uint8_t method;         /* for natrs: always MASQ */
};

struct dp_owned {
	size_t nvips, nnat;
	struct dp_key *vips, *nat;
	/* NAT dests at a local, non-loopback address (LVS_DEST_F_LOCAL, set
	 * by local.c): their server's packets are marked on output so that
	 * policy routing hands them to lvsd (local.h); not hashed */
	size_t nlocal;
	struct dp_key *local;
	/* open-addressing hash over both arrays (index+1, 0 = empty) */
	uint32_t vmask, nmask;
	uint32_t *vhash, *nhash;
	unsigned version;
	/* the virtual services the datapath cannot forward (or forwards only
	 * in part), one "<service>: <reason>\n" line each, so that a gap is
	 * never silent: logged when it appears, listed by the datapath view */
	size_t nunfwd;
	struct strbuf unfwd;
};

/* snapshot the table (IPv4, non-fwmark services); NULL on OOM */
struct dp_owned *dp_owned_build(struct lvs_table *t);
void dp_owned_free(struct dp_owned *o);

/* each line of o->unfwd that `old` (may be NULL) does not list, in turn */
void dp_owned_unfwd_new(const struct dp_owned *o, const struct dp_owned *old,
			void (*fn)(const char *line, size_t len, void *arg), void *arg);

int dp_owned_is_vip(const struct dp_owned *o, uint32_t addr, uint8_t proto, uint16_t port);
int dp_owned_is_natrs(const struct dp_owned *o, uint32_t addr, uint8_t proto, uint16_t port);

/* nftables enforcement; ifnames = interfaces to guard (NULL-terminated) */
struct dp_steer;
struct dp_steer *steer_new(void);
/* mark for the output packets of local NAT real servers (dp_owned.local),
 * 0 (the default): no such marking; applied by the next steer_apply() */
void steer_set_local_mark(struct dp_steer *s, uint32_t mark);
int steer_apply(struct dp_steer *s, const struct dp_owned *o, char *const *ifnames, struct strbuf *err);
void steer_remove(struct dp_steer *s);
void steer_free(struct dp_steer *s);

#endif
