/* fwmark_watch.h - lvsd_mod_fwmark: keeps the fwmark classifier (fwmark.h)
 * in step with the user's firewall while lvsd runs, and gives packets
 * their mark in the datapath.
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

struct nh_ctx;

/* the mark for packet k received on ifindex (0: none); *drop set when a
 * drop rule matched (the kernel drops it: not ours) */
uint32_t fwm_dp_mark(struct nh_ctx *nh, const struct lvs_pkt *k, int ifindex, int *drop);

#endif
