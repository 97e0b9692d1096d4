/* pkt.h - the packet decision API: what the datapath asks the core for
 * every packet addressed to a virtual service (client -> VIP, "inbound")
 * and every reply coming back from a real server ("outbound").  This is the
 * kernel's ip_vs_in()/ip_vs_out() minus the packet mangling: the core looks
 * up or creates the connection, runs the protocol state machine, counts the
 * stats and answers with a verdict plus everything the datapath needs to
 * rewrite and transmit the packet.
 *
 * Contract:
 *  - The datapath parses the headers and fills struct lvs_pkt (ports host
 *    order, addresses as in inet.h).  Garbage is tolerated and counted,
 *    never a crash: an unknown af or worker index gives LVS_DROP
 *    (drop_invalid), a protocol other than TCP/UDP/SCTP gives LVS_PASS.
 *  - Stats go to slot `worker` of the dest/service/global stats; workers
 *    at or beyond lvs_stats_nslots() (read at creation) are not counted.
 *  - Any number of worker threads may call lvs_core_inbound/outbound
 *    concurrently, each with its own `worker` index (< nworkers).  Worker w
 *    only writes stats slot w.  The connection table is internally locked
 *    (striped bucket spinlocks); scheduling and anything touching the
 *    virtual-server table happens under the CALLER's table lock, taken
 *    through the lock/unlock callbacks given at creation.  So the caller must
 *    NOT hold the table lock while calling inbound/outbound/tick.
 *  - *out is filled completely only for LVS_FORWARD; for other verdicts
 *    only id (0), dest and dest_datapath (NULL) and offload (NONE) are
 *    meaningful.  A
 *    one-packet (ops) connection is already gone when the call returns
 *    (id 0, flags has LVS_CONN_F_ONE_PACKET); a BYPASS one has dest NULL.
 *  - The returned lvs_conn_ref is a snapshot: it stays valid after the call
 *    (no entry pointers).  ref->dest and ref->dest_datapath point into a
 *    struct lvs_dest which the table keeps alive while connections are bound
 *    to it (and 120 s in the trash afterwards), and frees only after the
 *    calling worker's next quiescent state (lvs_core_epoch), so it is safe
 *    to use for the rest of the burst.  lvs_core_ref_put() must be called
 *    when done; it is cheap (currently a no-op) but keeps the door open
 *    for refcounts.
 *  - Time is a monotonic millisecond clock passed in by the caller
 *    (synthetic in tests).  Expiry happens in lvs_core_tick(), which the
 *    daemon calls every ~100 ms-1 s from any single thread; entries whose
 *    time is up are never matched even before the sweep reaps them.
 *  - No I/O, no sleeping; the established-flow path does not allocate.
 */
#ifndef LVS_PKT_H
#define LVS_PKT_H

#include <stddef.h>
#include <stdint.h>
#include "ipvs-t.h"

struct lvs_table;
struct lvs_core;

/* TCP flags as on the wire (byte 13 of the TCP header) */
#define LVS_TCPF_FIN 0x01
#define LVS_TCPF_SYN 0x02
#define LVS_TCPF_RST 0x04
#define LVS_TCPF_PSH 0x08
#define LVS_TCPF_ACK 0x10
#define LVS_TCPF_URG 0x20

/* SCTP chunk types the core looks at (RFC 4960 3.2) */
#define LVS_SCTP_CID_DATA     0
#define LVS_SCTP_CID_INIT     1
#define LVS_SCTP_CID_INIT_ACK 2
#define LVS_SCTP_CID_ABORT    6

