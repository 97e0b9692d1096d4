/* micro_core.c - micro-benchmarks of the pure core (no I/O, no threads):
 *
 *   micro_core conn N...      connection table at N entries: resident bytes
 *                             per entry, insert / lookup / established-packet
 *                             / delete ns per operation; lookup and
 *                             established also "burst": BURST packets at a
 *                             time, as a datapath worker handles its RX
 *                             batch (lvs_core_prefetch() of all, then
 *                             lvs_core_prefetch2() of all, then the work),
 *                             ns per packet
 *   micro_core sched N...     scheduler decision ns for every registered
 *                             scheduler at N destinations
 *
 * Output is one line per measurement, "key=value" fields separated by
 * spaces, for bench/run.sh to turn into Markdown.  Times are the median
 * (and p99) over batches of BATCH operations, each batch timed with
 * CLOCK_MONOTONIC, so the clock's own cost is amortised over the batch.
 * Keys are visited in a scrambled order so that lookups miss the cache the
 * way a busy director's would, not in insertion order; the packets of a
 * batch are generated before its clock starts (the scrambling costs a
 * division per key, which is not the table's time).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/conn.h"
#include "core/conn-t.h"
#include "core/pkt.h"
#include "core/sched.h"
#include "core/table.h"

#define BATCH 1024
#define BURST 32   /* packets per worker burst (a typical RX batch) */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* resident anonymous memory (resident minus file-backed pages: the
 * library code the run pages in is not the table's) */
static long rss_bytes(void)
{
	long pages = 0, rss = 0, shared = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld %ld", &pages, &rss, &shared) != 3)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : (rss - shared) * sysconf(_SC_PAGESIZE);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* per-batch ns/op samples -> median and p99 */
struct samples {
	double *v;
	size_t n, cap;
};

static void sample_add(struct samples *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = realloc(s->v, s->cap * sizeof(double));
		if (!s->v) {
			perror("realloc");
			exit(1);
		}
	}
	s->v[s->n++] = x;
}

static double sample_pct(struct samples *s, double pct)
{
	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(double), cmp_double);
	size_t i = (size_t)(pct / 100.0 * (double)(s->n - 1) + 0.5);
	return s->v[i];
}

static void sample_reset(struct samples *s) { s->n = 0; }

/* the i-th key in a scrambled order: i * P mod n is a permutation of
 * 0..n-1 because the prime P (2654435761) is coprime with any n < P */
static uint64_t scramble(uint64_t i, uint64_t n)
{
	return (i * 2654435761u) % n;
}

static union lvs_addr ip4(const char *s)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET, s, &a.ip);
	return a;
}

static struct lvs_service_conf svc_conf(uint16_t proto, const char *sched)
{
	struct lvs_service_conf c;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.protocol = proto;
	c.addr = ip4("172.20.0.24");
	c.port = 80;
	snprintf(c.sched_name, sizeof(c.sched_name), "%s", sched);
	c.netmask = 0xffffffff;
	return c;
}

static struct lvs_dest_conf dest_conf(uint32_t host_ip, int weight)
{
	struct lvs_dest_conf d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr.ip = htonl(host_ip);
	d.port = 80;
	d.weight = weight;
	d.conn_flags = LVS_CONN_F_MASQ;
	return d;
}

/* client i: 10.x.y.z : 1024 + (i & 0x3fff) - distinct (caddr, cport) per i */
static void client_of(uint64_t i, union lvs_addr *caddr, uint16_t *cport)
{
	memset(caddr, 0, sizeof(*caddr));
	caddr->ip = htonl(0x0a000000u + (uint32_t)(i >> 14));
	*cport = (uint16_t)(1024 + (i & 0x3fff));
}

static void tcp_pkt(struct lvs_pkt *p, uint64_t i, uint8_t flags, const union lvs_addr *vip)
{
	memset(p, 0, sizeof(*p));
	p->af = AF_INET;
	p->protocol = IPPROTO_TCP;
	client_of(i, &p->saddr, &p->sport);
	p->daddr = *vip;
	p->dport = 80;
	p->tcp_flags = flags;
	p->len = 60;
}

/* batch b of a run over `total` keys: per packets of scrambled clients */
static void fill_batch(struct lvs_pkt *pk, uint64_t b, uint64_t per, uint64_t total, uint8_t flags,
		       const union lvs_addr *vip)
{
	for (uint64_t k = 0; k < per; k++)
		tcp_pkt(&pk[k], scramble(b * per + k, total), flags, vip);
}


