/* test_conn_layout.c - the 64-byte line layout of the connection table
 * (conn-t.h): IPv6 entries (extension id in the IPv4 client word), mixed
 * families, fwmarks in the side array and their reset when an id is
 * reused, entry lines whose tail holds another chain's bucket, and the dest
 * registry (32-bit dest indexes: shared per dest, released with the last
 * entry, reused, the map intact after many removals). */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/conn.h"
#include "lib/strbuf.h"

static void test_line_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct lvs_conn), 64);
	assert_int_equal(offsetof(struct lvs_conn, bucket_head), LVS_CONN_ENTRY_BYTES);
	assert_int_equal(offsetof(struct lvs_conn, caddr), offsetof(struct lvs_conn, ext));
	/* the flow offload bits and the mark bit do not collide */
	assert_int_equal(LVS_CONN_FAM_MARK & (LVS_CONN_FAM_V6 | LVS_CONN_FAM_DV6 | LVS_CONN_FAM_SYNC |
					      LVS_CONN_FAM_OFFLOAD | LVS_CONN_FAM_FREE), 0);
}

static void test_families_and_marks(void **state)
{
	struct core_fx fx;
	uint32_t jnow = lvs_jiffies(10000);
	union lvs_addr c4 = ip4("172.16.0.9"), v4 = ip4("10.0.0.1"), d4 = ip4("192.168.0.7");
	union lvs_addr c6 = ip6("2001:db8:1::9"), v6 = ip6("2001:db8::1"), d6 = ip6("2001:db8:9::7");
	union lvs_addr c, v, d;
	struct lvs_conn_sync e;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	core_fx_init(&fx, 1, 64, NULL);
	struct lvs_core *core = fx.core;

	struct lvs_conn *plain = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c4, 1000, &v4, 80, &d4, 8080, 0, 0);
	struct lvs_conn *marked =
		lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c4, 1001, &v4, 80, &d4, 8080, 0, 0x1234abcdu);
	struct lvs_conn *six = lvs_conn_new(core, 0, AF_INET6, AF_INET6, IPPROTO_TCP, &c6, 1002, &v6, 80, &d6, 80, 0, 7);
	struct lvs_conn *mixed = lvs_conn_new(core, 0, AF_INET, AF_INET6, IPPROTO_TCP, &c4, 1003, &v4, 80, &d6, 80, 0, 0);

	assert_non_null(plain);
	assert_non_null(marked);
	assert_non_null(six);
	assert_non_null(mixed);
	conn_hash_armed(core, plain, 60000, jnow);
	conn_hash_armed(core, marked, 60000, jnow);
	conn_hash_armed(core, six, 60000, jnow);
	conn_hash_armed(core, mixed, 60000, jnow);

	/* the IPv4 client word holds the address, or the extension id */
	assert_int_equal(plain->caddr, c4.ip);
	assert_true(six->ext >= 1 && six->ext <= core->ext_cap);
	assert_true(mixed->ext >= 1 && mixed->ext != six->ext);
	assert_int_equal(lvs_conn_fwmark(core, plain), 0);
	assert_int_equal(lvs_conn_fwmark(core, marked), 0x1234abcdu);
	assert_int_equal(lvs_conn_fwmark(core, six), 7);
	assert_int_equal(lvs_conn_fwmark(core, mixed), 0);

	/* found by both keys, addresses read back whole */
	assert_ptr_equal(conn_find_in(core, AF_INET, &c4, 1000, &v4, 80, jnow), plain);
	assert_ptr_equal(conn_find_in(core, AF_INET, &c4, 1001, &v4, 80, jnow), marked);
	assert_ptr_equal(conn_find_in(core, AF_INET6, &c6, 1002, &v6, 80, jnow), six);
	assert_ptr_equal(conn_find_out(core, AF_INET6, &c6, 1002, &d6, 80, jnow), six);
	assert_ptr_equal(conn_find_in(core, AF_INET, &c4, 1003, &v4, 80, jnow), mixed);
	assert_null(conn_find_in(core, AF_INET6, &c6, 1002, &v4, 80, jnow));
	assert_null(conn_find_out(core, AF_INET, &c4, 1000, &d6, 8080, jnow));
	lvs_conn_addrs(core, mixed, &c, &v, &d);
	assert_true(lvs_addr_equal(AF_INET, &c, &c4) && lvs_addr_equal(AF_INET, &v, &v4));
	assert_true(lvs_addr_equal(AF_INET6, &d, &d6));
	assert_int_equal(lvs_conn_af(mixed), AF_INET);
	assert_int_equal(lvs_conn_daf(mixed), AF_INET6);

	/* the flat form (sync) carries the marks and addresses */
	lvs_conn_export(core, six, 10000, &e);
	assert_int_equal(e.af, AF_INET6);
	assert_int_equal(e.fwmark, 7);
	assert_true(lvs_addr_equal(AF_INET6, &e.caddr, &c6) && lvs_addr_equal(AF_INET6, &e.vaddr, &v6) &&
		    lvs_addr_equal(AF_INET6, &e.daddr, &d6));
	lvs_conn_export(core, marked, 10000, &e);
	assert_int_equal(e.fwmark, 0x1234abcdu);
	assert_int_equal(e.caddr.ip, c4.ip);
	lvs_conn_export(core, plain, 10000, &e);
	assert_int_equal(e.fwmark, 0);

	lvs_core_conn_proc(core, &sb, 10000);
	assert_non_null(strstr(sb.buf, "TCP AC100009 03E9 0A000001 0050 C0A80007 1F90"));
	assert_non_null(strstr(sb.buf, "TCP 2001:0db8:0001:0000:0000:0000:0000:0009 03EA "));
	sb_free(&sb);
	assert_buckets_sane(core);

	/* an id coming back from the free list starts without a mark or an
	 * extension: the worker's cache hands the same id out again */
	uint32_t marked_id = lvs_conn_id(core, marked), six_id = lvs_conn_id(core, six);
	conn_drop(core, AF_INET, &c4, 1001, marked);
	struct lvs_conn *again = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c4, 1004, &v4, 80, &d4, 80, 0, 0);
	assert_int_equal(lvs_conn_id(core, again), marked_id);
	assert_int_equal(lvs_conn_fwmark(core, again), 0);
	assert_int_equal(again->caddr, c4.ip);
	conn_hash_armed(core, again, 60000, jnow);

	conn_drop(core, AF_INET6, &c6, 1002, six);
	/* an IPv4 entry on the old IPv6 id keeps its client address inline */
	struct lvs_conn *four = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c4, 1005, &v4, 80, &d4, 80, 0, 0);
	assert_int_equal(lvs_conn_id(core, four), six_id);
	assert_int_equal(four->fam & (LVS_CONN_FAM_V6 | LVS_CONN_FAM_DV6 | LVS_CONN_FAM_MARK), 0);
	conn_hash_armed(core, four, 60000, jnow);
	assert_ptr_equal(conn_find_in(core, AF_INET, &c4, 1005, &v4, 80, jnow), four);
	assert_null(conn_find_in(core, AF_INET6, &c6, 1002, &v6, 80, jnow));
	assert_buckets_sane(core);

	core_fx_done(&fx);
}

