/* test_sched_vec.c - the per-service dest array (svc->dest_vec) the
 * scanning schedulers iterate: it follows svc->destinations through every
 * table operation, old arrays survive their grace period, and lc, wlc,
 * sed, nq, fo, ovf pick exactly what the kernel's list walk picks (the
 * reference walks below are the kernel's loops, written over the list). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "lib/epoch.h"
#include "core/sched.h"

/* dest number host of the service: 192.168.0.host:80, NAT */
static struct lvs_dest_conf dest_n(uint32_t host, int weight)
{
	struct lvs_dest_conf d = dest_conf("192.168.0.0", 80, weight, LVS_CONN_F_MASQ);

	d.addr = ip4h(0xc0a80000u + host);
	return d;
}

/* the array holds exactly the list, in list order */
static void assert_vec_matches_list(struct lvs_service *s)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(s);
	struct lvs_dest *d;
	unsigned i = 0;

	if (s->num_dests == 0) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_int_equal(v->n, (unsigned)s->num_dests);
	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		assert_true(i < v->n);
		assert_ptr_equal(v->d[i], d);
		i++;
	}
	assert_int_equal(i, v->n);
}

static void test_vec_follows_list(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf c = svc_conf("172.20.0.26", 80, "wlc");

	struct lvs_service *s = add_svc(t, &c);

	assert_vec_matches_list(s);
	for (uint32_t i = 1; i <= 20; i++) {
		struct lvs_dest_conf d = dest_n(i, (int)i % 4);

		assert_int_equal(lvs_add_dest(t, &c, &d), 0);
		assert_vec_matches_list(s);
	}
	/* newest first: the last added is at index 0 */
	assert_int_equal(ntohl(lvs_sched_dests(s)->d[0]->addr.ip), 0xc0a80000u + 20);
	/* deletes at the head, in the middle, at the tail */
	uint32_t gone[] = { 20, 10, 1 };
	for (unsigned k = 0; k < 3; k++) {
		struct lvs_dest_conf d = dest_n(gone[k], 1);

		assert_int_equal(lvs_del_dest(t, &c, &d), 0);
		assert_vec_matches_list(s);
	}
	/* a revived dest comes back at the head, and an edit keeps the order */
	struct lvs_dest_conf d10 = dest_n(10, 7);

	assert_int_equal(lvs_add_dest(t, &c, &d10), 0);
	assert_vec_matches_list(s);
	assert_int_equal(lvs_sched_dests(s)->d[0]->weight, 7);
	d10.weight = 3;
	assert_int_equal(lvs_edit_dest(t, &c, &d10), 0);
	assert_vec_matches_list(s);
	/* refused operations change nothing */
	assert_int_equal(lvs_add_dest(t, &c, &d10), -EEXIST);
	assert_vec_matches_list(s);
	/* a scheduler change keeps the array */
	struct lvs_service_conf c2 = c;

	snprintf(c2.sched_name, sizeof(c2.sched_name), "lc");
	assert_int_equal(lvs_edit_service(t, &c2), 0);
	assert_vec_matches_list(s);
	/* delete all one by one: empty means NULL */
	while (s->num_dests) {
		struct lvs_dest *d = lvs_list_entry(s->destinations.prev, struct lvs_dest, n_list);
		struct lvs_dest_conf dc = dest_n(ntohl(d->addr.ip) - 0xc0a80000u, 1);

		assert_int_equal(lvs_del_dest(t, &c, &dc), 0);
		assert_vec_matches_list(s);
	}
	assert_null(lvs_sched_schedule(s, NULL, 0));
	lvs_table_free(t);
}

/* Adds fill the room at the array's front in place; a full array is
 * replaced by a bigger copy, and a reader that loaded the old one just
 * before may still read it for a while: it stays valid through any number
 * of ticks until that reader passes a quiescent state (ASan checks the
 * reads).  Many adds move little memory: the array is replaced only
 * log2(n) times. */
