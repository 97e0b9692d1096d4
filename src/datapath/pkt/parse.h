/* parse.h - validating parser: Ethernet frame -> struct lvs_pkt.
 *
 * Contract: dp_parse() reads at most f->len bytes, never trusts a length
 * field, and classifies every frame into exactly one outcome:
 *  - DP_R_OK: a well-formed IPv4 TCP/UDP/SCTP/ICMP packet; *out is filled
 *    (offsets into the frame, the core's lvs_pkt with ports host order).
 *  - a DP_R_* reason: the frame is not for the datapath (not IPv4, a
 *    fragment) or malformed.  The worker counts the reason and does not
 *    forward; the kernel's own copy of the frame (AF_PACKET is a tap) meets
 *    the kernel's rules, so "not forwarded" equals what IPVS does (ip_rcv
 *    drops garbage before IPVS ever sees it).
 * Checksums are verified only when the kernel has not (no DATA_VALID, no
 * NEEDS_CSUM offload flag): veth frames mostly come pre-verified or partial.
 * Fragments: IPVS sees reassembled packets, and so do we: the AF_PACKET
 * fanout reassembles IPv4 (PACKET_FANOUT_FLAG_DEFRAG).  A fragment that
 * still shows up (a backend without reassembly) is left to the kernel and
 * counted (frag_first / frag_later).
 */
#ifndef LVS_DP_PARSE_H
#define LVS_DP_PARSE_H

#include <stdint.h>
#include "core/pkt.h"
#include "datapath/io/backend.h"

/* X(name, description) */
#define DP_REASONS(X) \
	X(OK,              "forwarded or handled") \
	X(NOT_IP,          "not IPv4 (ARP, IPv6, LLDP...): kernel's") \
	X(VLAN,            "802.1Q/802.1ad tagged: kernel's") \
	X(ETH_SHORT,       "frame shorter than an Ethernet header") \
	X(CAPTURE_TRUNC,   "frame larger than the capture ring slot") \
	X(IP_SHORT,        "shorter than an IPv4 header") \
	X(IP_VERSION,      "IP version field not 4") \
	X(IP_IHL,          "IHL < 5 or beyond the frame") \
	X(IP_TOTLEN,       "total length < IHL or beyond the frame") \
	X(IP_CSUM,         "bad IPv4 header checksum") \
	X(IP_OPTIONS_BAD,  "malformed IP options") \
	X(IP_SRC_MARTIAN,  "source multicast/broadcast/zero/loopback") \
	X(IP_DST_MARTIAN,  "destination zero/loopback") \
	X(FRAG_FIRST,      "first fragment (no reassembly): kernel's") \
	X(FRAG_LATER,      "non-first fragment (no L4 header): kernel's") \
	X(PROTO_OTHER,     "IP protocol not TCP/UDP/SCTP/ICMP: kernel's") \
	X(TCP_SHORT,       "truncated TCP header") \
	X(TCP_DOFF,        "TCP data offset < 5 or beyond the packet") \
	X(TCP_FLAGS,       "invalid TCP flag combination (none, SYN+FIN, SYN+RST, FIN w/o ACK)") \
	X(TCP_PORT0,       "TCP port 0") \
	X(TCP_CSUM,        "bad TCP checksum") \
	X(UDP_SHORT,       "truncated UDP header") \
	X(UDP_LEN,         "UDP length field inconsistent") \
	X(UDP_PORT0,       "UDP port 0") \
	X(UDP_CSUM,        "bad UDP checksum") \
	X(SCTP_SHORT,      "truncated SCTP common header / chunk") \
	X(SCTP_PORT0,      "SCTP port 0") \
	X(SCTP_CSUM,       "bad SCTP CRC32c") \
	X(ICMP_SHORT,      "truncated ICMP header") \
	X(ICMP_CSUM,       "bad ICMP checksum") \
	X(ICMP_INNER_BAD,  "ICMP error quoting a malformed/truncated packet") \
	X(GSO_BAD,         "inconsistent offload (GSO/csum) metadata") \
	X(TTL_EXCEEDED,    "TTL <= 1 on a forwarded packet: ICMP time exceeded sent") \
	X(TOO_BIG,         "DF set and larger than the path MTU: ICMP frag needed sent") \
	X(NOT_OURS,        "valid, not addressed to a virtual service or from a NAT real server") \
	X(CORE_PASS,       "core said PASS (no service / no connection)") \
	X(CORE_DROP,       "core said DROP") \
	X(CORE_REJECT,     "core said REJECT: ICMP port unreachable sent") \
	X(NO_ROUTE,        "no route to the next hop") \
	X(LOCAL_DEST,      "destination is local where no local delivery applies (a reply to the director)") \
	X(LOCAL_NO_TUN,    "real server is local, but lvsd has no TUN device to deliver it into (see the log)") \
	X(LOCAL_MARTIAN,   "from the local stack with a loopback source and no lvsd connection") \
	X(NEIGH_QUEUE_FULL,"neighbour unresolved and wait queue full") \
	X(NEIGH_TIMEOUT,   "neighbour did not resolve in time") \
	X(TX_ERROR,        "transmit refused by the kernel") \
	X(UNSUPPORTED,     "method not supported by this datapath yet")

enum dp_reason {
#define X(n, d) DP_R_##n,
	DP_REASONS(X)
#undef X
	DP_R_COUNT
};

extern const char *const dp_reason_name[DP_R_COUNT];
extern const char *const dp_reason_desc[DP_R_COUNT];

struct dp_parsed {
	uint8_t *frame;
	uint32_t flen;
	uint16_t l3off;         /* IPv4 header */
	uint16_t ihl;           /* bytes */
	uint16_t l4off;         /* transport header */
	uint16_t iplen;         /* IP total length */
	uint8_t ttl;
	int csum_partial;       /* L4 checksum field holds the pseudo-header sum */
	int local;              /* from the director's own stack (dp_frame.local) */
	/* ICMP error: quoted packet */
	uint16_t in_l3off, in_ihl, in_l4off;
	uint16_t in_avail;      /* bytes of the quote present from in_l3off */
	struct lvs_pkt pkt;
};

enum dp_reason dp_parse(const struct dp_frame *f, struct dp_parsed *out);

#endif
