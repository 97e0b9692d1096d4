/* test_sched_basic.c - rr, wrr, lc, wlc, sed, nq, fo, ovf, twos picks and
 * the scheduler registry, driven through the real table (so add/del/edit
 * hooks run exactly as in the daemon). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/sched.h"

#define VIP "172.20.0.25"

static const char *name_of(const struct lvs_dest *d)
{
	return rs_name(d ? &d->addr : NULL);
}

/* n picks as "a b c ..."; with inact, each pick leaves a finished
 * (inactive) connection on its dest */
static const char *picks_counted(struct lvs_service *s, int n, int inact)
{
	static char out[1024];

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		struct lvs_dest *d = lvs_sched_schedule(s, NULL, 0);

		if (i)
			strcat(out, " ");
		strcat(out, name_of(d));
		if (d && inact)
			d->inactconns++;
	}
	return out;
}

static const char *picks(struct lvs_service *s, int n)
{
	return picks_counted(s, n, 0);
}

/* the tests' service is sched on VIP:80, its dests NAT on port 80 */
static void add(struct svc_fx *f, const char *ip, int w)
{
	add_dest(f->t, &f->c, ip, 80, w, LVS_CONN_F_MASQ);
}

static void edit(struct svc_fx *f, const char *ip, int w)
{
	edit_dest(f->t, &f->c, ip, 80, w, LVS_CONN_F_MASQ);
}

static void del(struct svc_fx *f, const char *ip)
{
	del_dest(f->t, &f->c, ip, 80);
}

static struct lvs_dest *dest_of(struct svc_fx *f, const char *ip)
{
	return find_dest(f->t, &f->c, ip, 80);
}

/* the dests follow as ip, weight pairs, added in that order; NULL ends */
static struct svc_fx make(const char *sched, ...)
{
	struct svc_fx f = svc_fx_new(svc_conf(VIP, 80, sched));
	va_list ap;
	const char *ip;

	va_start(ap, sched);
	while ((ip = va_arg(ap, const char *)))
		add(&f, ip, va_arg(ap, int));
	va_end(ap);
	return f;
}

/* ------------------------------------------------------------- registry */

static void test_registry_all_14(void **state)
{
	(void)state;
	static const char *names[] = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh",
				       "sh", "sed", "nq", "fo", "ovf", "mh", "twos" };
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct lvs_sched_ops *o = lvs_sched_find(names[i]);

		assert_non_null(o);
		assert_string_equal(o->name, names[i]);
		assert_true(o->schedule || o->pick);
	}
	while (lvs_schedulers[n])
		n++;
	assert_int_equal(n, 14);
	assert_null(lvs_sched_find("none"));
	assert_null(lvs_sched_find("nosuch"));
	assert_null(lvs_sched_find(""));
	assert_null(lvs_sched_find(NULL));
}

/* ------------------------------------------------------------------- rr */

/* as kernel 6.1 picks (tests/golden): dests added rs1(.16) then rs2(.8): rs2 rs1 rs2 rs1 ... */
static void test_rr_oracle_starts_at_newest(void **state)
{
	(void)state;
	struct svc_fx f = make("rr", RS1, 1, RS2, 1, NULL);
	assert_string_equal(picks(f.s, 10), "rs2 rs1 rs2 rs1 rs2 rs1 rs2 rs1 rs2 rs1");
	lvs_table_free(f.t);
}

static void test_rr_cursor_survives_delete(void **state)
{
	(void)state;
	struct svc_fx f = make("rr", RS1, 1, RS2, 1, RS3, 1, NULL); /* list: rs3 rs2 rs1 */
	assert_string_equal(picks(f.s, 2), "rs3 rs2");
	/* cursor on rs2; deleting it moves the cursor back to rs3, so the
	 * rotation goes on with rs1 (not restarting at the head) */
	del(&f, RS2);
	assert_string_equal(picks(f.s, 4), "rs1 rs3 rs1 rs3");
	/* cursor on rs3 = first element: deleting it leaves the head */
	del(&f, RS3);
	add(&f, RS2, 1); /* list: rs2 rs1 */
	assert_string_equal(picks(f.s, 3), "rs2 rs1 rs2");
	lvs_table_free(f.t);
}

