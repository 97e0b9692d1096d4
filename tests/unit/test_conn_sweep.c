/* test_conn_sweep.c - the expiry sweep with one expiry bound per group of
 * LVS_CONN_GROUP buckets (conn.c): an entry whose timeout is shortened
 * among long-lived neighbours still goes on time, a group that was swept
 * empty (bound far ahead) learns the bound of a new entry, a chain longer
 * than the sweep's release batch is emptied completely, a bucket and
 * its group bound live in the tail of the entry line with the same number
 * (no memory of their own), and every bucket's `second` hint equals its
 * head's hnext after inserts, lookups, deletes and sweeps. */
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/conn.h"

/* a hashed entry (caddr host, cport, vport) with timeout_ms, armed at now */
static struct lvs_conn *put(struct lvs_core *core, uint32_t chost, uint16_t cport, uint16_t vport,
			    uint32_t timeout_ms, uint64_t now_ms)
{
	union lvs_addr c = ip4h(chost), v = ip4h(0xac140001u), d = ip4h(0xc0a80101u);
	struct lvs_conn *cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, cport, &v, vport, &d, 80, 0, 0);

	assert_non_null(cp);
	conn_hash_armed(core, cp, timeout_ms, lvs_jiffies(now_ms));
	return cp;
}

static int present(struct lvs_core *core, uint32_t chost, uint16_t cport, uint16_t vport, uint64_t now_ms)
{
	union lvs_addr c = ip4h(chost), v = ip4h(0xac140001u);
	struct lvs_conn_sync out;

	return lvs_core_conn_find(core, AF_INET, IPPROTO_TCP, &c, cport, &v, vport, 0, now_ms, &out);
}

static void test_bucket_shares_the_entry_line(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct lvs_conn), 64);
	assert_int_equal(offsetof(struct lvs_conn, bucket_head), LVS_CONN_ENTRY_BYTES);
	assert_true(offsetof(struct lvs_conn, dest_idx) + sizeof(uint32_t) <= LVS_CONN_ENTRY_BYTES);
}

static void test_shortened_timeout_among_long_ones(void **state)
{
	(void)state;
	struct core_fx e;

	core_fx_init(&e, 1, 4096, NULL);
	e.now = 1000;
	lvs_core_tick(e.core, e.now);
	/* 3000 entries over the 4096 buckets: every group holds several */
	for (uint32_t i = 0; i < 3000; i++)
		put(e.core, 0x0a000000u + i, 1000, 80, 900000, e.now);
	lvs_core_tick(e.core, e.now + 1000);
	e.now += 2000;
	/* one of them drops to a 10 s timeout (as a state change would) */
	union lvs_addr c = ip4h(0x0a000000u + 1234);
	uint32_t b = lvs_conn_bucket(e.core, AF_INET, IPPROTO_TCP, &c, 1000);

	lvs_conn_lock_bucket(e.core, b);
	union lvs_addr v = ip4h(0xac140001u);
	struct lvs_conn *cp = lvs_conn_find_in_locked(e.core, b, AF_INET, IPPROTO_TCP, &c, 1000, &v, 80,
						      lvs_jiffies(e.now));

	assert_non_null(cp);
	cp->timeout = 10000;
	lvs_conn_arm(e.core, b, cp, lvs_jiffies(e.now));
	lvs_conn_unlock_bucket(e.core, b);
	/* a full pass a second: it goes between 10 s and 11 s later */
	core_fx_advance(&e, 9900, 100);
	assert_int_equal(lvs_core_conn_count(e.core), 3000);
	core_fx_advance(&e, 1200, 100);
	assert_int_equal(lvs_core_conn_count(e.core), 2999);
	assert_false(present(e.core, 0x0a000000u + 1234, 1000, 80, e.now));
	assert_true(present(e.core, 0x0a000000u + 1235, 1000, 80, e.now));
	assert_buckets_sane(e.core);
	core_fx_done(&e);
}

static void test_group_refilled_after_empty_sweep(void **state)
{
	(void)state;
	struct core_fx e;

	core_fx_init(&e, 1, 2048, NULL);
	e.now = 5000;
	for (uint32_t i = 0; i < 500; i++)
		put(e.core, 0x0b000000u + i, 2000, 80, 3000, e.now);
	/* everything expires; the groups' bounds move far ahead */
	lvs_core_tick(e.core, e.now);
	core_fx_advance(&e, 5000, 250);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	for (uint32_t i = 0; i < 500; i++)
		put(e.core, 0x0b000000u + i, 2000, 80, 2000, e.now);
	tick_core(e.core, e.now + 250, e.now + 1750, 250);
	assert_int_equal(lvs_core_conn_count(e.core), 500);
	tick_core(e.core, e.now + 2000, e.now + 3250, 250);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_buckets_sane(e.core);
	core_fx_done(&e);
}

/* 700 entries with one client key (only vport differs) share a chain:
 * more than one release batch in a single group */
static void test_long_chain_more_than_a_batch(void **state)
{
	(void)state;
	struct core_fx e;

	core_fx_init(&e, 1, 4096, NULL);
	e.now = 1000;
	for (uint16_t i = 0; i < 700; i++)
		put(e.core, 0x0c000001u, 3000, (uint16_t)(100 + i), 1000, e.now);
	put(e.core, 0x0c000002u, 3000, 80, 60000, e.now);
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 701);
	core_fx_advance(&e, 2400, 200);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_true(present(e.core, 0x0c000002u, 3000, 80, e.now));
	assert_buckets_sane(e.core);
	core_fx_done(&e);
}

/* random inserts and deletes (heads, middles, tails of chains) */
static void test_second_hint_random(void **state)
{
	(void)state;
	struct core_fx e;
	uint64_t x = 12345;
	static uint8_t live[3000];

	core_fx_init(&e, 1, 4096, NULL);
	e.now = 1000;
	memset(live, 0, sizeof(live));
	for (int step = 0; step < 20000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t i = (uint32_t)(x >> 33) % 3000;
		/* few client addresses: chains of several entries */
		uint32_t host = 0x0d000000u + i % 300;
		uint16_t vport = (uint16_t)(100 + i / 300);

		if (!live[i]) {
			put(e.core, host, 4000, vport, 600000, e.now);
			live[i] = 1;
			continue;
		}
		union lvs_addr c = ip4h(host), v = ip4h(0xac140001u);
		struct lvs_conn *cp = conn_find_in(e.core, AF_INET, &c, 4000, &v, vport, lvs_jiffies(e.now));

		assert_non_null(cp);
		conn_drop(e.core, AF_INET, &c, 4000, cp);
		live[i] = 0;
		if (step % 1000 == 0)
			assert_buckets_sane(e.core);
	}
	assert_buckets_sane(e.core);
	lvs_core_conn_flush(e.core);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_buckets_sane(e.core);
	core_fx_done(&e);
}

UNIT_TESTS(cmocka_unit_test(test_bucket_shares_the_entry_line),
	   cmocka_unit_test(test_shortened_timeout_among_long_ones),
	   cmocka_unit_test(test_group_refilled_after_empty_sweep),
	   cmocka_unit_test(test_long_chain_more_than_a_batch),
	   cmocka_unit_test(test_second_hint_random))
