/* ipvs-t.h - the IPVS object model: services, destinations, stats, flags.
 *
 * Types only (HAProxy's *-t.h convention); functions live in table.h,
 * sched.h, stats.h, conn.h.  Values of every flag are the kernel's uapi
 * values (include/uapi/linux/ip_vs.h) so that they can be shown, saved and
 * synced exactly as IPVS does.
 *
 * Concurrency contract: the daemon serialises every control operation and
 * every scheduling decision under one table lock (struct lvs_table is not
 * thread-safe by itself).  Fields documented "atomic" are also touched by
 * datapath workers outside that lock and must be accessed with __atomic_*
 * builtins there.  Per-worker stats slots are written only by their worker.
 */
#ifndef LVS_IPVS_T_H
#define LVS_IPVS_T_H

#include <stdint.h>
#include "lib/inet.h"
#include "lib/list.h"

#define LVS_IPVS_VERSION_CODE 0x010201 /* "1.2.1" */
#define LVS_HZ 250                     /* jiffies shown in /proc equivalents */

/* service flags (IP_VS_SVC_F_*) */
#define LVS_SVC_F_PERSISTENT 0x0001
#define LVS_SVC_F_HASHED     0x0002
#define LVS_SVC_F_ONEPACKET  0x0004
#define LVS_SVC_F_SCHED1     0x0008 /* sh-fallback / mh-fallback / flag-1 */
#define LVS_SVC_F_SCHED2     0x0010 /* sh-port / mh-port / flag-2 */
#define LVS_SVC_F_SCHED3     0x0020 /* flag-3 */
#define LVS_SVC_F_USER_MASK  (LVS_SVC_F_PERSISTENT | LVS_SVC_F_ONEPACKET | \
			      LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3)

/* destination flags (IP_VS_DEST_F_*) */
#define LVS_DEST_F_AVAILABLE 0x0001
#define LVS_DEST_F_OVERLOAD  0x0002
/* lvsd: the dest's address is local to the director (kept up to date by
 * the datapath, which delivers such connections into the local stack);
 * never set by the table, never shown */
#define LVS_DEST_F_LOCAL     0x0100

/* connection flags (IP_VS_CONN_F_*); the low 3 bits are the forwarding method */
#define LVS_CONN_F_FWD_MASK   0x0007
#define LVS_CONN_F_MASQ       0x0000
#define LVS_CONN_F_LOCALNODE  0x0001
#define LVS_CONN_F_TUNNEL     0x0002
#define LVS_CONN_F_DROUTE     0x0003
#define LVS_CONN_F_BYPASS     0x0004
#define LVS_CONN_F_FULLNAT    0x0005 /* lvsd extension, never shown by ipvsadm 1.31 */
#define LVS_CONN_F_SYNC       0x0020
#define LVS_CONN_F_HASHED     0x0040
#define LVS_CONN_F_NOOUTPUT   0x0080
#define LVS_CONN_F_INACTIVE   0x0100
#define LVS_CONN_F_OUT_SEQ    0x0200
#define LVS_CONN_F_IN_SEQ     0x0400
#define LVS_CONN_F_SEQ_MASK   0x0600
#define LVS_CONN_F_NO_CPORT   0x0800
#define LVS_CONN_F_TEMPLATE   0x1000
#define LVS_CONN_F_ONE_PACKET 0x2000

/* tunnel types and flags (IP_VS_CONN_F_TUNNEL_TYPE_*, IP_VS_TUNNEL_ENCAP_FLAG_*) */
#define LVS_TUN_TYPE_IPIP 0
#define LVS_TUN_TYPE_GUE  1
#define LVS_TUN_TYPE_GRE  2
#define LVS_TUN_F_NOCSUM  0x0000
#define LVS_TUN_F_CSUM    0x0001
#define LVS_TUN_F_REMCSUM 0x0002

#define LVS_SCHEDNAME_MAXLEN 16
#define LVS_PENAME_MAXLEN    16
#define LVS_IFNAME_MAXLEN    16

