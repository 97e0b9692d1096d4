/* fastpath.c - see fastpath.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "host/host.h"
#include "lib/err.h"
#include "fastpath.h"
#include "fastpath_maps.h"
#include "datapath/pkt/nexthop.h"
#include "datapath/pkt/worker.h"

/* the compiled programs, embedded at build time (module.mk) */
#ifndef LVSD_FAST_OBJ
#error "LVSD_FAST_OBJ must name the compiled bpf/lvsd_fast.bpf.o"
#endif
__asm__(".pushsection .rodata\n"
	".balign 8\n"
	".hidden lvsd_fast_obj_start\n"
	".hidden lvsd_fast_obj_end\n"
	"lvsd_fast_obj_start:\n"
	".incbin \"" LVSD_FAST_OBJ "\"\n"
	"lvsd_fast_obj_end:\n"
	".popsection\n");
extern const unsigned char lvsd_fast_obj_start[], lvsd_fast_obj_end[];

/* ---- the BPF side ---- */

/* our filter in the interface's clsact ingress (a qdisc that may already
 * exist: the user's own filters are left alone, ours has its own handle
 * and priority) */
#define LVSD_TC_HANDLE 0x1d5
#define LVSD_TC_PRIO   1

struct dp_fp_tc {
	int ifindex;
	char name[IF_NAMESIZE];
	int qdisc_ours;                 /* we created clsact: remove it on detach */
};

static int on_event(void *ctx, void *data, size_t len);

int dp_fastpath_open(struct dp_fastpath **out, struct strbuf *why)
{
	int r = -ENOMEM;
	struct dp_fastpath *fp = calloc(1, sizeof(*fp));
	if (!fp)
		return lvs_err(why, r, "out of memory");
	fp->flows_fd = fp->tc_fd = fp->stats_fd = -1;
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "lvsd_fast");
	fp->obj = bpf_object__open_mem(lvsd_fast_obj_start, (size_t)(lvsd_fast_obj_end - lvsd_fast_obj_start), &oo);
	if (!fp->obj) {
		r = lvs_err(why, -errno, "cannot open the fast path object: %m");
		goto fail;
	}
	r = bpf_object__load(fp->obj);
	if (r) {
		lvs_err(why, r, "cannot load the fast path programs: %m");
		goto fail;
	}
	struct bpf_program *tc = bpf_object__find_program_by_name(fp->obj, "lvsd_tc_fast");
	struct bpf_map *flows = bpf_object__find_map_by_name(fp->obj, "lvsd_flows");
	struct bpf_map *ctr = bpf_object__find_map_by_name(fp->obj, "lvsd_flow_ctr");
	struct bpf_map *st = bpf_object__find_map_by_name(fp->obj, "lvsd_fast_stats");
	if (!tc || !flows || !ctr || !st) {
		r = lvs_err(why, -ENOENT, "fast path object incomplete");
		goto fail;
	}
	fp->tc_fd = bpf_program__fd(tc);
	fp->flows_fd = bpf_map__fd(flows);
	fp->stats_fd = bpf_map__fd(st);
	long page = sysconf(_SC_PAGESIZE);
	size_t l = sizeof(struct lvsd_flow_ctr) * LVSD_FLOW_SLOTS;
	fp->ctr_len = (l + (size_t)page - 1) / (size_t)page * (size_t)page;
	void *m = mmap(NULL, fp->ctr_len, PROT_READ, MAP_SHARED, bpf_map__fd(ctr), 0);
	if (m == MAP_FAILED) {
		r = lvs_err(why, -errno, "counters: mmap: %m");
		goto fail;
	}
	fp->ctr = m;
	fp->nslots = LVSD_FLOW_SLOTS;
	fp->enabled = 1;
	/* setup offload needs the event ring; without it the fast path
	 * still takes established flows */
	struct bpf_map *ev = bpf_object__find_map_by_name(fp->obj, "lvsd_events");
	pthread_mutex_init(&fp->events_lock, NULL);
	if (ev)
		fp->events = ring_buffer__new(bpf_map__fd(ev), on_event, fp, NULL);
	if (!fp->events)
		lvs_log(LOG_WARNING, "datapath: fast path: no event ring (%s): connections are offloaded once established",
			 strerror(errno));
	*out = fp;
	return 0;
fail:
	dp_fastpath_close(fp);
	return r;
}

static void tc_detach(struct dp_fp_tc *t)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = t->ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = LVSD_TC_HANDLE, .priority = LVSD_TC_PRIO);
	bpf_tc_detach(&hook, &o);      /* the link may be gone: errors expected */
	if (t->qdisc_ours) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

