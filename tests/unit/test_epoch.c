/* test_epoch.c - the grace periods of lib/epoch.h: what an online reader
 * that has not passed a quiescent state keeps alive, what offline and
 * unregistered readers do not, slot exhaustion, a reader thread stalled
 * in the middle of a read, and a stress run (readers dereferencing while
 * a writer replaces and retires; under ASan a use-after-free fails it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "steps.h"

#include "lib/epoch.h"

#define MAGIC 0x5afe5afe5afe5afeull
#define DEAD  0xdeaddeaddeaddeadull

/* a retirable object whose free is counted */
struct obj {
	struct lvs_epoch_node node;
	_Atomic uint64_t magic;
	uint64_t payload[6];
	uint64_t sum;               /* of payload: a torn or reused object fails it */
};

static _Atomic long freed;

static void obj_free(struct lvs_epoch_node *n)
{
	struct obj *o = (struct obj *)((char *)n - offsetof(struct obj, node));

	atomic_store(&o->magic, DEAD);
	atomic_fetch_add(&freed, 1);
	free(o);
}

static struct obj *obj_new(uint64_t seed)
{
	struct obj *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	o->sum = 0;
	for (int i = 0; i < 6; i++) {
		o->payload[i] = seed * 31 + (uint64_t)i;
		o->sum += o->payload[i];
	}
	atomic_store(&o->magic, MAGIC);
	return o;
}

/* a reader's check of an object it holds */
static int obj_intact(const struct obj *o)
{
	uint64_t s = 0;

	for (int i = 0; i < 6; i++)
		s += o->payload[i];
	return atomic_load(&((struct obj *)o)->magic) == MAGIC && s == o->sum;
}

/* no readers: due at once */
static void test_no_readers(void **state)
{
	(void)state;
	struct lvs_epoch *e = lvs_epoch_new(4);
	struct lvs_epoch_list l;

	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	lvs_epoch_retire(e, &l, &obj_new(1)->node, obj_free);
	lvs_epoch_retire(e, &l, &obj_new(2)->node, obj_free);
	assert_int_equal(l.n, 2);
	assert_int_equal(lvs_epoch_oldest(e), UINT64_MAX);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 2);
	assert_int_equal(atomic_load(&freed), 2);
	assert_int_equal(l.n, 0);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	lvs_epoch_free(e);
}

/* an online reader holds what was retired after its last quiescent state,
 * not what was retired before it; offline and unregistered readers hold
 * nothing */
static void test_reader_states(void **state)
{
	(void)state;
	struct lvs_epoch *e = lvs_epoch_new(4);
	struct lvs_epoch_reader *r;
	struct lvs_epoch_list l;

	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	assert_int_equal(lvs_epoch_register(e, &r), 0);
	assert_int_equal(lvs_epoch_oldest(e), lvs_epoch_now(e));

	struct obj *a = obj_new(1);

	lvs_epoch_retire(e, &l, &a->node, obj_free);
	/* the reader may hold a: never freed, however often we try */
	for (int i = 0; i < 100; i++)
		assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	assert_true(obj_intact(a));
	lvs_epoch_quiescent(r);
	struct obj *b = obj_new(2);

	lvs_epoch_retire(e, &l, &b->node, obj_free);
	/* a is due (retired before the quiescent state), b is not */
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	assert_int_equal(atomic_load(&freed), 1);
	assert_true(obj_intact(b));

	/* offline: holds nothing */
	lvs_epoch_offline(r);
	assert_int_equal(lvs_epoch_oldest(e), UINT64_MAX);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	assert_int_equal(atomic_load(&freed), 2);

	/* back online: holds what is retired from now on */
	lvs_epoch_online(r);
	lvs_epoch_retire(e, &l, &obj_new(3)->node, obj_free);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	/* quiescent on an offline reader brings it back online too */
	lvs_epoch_offline(r);
	lvs_epoch_quiescent(r);
	assert_int_equal(lvs_epoch_oldest(e), lvs_epoch_now(e));
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);

	/* the thread helpers act on the thread's reader */
	lvs_epoch_retire(e, &l, &obj_new(4)->node, obj_free);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	lvs_epoch_thread_offline();
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	lvs_epoch_thread_online();
	lvs_epoch_retire(e, &l, &obj_new(5)->node, obj_free);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);

	/* unregistered: holds nothing; the helpers become no-ops */
	lvs_epoch_unregister(r);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	lvs_epoch_thread_online();
	assert_int_equal(lvs_epoch_oldest(e), UINT64_MAX);
	assert_int_equal(atomic_load(&freed), 5);
	lvs_epoch_free(e);
}