/* Ids whose lines hold the heads of other chains are freed and reused:
 * clearing an entry must leave the bucket in its line alone. */
static void test_reused_lines_keep_their_buckets(void **state)
{
	const uint32_t N = 4096;
	struct core_fx fx;
	union lvs_addr v = ip4("10.0.0.1"), d = ip4("192.168.0.1");
	uint32_t jnow = lvs_jiffies(1000);

	(void)state;
	core_fx_init(&fx, 1, N, NULL);
	struct lvs_core *core = fx.core;

	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < N; i++) {
			union lvs_addr c = ip4h(0x0a000000u + i + round * N);

			if (conn_find_in(core, AF_INET, &c, 2000, &v, 80, jnow))
				continue;
			struct lvs_conn *cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, 2000, &v, 80,
							   &d, 80, 0, i & 1 ? i : 0);
			if (!cp)
				break;  /* full: the odd ones of the last round are still there */
			conn_hash_armed(core, cp, 60000, jnow);
		}
		/* drop the even ones of this round */
		for (uint32_t i = 0; i < N; i += 2) {
			union lvs_addr c = ip4h(0x0a000000u + i + round * N);
			struct lvs_conn *cp = conn_find_in(core, AF_INET, &c, 2000, &v, 80, jnow);

			if (cp)
				conn_drop(core, AF_INET, &c, 2000, cp);
		}
		assert_buckets_sane(core);
	}
	/* every survivor is still found, with its mark */
	size_t found = 0;
	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t i = 1; i < N; i += 2) {
			union lvs_addr c = ip4h(0x0a000000u + i + round * N);
			struct lvs_conn *cp = conn_find_in(core, AF_INET, &c, 2000, &v, 80, jnow);

			if (!cp)
				continue;
			assert_int_equal(lvs_conn_fwmark(core, cp), i);
			found++;
		}
	}
	assert_int_equal(found, lvs_core_conn_count(core));
	assert_true(found >= N / 2);
	core_fx_done(&fx);
}

#define NDEST 600