static int tc_attach(struct dp_fastpath *fp, struct dp_fp_tc *t)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = t->ifindex, .attach_point = BPF_TC_INGRESS);
	int r = bpf_tc_hook_create(&hook);
	if (r && r != -EEXIST)
		return r;
	t->qdisc_ours = r == 0;
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = fp->tc_fd, .handle = LVSD_TC_HANDLE, .priority = LVSD_TC_PRIO,
		    .flags = BPF_TC_F_REPLACE);
	r = bpf_tc_attach(&hook, &o);
	if (r && t->qdisc_ours) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return r;
}

void dp_fastpath_close(struct dp_fastpath *fp)
{
	if (!fp)
		return;
	for (unsigned i = 0; i < fp->ntc; i++)
		tc_detach(&fp->tc[i]);
	free(fp->tc);
	if (fp->events) {
		ring_buffer__free(fp->events);
		pthread_mutex_destroy(&fp->events_lock);
	}
	if (fp->ctr)
		munmap((void *)fp->ctr, fp->ctr_len);
	if (fp->obj)
		bpf_object__close(fp->obj);
	free(fp);
}

void dp_fastpath_disable(struct dp_fastpath *fp, const char *why)
{
	if (!fp || !__atomic_exchange_n(&fp->enabled, 0, __ATOMIC_RELAXED))
		return;
	lvs_log(LOG_WARNING, "datapath: fast path off (%s): every packet goes through the workers", why);
	/* installed flows would now miss a TC program somewhere: all back */
	struct lvsd_flow_key k, next;
	int have = bpf_map_get_next_key(fp->flows_fd, NULL, &k) == 0;
	while (have) {
		have = bpf_map_get_next_key(fp->flows_fd, &k, &next) == 0;
		bpf_map_delete_elem(fp->flows_fd, &k);
		k = next;
	}
}

void dp_fastpath_sync_ifs(struct dp_fastpath *fp, char *const *ifnames)
{
	if (!fp)
		return;
	/* gone (or renumbered) first */
	for (unsigned i = 0; i < fp->ntc;) {
		struct dp_fp_tc *t = &fp->tc[i];
		int keep = 0;
		for (char *const *p = ifnames; p && *p && !keep; p++)
			keep = !strcmp(*p, t->name) && (int)if_nametoindex(*p) == t->ifindex;
		if (keep) {
			i++;
			continue;
		}
		tc_detach(t);
		fp->tc[i] = fp->tc[--fp->ntc];
	}
	if (!__atomic_load_n(&fp->enabled, __ATOMIC_RELAXED))
		return;
	for (char *const *p = ifnames; p && *p; p++) {
		int ifindex = (int)if_nametoindex(*p);
		int found = !ifindex;
		for (unsigned i = 0; i < fp->ntc && !found; i++)
			found = fp->tc[i].ifindex == ifindex;
		if (found)
			continue;
		struct dp_fp_tc *nv = realloc(fp->tc, (fp->ntc + 1) * sizeof(*nv));
		if (!nv) {
			dp_fastpath_disable(fp, "out of memory");
			return;
		}
		fp->tc = nv;
		struct dp_fp_tc *t = &fp->tc[fp->ntc];
		memset(t, 0, sizeof(*t));
		t->ifindex = ifindex;
		snprintf(t->name, sizeof(t->name), "%s", *p);
		int r = tc_attach(fp, t);
		if (r) {
			char why[128];
			snprintf(why, sizeof(why), "cannot attach the TC program to %s: %s", *p, strerror(-r));
			dp_fastpath_disable(fp, why);
			return;
		}
		fp->ntc++;
		lvs_log(LOG_INFO, "datapath: fast path: TC program on %s", *p);
	}
}

