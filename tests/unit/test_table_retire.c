/* test_table_retire.c - what the table frees while datapath workers may
 * still hold its objects (core/table.h, "readers outside the table lock"):
 *  - a worker thread stalled in the middle of a burst (online, no
 *    quiescent state) keeps every service, dest array and dest retired
 *    after its last quiescent state allocated and intact, however many
 *    ticks go by, while what was retired before that state is freed; all
 *    of it is freed at the first tick after it passes one;
 *  - a stress run: worker threads push packets through the core and use
 *    what it returns (ref->dest, dest->svc) while the control thread adds,
 *    edits and deletes services and dests and ticks; under ASan any early
 *    free is a use-after-free report. */
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
#include <arpa/inet.h>
#include <cmocka.h>

#include "steps.h"

#include "core/table.h"
#include "core/pkt.h"
#include "core/stats.h"
#include "core/conn.h"
#include "lib/epoch.h"

static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static void lk(void *a) { pthread_mutex_lock(a); }
static void ulk(void *a) { pthread_mutex_unlock(a); }

static union lvs_addr ip4n(uint32_t host)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	a.ip = htonl(host);
	return a;
}

static struct lvs_service_conf svc_conf(uint32_t vip, const char *sched)
{
	struct lvs_service_conf c;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.protocol = IPPROTO_TCP;
	c.addr = ip4n(vip);
	c.port = 80;
	snprintf(c.sched_name, sizeof(c.sched_name), "%s", sched);
	c.netmask = 0xffffffff;
	return c;
}

static struct lvs_dest_conf dest_conf(uint32_t rip, int weight)
{
	struct lvs_dest_conf d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr = ip4n(rip);
	d.port = 80;
	d.weight = weight;
	d.conn_flags = LVS_CONN_F_MASQ;
	return d;
}

static struct lvs_pkt syn(uint32_t client, uint16_t cport, uint32_t vip, uint8_t flags)
{
	struct lvs_pkt p;

	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.protocol = IPPROTO_TCP;
	p.saddr = ip4n(client);
	p.daddr = ip4n(vip);
	p.sport = cport;
	p.dport = 80;
	p.tcp_flags = flags;
	p.len = 60;
	return p;
}

static size_t retired(struct lvs_table *t)
{
	pthread_mutex_lock(&tlock);
	size_t n = lvs_table_retired(t);
	pthread_mutex_unlock(&tlock);
	return n;
}

/* a tick as the daemon runs it; returns what is still retired after it */
static size_t tick(struct lvs_table *t, uint64_t now)
{
	pthread_mutex_lock(&tlock);
	lvs_table_tick(t, now);
	size_t n = lvs_table_retired(t);
	pthread_mutex_unlock(&tlock);
	return n;
}

static void del_service(struct lvs_table *t, const struct lvs_service_conf *c)
{
	pthread_mutex_lock(&tlock);
	assert_int_equal(lvs_del_service(t, c), 0);
	pthread_mutex_unlock(&tlock);
}

/* ---- one worker, stalled ---- */

#define VIP_A 0x0a000001u
#define VIP_B 0x0a000002u
#define RIP_A 0xc0a80001u
#define RIP_B 0xc0a80002u

/* the two threads take turns: each waits for the step the other sets.
 * Static, so that a worker left waiting by a failed assertion in the
 * main thread never touches a dead stack frame. */
#define STEP_FAILED 1000        /* the worker could not go on */

struct stall {
	struct lvs_table *t;
	struct lvs_core *core;
	_Atomic int step;
	_Atomic int intact;
};
static struct stall stall;


/* main thread: the worker reached `want` (and did not fail) */
static void expect_step(struct stall *s, int want)
{
	assert_true(wait_step(&s->step, want));
	assert_int_equal(atomic_load(&s->step), want);
}