static void test_dest_registry(void **state)
{
	struct core_fx fx;
	struct lvs_service_conf sc;
	struct lvs_dest *dests[NDEST];
	struct lvs_conn *conns[NDEST][2];
	union lvs_addr v = ip4("10.0.0.1");
	uint32_t jnow = lvs_jiffies(1000), max_idx = 0;

	(void)state;
	core_fx_init(&fx, 1, 4 * NDEST, NULL);
	struct lvs_core *core = fx.core;

	sc = svc_conf("10.0.0.1", 80, "rr");
	struct lvs_service *svc = add_svc(fx.t, &sc);

	assert_ptr_equal(lvs_svc_lookup(fx.t, AF_INET, IPPROTO_TCP, &v, 80), svc);
	for (uint32_t i = 0; i < NDEST; i++) {
		char ip[INET_ADDRSTRLEN];
		union lvs_addr a = ip4h(0xc0a80000u + 1 + i);

		dests[i] = add_dest(fx.t, &sc, inet_ntop(AF_INET, &a.ip, ip, sizeof(ip)), 80, 1, LVS_CONN_F_MASQ);
		assert_non_null(dests[i]);
	}
	/* two entries per dest share one index; different dests differ */
	for (uint32_t i = 0; i < NDEST; i++) {
		for (int k = 0; k < 2; k++) {
			union lvs_addr c = ip4h(0x0a000000u + 2 * i + (uint32_t)k);
			struct lvs_conn *cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, 3000, &v, 80,
							   &dests[i]->addr, 80, 0, 0);
			assert_non_null(cp);
			lvs_conn_bind_dest(core, cp, dests[i]);
			conn_hash_armed(core, cp, 60000, jnow);
			conns[i][k] = cp;
		}
		assert_int_equal(conns[i][0]->dest_idx, conns[i][1]->dest_idx);
		assert_ptr_equal(lvs_conn_dest(core, conns[i][0]), dests[i]);
		assert_int_equal(dests[i]->inactconns, 2);
		if (conns[i][0]->dest_idx > max_idx)
			max_idx = conns[i][0]->dest_idx;
		if (i)
			assert_int_not_equal(conns[i][0]->dest_idx, conns[i - 1][0]->dest_idx);
	}
	assert_int_equal(core->dmap_used, NDEST);
	assert_int_equal(max_idx, NDEST);

	/* release one entry of every dest, then both of every third: the
	 * map survives the removals, the others still resolve */
	for (uint32_t i = 0; i < NDEST; i++) {
		for (int k = (i % 3 == 0) ? 0 : 1; k < 2; k++) {
			struct lvs_conn *cp = conns[i][k];
			union lvs_addr c = ip4h(0x0a000000u + 2 * i + (uint32_t)k);

			conn_drop(core, AF_INET, &c, 3000, cp);
			conns[i][k] = NULL;
		}
	}
	assert_int_equal(core->dmap_used, NDEST - (NDEST + 2) / 3);
	for (uint32_t i = 0; i < NDEST; i++) {
		if (i % 3 == 0) {
			assert_int_equal(dests[i]->inactconns, 0);
			continue;
		}
		assert_int_equal(dests[i]->inactconns, 1);
		assert_ptr_equal(lvs_conn_dest(core, conns[i][0]), dests[i]);
	}
	/* binding again: every dest still bound keeps its index (the map
	 * still finds it after the removals), a released one gets a freed
	 * index (no growth) */
	union lvs_addr c;
	struct lvs_conn *cp;
	for (uint32_t i = 0; i < NDEST; i++) {
		if (i % 3 == 0)
			continue;
		c = ip4h(0x0c000000u + i);
		cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, 3000, &v, 80, &dests[i]->addr, 80, 0, 0);
		assert_non_null(cp);
		lvs_conn_bind_dest(core, cp, dests[i]);
		assert_int_equal(cp->dest_idx, conns[i][0]->dest_idx);
		conn_hash_armed(core, cp, 60000, jnow);
	}
	assert_int_equal(core->dmap_used, NDEST - (NDEST + 2) / 3);
	c = ip4h(0x0b000002u);
	cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, 3000, &v, 80, &dests[0]->addr, 80, 0, 0);
	lvs_conn_bind_dest(core, cp, dests[0]);
	assert_true(cp->dest_idx >= 1 && cp->dest_idx <= NDEST);
	assert_ptr_equal(lvs_conn_dest(core, cp), dests[0]);
	conn_hash_armed(core, cp, 60000, jnow);
	/* an entry without a dest has index 0 */
	c = ip4h(0x0b000003u);
	cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, 3000, &v, 80, &v, 80, 0, 0);
	lvs_conn_bind_dest(core, cp, NULL);
	assert_int_equal(cp->dest_idx, 0);
	assert_null(lvs_conn_dest(core, cp));
	conn_hash_armed(core, cp, 60000, jnow);

	/* the end: every reference and index is given back */
	lvs_core_conn_flush(core);
	assert_int_equal(lvs_core_conn_count(core), 0);
	assert_int_equal(core->dmap_used, 0);
	for (uint32_t i = 0; i < NDEST; i++)
		assert_int_equal(dests[i]->inactconns + dests[i]->activeconns, 0);
	core_fx_done(&fx);
}

UNIT_TESTS(cmocka_unit_test(test_line_layout),
	   cmocka_unit_test(test_families_and_marks),
	   cmocka_unit_test(test_reused_lines_keep_their_buckets),
	   cmocka_unit_test(test_dest_registry))