static void test_vec_grace_period(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf c = svc_conf("172.20.0.26", 80, "lc");
	const struct lvs_dest_vec *old = NULL;
	unsigned replaced = 0;
	struct lvs_epoch_reader *reader;

	assert_int_equal(lvs_epoch_register(lvs_table_epoch(t), &reader), 0);

	struct lvs_service *s = add_svc(t, &c);

	for (uint32_t i = 1; i <= 2000; i++) {
		struct lvs_dest_conf d = dest_n(i, 1);
		const struct lvs_dest_vec *before = lvs_sched_dests(s);
		unsigned n_before = before ? before->n : 0;

		assert_int_equal(lvs_add_dest(t, &c, &d), 0);
		if (before && lvs_sched_dests(s) != before) {
			replaced++;
			if (!old) {
				/* the first replaced array: still intact after ticks */
				old = before;
				lvs_table_tick(t, 1000);
				lvs_table_tick(t, 2000);
				assert_int_equal(old->n, n_before);
				for (unsigned k = 0; k < old->n; k++)
					assert_non_null(old->d[k]);
				lvs_epoch_quiescent(reader);
			}
		}
	}
	assert_vec_matches_list(s);
	assert_true(replaced >= 4 && replaced <= 12);
	/* deletes work in place */
	const struct lvs_dest_vec *v = lvs_sched_dests(s);

	for (uint32_t i = 1; i <= 2000; i += 3) {
		struct lvs_dest_conf d = dest_n(i, 1);

		assert_int_equal(lvs_del_dest(t, &c, &d), 0);
	}
	assert_ptr_equal(lvs_sched_dests(s), v);
	assert_vec_matches_list(s);
	/* a deleted service's array goes the same way; the table frees the rest */
	assert_int_equal(lvs_del_service(t, &c), 0);
	lvs_epoch_quiescent(reader);
	lvs_table_tick(t, 3000);
	assert_int_equal(lvs_table_retired(t), 0);
	lvs_epoch_unregister(reader);
	lvs_table_free(t);
}

/* ---- reference picks: the kernel's loops over the list ---- */

static int usable(const struct lvs_dest *d)
{
	return !lvs_dest_is_overloaded(d) && d->weight > 0;
}

static struct lvs_dest *ref_lc(struct lvs_service *s)
{
	struct lvs_dest *d, *least = NULL;
	int loh = 0;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		if (!usable(d))
			continue;
		if (!least || lvs_dest_overhead(d) < loh) {
			least = d;
			loh = lvs_dest_overhead(d);
		}
	}
	return least;
}

/* wlc (sed = 0) and sed (sed = 1) */
static struct lvs_dest *ref_wlc_sed(struct lvs_service *s, int sed)
{
	struct lvs_dest *d, *least = NULL;
	int64_t loh = 0;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		int64_t doh = sed ? (int64_t)d->activeconns + 1 : lvs_dest_overhead(d);