/* two readers: the slower one decides */
static void test_two_readers(void **state)
{
	(void)state;
	struct lvs_epoch *e = lvs_epoch_new(4);
	struct lvs_epoch_reader *r1, *r2;
	struct lvs_epoch_list l;

	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	assert_int_equal(lvs_epoch_register(e, &r1), 0);
	assert_int_equal(lvs_epoch_register(e, &r2), 0);
	assert_ptr_not_equal(r1, r2);
	lvs_epoch_retire(e, &l, &obj_new(1)->node, obj_free);
	lvs_epoch_quiescent(r1);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	lvs_epoch_retire(e, &l, &obj_new(2)->node, obj_free);
	lvs_epoch_quiescent(r2);
	/* both passed the first, only r2 the second */
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	lvs_epoch_quiescent(r1);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 1);
	lvs_epoch_unregister(r1);
	lvs_epoch_unregister(r2);
	assert_int_equal(atomic_load(&freed), 2);
	lvs_epoch_free(e);
}

/* slots run out, and are given back */
static void test_slots(void **state)
{
	(void)state;
	struct lvs_epoch *e = lvs_epoch_new(2);
	struct lvs_epoch_reader *r[3];

	assert_null(lvs_epoch_new(0));
	assert_int_equal(lvs_epoch_register(e, &r[0]), 0);
	assert_int_equal(lvs_epoch_register(e, &r[1]), 0);
	assert_int_equal(lvs_epoch_register(e, &r[2]), -ENOSPC);
	assert_null(r[2]);
	lvs_epoch_unregister(r[0]);
	assert_int_equal(lvs_epoch_register(e, &r[2]), 0);
	assert_ptr_equal(r[2], r[0]);
	lvs_epoch_unregister(r[1]);
	lvs_epoch_unregister(r[2]);
	lvs_epoch_unregister(NULL);
	assert_int_equal(lvs_epoch_oldest(e), UINT64_MAX);
	lvs_epoch_free(e);
	lvs_epoch_free(NULL);
}

/* teardown frees everything, readers or not */
static void test_reclaim_all(void **state)
{
	(void)state;
	struct lvs_epoch *e = lvs_epoch_new(1);
	struct lvs_epoch_reader *r;
	struct lvs_epoch_list l;

	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	assert_int_equal(lvs_epoch_register(e, &r), 0);
	for (int i = 0; i < 10; i++)
		lvs_epoch_retire(e, &l, &obj_new((uint64_t)i)->node, obj_free);
	assert_int_equal(lvs_epoch_reclaim(e, &l), 0);
	lvs_epoch_unregister(r);
	assert_int_equal(lvs_epoch_reclaim_all(&l), 10);
	assert_int_equal(atomic_load(&freed), 10);
	assert_null(l.head);
	lvs_epoch_list_init(&l);
	lvs_epoch_free(e);
}

/* ---- a reader thread stalled while holding a pointer ---- */

/* the threads take turns, each waiting for the step the other sets;
 * static, so that a reader left waiting by a failed assertion in the
 * main thread never touches a dead stack frame */
struct stall {
	struct lvs_epoch *e;
	struct obj *_Atomic cur;    /* the published object */
	_Atomic int step;
	_Atomic int intact;
};
static struct stall stall;


static void *stall_reader(void *p)
{
	struct stall *s = p;
	struct lvs_epoch_reader *r;

	if (lvs_epoch_register(s->e, &r) < 0)
		return NULL;
	struct obj *held = atomic_load_explicit(&s->cur, memory_order_acquire);

	atomic_store(&s->step, 1);
	/* stalled: online, no quiescent state, the pointer in use */
	if (wait_step(&s->step, 2)) {
		atomic_store(&s->intact, obj_intact(held));
		atomic_store(&s->step, 3);
		wait_step(&s->step, 4);
	}
	lvs_epoch_quiescent(r);
	atomic_store(&s->step, 5);
	wait_step(&s->step, 6);
	lvs_epoch_unregister(r);
	return NULL;
}