#define LVS_PERSIST_TIMEOUT_DEFAULT 360        /* seconds, what ipvsadm -p sends */
#define LVS_PERSIST_TIMEOUT_MAX     (31 * 86400)

/* TCP states, kernel numbering (IP_VS_TCP_S_*) */
enum lvs_tcp_state {
	LVS_TCP_S_NONE = 0,
	LVS_TCP_S_ESTABLISHED,
	LVS_TCP_S_SYN_SENT,
	LVS_TCP_S_SYN_RECV,
	LVS_TCP_S_FIN_WAIT,
	LVS_TCP_S_TIME_WAIT,
	LVS_TCP_S_CLOSE,
	LVS_TCP_S_CLOSE_WAIT,
	LVS_TCP_S_LAST_ACK,
	LVS_TCP_S_LISTEN,
	LVS_TCP_S_SYNACK,
	LVS_TCP_S_LAST
};
#define LVS_UDP_S_NORMAL 0

/* timeouts in seconds; --set changes tcp[ESTABLISHED], tcp[FIN_WAIT], udp */
struct lvs_timeouts {
	uint32_t tcp[LVS_TCP_S_LAST];
	uint32_t udp;
};

/* monotonically increasing counters */
struct lvs_counters {
	uint64_t conns;
	uint64_t inpkts;
	uint64_t outpkts;
	uint64_t inbytes;
	uint64_t outbytes;
};

/* one worker's counters, alone on its cache line: workers never share lines */
struct lvs_counters_slot {
	struct lvs_counters c;
} __attribute__((aligned(64)));

/* smoothed rates as read out (already descaled: conns/s, pkts/s, bytes/s) */
struct lvs_rates {
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/* what a listing shows: counters since the zero point + rates */
struct lvs_stats_view {
	struct lvs_counters c;
	struct lvs_rates r;
};

/* Per-object statistics, the 6.1 model (ip_vs_est.c):
 * slots[] are summed into kstats by the 2 s estimator; listings show
 * kstats - kstats0; -Z sets kstats0 = kstats and clears the averages. */
struct lvs_stats {
	struct lvs_counters_slot *slots; /* lvs_stats_nslots() entries */
	struct lvs_counters kstats;      /* snapshot taken by the estimator */
	struct lvs_counters kstats0;     /* zero point */
	struct lvs_counters last;        /* previous snapshot (estimator) */
	int64_t cps, inpps, outpps;      /* EWMA, scaled 2^10 */
	int64_t inbps, outbps;           /* EWMA, scaled 2^5 */
};

struct lvs_service;
struct lvs_dest;

/* A real server's administrative state, set by the operator (lvsd --cmd
 * drain|maint|ready) and kept apart from the configured weight and from
 * health checks, which cannot change it:
 *  READY  normal: the effective weight is the configured one;
 *  DRAIN  effective weight 0: no new connections and persistence
 *         templates stop pulling clients to it, existing connections
 *         carry on (the kernel's weight 0 with expire_quiescent_template);
 *  MAINT  no traffic at all: as DRAIN, and the dest is not AVAILABLE, so
 *         packets of its existing connections are dropped and the entries
 *         expired (the kernel's handling of a deleted dest with
 *         expire_nodest_conn=1).
 * lvs_dest.admin holds it (table.h: lvs_admin_set()). */
enum lvs_admin {
	LVS_ADMIN_READY = 0,
	LVS_ADMIN_DRAIN,
	LVS_ADMIN_MAINT,
};

/* see lvs_service.dest_vec */
struct lvs_dest_vec {
	unsigned n;
	struct lvs_dest **d;             /* d[0..n-1], newest first */
};

/* a real server inside one service.  The fields the least-connection
 * family of schedulers reads for every dest (flags, weight, activeconns,
 * inactconns) sit together at the start, so a scan touches one cache line
 * per dest (the table allocates dests 64-byte aligned). */
struct lvs_dest {
	struct lvs_list n_list;          /* in svc->destinations, newest first */
	uint32_t flags;                  /* LVS_DEST_F_*; atomic */
	int weight;
	int activeconns;                 /* atomic */
	int inactconns;                  /* atomic */
	struct lvs_service *svc;         /* owning service (NULL once in trash) */