/* what a worker does before handling its RX burst: stage 1 (buckets) for
 * all packets, then stage 2 (first entries of each chain) */
static void prefetch_burst(struct lvs_core *core, const struct lvs_pkt *q)
{
	for (unsigned j = 0; j < BURST; j++)
		lvs_core_prefetch(core, &q[j], 0);
	for (unsigned j = 0; j < BURST; j++)
		lvs_core_prefetch2(core, &q[j], 0);
}
static void bench_conn(uint64_t n)
{
	struct lvs_table *t = lvs_table_new();
	struct samples s = { 0 };
	struct lvs_service_conf sc = svc_conf(IPPROTO_TCP, "rr");
	union lvs_addr vip = sc.addr;
	uint64_t now = 1000000;
	struct lvs_pkt p;
	struct lvs_conn_ref ref;
	uint64_t nbatches = n / BATCH ? n / BATCH : 1, per = n / nbatches;

	struct lvs_dest_conf rs1 = dest_conf(0xc0a80110, 1), rs2 = dest_conf(0xc0a80108, 1);

	if (!t || lvs_add_service(t, &sc) || lvs_add_dest(t, &sc, &rs1) || lvs_add_dest(t, &sc, &rs2)) {
		fprintf(stderr, "micro_core: table setup failed\n");
		exit(1);
	}
	/* the samples' array is allocated before the first RSS reading: the
	 * memory figure is the table's alone */
	s.cap = nbatches + 16;
	s.v = malloc(s.cap * sizeof(double));
	if (!s.v) {
		perror("malloc");
		exit(1);
	}
	memset(s.v, 0, s.cap * sizeof(double));
	long rss0 = rss_bytes();
	struct lvs_core *core = lvs_core_new(t, 1, n + 16, NULL);
	if (!core) {
		fprintf(stderr, "micro_core: lvs_core_new(%llu) failed\n", (unsigned long long)n);
		exit(1);
	}
	long rss_empty = rss_bytes();

	/* insert: a SYN for a new client = full new-connection decision
	 * (service lookup, rr, entry allocation, hashing, stats) */
	uint64_t failed = 0;
	for (uint64_t b = 0; b < nbatches; b++) {
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per; k++) {
			tcp_pkt(&p, b * per + k, LVS_TCPF_SYN, &vip);
			if (lvs_core_inbound(core, 0, &p, now, &ref) != LVS_FORWARD)
				failed++;
			lvs_core_ref_put(core, 0, &ref);
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per);
	}
	/* the remainder of n that does not fill a batch, untimed, so that
	 * the table holds exactly n connections for the memory figure */
	for (uint64_t i = nbatches * per; i < n; i++) {
		tcp_pkt(&p, i, LVS_TCPF_SYN, &vip);
		if (lvs_core_inbound(core, 0, &p, now, &ref) != LVS_FORWARD)
			failed++;
		lvs_core_ref_put(core, 0, &ref);
	}
	uint64_t live = lvs_core_conn_count(core);
	long rss_full = rss_bytes();
	double ins_med = sample_pct(&s, 50), ins_p99 = sample_pct(&s, 99);
	sample_reset(&s);

	/* The measured loops below read their packets from pk[], filled for
	 * each batch before its clock starts: the times are the table's, not
	 * those of generating scrambled keys (a 64-bit division each). */
	struct lvs_pkt *pk = calloc(per, sizeof(*pk));
	if (!pk) {
		perror("calloc");
		exit(1);
	}
	uint64_t total = nbatches * per, per_b = per - per % BURST;

	/* lookup: hash + chain walk under the bucket lock, random order */
	uint32_t jnow = lvs_jiffies(now);
	uint64_t missing = 0;
	for (uint64_t b = 0; b < nbatches; b++) {
		fill_batch(pk, b, per, total, LVS_TCPF_ACK, &vip);
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per; k++) {
			uint32_t bk = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &pk[k].saddr, pk[k].sport);
			lvs_conn_lock_bucket(core, bk);
			if (!lvs_conn_find_in_locked(core, bk, AF_INET, IPPROTO_TCP, &pk[k].saddr, pk[k].sport, &vip, 80,
						     jnow))
				missing++;
			lvs_conn_unlock_bucket(core, bk);
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per);
	}
	double look_med = sample_pct(&s, 50), look_p99 = sample_pct(&s, 99);
	sample_reset(&s);

	/* the same lookups in bursts of BURST packets, as a worker handles
	 * its RX batch: the cache misses of a burst overlap (stage 1 loads
	 * the buckets, stage 2 the first entry of each, then the lookups) */
	for (uint64_t b = 0; b < nbatches; b++) {
		fill_batch(pk, b, per, total, LVS_TCPF_ACK, &vip);
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per_b; k += BURST) {
			struct lvs_pkt *q = &pk[k];
			prefetch_burst(core, q);
			for (unsigned j = 0; j < BURST; j++) {
				uint32_t bk = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &q[j].saddr, q[j].sport);
				lvs_conn_lock_bucket(core, bk);
				if (!lvs_conn_find_in_locked(core, bk, AF_INET, IPPROTO_TCP, &q[j].saddr, q[j].sport, &vip,
							     80, jnow))
					missing++;
				lvs_conn_unlock_bucket(core, bk);
			}
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per_b);
	}
	double lookb_med = sample_pct(&s, 50), lookb_p99 = sample_pct(&s, 99);
	sample_reset(&s);

	/* established packet: the whole per-packet decision for an ACK of a
	 * known connection (lookup + state machine + stats), random order */
	for (uint64_t b = 0; b < nbatches; b++) {
		fill_batch(pk, b, per, total, LVS_TCPF_ACK, &vip);
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per; k++) {
			lvs_core_inbound(core, 0, &pk[k], now, &ref);
			lvs_core_ref_put(core, 0, &ref);
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per);
	}
	double est_med = sample_pct(&s, 50), est_p99 = sample_pct(&s, 99);
	sample_reset(&s);

	/* established packets in bursts, prefetched as a worker does */
	for (uint64_t b = 0; b < nbatches; b++) {
		fill_batch(pk, b, per, total, LVS_TCPF_ACK, &vip);
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per_b; k += BURST) {
			struct lvs_pkt *q = &pk[k];
			prefetch_burst(core, q);
			for (unsigned j = 0; j < BURST; j++) {
				lvs_core_inbound(core, 0, &q[j], now, &ref);
				lvs_core_ref_put(core, 0, &ref);
			}
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per_b);
	}
	double estb_med = sample_pct(&s, 50), estb_p99 = sample_pct(&s, 99);
	sample_reset(&s);

	/* delete: find, unhash, release (what expiry does per entry) */
	for (uint64_t b = 0; b < nbatches; b++) {
		fill_batch(pk, b, per, total, LVS_TCPF_ACK, &vip);
		uint64_t t0 = now_ns();
		for (uint64_t k = 0; k < per; k++) {
			uint32_t bk = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &pk[k].saddr, pk[k].sport);
			lvs_conn_lock_bucket(core, bk);
			struct lvs_conn *c = lvs_conn_find_in_locked(core, bk, AF_INET, IPPROTO_TCP, &pk[k].saddr,
								     pk[k].sport, &vip, 80, jnow);
			if (c)
				lvs_conn_unhash_locked(core, bk, c);
			lvs_conn_unlock_bucket(core, bk);
			if (c)
				lvs_conn_release(core, 0, c, 0);
		}
		sample_add(&s, (double)(now_ns() - t0) / (double)per);
	}
	double del_med = sample_pct(&s, 50), del_p99 = sample_pct(&s, 99);
	for (uint64_t i = total; i < n; i++) {   /* the untimed remainder */
		tcp_pkt(&p, i, LVS_TCPF_ACK, &vip);
		uint32_t bk = lvs_conn_bucket(core, AF_INET, IPPROTO_TCP, &p.saddr, p.sport);
		lvs_conn_lock_bucket(core, bk);
		struct lvs_conn *c = lvs_conn_find_in_locked(core, bk, AF_INET, IPPROTO_TCP, &p.saddr, p.sport, &vip,
							     80, jnow);
		if (c)
			lvs_conn_unhash_locked(core, bk, c);
		lvs_conn_unlock_bucket(core, bk);
		if (c)
			lvs_conn_release(core, 0, c, 0);
	}
	free(pk);
	uint64_t left = lvs_core_conn_count(core);

	printf("conn entries=%llu live=%llu insert_failed=%llu lookup_missing=%llu left_after_delete=%llu "
	       "sizeof_entry=%zu buckets=%u bytes_per_entry_rss=%.1f table_rss_mib=%.1f empty_table_rss_mib=%.1f "
	       "insert_ns=%.1f insert_p99=%.1f lookup_ns=%.1f lookup_p99=%.1f "
	       "lookup_burst_ns=%.1f lookup_burst_p99=%.1f burst=%d "
	       "established_ns=%.1f established_p99=%.1f "
	       "established_burst_ns=%.1f established_burst_p99=%.1f delete_ns=%.1f delete_p99=%.1f\n",
	       (unsigned long long)n, (unsigned long long)live, (unsigned long long)failed,
	       (unsigned long long)missing, (unsigned long long)left,
	       sizeof(struct lvs_conn), core->nbuckets,
	       live ? (double)(rss_full - rss0) / (double)live : 0.0,
	       (double)(rss_full - rss0) / 1048576.0, (double)(rss_empty - rss0) / 1048576.0,
	       ins_med, ins_p99, look_med, look_p99, lookb_med, lookb_p99, BURST, est_med, est_p99, estb_med,
	       estb_p99, del_med, del_p99);
	fflush(stdout);
	free(s.v);
	lvs_core_free(core);
	lvs_table_free(t);
}

