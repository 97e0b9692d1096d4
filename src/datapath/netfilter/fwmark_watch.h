/* fwmark_watch.h - the fwmark watcher: keeps the fwmark classifier
 * (fwmark.h) in step with the user's firewall while lvsd runs, and gives
 * packets their mark in the datapath.  The datapath module owns the one
 * instance: it starts it before its workers and stops it after them.
 *
 * Contract:
 *  - Reads `iptables-save -t mangle` (the xtables matches, which nft's JSON
 *    hides) plus `nft list ruleset` through libnftables (native rules; the
 *    `ip mangle` table is skipped when iptables-save worked, as it is
 *    iptables-nft's).  Re-reads when the kernel announces an nftables change
 *    (NFNLGRP_NFTABLES multicast group; no polling cost when idle) and every
 *    second when that group cannot be joined or iptables is the legacy
 *    back end (which sends no notification).  A change is live within
 *    ~100 ms (1 s when polling) and logged; unsupported rules are logged
 *    once and listed by the text view "fwmark".
 *  - fwm_dp_mark() is called by datapath workers for every TCP/UDP/SCTP
 *    packet; it reads the current classifier snapshot without locks.  Old
 *    snapshots are freed 2 s after being replaced (a worker holds one for
 *    one packet).
 *  - Guard: with the AF_PACKET backend (a tap: the kernel processes its own
 *    copy of every frame) an nftables table `ip lvsd_fw_<pid>` drops, in
 *    prerouting right after mangle (priority mangle + 1), packets whose
 *    kernel mark equals the mark of an IPv4 fwmark service, so the kernel
 *    does not answer what lvsd forwards.  The AF_XDP backend does not steer
 *    fwmark traffic (its XDP program sees no marks): logged.
 */
#ifndef LVS_DP_FWMARK_WATCH_H
#define LVS_DP_FWMARK_WATCH_H

#include <stdint.h>
#include "core/pkt.h"
#include "host/host.h"

struct nh_ctx;
struct fwm_watch;

/* reads the rules and registers the "fwmark" view, the "fwmark-reload"
 * command, the notification fd, a timer and a table listener with the
 * host; 0 or -errno */
int fwm_watch_start(struct lvs_host *h, struct fwm_watch **out);
/* the running datapath backend ("afpacket", "xdp"; NULL: none), which
 * decides whether the kernel's copy of marked packets needs the guard;
 * installs it */
void fwm_watch_set_backend(struct fwm_watch *w, const char *backend);
/* removes the guard and frees w (NULL: nothing); no worker may call
 * fwm_dp_mark on it any more */
void fwm_watch_stop(struct fwm_watch *w);

/* the mark for packet k received on ifindex (0: none, also without a
 * watcher); *drop set when a drop rule matched (the kernel drops it: not
 * ours) */
uint32_t fwm_dp_mark(const struct fwm_watch *w, struct nh_ctx *nh, const struct lvs_pkt *k, int ifindex,
		     int *drop);

#endif