	int af;
	union lvs_addr addr;
	uint16_t port;                   /* host order; 0 = packet's dport */

	uint32_t conn_flags;             /* forwarding method | INACTIVE | NOOUTPUT */
	int last_weight;                 /* latest non-zero weight (mh) */
	/* the weight the last add/edit asked for (ipvsadm, a configuration,
	 * the health checker); `weight` is the effective one: conf_weight
	 * while admin is READY, 0 otherwise */
	int conf_weight;
	enum lvs_admin admin;            /* written under the table lock; atomic for readers */
	uint32_t u_threshold;
	uint32_t l_threshold;

	uint8_t tun_type;
	uint16_t tun_port;               /* host order */
	uint16_t tun_flags;

	int persistconns;                /* atomic */
	int refcnt;                      /* atomic: connections bound + table */
	uint64_t trash_since_ms;         /* when it went to the trash */

	struct lvs_stats stats;
	void *datapath;                  /* owned by the datapath (route cache) */
};

/* a virtual service */
struct lvs_service {
	struct lvs_service *hnext;       /* hash chain (table internal) */
	struct lvs_list s_list;          /* table order (table internal) */

	int af;
	uint16_t protocol;               /* IPPROTO_TCP/UDP/SCTP; TCP for fwmark */
	union lvs_addr addr;
	uint16_t port;                   /* host order */
	uint32_t fwmark;                 /* non-zero: fwmark service */

	char sched_name[LVS_SCHEDNAME_MAXLEN];
	const struct lvs_sched_ops *sched; /* NULL for "none" */
	void *sched_data;

	uint32_t flags;                  /* LVS_SVC_F_* */
	uint32_t timeout;                /* persistence timeout, seconds */
	uint32_t netmask;                /* IPv4: mask, network order; IPv6: prefix len */
	char pe_name[LVS_PENAME_MAXLEN];

	struct lvs_list destinations;
	int num_dests;
	/* the same dests as an array in list order (newest first), kept by
	 * the table (table.c) so that schedulers scanning every dest load
	 * them independently instead of chasing list links; NULL when there
	 * are none.  Changed under the table lock (in place, or replaced by a
	 * bigger one; a replaced array is retired, table.h). */
	struct lvs_dest_vec *dest_vec;

	struct lvs_stats stats;
};

/* a service as configured from outside (ipvsadm, config files) */
struct lvs_service_conf {
	int af;
	uint16_t protocol;
	union lvs_addr addr;
	uint16_t port;
	uint32_t fwmark;
	char sched_name[LVS_SCHEDNAME_MAXLEN];
	uint32_t flags;
	uint32_t timeout;
	uint32_t netmask;
	char pe_name[LVS_PENAME_MAXLEN];
};

/* a destination as configured from outside */
struct lvs_dest_conf {
	int af;
	union lvs_addr addr;
	uint16_t port;
	uint32_t conn_flags;             /* only the forwarding method is used */
	int weight;
	uint32_t u_threshold;
	uint32_t l_threshold;
	uint8_t tun_type;
	uint16_t tun_port;
	uint16_t tun_flags;
};

/* a sync daemon's configuration (--start-daemon) */
struct lvs_daemon_conf {
	int state;                       /* LVS_DAEMON_MASTER / LVS_DAEMON_BACKUP */
	char mcast_ifn[LVS_IFNAME_MAXLEN];
	uint32_t syncid;
	uint16_t sync_maxlen;
	int mcast_af;
	union lvs_addr mcast_group;
	uint16_t mcast_port;
	uint8_t mcast_ttl;
};
#define LVS_DAEMON_MASTER 0x1
#define LVS_DAEMON_BACKUP 0x2

/* packet facts a scheduler may look at */
struct lvs_sched_pkt {
	int af;
	uint8_t protocol;
	union lvs_addr saddr, daddr;
	uint16_t sport, dport;           /* host order */
	uint32_t mark;
};

#endif