static void test_stalled_reader_thread(void **state)
{
	(void)state;
	struct stall *s = &stall;
	struct lvs_epoch_list l;
	pthread_t th;

	memset(s, 0, sizeof(*s));
	s->e = lvs_epoch_new(4);
	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	struct obj *first = obj_new(1);

	atomic_store(&s->cur, first);
	assert_int_equal(pthread_create(&th, NULL, stall_reader, s), 0);
	assert_true(wait_step(&s->step, 1));
	/* replace and retire while the reader holds `first` */
	atomic_store_explicit(&s->cur, obj_new(2), memory_order_release);
	lvs_epoch_retire(s->e, &l, &first->node, obj_free);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(lvs_epoch_reclaim(s->e, &l), 0);
		if (i % 100 == 0)
			sched_yield();
	}
	assert_int_equal(atomic_load(&freed), 0);
	atomic_store(&s->step, 2);
	assert_true(wait_step(&s->step, 3));
	/* the reader found it intact (under ASan a freed one would abort) */
	assert_true(atomic_load(&s->intact));
	assert_int_equal(lvs_epoch_reclaim(s->e, &l), 0);
	atomic_store(&s->step, 4);
	assert_true(wait_step(&s->step, 5));
	/* it passed a quiescent state: due now */
	assert_int_equal(lvs_epoch_reclaim(s->e, &l), 1);
	assert_int_equal(atomic_load(&freed), 1);
	atomic_store(&s->step, 6);
	pthread_join(th, NULL);
	obj_free(&atomic_load(&s->cur)->node);
	lvs_epoch_free(s->e);
}

/* ---- stress: readers dereference while a writer replaces and retires ---- */

#define STRESS_READERS 3
#define STRESS_SLOTS 8

struct stress {
	struct lvs_epoch *e;
	struct obj *_Atomic slot[STRESS_SLOTS];
	_Atomic int stop;
	_Atomic long reads, bad;
};

static void *stress_reader(void *p)
{
	struct stress *s = p;
	struct lvs_epoch_reader *r;
	unsigned x = (unsigned)(uintptr_t)&r;
	long reads = 0;

	if (lvs_epoch_register(s->e, &r) < 0) {
		atomic_fetch_add(&s->bad, 1);
		return NULL;
	}
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		/* a burst: objects read and used again later in it */
		struct obj *held[4];

		for (int i = 0; i < 4; i++) {
			x = x * 1103515245u + 12345u;
			held[i] = atomic_load_explicit(&s->slot[(x >> 16) % STRESS_SLOTS], memory_order_acquire);
		}
		for (int k = 0; k < 8; k++)
			for (int i = 0; i < 4; i++)
				if (!obj_intact(held[i]))
					atomic_fetch_add(&s->bad, 1);
		reads += 4;
		lvs_epoch_quiescent(r);
		x = x * 1103515245u + 12345u;
		if ((x >> 16) % 64 == 0) {
			/* a blocking wait, offline */
			lvs_epoch_offline(r);
			sched_yield();
			lvs_epoch_online(r);
		}
	}
	atomic_fetch_add(&s->reads, reads);
	lvs_epoch_unregister(r);
	return NULL;
}

static void test_stress(void **state)
{
	(void)state;
	struct stress s = { .e = lvs_epoch_new(STRESS_READERS + 1) };
	struct lvs_epoch_list l;
	pthread_t th[STRESS_READERS];
	long made = 0, reclaimed = 0;
	size_t max_pending = 0;

	lvs_epoch_list_init(&l);
	atomic_store(&freed, 0);
	for (int i = 0; i < STRESS_SLOTS; i++)
		atomic_store(&s.slot[i], obj_new((uint64_t)made++));
	for (int i = 0; i < STRESS_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, stress_reader, &s), 0);

	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long it = 0;; it++) {
		int k = (int)(it % STRESS_SLOTS);
		struct obj *old = atomic_exchange_explicit(&s.slot[k], obj_new((uint64_t)made++),
							   memory_order_acq_rel);

		lvs_epoch_retire(s.e, &l, &old->node, obj_free);
		if (l.n > max_pending)
			max_pending = l.n;
		if (it % 16 == 0)
			reclaimed += (long)lvs_epoch_reclaim(s.e, &l);
		if (it % 1024 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > 1500)
				break;
		}
	}
	atomic_store(&s.stop, 1);
	for (int i = 0; i < STRESS_READERS; i++)
		pthread_join(th[i], NULL);
	/* every reader left: everything retired is due */
	long rest = (long)lvs_epoch_reclaim(s.e, &l);

	print_message("# stress: %ld objects, %ld reads, %ld reclaimed while running, max %zu pending\n",
		      made, atomic_load(&s.reads), reclaimed, max_pending);
	assert_int_equal(atomic_load(&s.bad), 0);
	assert_true(atomic_load(&s.reads) > 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(atomic_load(&freed), made - STRESS_SLOTS);
	assert_int_equal(reclaimed + rest, made - STRESS_SLOTS);
	/* the readers' quiescent states let the writer free while they ran */
	assert_true(reclaimed > 0);
	for (int i = 0; i < STRESS_SLOTS; i++)
		obj_free(&atomic_load(&s.slot[i])->node);
	lvs_epoch_free(s.e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_readers),
		cmocka_unit_test(test_reader_states),
		cmocka_unit_test(test_two_readers),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_reclaim_all),
		cmocka_unit_test(test_stalled_reader_thread),
		cmocka_unit_test(test_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
