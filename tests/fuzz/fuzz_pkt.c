/* fuzz_pkt.c - Ethernet frames through the datapath's parser (dp_parse)
 * and, when it accepts one, through the core's decision
 * (lvs_core_inbound/outbound) against the lab table (lab.h), with the
 * clock, the expiry sweep, flow offload reports and the sync hook (each
 * entry the core wants sent is encoded and decoded again).
 *
 * Input: one settings byte, then records, each
 *     u8 ctl, u16 len (little-endian), [10 offload bytes if ctl & OFF], frame
 * (a short last record takes what is left).  Every frame is copied into a
 * buffer of exactly its length, so a read past its end is an ASan error
 * rather than a read of the next record.
 * ctl bits: 0 outbound (else inbound), 1 arrived VLAN-tagged, 2 from the
 * local stack, 3 offload bytes follow (struct dp_offload: flags, gso_type,
 * hdr_len, gso_size, csum_start, csum_offset; u16 little-endian), 4 the
 * capture was truncated (wire_len > len), 5-6 clock step (1 ms, 1 s,
 * 1 min, 1 h) taken before the frame, 7 the fwmark classifier marked it 1.
 * Settings bits: 0 sloppy_tcp, 1 sloppy_sctp, 2 expire_nodest_conn,
 * 3 conn_reuse_mode 0, 4 offload after 2 packets, 5 setup offload (with
 * either, no sync hook), 6 nat_icmp_send, 7 cache_bypass +
 * expire_quiescent_template.
 * Beyond memory errors, it checks that what dp_parse() accepts has its
 * offsets inside the packet, and that every entry the core hands to the
 * sync hook survives the wire format.
 * After each input the connection table is flushed, so that every input
 * meets the same state (lab.h); the clock only moves forward, across
 * inputs too, as the daemon's does. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/conn.h"
#include "core/pkt.h"
#include "core/table.h"
#include "datapath/pkt/parse.h"
#include "sync/wire.h"
#include "lab.h"

#define CTL_OUTBOUND 0x01
#define CTL_VLAN 0x02
#define CTL_LOCAL 0x04
#define CTL_OFF 0x08
#define CTL_TRUNC 0x10
#define CTL_CLOCK_SHIFT 5
#define CTL_MARK 0x80

static struct lvs_core *core;
static uint64_t now = 1000000;

static void count_entry(void *arg, const struct lvs_conn_sync *e, int v0)
{
	(void)e;
	(void)v0;
	(*(unsigned *)arg)++;
}

/* what the sync master would send must be what a backup reads back */
static void sync_hook(void *arg, unsigned worker, const struct lvs_conn_sync *e)
{
	uint8_t buf[1500];
	struct sync_msg m;
	unsigned got = 0;
	size_t len;

	(void)arg;
	(void)worker;
	sync_msg_init(&m, buf, sizeof(buf), 7);
	if (sync_msg_add(&m, e))
		return; /* a family the wire format cannot carry */
	len = sync_msg_finish(&m);
	if (sync_msg_parse(buf, len, 7, count_entry, &got, NULL) || got != 1) {
		fprintf(stderr, "fuzz_pkt: a synced entry did not survive encode+parse\n");
		abort();
	}
}