static void *stall_worker(void *p)
{
	struct stall *s = p;
	struct lvs_epoch_reader *rd;
	struct lvs_conn_ref ref;
	struct lvs_pkt pkt;

	if (lvs_epoch_register(lvs_core_epoch(s->core), &rd) < 0) {
		atomic_store(&s->step, STEP_FAILED);
		return NULL;
	}
	/* a burst for service B: its dest and service are in use */
	pkt = syn(0x01010101u, 1000, VIP_B, LVS_TCPF_SYN);
	if (lvs_core_inbound(s->core, 0, &pkt, 1000, &ref) != LVS_FORWARD)
		goto fail;
	lvs_core_ref_put(s->core, 0, &ref);
	atomic_store(&s->step, 1);
	if (!wait_step(&s->step, 2))
		goto fail;
	/* burst done: B (deleted meanwhile) may go */
	lvs_epoch_quiescent(rd);
	/* the next burst, for A: holds A's dest and service, then stalls */
	pkt = syn(0x01010102u, 1000, VIP_A, LVS_TCPF_SYN);
	if (lvs_core_inbound(s->core, 0, &pkt, 1000, &ref) != LVS_FORWARD)
		goto fail;
	struct lvs_dest *d = ref.dest;
	struct lvs_service *svc = __atomic_load_n(&d->svc, __ATOMIC_ACQUIRE);

	atomic_store(&s->step, 3);
	if (!wait_step(&s->step, 4))
		goto fail;
	/* long after A was deleted, its dest reaped, every tick run: the
	 * objects are still what they were (ASan: not freed) */
	lvs_stats_slot(&svc->stats, 0)->inpkts++;
	lvs_stats_slot(&d->stats, 0)->inpkts++;
	atomic_store(&s->intact, d->addr.ip == htonl(RIP_A) && d->port == 80 && svc->addr.ip == htonl(VIP_A) &&
					 svc->port == 80 && svc->num_dests == 0);
	lvs_core_ref_put(s->core, 0, &ref);
	atomic_store(&s->step, 5);
	if (!wait_step(&s->step, 6))
		goto fail;
	lvs_epoch_quiescent(rd);
	atomic_store(&s->step, 7);
	wait_step(&s->step, 8);
	lvs_epoch_unregister(rd);
	return NULL;
fail:
	lvs_epoch_unregister(rd);
	atomic_store(&s->step, STEP_FAILED);
	return NULL;
}

static void test_stalled_worker(void **state)
{
	(void)state;
	struct lvs_core_lock lock = { lk, ulk, &tlock };
	struct stall *s = &stall;
	struct lvs_service_conf a = svc_conf(VIP_A, "wlc"), b = svc_conf(VIP_B, "rr");
	struct lvs_dest_conf da = dest_conf(RIP_A, 1), db = dest_conf(RIP_B, 1);
	pthread_t th;
	uint64_t now = 1000;

	memset(s, 0, sizeof(*s));
	s->t = lvs_table_new();
	s->core = lvs_core_new(s->t, 1, 1000, &lock);
	assert_non_null(s->core);
	assert_int_equal(lvs_add_service(s->t, &a), 0);
	assert_int_equal(lvs_add_dest(s->t, &a, &da), 0);
	assert_int_equal(lvs_add_service(s->t, &b), 0);
	assert_int_equal(lvs_add_dest(s->t, &b, &db), 0);
	assert_int_equal(pthread_create(&th, NULL, stall_worker, s), 0);

	expect_step(s, 1);
	/* B deleted while the worker is still in its burst for B */
	del_service(s->t, &b);
	assert_int_equal(retired(s->t), 2); /* service B, its dest array */
	assert_int_equal(tick(s->t, now += 1000), 2);
	atomic_store(&s->step, 2);

	expect_step(s, 3);
	/* the worker passed a quiescent state after B left: B is freed even
	 * though the worker is stalled now */
	assert_int_equal(tick(s->t, now += 1000), 0);
	/* A goes: service, dest array, and (once its connection is gone and
	 * it idled in the trash) its dest; B's dest is reaped from the trash
	 * too, after the worker's last quiescent state, so it waits as well */
	del_service(s->t, &a);
	lvs_core_conn_flush(s->core);
	for (int i = 0; i < 50; i++)
		tick(s->t, now += 61 * 1000);
	assert_int_equal(retired(s->t), 4);
	atomic_store(&s->step, 4);

	expect_step(s, 5);
	assert_true(atomic_load(&s->intact));
	assert_int_equal(tick(s->t, now += 1000), 4);
	atomic_store(&s->step, 6);

	expect_step(s, 7);
	/* it passed one: everything is due */
	assert_int_equal(tick(s->t, now += 1000), 0);
	atomic_store(&s->step, 8);
	pthread_join(th, NULL);
	lvs_core_free(s->core);
	lvs_table_free(s->t);
}

/* ---- stress ---- */

#define NVIP 8
#define NRIP 40            /* > the dest array's first size: arrays get replaced */
#define NWORKERS 2
#define BURST 16

struct stress {
	struct lvs_table *t;
	struct lvs_core *core;
	_Atomic uint64_t now;
	_Atomic int stop;
	_Atomic long forwarded, used;
};

struct worker_arg {
	struct stress *s;
	unsigned idx;
};