static void bench_sched(const struct lvs_sched_ops *ops, unsigned ndest)
{
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf sc = svc_conf(IPPROTO_TCP, ops->name);
	struct samples s = { 0 };
	struct lvs_sched_pkt sp;
	uint64_t now = 1000000, nulls = 0;
	unsigned rounds = 200;

	if (!t || lvs_add_service(t, &sc)) {
		printf("sched name=%s dests=%u error=add_service\n", ops->name, ndest);
		if (t)
			lvs_table_free(t);
		return;
	}
	for (unsigned i = 0; i < ndest; i++) {
		struct lvs_dest_conf d = dest_conf(0xc0a80000u + 2 + i, 1 + (int)(i % 5));
		if (lvs_add_dest(t, &sc, &d)) {
			printf("sched name=%s dests=%u error=add_dest\n", ops->name, ndest);
			lvs_table_free(t);
			return;
		}
		/* uneven load so that lc/wlc/sed/nq compare real numbers */
		struct lvs_dest *dp = lvs_dest_lookup(lvs_svc_get(t, &sc), AF_INET, &d.addr, 80);
		if (dp) {
			dp->activeconns = (int)((i * 7919u) % 97);
			dp->inactconns = (int)((i * 104729u) % 31);
		}
	}
	struct lvs_service *svc = lvs_svc_get(t, &sc);
	memset(&sp, 0, sizeof(sp));
	sp.af = AF_INET;
	sp.protocol = IPPROTO_TCP;
	sp.daddr = sc.addr;
	sp.dport = 80;
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();
		for (unsigned k = 0; k < BATCH; k++) {
			uint64_t i = (uint64_t)r * BATCH + k;
			client_of(scramble(i, 1u << 20), &sp.saddr, &sp.sport);
			if (!lvs_sched_schedule(svc, &sp, now))
				nulls++;
		}
		sample_add(&s, (double)(now_ns() - t0) / BATCH);
	}
	printf("sched name=%s dests=%u decision_ns=%.1f p99=%.1f no_dest=%llu\n", ops->name, ndest,
	       sample_pct(&s, 50), sample_pct(&s, 99), (unsigned long long)nulls);
	fflush(stdout);
	free(s.v);
	lvs_table_free(t);
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "conn") && strcmp(argv[1], "sched"))) {
		fprintf(stderr, "usage: micro_core conn|sched N...\n");
		return 2;
	}
	lvs_sched_set_available("twos", 1);
	for (int a = 2; a < argc; a++) {
		char *end;
		unsigned long long n = strtoull(argv[a], &end, 10);
		if (*end || n == 0 || n > 100000000ull) {
			fprintf(stderr, "micro_core: bad count '%s'\n", argv[a]);
			return 2;
		}
		if (!strcmp(argv[1], "conn"))
			bench_conn(n);
		else
			for (const struct lvs_sched_ops *const *o = lvs_schedulers; *o; o++)
				bench_sched(*o, (unsigned)n);
	}
	return 0;
}