static void settings(uint8_t sel)
{
	struct lvs_core_settings s;

	lvs_core_settings_default(&s);
	s.sloppy_tcp = !!(sel & 0x01);
	s.sloppy_sctp = !!(sel & 0x02);
	s.expire_nodest_conn = !!(sel & 0x04);
	if (sel & 0x08)
		s.conn_reuse_mode = 0;
	if (sel & 0x10)
		s.offload_min_pkts = 2;
	if (sel & 0x20) {
		s.offload_min_pkts = 1;
		s.offload_setup = 1;
	}
	s.nat_icmp_send = !!(sel & 0x40);
	s.cache_bypass = !!(sel & 0x80);
	s.expire_quiescent_template = !!(sel & 0x80);
	lvs_core_set_settings(core, &s);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void decide(const struct dp_parsed *p, int outbound, uint64_t now)
{
	struct lvs_conn_ref ref;
	enum lvs_verdict v = outbound ? lvs_core_outbound(core, 0, &p->pkt, now, &ref)
				      : lvs_core_inbound(core, 0, &p->pkt, now, &ref);

	if (v == LVS_FORWARD && (ref.offload == LVS_OFFLOAD_START || ref.offload == LVS_OFFLOAD_START_SETUP)) {
		/* the fast path carried a few packets and reports them */
		struct lvs_offload_report r = {
			.af = ref.af, .protocol = ref.protocol, .caddr = ref.caddr, .vaddr = ref.vaddr,
			.cport = ref.cport, .vport = ref.vport,
			.in_pkts = 3, .in_bytes = 3 * p->pkt.len, .out_pkts = 2, .out_bytes = 2 * p->pkt.len,
		};
		lvs_core_offload_touch(core, 0, &r, now + 1);
	}
	lvs_core_ref_put(core, 0, &ref);
}

/* what the rewrite (xmit.c) relies on when dp_parse() says OK: every
 * offset it hands out lies inside the IP packet, inside the frame */
static void check_parsed(const struct dp_frame *f, const struct dp_parsed *p)
{
	unsigned end = (unsigned)p->l3off + p->iplen;
	int ok = end <= f->len && p->l4off == p->l3off + p->ihl && p->ihl >= 20 && p->l4off <= end;

	if (p->pkt.protocol == IPPROTO_TCP)
		ok = ok && p->l4off + 20u <= end;
	else if (p->pkt.protocol == IPPROTO_UDP || p->pkt.protocol == IPPROTO_ICMP)
		ok = ok && p->l4off + 8u <= end;
	if (p->pkt.icmp_error)
		ok = ok && p->in_l3off == p->l4off + 8 && (unsigned)p->in_l3off + p->in_avail <= end &&
		     p->in_l4off == p->in_l3off + p->in_ihl && p->in_ihl >= 20 && p->in_ihl <= p->in_avail;
	if (!ok) {
		fprintf(stderr, "fuzz_pkt: dp_parse OK with offsets outside the packet "
			"(flen %u l3 %u ihl %u l4 %u iplen %u inner %u+%u)\n", f->len, p->l3off, p->ihl,
			p->l4off, p->iplen, p->in_l3off, p->in_avail);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* small, so that a full table is reachable */
	core = fuzz_lab_core(256);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t steps[4] = { 1, 1000, 60000, 3600000 };
	size_t pos = 1;

	if (size < 1)
		return 0;
	/* a sync master sees every packet: the core offloads nothing then */
	lvs_core_set_sync_hook(core, (data[0] & 0x30) ? NULL : sync_hook, NULL);
	settings(data[0]);
	while (pos < size) {
		uint8_t ctl = data[pos++];
		struct dp_frame f;
		struct dp_parsed p;
		size_t len;

		memset(&f, 0, sizeof(f));
		if (size - pos < 2)
			break;
		len = le16(data + pos);
		pos += 2;
		if (ctl & CTL_OFF) {
			if (size - pos < 10)
				break;
			f.off.flags = data[pos];
			f.off.gso_type = data[pos + 1];
			f.off.hdr_len = le16(data + pos + 2);
			f.off.gso_size = le16(data + pos + 4);
			f.off.csum_start = le16(data + pos + 6);
			f.off.csum_offset = le16(data + pos + 8);
			pos += 10;
		}
		if (len > size - pos)
			len = size - pos;
		f.data = malloc(len ? len : 1);
		if (!f.data)
			break;
		memcpy(f.data, data + pos, len);
		pos += len;
		f.len = (uint32_t)len;
		f.wire_len = (uint32_t)len + ((ctl & CTL_TRUNC) ? 100 : 0);
		f.ifindex = 2;
		f.vlan = !!(ctl & CTL_VLAN);
		f.local = !!(ctl & CTL_LOCAL);
		now += steps[(ctl >> CTL_CLOCK_SHIFT) & 3];
		lvs_core_tick(core, now);
		if (dp_parse(&f, &p) == DP_R_OK) {
			check_parsed(&f, &p);
			if (ctl & CTL_MARK)
				p.pkt.mark = 1;
			decide(&p, ctl & CTL_OUTBOUND, now);
		}
		free(f.data);
	}
	lvs_core_conn_flush(core);
	now += 3600000;
	lvs_core_tick(core, now);
	return 0;
}