static void test_rr_skips_weight0_and_overload(void **state)
{
	(void)state;
	struct svc_fx f = make("rr", NULL);

	assert_null(lvs_sched_schedule(f.s, NULL, 0)); /* empty */
	add(&f, RS1, 1);
	add(&f, RS2, 0);
	add(&f, RS3, 1);
	assert_string_equal(picks(f.s, 4), "rs3 rs1 rs3 rs1");
	dest_of(&f, RS3)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 3), "rs1 rs1 rs1");
	dest_of(&f, RS1)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 2), "- -");
	lvs_table_free(f.t);
}

/* ------------------------------------------------------------------ wrr */

/* as kernel 6.1 picked real traffic: weights rs1=3 rs2=2 rs3=1 */
static void test_wrr_oracle_added_1_2_3(void **state)
{
	(void)state;
	struct svc_fx f = make("wrr", RS1, 3, RS2, 2, RS3, 1, NULL);
	assert_string_equal(picks(f.s, 12), "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 rs1 rs2 rs1");
	lvs_table_free(f.t);
}

static void test_wrr_oracle_added_3_2_1(void **state)
{
	(void)state;
	struct svc_fx f = make("wrr", RS3, 1, RS2, 2, RS1, 3, NULL);
	assert_string_equal(picks(f.s, 12), "rs1 rs2 rs3 rs1 rs1 rs2 rs1 rs2 rs3 rs1 rs1 rs2");
	lvs_table_free(f.t);
}

/* binding wrr to a service whose dests exist gives a fresh cw = max
 * (ip_vs_wrr.c): list rs1(3) rs2(2) rs3(1) -> rs1 rs1 rs2 rs1 rs2 rs3 */
static void test_wrr_fresh_state_after_sched_change(void **state)
{
	(void)state;
	struct svc_fx f = make("rr", RS3, 1, RS2, 2, RS1, 3, NULL); /* list rs1 rs2 rs3 */
	f.c = svc_conf(VIP, 80, "wrr");
	assert_int_equal(lvs_edit_service(f.t, &f.c), 0);
	assert_string_equal(f.s->sched_name, "wrr");
	assert_string_equal(picks(f.s, 12), "rs1 rs1 rs2 rs1 rs2 rs3 rs1 rs1 rs2 rs1 rs2 rs3");
	lvs_table_free(f.t);
}

/* gcd > 1: A=4, B=2 added A then B (di 2, mw 3): B A A B A A (ip_vs_wrr.c) */
static void test_wrr_gcd(void **state)
{
	(void)state;
	struct svc_fx f = make("wrr", RS1, 4, RS2, 2, NULL);
	assert_string_equal(picks(f.s, 6), "rs2 rs1 rs1 rs2 rs1 rs1");
	lvs_table_free(f.t);
}

static void test_wrr_weights_zero_and_overload(void **state)
{
	(void)state;
	struct svc_fx f = make("wrr", NULL);

	assert_null(lvs_sched_schedule(f.s, NULL, 0));
	add(&f, RS1, 0);
	add(&f, RS2, 0);
	assert_null(lvs_sched_schedule(f.s, NULL, 0)); /* mw == 0 */
	edit(&f, RS1, 2);
	assert_string_equal(picks(f.s, 3), "rs1 rs1 rs1");
	dest_of(&f, RS1)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 2), "- -"); /* all overloaded: terminates */
	dest_of(&f, RS1)->flags &= ~LVS_DEST_F_OVERLOAD;
	edit(&f, RS2, 1);
	/* list rs2(1) rs1(2): every pick over 3 has rs1 twice */
	const char *p = picks(f.s, 6);
	int n1 = 0;

	for (const char *q = p; (q = strstr(q, "rs1")); q++)
		n1++;
	assert_int_equal(n1, 4);
	lvs_table_free(f.t);
}