/* SCTP states, kernel numbering (IP_VS_SCTP_S_*) */
enum lvs_sctp_state {
	LVS_SCTP_S_NONE = 0, LVS_SCTP_S_INIT1, LVS_SCTP_S_INIT, LVS_SCTP_S_COOKIE_SENT,
	LVS_SCTP_S_COOKIE_REPLIED, LVS_SCTP_S_COOKIE_WAIT, LVS_SCTP_S_COOKIE,
	LVS_SCTP_S_COOKIE_ECHOED, LVS_SCTP_S_ESTABLISHED, LVS_SCTP_S_SHUTDOWN_SENT,
	LVS_SCTP_S_SHUTDOWN_RECEIVED, LVS_SCTP_S_SHUTDOWN_ACK_SENT, LVS_SCTP_S_REJECTED,
	LVS_SCTP_S_CLOSED, LVS_SCTP_S_LAST
};

/* the transport tuple of a packet quoted inside an ICMP error */
struct lvs_pkt_inner {
	uint8_t protocol;
	union lvs_addr saddr, daddr;
	uint16_t sport, dport;          /* host order */
};

/* one parsed packet */
struct lvs_pkt {
	int af;                         /* AF_INET / AF_INET6 */
	uint8_t protocol;               /* IPPROTO_TCP/UDP/SCTP/ICMP/ICMPV6... */
	union lvs_addr saddr, daddr;
	uint16_t sport, dport;          /* host order; 0 for ICMP */
	uint8_t tcp_flags;              /* LVS_TCPF_* (TCP only) */
	uint8_t sctp_chunk;             /* SCTP only: type of the first chunk, or
					 * LVS_SCTP_CID_ABORT when an ABORT follows a
					 * first COOKIE ECHO / COOKIE ACK chunk */
	uint32_t len;                   /* IP total length: what the stats count */
	uint32_t mark;                  /* fwmark from the classifier, 0 if none */
	/* ICMP error (dest unreachable, time exceeded, param problem, packet
	 * too big): relayed to the connection of the quoted packet. */
	int icmp_error;                 /* non-zero: protocol is ICMP(v6) */
	uint8_t icmp_type, icmp_code;
	struct lvs_pkt_inner inner;
};

enum lvs_verdict {
	LVS_PASS = 0,   /* not ours: let the local stack have it unchanged */
	LVS_DROP,       /* drop silently */
	LVS_FORWARD,    /* apply ref->flags & LVS_CONN_F_FWD_MASK and transmit */
	LVS_REJECT,     /* drop and send ICMP(v6) port unreachable to the source */
};

/* what the datapath needs to rewrite and send one packet */
struct lvs_conn_ref {
	uint32_t id;                    /* connection id (0: none / freed one-packet) */
	uint32_t flags;                 /* LVS_CONN_F_*; method = flags & FWD_MASK */
	uint8_t protocol;
	uint8_t state;                  /* protocol state after this packet */
	int af;                         /* client/virtual family */
	int daf;                        /* dest family (may differ for tunnels) */
	union lvs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;   /* host order */
	struct lvs_dest *dest;          /* NULL for BYPASS */
	void *dest_datapath;            /* dest->datapath (route cache), or NULL */
	uint8_t tun_type;               /* LVS_TUN_TYPE_* (TUNNEL method) */
	uint16_t tun_port;              /* host order */
	uint16_t tun_flags;
	uint8_t offload;                /* LVS_OFFLOAD_*: see "flow offload" below */
};

/* kernel sysctls that change the decisions (lvs_core_settings_default()
 * gives the kernel defaults) */
struct lvs_core_settings {
	int expire_nodest_conn;         /* 0 */
	int expire_quiescent_template;  /* 0 */
	int conn_reuse_mode;            /* 1 (bit 1: reuse; bit 2: also FIN_WAIT+NOOUTPUT) */
	int sloppy_tcp;                 /* 0 */
	int sloppy_sctp;                /* 0 */
	int secure_tcp;                 /* 0 (3 = always use the secure table) */
	int nat_icmp_send;              /* 0 */
	int cache_bypass;               /* 0 */
	int schedule_icmp;              /* 0 (accepted, not implemented) */
	/* connection sync (ip_vs_sync_conn): the hook is called when a conn
	 * must be sent */
	int sync_threshold;             /* 3 */
	int sync_period;                /* 50 */
	int sync_persist_mode;          /* 0 */
	/* lvsd: hand established flows to the datapath's fast path after this
	 * many inbound packets; 0 = never (the default; the datapath turns it
	 * on when it has a fast path) */
	uint32_t offload_min_pkts;
	/* lvsd: hand TCP connections to the fast path from their SYN on
	 * (setup offload, see "flow offload"); 0 = off (the default) */
	int offload_setup;
};