		if (!least) {
			if (usable(d)) {
				least = d;
				loh = doh;
			}
			continue;
		}
		if (lvs_dest_is_overloaded(d))
			continue;
		if (loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

static struct lvs_dest *ref_nq(struct lvs_service *s)
{
	struct lvs_dest *d, *least = NULL;
	int64_t loh = 0;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		if (!usable(d))
			continue;
		int64_t doh = (int64_t)d->activeconns + 1;

		if (d->activeconns == 0)
			return d;
		if (!least || loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

static struct lvs_dest *ref_fo_ovf(struct lvs_service *s, int ovf)
{
	struct lvs_dest *d, *best = NULL;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		if (!usable(d) || (ovf && d->activeconns > d->weight))
			continue;
		if (!best || d->weight > best->weight)
			best = d;
	}
	return best;
}

/* mainline ip_vs_twos.c over the list, with lvsd's draws (twos.c) */
static struct lvs_dest *ref_twos(struct lvs_service *s)
{
	struct lvs_dest *d, *choice1 = NULL, *choice2 = NULL;
	int64_t total = 0, r1, r2, weight1 = -1, weight2 = -1, overhead1 = 0, overhead2 = 0;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		if (usable(d)) {
			total += d->weight;
			choice1 = d;
		}
	}
	if (!choice1)
		return NULL;
	total += 1;
	if (total > UINT32_MAX)
		total = UINT32_MAX;
	r1 = (int64_t)(((uint64_t)lvs_random_u32() * (uint32_t)total) >> 32);
	r2 = (int64_t)(((uint64_t)lvs_random_u32() * (uint32_t)total) >> 32);
	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		if (!usable(d))
			continue;
		r1 -= d->weight;
		r2 -= d->weight;
		if (r1 <= 0 && weight1 == -1) {
			choice1 = d;
			weight1 = d->weight;
			overhead1 = lvs_dest_overhead(d);
		}
		if (r2 <= 0 && weight2 == -1) {
			choice2 = d;
			weight2 = d->weight;
			overhead2 = lvs_dest_overhead(d);
		}
		if (weight1 != -1 && weight2 != -1)
			break;
	}
	if (choice2 && weight2 * overhead1 > weight1 * overhead2)
		choice1 = choice2;
	return choice1;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(xorshift64(&rng) % n);
}

/* many random services (small value ranges so that ties are frequent,
 * some overloaded and weight-0 dests, sometimes none usable, sometimes
 * huge counters and weights), with the vectorised screens and with the
 * scalar ones */
static void picks_equal_kernel_walk(void)
{
	static const char *const names[] = { "lc", "wlc", "sed", "nq", "fo", "ovf", "twos" };

	assert_int_equal(lvs_sched_set_available("twos", 1), 0);

	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		for (unsigned round = 0; round < 200; round++) {
			struct lvs_table *t = lvs_table_new();
			struct lvs_service_conf c = svc_conf("172.20.0.26", 80, names[k]);
			unsigned n = 1 + rnd(round < 100 ? 8 : 300);

			struct lvs_service *s = add_svc(t, &c);

			int huge = rnd(4) == 0;

			for (uint32_t i = 1; i <= n; i++) {
				struct lvs_dest_conf d = dest_n(i, huge && rnd(3) == 0 ? INT_MAX - (int)rnd(3) : (int)rnd(5));

				assert_int_equal(lvs_add_dest(t, &c, &d), 0);
			}
			/* some deletes so the array was rebuilt from a changed list */
			for (unsigned j = 0; j < n / 4; j++) {
				struct lvs_dest_conf d = dest_n(1 + rnd(n), 1);
				int rc = lvs_del_dest(t, &c, &d);

				assert_true(rc == 0 || rc == -ENOENT);
			}
			for (unsigned pick = 0; pick < 5; pick++) {
				struct lvs_dest *d, *want = NULL, *got;

				lvs_list_for_each_entry(d, &s->destinations, n_list) {
					d->activeconns = (int)rnd(4);
					d->inactconns = (int)rnd(600);
					if (huge && rnd(2)) {
						/* the largest an overhead can be without int overflow */
						d->activeconns = (int)rnd(8000000);
						d->inactconns = (int)rnd(30000000);
						if (k == 2 && rnd(4) == 0)
							d->activeconns = INT_MAX; /* sed: active + 1 is 64-bit */
					}
					if (rnd(6) == 0)
						d->flags |= LVS_DEST_F_OVERLOAD;
					else
						d->flags &= ~(uint32_t)LVS_DEST_F_OVERLOAD;
				}
				uint64_t seed = rng;

				lvs_random_seed(seed);
				switch (k) {
				case 0: want = ref_lc(s); break;
				case 1: want = ref_wlc_sed(s, 0); break;
				case 2: want = ref_wlc_sed(s, 1); break;
				case 3: want = ref_nq(s); break;
				case 4: want = ref_fo_ovf(s, 0); break;
				case 5: want = ref_fo_ovf(s, 1); break;
				default: want = ref_twos(s); break;
				}
				lvs_random_seed(seed);
				got = lvs_sched_schedule(s, NULL, 0);
				if (got != want)
					fail_msg("%s: %u dests, round %u: picked %p, the kernel's walk %p", names[k],
						 (unsigned)s->num_dests, round, (void *)got, (void *)want);
			}
			lvs_table_free(t);
		}
	}
}

static void test_picks_equal_kernel_walk(void **state)
{
	(void)state;
	picks_equal_kernel_walk();
}

static void test_picks_equal_kernel_walk_scalar(void **state)
{
	(void)state;
	lvs_sched_screen_force_scalar(1);
	picks_equal_kernel_walk();
	lvs_sched_screen_force_scalar(0);
}

UNIT_TESTS(cmocka_unit_test(test_vec_follows_list),
	   cmocka_unit_test(test_vec_grace_period),
	   cmocka_unit_test(test_picks_equal_kernel_walk),
	   cmocka_unit_test(test_picks_equal_kernel_walk_scalar))