uint64_t dp_bpf_percpu_sum(int fd, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	if (fd < 0 || ncpu <= 0 || ncpu > 4096)
		return 0;
	uint64_t *v = calloc((size_t)ncpu, sizeof(*v)), sum = 0;
	if (v && bpf_map_lookup_elem(fd, &key, v) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

uint64_t dp_fastpath_stat(const struct dp_fastpath *fp, unsigned what)
{
	return fp ? dp_bpf_percpu_sum(fp->stats_fd, what) : 0;
}

/* ---- the workers' side ---- */

/* one offloaded connection this worker installed */
struct fp_conn {
	struct lvs_offload_report key;  /* the core's key; counts filled per harvest */
	struct lvsd_flow_key fk[2];     /* 0: client -> RS, 1: RS -> client */
	uint8_t installed;              /* bit per direction */
	uint8_t setup;                  /* setup offload: removed at the harvest only */
	uint64_t last[4];               /* counter values already reported */
};

#define DEL_BATCH 1024

struct dp_fp_worker {
	const struct dp_fastpath *fp;
	uint32_t base, n;               /* this worker's slots: base .. base+n-1 */
	struct fp_conn *conn;           /* by slot - base */
	uint32_t *free_slots, nfree;    /* a stack */
	uint32_t *active, nactive;      /* slots in use, for the harvest */
	uint64_t installed, install_failed, stopped, released;
	uint64_t setup;                 /* installs at the SYN (setup offload) */
	struct lvsd_flow_key del[DEL_BATCH];    /* harvest: keys to delete */
	uint64_t replayed;              /* events this worker replayed */
};

struct dp_fp_worker *dp_fp_worker_new(const struct dp_fastpath *fp, unsigned idx, unsigned nworkers)
{
	if (!fp || !nworkers || idx >= nworkers)
		return NULL;
	struct dp_fp_worker *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->fp = fp;
	f->n = fp->nslots / nworkers;
	f->base = idx * f->n;
	f->conn = calloc(f->n, sizeof(*f->conn));
	f->free_slots = calloc(f->n, sizeof(uint32_t));
	f->active = calloc(f->n, sizeof(uint32_t));
	if (!f->conn || !f->free_slots || !f->active) {
		dp_fp_worker_free(f);
		return NULL;
	}
	for (uint32_t i = 0; i < f->n; i++)
		f->free_slots[i] = f->base + f->n - 1 - i;     /* lowest first */
	f->nfree = f->n;
	return f;
}

void dp_fp_worker_free(struct dp_fp_worker *f)
{
	if (!f)
		return;
	free(f->conn);
	free(f->free_slots);
	free(f->active);
	free(f);
}

static void ctr_read(const struct dp_fp_worker *f, uint32_t slot, uint64_t v[4])
{
	volatile const struct lvsd_flow_ctr *c = &f->fp->ctr[slot];
	v[0] = c->in_pkts;
	v[1] = c->in_bytes;
	v[2] = c->out_pkts;
	v[3] = c->out_bytes;
}

static void key_of(struct lvsd_flow_key *k, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->saddr = saddr;
	k->daddr = daddr;
	k->sport = htons(sport);
	k->dport = htons(dport);
	k->proto = IPPROTO_TCP;
}

/* the rewrite of one direction: packets to `to` leave with (addr, port) */
static int flow_value(struct dp_worker *w, struct lvsd_flow *v, uint32_t to, uint32_t addr, uint16_t port,
		      uint8_t action, uint32_t slot, uint32_t flags)
{
	struct nh_route rt;
	if (nh_route4(w->nh, to, &rt) < 0 || rt.type != RTN_UNICAST || !rt.ifindex)
		return -EHOSTUNREACH;
	*v = (struct lvsd_flow){
		.addr = addr, .port = htons(port), .action = action,
		.ifindex = (uint32_t)rt.ifindex, .nexthop = rt.nexthop, .slot = slot,
		.mtu = rt.mtu ? rt.mtu : 1500, .flags = flags,
	};
	return 0;
}

void dp_fp_start(struct dp_worker *w, const struct lvs_conn_ref *ref)
{
	struct dp_fp_worker *f = w->fpw;
	if (!f || !__atomic_load_n(&f->fp->enabled, __ATOMIC_RELAXED) || ref->af != AF_INET ||
	    ref->daf != AF_INET || ref->protocol != IPPROTO_TCP || !f->nfree) {
		if (f)
			f->install_failed++;
		return;
	}
	uint32_t slot = f->free_slots[--f->nfree];
	struct fp_conn *c = &f->conn[slot - f->base];
	memset(c, 0, sizeof(*c));
	c->key.af = AF_INET;
	c->key.protocol = IPPROTO_TCP;
	c->key.caddr = ref->caddr;
	c->key.vaddr = ref->vaddr;
	c->key.cport = ref->cport;
	c->key.vport = ref->vport;
	key_of(&c->fk[0], ref->caddr.ip, ref->vaddr.ip, ref->cport, ref->vport);
	key_of(&c->fk[1], ref->daddr.ip, ref->caddr.ip, ref->dport, ref->cport);
	/* counters may hold leftovers of the slot's previous user (a packet
	 * in flight while it was removed): start from what is there */
	ctr_read(f, slot, c->last);
	/* setup offload: the client's side also reports the ACK that
	 * completes the handshake (SYN_RECV -> ESTABLISHED) */
	int setup = ref->offload == LVS_OFFLOAD_START_SETUP && f->fp->events;
	uint32_t fl_in = setup ? LVSD_FLOW_F_SETUP | LVSD_FLOW_F_REPORT_ACK : 0;
	uint32_t fl_out = setup ? LVSD_FLOW_F_SETUP : 0;
	/* both directions in one map update (one syscall per connection) */
	struct lvsd_flow_key keys[2];
	struct lvsd_flow vals[2];
	uint32_t n = 0;
	uint8_t dirs[2];
	if ((ref->flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_DROUTE) {
		/* DR: the director sees the client's side only */
		if (flow_value(w, &vals[n], ref->daddr.ip, ref->daddr.ip, ref->dport, LVSD_FLOW_DR, slot, fl_in) == 0) {
			keys[n] = c->fk[0];
			dirs[n++] = 1;
		}
	} else {
		/* the reply direction first: the SYN is already on its way,
		 * and its SYN-ACK must find the flow */
		if (flow_value(w, &vals[n], ref->caddr.ip, ref->vaddr.ip, ref->vport, LVSD_FLOW_SNAT, slot, fl_out) == 0) {
			keys[n] = c->fk[1];
			dirs[n++] = 2;
		}
		if (flow_value(w, &vals[n], ref->daddr.ip, ref->daddr.ip, ref->dport, LVSD_FLOW_DNAT, slot, fl_in) == 0) {
			keys[n] = c->fk[0];
			dirs[n++] = 1;
		}
	}
	uint32_t done = n;
	if (n && bpf_map_update_batch(f->fp->flows_fd, keys, vals, &done, NULL) < 0) {
		/* older kernels without batch ops on hashes: one by one */
		done = 0;
		for (uint32_t i = 0; i < n && bpf_map_update_elem(f->fp->flows_fd, &keys[i], &vals[i], BPF_ANY) == 0; i++)
			done++;
	}
	for (uint32_t i = 0; i < done && i < n; i++)
		c->installed |= dirs[i];
	c->setup = (uint8_t)setup;
	if (!c->installed) {
		f->free_slots[f->nfree++] = slot;
		f->install_failed++;
		return;
	}
	f->active[f->nactive++] = slot;
	f->installed++;
	if (setup)
		f->setup++;
}

void dp_fp_stop(struct dp_worker *w, const struct lvs_conn_ref *ref)
{
	struct dp_fp_worker *f = w->fpw;
	if (!f || ref->af != AF_INET || ref->daf != AF_INET)
		return;
	/* whichever worker installed it: both directions go now, so the
	 * segments after this one reach the state machine; the owner frees
	 * the slot at its next harvest (the core no longer has it offloaded) */
	struct lvsd_flow_key k;
	key_of(&k, ref->caddr.ip, ref->vaddr.ip, ref->cport, ref->vport);
	bpf_map_delete_elem(f->fp->flows_fd, &k);
	key_of(&k, ref->daddr.ip, ref->caddr.ip, ref->dport, ref->cport);
	bpf_map_delete_elem(f->fp->flows_fd, &k);
	f->stopped++;
}

/* remove a direction unless another worker re-installed the key for a
 * newer connection (then its value names another slot) */
static void remove_dir(struct dp_fp_worker *f, const struct lvsd_flow_key *k, uint32_t slot)
{
	struct lvsd_flow v;
	if (bpf_map_lookup_elem(f->fp->flows_fd, k, &v) == 0 && v.slot == slot)
		bpf_map_delete_elem(f->fp->flows_fd, k);
}

/* delete keys[0..n-1], one syscall per batch; a key already gone (or
 * replaced by a newer connection's: then that one goes through the
 * workers, which is always correct) is skipped */
static void delete_keys(struct dp_fp_worker *f, struct lvsd_flow_key *keys, uint32_t n)
{
	uint32_t at = 0;
	while (at < n) {
		uint32_t cnt = n - at;
		int r = bpf_map_delete_batch(f->fp->flows_fd, keys + at, &cnt, NULL);
		if (r == 0) {
			at = n;
		} else if (errno == ENOENT) {
			at += cnt + 1;          /* keys[at + cnt] was missing */
		} else {
			/* no batch operations on this kernel: one by one */
			for (; at < n; at++)
				bpf_map_delete_elem(f->fp->flows_fd, &keys[at]);
		}
	}
}

void dp_fp_harvest(struct dp_worker *w)
{
	struct dp_fp_worker *f = w->fpw;
	if (!f)
		return;
	uint32_t ndel = 0;
	for (uint32_t i = 0; i < f->nactive;) {
		uint32_t slot = f->active[i];
		struct fp_conn *c = &f->conn[slot - f->base];
		uint64_t now[4];
		ctr_read(f, slot, now);
		c->key.in_pkts = now[0] - c->last[0];
		c->key.in_bytes = now[1] - c->last[1];
		c->key.out_pkts = now[2] - c->last[2];
		c->key.out_bytes = now[3] - c->last[3];
		memcpy(c->last, now, sizeof(now));
		if (lvs_core_offload_touch(w->sh->core, w->idx, &c->key, w->now_ms)) {
			i++;
			continue;
		}
		for (int d = 0; d < 2; d++) {
			if (!(c->installed & (1u << d)))
				continue;
			if (!c->setup) {
				remove_dir(f, &c->fk[d], slot);
				continue;
			}
			/* setup flows are still in the map (STOP left them
			 * reporting): gather them for one batch delete */
			if (ndel == DEL_BATCH) {
				delete_keys(f, f->del, ndel);
				ndel = 0;
			}
			f->del[ndel++] = c->fk[d];
		}
		/* swap-remove from the active list; the slot is free again */
		uint32_t last = f->active[--f->nactive];
		f->active[i] = last;
		f->free_slots[f->nfree++] = slot;
		f->released++;
	}
	delete_keys(f, f->del, ndel);
}

/* one reported segment: what the core would have seen (pkt.h, setup
 * offload); the TC program already forwarded it */
static int on_event(void *ctx, void *data, size_t len)
{
	struct dp_fastpath *fp = ctx;
	struct dp_worker *w = fp->events_worker;
	const struct lvsd_flow_event *ev = data;
	if (!w || len < sizeof(*ev))
		return 0;
	struct lvs_pkt p;
	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.protocol = IPPROTO_TCP;
	p.saddr.ip = ev->saddr;
	p.daddr.ip = ev->daddr;
	p.sport = ntohs(ev->sport);
	p.dport = ntohs(ev->dport);
	p.tcp_flags = ev->tcp_flags;
	p.len = ev->len;
	struct lvs_conn_ref ref;
	if (ev->outbound)
		lvs_core_outbound(w->sh->core, w->idx, &p, w->now_ms, &ref);
	else
		lvs_core_inbound(w->sh->core, w->idx, &p, w->now_ms, &ref);
	/* STOP: the flow keeps forwarding and reporting until the owner's
	 * harvest removes it (the core has the whole story either way) */
	if (ref.offload == LVS_OFFLOAD_STOP)
		w->fpw->stopped++;
	else if (ref.offload == LVS_OFFLOAD_START || ref.offload == LVS_OFFLOAD_START_SETUP)
		dp_fp_start(w, &ref);   /* a replayed SYN reopened the entry */
	lvs_core_ref_put(w->sh->core, w->idx, &ref);
	w->fpw->replayed++;
	return 0;
}

void dp_fp_drain(struct dp_worker *w)
{
	struct dp_fp_worker *f = w->fpw;
	if (!f || !f->fp->events)
		return;
	struct dp_fastpath *fp = (struct dp_fastpath *)f->fp;
	pthread_mutex_lock(&fp->events_lock);
	fp->events_worker = w;
	ring_buffer__consume(fp->events);
	fp->events_worker = NULL;
	pthread_mutex_unlock(&fp->events_lock);
}

int dp_fp_busy(const struct dp_worker *w)
{
	return w->fpw && w->fpw->fp->events && w->fpw->setup && w->fpw->nactive;
}

void dp_fp_counts(const struct dp_fp_worker *f, struct dp_fp_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!f)
		return;
	out->installed = __atomic_load_n(&f->installed, __ATOMIC_RELAXED);
	out->install_failed = __atomic_load_n(&f->install_failed, __ATOMIC_RELAXED);
	out->stopped = __atomic_load_n(&f->stopped, __ATOMIC_RELAXED);
	out->released = __atomic_load_n(&f->released, __ATOMIC_RELAXED);
	out->active = __atomic_load_n(&f->nactive, __ATOMIC_RELAXED);
	out->setup = __atomic_load_n(&f->setup, __ATOMIC_RELAXED);
	out->replayed = __atomic_load_n(&f->replayed, __ATOMIC_RELAXED);
}