/* -------------------------------------------------------- lc/wlc/sed/nq */

static void set_conns(struct svc_fx *f, const char *ip, int active, int inactive)
{
	struct lvs_dest *d = dest_of(f, ip);

	d->activeconns = active;
	d->inactconns = inactive;
}

static void test_lc(void **state)
{
	(void)state;
	struct svc_fx f = make("lc", RS1, 1, RS2, 5, RS3, 1, NULL); /* list rs3 rs2 rs1 */
	assert_string_equal(picks(f.s, 1), "rs3"); /* all zero: first wins */
	set_conns(&f, RS3, 1, 0);                  /* 256 + 1 total = 257 */
	set_conns(&f, RS2, 0, 300);                /* 300 */
	set_conns(&f, RS1, 0, 256);                /* 256 */
	assert_string_equal(picks(f.s, 1), "rs1");
	set_conns(&f, RS1, 0, 257); /* tie with rs3: earlier in list wins */
	assert_string_equal(picks(f.s, 1), "rs3");
	edit(&f, RS3, 0); /* weight 0 is skipped; lc ignores weight otherwise */
	assert_string_equal(picks(f.s, 1), "rs1");
	dest_of(&f, RS1)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 1), "rs2");
	dest_of(&f, RS2)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 1), "-");
	lvs_table_free(f.t);
}

static void test_wlc(void **state)
{
	(void)state;
	struct svc_fx f = make("wlc", RS1, 3, RS2, 1, NULL); /* list rs2 rs1 */
	assert_string_equal(picks(f.s, 1), "rs2");
	/* overhead = 257*active + inactive: rs2 257/1 ; rs1 514/3 -> rs1 */
	set_conns(&f, RS2, 1, 0);
	set_conns(&f, RS1, 2, 0);
	assert_string_equal(picks(f.s, 1), "rs1");
	/* rs1: 771/3 = 257 ties rs2 -> the earlier (rs2) keeps it */
	set_conns(&f, RS1, 3, 0);
	assert_string_equal(picks(f.s, 1), "rs2");
	/* inactive counts 1/256 of an active one */
	set_conns(&f, RS1, 3, 0);
	set_conns(&f, RS2, 1, 1);
	assert_string_equal(picks(f.s, 1), "rs1");
	/* weight 0 never wins even with no connections */
	add(&f, RS3, 0);
	assert_string_equal(picks(f.s, 1), "rs1");
	assert_ptr_equal(lvs_sched_wlc_pick(f.s), dest_of(&f, RS1));
	edit(&f, RS1, 0);
	edit(&f, RS2, 0);
	assert_null(lvs_sched_wlc_pick(f.s));
	lvs_table_free(f.t);
}

static void test_sed(void **state)
{
	(void)state;
	struct svc_fx f = make("sed", RS1, 1, RS2, 3, NULL); /* list rs2 rs1 */
	/* (0+1)/3 < (0+1)/1 */
	assert_string_equal(picks(f.s, 1), "rs2");
	/* rs2: 3/3 = 1 ; rs1: 1/1 = 1 -> tie, rs2 first */
	set_conns(&f, RS2, 2, 0);
	assert_string_equal(picks(f.s, 1), "rs2");
	set_conns(&f, RS2, 3, 0); /* 4/3 > 1 */
	assert_string_equal(picks(f.s, 1), "rs1");
	/* inactive connections are ignored by sed */
	set_conns(&f, RS1, 0, 1000);
	assert_string_equal(picks(f.s, 1), "rs1");
	lvs_table_free(f.t);
}