/* lvsd-only counters: why packets were not forwarded (summed over workers) */
struct lvs_core_counters {
	uint64_t pass_not_vs;           /* no service / protocol not handled */
	uint64_t pass_no_conn;          /* e.g. TCP non-SYN without a connection */
	uint64_t pass_icmp_no_conn;     /* ICMP error not related to a connection */
	uint64_t pass_ftp_data;         /* port-21 service, no dest: to local stack */
	uint64_t drop_dest_unavailable; /* conn's dest deleted (expire_nodest_conn=0) */
	uint64_t drop_table_full;       /* max_conns reached */
	uint64_t drop_invalid;          /* malformed lvs_pkt (bad af, worker...) */
	uint64_t drop_nat_icmp;         /* nat_icmp_send: reply with no conn */
	uint64_t reject_no_dest;        /* scheduler found nothing: port unreachable */
	uint64_t conn_created;          /* connections (not templates) created */
	uint64_t conn_expired;          /* entries freed (incl. templates) */
	uint64_t conn_reused;           /* conn_reuse_mode / expire_nodest rescheduled */
	uint64_t tmpl_created;
	uint64_t tmpl_invalidated;
};

/* the caller's table lock; the core takes it around scheduling, dest
 * reference drops and other reads/writes of the virtual-server table */
struct lvs_core_lock {
	void (*lock)(void *arg);
	void (*unlock)(void *arg);
	void *arg;
};

struct lvs_conn_sync;  /* conn.h */

void lvs_core_settings_default(struct lvs_core_settings *s);

/* nworkers >= 1; max_conns = capacity of the connection table (entries,
 * templates included; memory is reserved lazily).  lock may be NULL
 * (single-threaded use, tests).  NULL on failure. */
struct lvs_core *lvs_core_new(struct lvs_table *t, unsigned nworkers, size_t max_conns,
			      const struct lvs_core_lock *lock);
/* frees every entry (dropping dest references under the lock) */
void lvs_core_free(struct lvs_core *core);

/* the epoch domain of the core's table (lvs_table_epoch, table.h): a
 * thread that calls inbound/outbound concurrently with table changes
 * registers a reader with it and reports a quiescent state between
 * bursts, so that what a call returned (ref->dest) and what it followed
 * (dest->svc) stays allocated until then */
struct lvs_epoch *lvs_core_epoch(struct lvs_core *core);

void lvs_core_set_settings(struct lvs_core *core, const struct lvs_core_settings *s);
void lvs_core_get_settings(const struct lvs_core *core, struct lvs_core_settings *s);

/* client -> VIP (and ICMP errors about our replies, coming from the client side) */
enum lvs_verdict lvs_core_inbound(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				  uint64_t now_ms, struct lvs_conn_ref *out);
/* real server -> client (NAT replies; DR/TUN replies if the director sees
 * them), and ICMP errors about packets we sent to a real server */
enum lvs_verdict lvs_core_outbound(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				   uint64_t now_ms, struct lvs_conn_ref *out);
void lvs_core_ref_put(struct lvs_core *core, unsigned worker, struct lvs_conn_ref *ref);

/* optional, for batches: start loading the hash bucket the packet will
 * need (outbound = 0/1 as the call that follows), so that the cache misses
 * of a batch overlap.  Touches nothing; any packet is accepted. */
void lvs_core_prefetch(const struct lvs_core *core, const struct lvs_pkt *pkt, int outbound);
/* second stage, after lvs_core_prefetch() of the whole batch: start
 * loading the first entry of that bucket (usually the connection) */