static void *stress_worker(void *p)
{
	struct worker_arg *a = p;
	struct stress *s = a->s;
	struct lvs_epoch_reader *rd;
	unsigned x = 0x9e3779b9u * (a->idx + 1);
	long fwd = 0, used = 0, bursts = 0;

	if (lvs_epoch_register(lvs_core_epoch(s->core), &rd) < 0)
		return NULL;
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		struct lvs_conn_ref refs[BURST];
		static const uint8_t flags[] = { LVS_TCPF_SYN, LVS_TCPF_ACK, LVS_TCPF_ACK, LVS_TCPF_FIN,
						 LVS_TCPF_RST };
		uint64_t now = atomic_load_explicit(&s->now, memory_order_relaxed);
		int n = 0;

		for (int i = 0; i < BURST; i++) {
			x = x * 1103515245u + 12345u;
			struct lvs_pkt pkt = syn(0x01000000u | (a->idx << 16) | ((x >> 8) & 0xfff),
						 (uint16_t)(1024 + ((x >> 20) & 7)), 0x0a000000u + 1 + (x >> 24) % NVIP,
						 flags[(x >> 4) % 5]);

			if (lvs_core_inbound(s->core, a->idx, &pkt, now, &refs[n]) == LVS_FORWARD && refs[n].dest)
				n++;
			else
				lvs_core_ref_put(s->core, a->idx, &refs[n]);
		}
		/* use what the burst's decisions returned, as the transmit
		 * stage does after all of them, sometimes after being
		 * preempted (the window in which an early free would hit) */
		if (bursts % 4 == 0)
			sched_yield();
		for (int i = 0; i < n; i++) {
			struct lvs_dest *d = refs[i].dest;
			struct lvs_service *svc = __atomic_load_n(&d->svc, __ATOMIC_ACQUIRE);

			if (d->port == 80 && d->af == AF_INET && (!svc || svc->port == 80))
				used++;
			lvs_core_ref_put(s->core, a->idx, &refs[i]);
		}
		fwd += n;
		lvs_epoch_quiescent(rd);
		if (++bursts % 64 == 0) {
			/* waiting for frames */
			lvs_epoch_offline(rd);
			sched_yield();
			lvs_epoch_online(rd);
		}
	}
	atomic_fetch_add(&s->forwarded, fwd);
	atomic_fetch_add(&s->used, used);
	lvs_epoch_unregister(rd);
	return NULL;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_stress(void **state)
{
	(void)state;
	static const char *const scheds[] = { "rr", "wrr", "wlc", "lc", "sed", "sh", "mh", "lblc" };
	struct lvs_core_lock lock = { lk, ulk, &tlock };
	struct stress s = { .t = lvs_table_new() };
	struct worker_arg args[NWORKERS];
	pthread_t th[NWORKERS];
	unsigned x = 12345;
	long ops = 0, ticks = 0;
	size_t max_retired = 0;

	s.core = lvs_core_new(s.t, NWORKERS, 100000, &lock);
	assert_non_null(s.core);
	atomic_store(&s.now, 1000);
	for (unsigned i = 0; i < NWORKERS; i++) {
		args[i] = (struct worker_arg){ &s, i };
		assert_int_equal(pthread_create(&th[i], NULL, stress_worker, &args[i]), 0);
	}
	double end = mono_s() + 1.5;

	while (mono_s() < end) {
		x = x * 1103515245u + 12345u;
		unsigned op = (x >> 8) % 100;
		struct lvs_service_conf c = svc_conf(0x0a000000u + 1 + (x >> 16) % NVIP, scheds[(x >> 4) % 8]);
		struct lvs_dest_conf d = dest_conf(0xc0a80000u + 1 + (x >> 20) % NRIP, (int)((x >> 12) % 4));

		if (op < 94) {
			pthread_mutex_lock(&tlock);
			if (op < 4)
				lvs_del_service(s.t, &c);
			else if (op < 12)
				lvs_add_service(s.t, &c);
			else if (op < 60)
				lvs_add_dest(s.t, &c, &d);
			else if (op < 80)
				lvs_del_dest(s.t, &c, &d);
			else if (op < 93)
				lvs_edit_dest(s.t, &c, &d);
			else if ((x >> 24) % 8 == 0)
				lvs_flush(s.t);
			if (lvs_table_retired(s.t) > max_retired)
				max_retired = lvs_table_retired(s.t);
			pthread_mutex_unlock(&tlock);
			ops++;
			continue;
		}
		/* time passes: connections expire, trashed dests get reaped */
		uint64_t now = atomic_fetch_add(&s.now, 20000) + 20000;

		lvs_core_tick(s.core, now);
		tick(s.t, now);
		ticks++;
	}
	atomic_store(&s.stop, 1);
	for (unsigned i = 0; i < NWORKERS; i++)
		pthread_join(th[i], NULL);
	print_message("# stress: %ld control ops, %ld ticks, %ld forwarded, %ld used, max %zu retired\n", ops,
		      ticks, atomic_load(&s.forwarded), atomic_load(&s.used), max_retired);
	assert_true(atomic_load(&s.forwarded) > 0);
	assert_int_equal(atomic_load(&s.used), atomic_load(&s.forwarded));
	assert_true(max_retired > 0);
	/* every worker left: all of it is due */
	assert_int_equal(tick(s.t, atomic_load(&s.now) + 1000), 0);
	lvs_core_free(s.core);
	lvs_table_free(s.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stalled_worker),
		cmocka_unit_test(test_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