static void test_nq(void **state)
{
	(void)state;
	struct svc_fx f = make("nq", RS1, 1, RS2, 10, RS3, 1, NULL); /* list rs3 rs2 rs1 */
	set_conns(&f, RS3, 1, 0);
	set_conns(&f, RS2, 1, 0);
	/* rs1 is idle: taken at once although rs2 has a much better ratio */
	assert_string_equal(picks(f.s, 1), "rs1");
	set_conns(&f, RS1, 1, 0);
	/* nobody idle: sed rule, rs2 2/10 */
	assert_string_equal(picks(f.s, 1), "rs2");
	/* an idle dest of weight 0 is still skipped */
	edit(&f, RS3, 0);
	set_conns(&f, RS3, 0, 0);
	assert_string_equal(picks(f.s, 1), "rs2");
	lvs_table_free(f.t);
}

/* ---------------------------------------------------------------- fo/ovf */

static void test_fo(void **state)
{
	(void)state;
	struct svc_fx f = make("fo", RS1, 5, RS2, 5, RS3, 1, NULL); /* list rs3 rs2 rs1 */
	assert_string_equal(picks(f.s, 3), "rs2 rs2 rs2"); /* tie: first in list */
	dest_of(&f, RS2)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 1), "rs1");
	edit(&f, RS1, 0);
	assert_string_equal(picks(f.s, 1), "rs3");
	edit(&f, RS3, 0);
	assert_string_equal(picks(f.s, 1), "-");
	lvs_table_free(f.t);
}

static void test_ovf(void **state)
{
	(void)state;
	struct svc_fx f = make("ovf", RS1, 2, RS2, 3, NULL); /* list rs2 rs1 */
	assert_string_equal(picks(f.s, 1), "rs2");
	set_conns(&f, RS2, 3, 50); /* active == weight: still eligible */
	assert_string_equal(picks(f.s, 1), "rs2");
	set_conns(&f, RS2, 4, 0); /* active > weight: overflow to rs1 */
	assert_string_equal(picks(f.s, 1), "rs1");
	set_conns(&f, RS1, 3, 0);
	assert_string_equal(picks(f.s, 1), "-");
	lvs_table_free(f.t);
}

/* ------------------------------------------------------------------ twos */

/* the reference 6.1 kernel has no twos: ENOENT unless enabled (oracle,
 * golden cases 034/226) */
static void test_twos_unavailable_by_default(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf c = svc_conf(VIP, 80, "twos");

	assert_non_null(lvs_sched_find("twos"));
	assert_false(lvs_sched_is_available(lvs_sched_find("twos")));
	assert_true(lvs_sched_is_available(lvs_sched_find("rr")));
	assert_false(lvs_sched_is_available(NULL));
	assert_int_equal(lvs_add_service(t, &c), -ENOENT);
	c = svc_conf(VIP, 80, "rr");
	assert_int_equal(lvs_add_service(t, &c), 0);
	c = svc_conf(VIP, 80, "twos");
	assert_int_equal(lvs_edit_service(t, &c), -ENOENT);
	assert_int_equal(lvs_sched_set_available("nosuch", 1), -ENOENT);
	assert_int_equal(lvs_sched_set_available("twos", 1), 0);
	assert_int_equal(lvs_edit_service(t, &c), 0);
	/* and off again */
	assert_int_equal(lvs_sched_set_available("twos", 0), 0);
	c = svc_conf(VIP, 80, "wlc");
	assert_int_equal(lvs_edit_service(t, &c), 0);
	c = svc_conf(VIP, 80, "twos");
	assert_int_equal(lvs_edit_service(t, &c), -ENOENT);
	/* the kernel's own schedulers cannot be switched off */
	assert_int_equal(lvs_sched_set_available("rr", 0), -EPERM);
	assert_int_equal(lvs_sched_set_available("rr", 1), 0);
	assert_true(lvs_sched_is_available(lvs_sched_find("rr")));
	lvs_table_free(t);
}

