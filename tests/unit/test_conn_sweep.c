/* test_conn_sweep.c - the expiry sweep with one expiry bound per group of
 * LVS_CONN_GROUP buckets (conn.c): an entry whose timeout is shortened
 * among long-lived neighbours still goes on time, a group that was swept
 * empty (bound far ahead) learns the bound of a new entry, a chain longer
 * than the sweep's release batch is emptied completely, a bucket and
 * its group bound live in the tail of the entry line with the same number
 * (no memory of their own), and every bucket's `second` hint equals its
 * head's hnext after inserts, lookups, deletes and sweeps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/table.h"
#include "core/pkt.h"
#include "core/conn.h"

static union lvs_addr ip4h(uint32_t host)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	a.ip = htonl(host);
	return a;
}

/* a hashed entry (caddr host, cport, vport) with timeout_ms, armed at now */
static struct lvs_conn *put(struct lvs_core *core, uint32_t chost, uint16_t cport, uint16_t vport,
			    uint32_t timeout_ms, uint64_t now_ms)
{
	union lvs_addr c = ip4h(chost), v = ip4h(0xac140001u), d = ip4h(0xc0a80101u);
	struct lvs_conn *cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, cport, &v, vport, &d, 80, 0, 0);

	assert_non_null(cp);
	cp->timeout = timeout_ms;
	lvs_conn_arm(core, LVS_NO_BUCKET, cp, lvs_jiffies(now_ms));
	lvs_conn_hash(core, cp);
	return cp;
}

static int present(struct lvs_core *core, uint32_t chost, uint16_t cport, uint16_t vport, uint64_t now_ms)
{
	union lvs_addr c = ip4h(chost), v = ip4h(0xac140001u);
	struct lvs_conn_sync out;

	return lvs_core_conn_find(core, AF_INET, IPPROTO_TCP, &c, cport, &v, vport, 0, now_ms, &out);
}

/* every bucket's prefetch hint is its head's successor */
static void assert_second_hints(struct lvs_core *core)
{
	assert_int_equal(core->nbuckets, core->cap + 1);
	for (uint32_t b = 0; b < core->nbuckets; b++) {
		uint32_t h = core->conns[b].bucket_head;

		assert_int_equal(core->conns[b].bucket_second, h ? core->conns[h].hnext : 0);
	}
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
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 4096, NULL);
	uint64_t now = 1000;

	assert_non_null(core);
	lvs_core_tick(core, now);
	/* 3000 entries over the 4096 buckets: every group holds several */
	for (uint32_t i = 0; i < 3000; i++)
		put(core, 0x0a000000u + i, 1000, 80, 900000, now);
	lvs_core_tick(core, now + 1000);
	now += 2000;
	/* one of them drops to a 10 s timeout (as a state change would) */
	union lvs_addr c = ip4h(0x0a000000u + 1234);
	uint32_t b = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &c, 1000);

	lvs_conn_lock_bucket(core, b);
	union lvs_addr v = ip4h(0xac140001u);
	struct lvs_conn *cp = lvs_conn_find_in_locked(core, b, AF_INET, IPPROTO_TCP, &c, 1000, &v, 80, lvs_jiffies(now));

	assert_non_null(cp);
	cp->timeout = 10000;
	lvs_conn_arm(core, b, cp, lvs_jiffies(now));
	lvs_conn_unlock_bucket(core, b);
	/* a full pass a second: it goes between 10 s and 11 s later */
	for (uint64_t ms = now + 100; ms <= now + 9900; ms += 100)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 3000);
	for (uint64_t ms = now + 10000; ms <= now + 11100; ms += 100)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 2999);
	assert_false(present(core, 0x0a000000u + 1234, 1000, 80, now + 11100));
	assert_true(present(core, 0x0a000000u + 1235, 1000, 80, now + 11100));
	assert_second_hints(core);
	lvs_core_free(core);
	lvs_table_free(t);
}

static void test_group_refilled_after_empty_sweep(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 2048, NULL);
	uint64_t now = 5000;

	assert_non_null(core);
	for (uint32_t i = 0; i < 500; i++)
		put(core, 0x0b000000u + i, 2000, 80, 3000, now);
	/* everything expires; the groups' bounds move far ahead */
	for (uint64_t ms = now; ms <= now + 5000; ms += 250)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 0);
	now += 5000;
	for (uint32_t i = 0; i < 500; i++)
		put(core, 0x0b000000u + i, 2000, 80, 2000, now);
	for (uint64_t ms = now + 250; ms <= now + 1750; ms += 250)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 500);
	for (uint64_t ms = now + 2000; ms <= now + 3250; ms += 250)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 0);
	assert_second_hints(core);
	lvs_core_free(core);
	lvs_table_free(t);
}

/* 700 entries with one client key (only vport differs) share a chain:
 * more than one release batch in a single group */
static void test_long_chain_more_than_a_batch(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 4096, NULL);
	uint64_t now = 1000;

	assert_non_null(core);
	for (uint16_t i = 0; i < 700; i++)
		put(core, 0x0c000001u, 3000, (uint16_t)(100 + i), 1000, now);
	put(core, 0x0c000002u, 3000, 80, 60000, now);
	lvs_core_tick(core, now);
	assert_int_equal(lvs_core_conn_count(core), 701);
	for (uint64_t ms = now + 200; ms <= now + 2400; ms += 200)
		lvs_core_tick(core, ms);
	assert_int_equal(lvs_core_conn_count(core), 1);
	assert_true(present(core, 0x0c000002u, 3000, 80, now + 2400));
	assert_second_hints(core);
	lvs_core_free(core);
	lvs_table_free(t);
}

/* random inserts and deletes (heads, middles, tails of chains) */
static void test_second_hint_random(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 4096, NULL);
	uint64_t now = 1000, x = 12345;
	static uint8_t live[3000];

	assert_non_null(core);
	memset(live, 0, sizeof(live));
	for (int step = 0; step < 20000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t i = (uint32_t)(x >> 33) % 3000;
		/* few client addresses: chains of several entries */
		uint32_t host = 0x0d000000u + i % 300;
		uint16_t vport = (uint16_t)(100 + i / 300);

		if (!live[i]) {
			put(core, host, 4000, vport, 600000, now);
			live[i] = 1;
			continue;
		}
		union lvs_addr c = ip4h(host), v = ip4h(0xac140001u);
		uint32_t b = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &c, 4000);

		lvs_conn_lock_bucket(core, b);
		struct lvs_conn *cp = lvs_conn_find_in_locked(core, b, AF_INET, IPPROTO_TCP, &c, 4000, &v, vport,
							      lvs_jiffies(now));
		assert_non_null(cp);
		lvs_conn_unhash_locked(core, b, cp);
		lvs_conn_unlock_bucket(core, b);
		lvs_conn_release(core, 0, cp, 0);
		live[i] = 0;
		if (step % 1000 == 0)
			assert_second_hints(core);
	}
	assert_second_hints(core);
	lvs_core_conn_flush(core);
	assert_int_equal(lvs_core_conn_count(core), 0);
	assert_second_hints(core);
	lvs_core_free(core);
	lvs_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_shares_the_entry_line),
		cmocka_unit_test(test_shortened_timeout_among_long_ones),
		cmocka_unit_test(test_group_refilled_after_empty_sweep),
		cmocka_unit_test(test_long_chain_more_than_a_batch),
		cmocka_unit_test(test_second_hint_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
