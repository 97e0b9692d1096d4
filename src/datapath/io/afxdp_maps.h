/* afxdp_maps.h - the map layout shared by the XDP steering program
 * (bpf/lvsd_xdp.bpf.c) and the AF_XDP backend (afxdp.c).  Included from
 * both sides: fixed-width kernel types only. */
#ifndef LVS_DP_AFXDP_MAPS_H
#define LVS_DP_AFXDP_MAPS_H

#include <linux/types.h>

struct lvsd_xdp_key {
	__u32 addr;             /* network order */
	__u16 port;             /* network order; 0 = any port (vips only) */
	__u8 proto;
	__u8 pad;               /* always 0: part of the hash key */
};

#define LVSD_XDP_MAX_KEYS   65536
#define LVSD_XDP_MAX_LOCALS 4096
#define LVSD_XDP_MAX_IFS    256
#define LVSD_XDP_QUEUES     64           /* XSKMAP slots per interface */
#define LVSD_XDP_MAX_XSKS   (LVSD_XDP_MAX_IFS * LVSD_XDP_QUEUES)

enum {
	LVSD_XDP_STAT_SEEN,
	LVSD_XDP_STAT_REDIRECT,
	LVSD_XDP_STAT_NO_SOCKET,
	LVSD_XDP_STAT_FAST_PASS,        /* an offloaded flow, left to the TC program */
	LVSD_XDP_STAT_COUNT
};

#endif