static void test_twos(void **state)
{
	(void)state;
	assert_int_equal(lvs_sched_set_available("twos", 1), 0);
	struct svc_fx f = make("twos", NULL);
	int n1 = 0, n2 = 0, n3 = 0;

	assert_null(lvs_sched_schedule(f.s, NULL, 0));
	lvs_random_seed(42);
	add(&f, RS1, 1);
	add(&f, RS2, 3);
	add(&f, RS3, 0);
	for (int i = 0; i < 4000; i++) {
		const char *n = name_of(lvs_sched_schedule(f.s, NULL, 0));

		n1 += !strcmp(n, "rs1");
		n2 += !strcmp(n, "rs2");
		n3 += !strcmp(n, "rs3");
	}
	assert_int_equal(n3, 0);     /* weight 0 never chosen */
	assert_int_equal(n1 + n2, 4000);
	/* equal loads: choice1 wins ties, so picks follow the weights (about
	 * 1:3, with the +1 of the total going to the first dest) */
	assert_true(n2 > 2 * n1);
	assert_true(n1 > 400);

	/* the less loaded of the two choices wins: load rs2 heavily */
	set_conns(&f, RS2, 100, 0);
	n1 = 0;
	for (int i = 0; i < 1000; i++)
		n1 += !strcmp(name_of(lvs_sched_schedule(f.s, NULL, 0)), "rs1");
	assert_true(n1 > 300); /* any draw that includes rs1 goes to rs1 */

	/* seeded: the same seed replays the same picks */
	char a[256], b[256];

	lvs_random_seed(7);
	snprintf(a, sizeof(a), "%s", picks(f.s, 20));
	lvs_random_seed(7);
	snprintf(b, sizeof(b), "%s", picks(f.s, 20));
	assert_string_equal(a, b);

	dest_of(&f, RS1)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 3), "rs2 rs2 rs2");
	dest_of(&f, RS2)->flags |= LVS_DEST_F_OVERLOAD;
	assert_string_equal(picks(f.s, 1), "-");
	lvs_table_free(f.t);
	assert_int_equal(lvs_sched_set_available("twos", 0), 0);
}

/* ------------------------------------------------ oracle-captured runs */

/* Each pick below was captured from REAL IPVS (Linux 6.1.192, oracle VM,
 * NAT traffic with one fresh TCP connection per request, 2026-11-23).
 * Finished connections sit in TIME_WAIT and count as InActConn, which the
 * simulation reproduces with inactconns++ after each pick. */
static const char *picks_inact(struct lvs_service *s, int n)
{
	return picks_counted(s, n, 1);
}

static void test_oracle_rr_deletes(void **state)
{
	(void)state;
	struct svc_fx f = make("rr", RS1, 1, RS2, 1, RS3, 1, NULL);
	assert_string_equal(picks_inact(f.s, 2), "rs3 rs2");
	del(&f, RS2);
	assert_string_equal(picks_inact(f.s, 4), "rs1 rs3 rs1 rs3");
	del(&f, RS3);
	add(&f, RS2, 1);
	assert_string_equal(picks_inact(f.s, 3), "rs2 rs1 rs2");
	lvs_table_free(f.t);
}

static void test_oracle_wrr_variants(void **state)
{
	(void)state;
	struct svc_fx f = make("wrr", RS1, 4, RS2, 2, NULL); /* gcd 2 */
	assert_string_equal(picks_inact(f.s, 6), "rs2 rs1 rs1 rs2 rs1 rs1");
	lvs_table_free(f.t);

	f = make("wrr", RS1, 3, RS2, 2, RS3, 1, NULL); /* weight edited mid-stream */
	assert_string_equal(picks_inact(f.s, 4), "rs3 rs2 rs1 rs1");
	edit(&f, RS3, 3);
	assert_string_equal(picks_inact(f.s, 8), "rs3 rs1 rs3 rs2 rs1 rs3 rs2 rs1");
	lvs_table_free(f.t);

	f = make("wrr", RS1, 2, RS2, 0, RS3, 1, NULL); /* a weight-0 dest */
	assert_string_equal(picks_inact(f.s, 6), "rs3 rs1 rs1 rs3 rs1 rs1");
	lvs_table_free(f.t);

	f = make("rr", RS3, 1, RS2, 2, RS1, 3, NULL); /* ipvsadm -E -s wrr on existing dests */
	f.c = svc_conf(VIP, 80, "wrr");
	assert_int_equal(lvs_edit_service(f.t, &f.c), 0);
	assert_string_equal(picks_inact(f.s, 12), "rs1 rs1 rs2 rs1 rs2 rs3 rs1 rs1 rs2 rs1 rs2 rs3");
	lvs_table_free(f.t);
}

