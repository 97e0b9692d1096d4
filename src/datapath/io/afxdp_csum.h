/* afxdp_csum.h - completing TCP/UDP checksums that lost their offload
 * metadata on the way to XDP (afxdp_csum.c).
 *
 * A veth peer with TX checksum offload sends CHECKSUM_PARTIAL skbs: the
 * L4 checksum field holds only the (non-complemented) pseudo-header sum.
 * XDP and AF_XDP frames carry no skb metadata, so the receiver cannot tell
 * such a frame from a corrupted one.  afxdp_fix_csum() tells them apart:
 * a checksum that verifies is left alone; one whose field equals the
 * pseudo-header sum is completed in place; anything else is left for the
 * parser to count as broken.
 *
 * Contract: pure function, bounds-checked against f->len (IPv4 in
 * Ethernet, no VLAN tag); fragments and UDP without checksum are untouched.
 */
#ifndef LVS_DP_AFXDP_CSUM_H
#define LVS_DP_AFXDP_CSUM_H

#include "backend.h"

enum afxdp_csum {
	AFXDP_CSUM_UNTOUCHED = 0,       /* not TCP/UDP, fragment, no checksum, or broken */
	AFXDP_CSUM_VALID = 1,           /* verified: DP_OFF_DATA_VALID set */
	AFXDP_CSUM_COMPLETED = 2,       /* was pseudo-header only: completed, DATA_VALID set */
};

enum afxdp_csum afxdp_fix_csum(struct dp_frame *f);

#endif