void lvs_core_prefetch2(const struct lvs_core *core, const struct lvs_pkt *pkt, int outbound);

/* ---- flow offload ----
 * A datapath with an in-kernel fast path (lvsd's TC program, under either
 * backend) may forward the packets of an entry without asking the core,
 * as long as the core says so:
 *  - ref->offload == LVS_OFFLOAD_START: from now on the entry is marked
 *    offloaded (exactly one caller gets START per entry); the datapath
 *    installs its fast-path state for both directions (or not: then the
 *    packets keep coming here, which is always correct).
 *  - ref->offload == LVS_OFFLOAD_STOP: a packet that the fast path does not
 *    forward (FIN, RST, SYN) changed the entry; the datapath must remove
 *    its fast-path state now so the state machine sees what follows.
 *  - while offloaded, the datapath reports what its fast path carried with
 *    lvs_core_offload_touch() at least every second: the packets and bytes
 *    are counted in stats slot `worker` and refresh the entry's timer, the
 *    way they would have one by one.  It returns 1 while the entry is still
 *    offloaded, 0 when it is gone, was taken back, or its dest is no
 *    longer available (the kernel drops those packets: the datapath must
 *    remove its state so the next packet comes here and is dropped).
 * Eligible: ESTABLISHED TCP NAT or DR over IPv4, not a template, no sync
 * master, a dest without LVS_DEST_F_LOCAL (the datapath sets that flag,
 * under the table lock, on dests whose address is local to the director:
 * their packets are delivered into the local stack, so they stay here).
 *
 * Setup offload (settings.offload_setup, needs offload_min_pkts > 0 too):
 * the SYN that creates an eligible entry already answers
 * LVS_OFFLOAD_START_SETUP.  The datapath then forwards EVERY segment of
 * the connection in both directions, including the handshake, FIN and RST,
 * and reports each segment that may change the state (SYN, FIN, RST, the
 * ACK that completes the handshake, and every segment once a FIN or RST
 * was seen) by passing it to lvs_core_inbound/outbound afterwards, in the
 * order it forwarded them, as if it came now: the verdict's transmit part
 * is ignored (the segment is gone), its offload part is obeyed.  Segments
 * it forwards without reporting are counted with lvs_core_offload_touch()
 * as above.  The entry stays offloaded through SYN_RECV, ESTABLISHED,
 * FIN_WAIT, CLOSE_WAIT and LAST_ACK (DR: SYN_RECV and ESTABLISHED);
 * leaving them answers STOP.  After a STOP the datapath may keep
 * forwarding the entry's segments for a while only if it reports every
 * one of them (after a FIN or RST it does): the core still sees them all.
 * The datapath may decline: everything it does not forward comes to the
 * core as usual. */
#define LVS_OFFLOAD_NONE  0
#define LVS_OFFLOAD_START 1
#define LVS_OFFLOAD_STOP  2
#define LVS_OFFLOAD_START_SETUP 3

struct lvs_offload_report {
	int af;
	uint8_t protocol;
	union lvs_addr caddr, vaddr;
	uint16_t cport, vport;          /* host order */
	uint64_t in_pkts, in_bytes;     /* since the last report */
	uint64_t out_pkts, out_bytes;
};
int lvs_core_offload_touch(struct lvs_core *core, unsigned worker, const struct lvs_offload_report *r,
			   uint64_t now_ms);

/* expire timed-out entries (incremental sweep); call at least once a second */
void lvs_core_tick(struct lvs_core *core, uint64_t now_ms);

void lvs_core_counters(const struct lvs_core *core, struct lvs_core_counters *out);

/* connection sync: called (outside every core lock, worker thread) for each
 * entry that ip_vs_sync_conn() would send (sync_threshold, sync_period,
 * state changes, templates); set to NULL to stop */
void lvs_core_set_sync_hook(struct lvs_core *core,
			    void (*hook)(void *arg, unsigned worker, const struct lvs_conn_sync *e),
			    void *arg);

#endif