/* oracle: wlc, rs2 (weight 1) added first, then rs1 (weight 256);
 * rs2 holds 2 finished (inactive) connections, rs1 2 ESTABLISHED ones.
 * The real kernel sent the next connection to rs2: its overhead counts
 * active connections 257 times (514 * 1 > 2 * 256); the classic formula
 * would tie (512 = 512) and keep rs1. */
static void test_oracle_overhead_formula(void **state)
{
	(void)state;
	struct svc_fx f = make("wlc", RS2, 1, RS1, 256, NULL);
	set_conns(&f, RS2, 0, 2);
	set_conns(&f, RS1, 2, 0);
	assert_int_equal(lvs_dest_overhead(dest_of(&f, RS1)), 514);
	assert_string_equal(picks(f.s, 1), "rs2");
	lvs_table_free(f.t);
}

/* rs1=3 rs2=2 rs3=1 added in that order (list rs3 rs2 rs1), 12 requests */
static void test_oracle_least_family(void **state)
{
	(void)state;
	static const struct { const char *sched, *want; } runs[] = {
		{ "lc", "rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1 rs3 rs2 rs1" },
		{ "wlc", "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 rs1 rs2 rs1" },
		{ "sed", "rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1" },
		{ "nq", "rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3 rs3" },
		{ "fo", "rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1" },
		{ "ovf", "rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1" },
	};

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct svc_fx f = make(runs[i].sched, RS1, 3, RS2, 2, RS3, 1, NULL);
		const char *got = picks_inact(f.s, 12);

		if (strcmp(got, runs[i].want))
			fail_msg("%s: got '%s' want '%s'", runs[i].sched, got, runs[i].want);
		lvs_table_free(f.t);
	}
}

/* scheduler "none": the table keeps sched NULL and names it "none" */
static void test_none(void **state)
{
	(void)state;
	struct svc_fx f = make("none", NULL);

	assert_null(f.s->sched);
	assert_string_equal(f.s->sched_name, "none");
	add(&f, RS1, 1);
	lvs_table_free(f.t);
}

UNIT_TESTS(cmocka_unit_test(test_registry_all_14),
	   cmocka_unit_test(test_rr_oracle_starts_at_newest),
	   cmocka_unit_test(test_rr_cursor_survives_delete),
	   cmocka_unit_test(test_rr_skips_weight0_and_overload),
	   cmocka_unit_test(test_wrr_oracle_added_1_2_3),
	   cmocka_unit_test(test_wrr_oracle_added_3_2_1),
	   cmocka_unit_test(test_wrr_fresh_state_after_sched_change),
	   cmocka_unit_test(test_wrr_gcd),
	   cmocka_unit_test(test_wrr_weights_zero_and_overload),
	   cmocka_unit_test(test_lc),
	   cmocka_unit_test(test_wlc),
	   cmocka_unit_test(test_sed),
	   cmocka_unit_test(test_nq),
	   cmocka_unit_test(test_fo),
	   cmocka_unit_test(test_ovf),
	   cmocka_unit_test(test_twos_unavailable_by_default),
	   cmocka_unit_test(test_twos),
	   cmocka_unit_test(test_oracle_rr_deletes),
	   cmocka_unit_test(test_oracle_wrr_variants),
	   cmocka_unit_test(test_oracle_least_family),
	   cmocka_unit_test(test_oracle_overhead_formula),
	   cmocka_unit_test(test_none))
