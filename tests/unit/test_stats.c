/* test_stats.c - counters and the Linux 6.1 estimator (ip_vs_est.c): the
 * worked example, rounding of the readout, bytes scaling, zeroing, slots. */

#include "fixture.h"
#include "core/stats.h"

/* steady 100 new conns/s, estimator every 2 s (the estimator's own arithmetic, worked by hand) */
static void test_worked_example(void **state)
{
	(void)state;
	static const uint64_t want[] = { 25, 44, 58, 68, 76, 82, 87, 90, 92, 94 };
	static const int64_t want_raw[] = { 25600, 44800, 59200, 70000 };
	struct lvs_stats st;
	struct lvs_stats_view v;

	assert_int_equal(lvs_stats_init(&st), 0);
	for (int i = 0; i < 10; i++) {
		lvs_stats_slot(&st, 0)->conns += 200;
		lvs_stats_estimate(&st);
		if (i < 4)
			assert_int_equal(st.cps, want_raw[i]);
		lvs_stats_read(&st, &v);
		assert_int_equal(v.r.cps, want[i]);
		assert_int_equal(v.c.conns, 200 * (i + 1));
	}
	/* converges to 100 */
	for (int i = 0; i < 100; i++) {
		lvs_stats_slot(&st, 0)->conns += 200;
		lvs_stats_estimate(&st);
	}
	lvs_stats_read(&st, &v);
	assert_int_equal(v.r.cps, 100);
	lvs_stats_destroy(&st);
}

/* readout: (x + 0x1FF) >> 10 and (x + 0xF) >> 5: 0.5 rounds down */
static void test_readout_rounding(void **state)
{
	(void)state;
	struct lvs_stats st;
	struct lvs_stats_view v;

	assert_int_equal(lvs_stats_init(&st), 0);
	st.cps = 512; /* 0.5 conns/s */
	st.inpps = 513;
	st.outpps = 1535;
	st.inbps = 16; /* 0.5 B/s */
	st.outbps = 17;
	lvs_stats_read(&st, &v);
	assert_int_equal(v.r.cps, 0);
	assert_int_equal(v.r.inpps, 1);
	assert_int_equal(v.r.outpps, 1);
	assert_int_equal(v.r.inbps, 0);
	assert_int_equal(v.r.outbps, 1);
	lvs_stats_destroy(&st);
}

/* bytes use shift 4 (scale 2^5): 1000 B/s steady -> first tick 250 */
static void test_bytes_and_packets(void **state)
{
	(void)state;
	struct lvs_stats st;
	struct lvs_stats_view v;

	assert_int_equal(lvs_stats_init(&st), 0);
	*lvs_stats_slot(&st, 0) = (struct lvs_counters){ .inbytes = 2000, .outbytes = 4000, .inpkts = 20, .outpkts = 40 };
	lvs_stats_estimate(&st);
	assert_int_equal(st.inbps, (2000 << 4) >> 2);
	lvs_stats_read(&st, &v);
	assert_int_equal(v.r.inbps, 250);
	assert_int_equal(v.r.outbps, 500);
	assert_int_equal(v.r.inpps, 2);  /* 10/s * 1/4 = 2.5: (2560+511)>>10 rounds down */
	assert_int_equal(v.r.outpps, 5);
	assert_int_equal(v.c.inbytes, 2000);
	assert_int_equal(v.c.outpkts, 40);
	/* no traffic: the average decays by 1/4 per tick */
	lvs_stats_estimate(&st);
	assert_int_equal(st.inbps, 8000 - 2000);
	lvs_stats_destroy(&st);
}

static void test_zero(void **state)
{
	(void)state;
	struct lvs_stats st;
	struct lvs_stats_view v;

	assert_int_equal(lvs_stats_init(&st), 0);
	*lvs_stats_slot(&st, 0) = (struct lvs_counters){ .conns = 50, .inbytes = 5000 };
	lvs_stats_estimate(&st);
	lvs_stats_zero(&st);
	lvs_stats_read(&st, &v);
	assert_int_equal(v.c.conns, 0);
	assert_int_equal(v.c.inbytes, 0);
	assert_int_equal(v.r.cps, 0);
	assert_int_equal(v.r.inbps, 0);
	/* counting resumes from the zero point; the next rate only sees the
	 * new delta (last = kstats at zeroing) */
	lvs_stats_slot(&st, 0)->conns = 60;
	lvs_stats_estimate(&st);
	lvs_stats_read(&st, &v);
	assert_int_equal(v.c.conns, 10);
	assert_int_equal(st.cps, (10 << 9) >> 2);
	lvs_stats_destroy(&st);
}

/* counters are the sum of every worker's slot, each on its own line */
static void test_slots(void **state)
{
	(void)state;
	struct lvs_stats st;
	struct lvs_stats_view v;

	lvs_stats_set_nslots(4);
	assert_int_equal(lvs_stats_nslots(), 4);
	assert_int_equal(lvs_stats_init(&st), 0);
	assert_int_equal((uintptr_t)st.slots % 64, 0);
	for (unsigned w = 0; w < 4; w++)
		lvs_stats_slot(&st, w)->conns = w + 1;
	lvs_stats_estimate(&st);
	lvs_stats_read(&st, &v);
	assert_int_equal(v.c.conns, 10);
	lvs_stats_destroy(&st);
	lvs_stats_set_nslots(0); /* 0 means 1 */
	assert_int_equal(lvs_stats_nslots(), 1);
}

UNIT_TESTS(cmocka_unit_test(test_worked_example),
	   cmocka_unit_test(test_readout_rounding),
	   cmocka_unit_test(test_bytes_and_packets),
	   cmocka_unit_test(test_zero),
	   cmocka_unit_test(test_slots))
