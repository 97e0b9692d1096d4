/* module.c - lvsd_mod_datapath: wiring between the daemon and the
 * datapath (see datapath.h).  Runs on the daemon's main loop thread except
 * the workers. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/epoll.h>
#include "core/conn.h"
#include "host/host.h"
#include "datapath/io/afxdp.h"
#include "lib/cpulist.h"
#include "datapath.h"
#include "datapath/io/local.h"
#include "datapath/pkt/nexthop.h"
#include "datapath/netfilter/guard.h"
#include "datapath/io/fastpath_maps.h"
#include "datapath/pkt/worker.h"

#define DP_MAX_CONNS   (1u << 20)
#define DP_MAX_WORKERS 64
/* the backend name for which AF_XDP is tried first: "auto" makes AF_XDP the
 * default (falls back to AF_PACKET with the reason logged) */
#define XDP_IN_AUTO "auto"

struct retired { struct dp_owned *o; struct retired *next; };

static struct {
	struct lvsd *d;
	struct lvs_core *core;
	struct dp_shared sh;
	struct dp_worker *w;
	unsigned nworkers;
	struct nh_monitor *mon;
	struct nh_ctx *nh;              /* main thread's own netlink context */
	struct dp_steer *steer;
	struct retired *retired;
	unsigned version;
	char backend_desc[384];
	struct dp_fastpath *fp;         /* fastpath.h, or NULL */
	char steer_err[256];
	char **ifnames;                 /* interfaces currently guarded */
	struct dp_local *local;         /* local real servers (local.h), NULL without a backend */
	char local_err[256];            /* why there is no TUN device ("" = there is one) */
	int local_warned;               /* local_err logged (once, when a local dest shows up) */
	char rules_err[256];            /* last reply-rule failure, logged once */
	size_t nlocal;                  /* dests at a local address */
	int local_mark;                 /* the TUN device is up: mark local NAT replies */
} g;

struct lvs_core *lvsd_datapath_core(void)
{
	return g.core;
}

/* fwmark (h10, fwmark_watch.c): the running backend's name, to know
 * whether the kernel also sees the frames (AF_PACKET tap) */
const char *dp_backend_name(void)
{
	return g.sh.be && g.sh.ops ? g.sh.ops->name : NULL;
}

static void core_lock(void *arg) { lvsd_lock(arg); }
static void core_unlock(void *arg) { lvsd_unlock(arg); }

/* ---- interfaces ---- */

static void free_names(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static char **split_list(const char *s)
{
	if (!s || !*s)
		return NULL;
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	char **v = calloc(n + 1, sizeof(*v));
	char *copy = strdup(s);
	if (!v || !copy) {
		free(v);
		free(copy);
		return NULL;
	}
	size_t i = 0;
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (*t && i < n)
			v[i++] = strdup(t);
	free(copy);
	return v;
}

/* every Ethernet link of the namespace (or the -i list), loopback excluded */
static char **current_ifnames(void)
{
	struct if_nameindex *ni = if_nameindex();
	if (!ni)
		return NULL;
	size_t n = 0;
	for (struct if_nameindex *p = ni; p->if_index; p++)
		n++;
	char **v = calloc(n + 1, sizeof(*v));
	size_t k = 0;
	for (struct if_nameindex *p = ni; v && p->if_index; p++) {
		struct nh_link l;
		if (nh_link(g.nh, (int)p->if_index, &l) < 0 || l.type != ARPHRD_ETHER)
			continue;
		int ok = !g.sh.allow_if;
		for (char **a = g.sh.allow_if; a && *a; a++)
			ok |= !strcmp(*a, p->if_name);
		if (ok)
			v[k++] = strdup(p->if_name);
	}
	if_freenameindex(ni);
	return v;
}

/* ---- owned set: snapshot, publish, enforce ---- */

static void reap_retired(void)
{
	unsigned min = ~0u;
	for (unsigned i = 0; i < g.nworkers; i++) {
		unsigned s = __atomic_load_n(&g.w[i].owned_seen, __ATOMIC_ACQUIRE);
		if (g.w[i].started && s < min)
			min = s;
	}
	struct retired **pp = &g.retired;
	while (*pp) {
		struct retired *r = *pp;
		/* a worker that has seen a newer version no longer holds this one */
		if (min == ~0u || r->o->version < min) {
			*pp = r->next;
			dp_owned_free(r->o);
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

static void enforce(void)
{
	if (g.sh.be && g.sh.ops->sync)
		g.sh.ops->sync(g.sh.be, g.sh.owned, g.ifnames);
	dp_fastpath_sync_ifs(g.fp, g.ifnames);
	if (!g.steer)
		return;
	struct strbuf err = STRBUF_INIT;
	if (steer_apply(g.steer, g.sh.owned, g.ifnames, &err) < 0) {
		const char *e = err.buf ? err.buf : "out of memory";
		if (strcmp(e, g.steer_err))
			lvs_log(LOG_ERR, "datapath: cannot install the nftables guard: %s", e);
		snprintf(g.steer_err, sizeof(g.steer_err), "%s", e);
	} else {
		g.steer_err[0] = 0;
	}
	sb_free(&err);
}

static void resync(struct lvsd *d)
{
	lvsd_lock(d);
	struct dp_owned *o = dp_owned_build(lvsd_table(d));
	lvsd_unlock(d);
	if (!o) {
		lvs_log(LOG_ERR, "datapath: out of memory building the owned set");
		return;
	}
	o->version = ++g.version;
	struct dp_owned *old = __atomic_exchange_n(&g.sh.owned, o, __ATOMIC_ACQ_REL);
	if (old) {
		struct retired *r = malloc(sizeof(*r));
		if (r) {
			r->o = old;
			r->next = g.retired;
			g.retired = r;
		} else {
			/* cannot defer: leak rather than free under a worker */
			lvs_log(LOG_ERR, "datapath: out of memory retiring the owned set");
		}
	}
	enforce();
}

/* which dests are local to the director (the core keeps them off the
 * fast path) and the reply rules of the local NAT ones; main thread, on
 * every table change and every address/route change */
static int local_sync(struct lvsd *d)
{
	int changed = 0;
	if (!g.local)
		return 0;
	int e = dp_local_refresh_prefixes(g.local);
	if (e < 0)
		lvs_log(LOG_WARNING, "datapath: cannot read the local addresses: %s", strerror(-e));
	struct dp_key *keys = NULL;
	lvsd_lock(d);
	long n = dp_local_mark(g.local, lvsd_table(d), &keys, &g.nlocal, &changed);
	lvsd_unlock(d);
	__atomic_store_n(&g.sh.local_active, g.nlocal > 0, __ATOMIC_RELAXED);
	if (n < 0) {
		lvs_log(LOG_ERR, "datapath: out of memory marking local real servers");
		return 0;
	}
	if (g.nlocal && g.local_err[0] && !g.local_warned) {
		g.local_warned = 1;
		lvs_log(LOG_WARNING, "datapath: a real server is local to the director, but there is no local "
			 "delivery (%s): its packets are dropped, counted as LOCAL_NO_TUN", g.local_err);
	}
	struct strbuf err = STRBUF_INIT;
	if (dp_local_set_rules(g.local, keys, (size_t)n, &err) < 0) {
		const char *m = err.buf ? err.buf : "failed";
		if (strcmp(m, g.rules_err))
			lvs_log(LOG_ERR, "datapath: local NAT real servers: %s (their replies cannot reach lvsd)", m);
		snprintf(g.rules_err, sizeof(g.rules_err), "%s", m);
	} else {
		g.rules_err[0] = 0;
	}
	sb_free(&err);
	free(keys);
	return changed;
}

static void on_table_change(struct lvsd *d, void *arg)
{
	(void)arg;
	local_sync(d);          /* first: the owned set reads the dests' LOCAL flags */
	resync(d);
	/* a deleted or quiesced dest, a flush: the workers ask the core about
	 * their offloaded flows now, not at the next harvest (fastpath.h) */
	for (unsigned i = 0; i < g.nworkers; i++)
		__atomic_store_n(&g.w[i].fp_harvest_ms, 0, __ATOMIC_RELAXED);
}

static void refresh_ifnames(void)
{
	char **v = current_ifnames();
	int same = 1;
	size_t i = 0;
	for (; v && g.ifnames && v[i] && g.ifnames[i]; i++)
		same &= !strcmp(v[i], g.ifnames[i]);
	same &= v && g.ifnames && !v[i] && !g.ifnames[i];
	if (same) {
		free_names(v);
		return;
	}
	free_names(g.ifnames);
	g.ifnames = v;
	enforce();
}

static void on_netlink(struct lvsd *d, int fd, uint32_t events, void *arg)
{
	(void)d;
	(void)fd;
	(void)events;
	(void)arg;
	int bits = nh_monitor_read(g.mon);
	if (bits & NH_CHANGED_LINK)
		refresh_ifnames();
	/* a dest may have become local, or stopped being (addresses only: on
	 * a router, route events never stop) */
	if ((bits & NH_CHANGED_ADDR) && local_sync(g.d))
		resync(g.d);
}

static void on_tick(struct lvsd *d, void *arg)
{
	(void)d;
	(void)arg;
	lvs_core_tick(g.core, lvs_now_ms());
	reap_retired();
}

/* ---- views ---- */

static int view_conn(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	lvs_core_conn_proc(g.core, out, lvs_now_ms());
	return 0;
}

static int view_conn_sync(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	lvs_core_conn_sync_proc(g.core, out, lvs_now_ms());
	return 0;
}

static int view_datapath(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	uint64_t reason[DP_R_COUNT] = { 0 };
	uint64_t rx = 0, tx = 0, txb = 0, in = 0, outb = 0, icmp = 0, seg = 0, frags = 0, icmp_rl = 0, rst = 0;
	for (unsigned i = 0; i < g.nworkers; i++) {
		struct dp_worker *w = &g.w[i];
		for (int r = 0; r < DP_R_COUNT; r++)
			reason[r] += __atomic_load_n(&w->reason[r], __ATOMIC_RELAXED);
		rx += w->rx_frames;
		tx += w->tx_frames;
		txb += w->tx_bytes;
		in += w->inbound;
		outb += w->outbound;
		icmp += w->icmp_sent;
		seg += w->segmented;
		frags += w->fragments;
		icmp_rl += w->icmp_ratelimited;
		rst += w->rst_sent;
	}
	if (g.sh.be)    /* live counters some backends show in their description */
		g.sh.ops->describe(g.sh.be, g.backend_desc, sizeof(g.backend_desc));
	sb_printf(out, "backend: %s\n", g.backend_desc[0] ? g.backend_desc : "none");
	sb_printf(out, "workers: %u\n", g.nworkers);
	sb_puts(out, "interfaces:");
	for (char **p = g.ifnames; p && *p; p++)
		sb_printf(out, " %s", *p);
	sb_puts(out, "\n");
	sb_printf(out, "guard: %s%s\n", g.steer ? "nftables table ip lvsd_<pid> (prerouting)" : "none",
		  g.steer_err[0] ? " (ERROR)" : "");
	if (g.steer_err[0])
		sb_printf(out, "guard_error: %s\n", g.steer_err);
	const struct dp_owned *o = g.sh.owned;
	sb_printf(out, "owned: %zu virtual services, %zu NAT real servers\n", o ? o->nvips : 0, o ? o->nnat : 0);
	sb_printf(out, "rx_frames %llu\ntx_frames %llu\ntx_bytes %llu\n", (unsigned long long)rx,
		  (unsigned long long)tx, (unsigned long long)txb);
	sb_printf(out, "inbound %llu\noutbound %llu\nicmp_sent %llu\nicmp_ratelimited %llu\ntso_segments %llu\nfragments %llu\n",
		  (unsigned long long)in, (unsigned long long)outb, (unsigned long long)icmp,
		  (unsigned long long)icmp_rl, (unsigned long long)seg, (unsigned long long)frags);
	sb_printf(out, "rst_sent %llu\n", (unsigned long long)rst);
	uint64_t lin = 0, linb = 0, lout = 0, lpass = 0;
	for (unsigned i = 0; i < g.nworkers; i++) {
		lin += g.w[i].local_in;
		linb += g.w[i].local_in_bytes;
		lout += g.w[i].local_out;
		lpass += g.w[i].local_passed;
	}
	if (!g.local)
		sb_puts(out, "local: none\n");
	else if (g.local_err[0])
		sb_printf(out, "local: unavailable (%s): packets to local real servers are dropped (LOCAL_NO_TUN)\n",
			  g.local_err);
	else
		sb_printf(out, "local: tun %s, %u queues, %zu local real servers, %zu loopback reply rules, "
			  "output mark 0x%08x; their connections stay in the workers (no fast path)\n",
			  dp_local_ifname(g.local), g.nworkers, g.nlocal, dp_local_nrules(g.local), LVSD_LOCAL_MARK);
	if (g.rules_err[0])
		sb_printf(out, "local_error: %s\n", g.rules_err);
	sb_printf(out, "local_delivered %llu\nlocal_delivered_bytes %llu\nlocal_received %llu\nlocal_passed %llu\n",
		  (unsigned long long)lin, (unsigned long long)linb, (unsigned long long)lout,
		  (unsigned long long)lpass);
	struct dp_fp_counts fc = { 0 };
	for (unsigned i = 0; i < g.nworkers; i++) {
		struct dp_fp_counts c1;
		dp_fp_counts(g.w[i].fpw, &c1);
		fc.installed += c1.installed;
		fc.install_failed += c1.install_failed;
		fc.stopped += c1.stopped;
		fc.released += c1.released;
		fc.active += c1.active;
		fc.setup += c1.setup;
		fc.replayed += c1.replayed;
	}
	sb_printf(out, "fastpath %s\n", !g.fp ? "none" : __atomic_load_n(&g.fp->enabled, __ATOMIC_RELAXED) ? "tc" : "off");
	sb_printf(out, "fastpath_forwarded %llu\n", (unsigned long long)dp_fastpath_stat(g.fp, LVSD_FAST_STAT_FWD));
	sb_printf(out, "fastpath_flows %llu\nfastpath_installed %llu\nfastpath_install_failed %llu\n"
		  "fastpath_stopped %llu\nfastpath_released %llu\n", (unsigned long long)fc.active,
		  (unsigned long long)fc.installed, (unsigned long long)fc.install_failed,
		  (unsigned long long)fc.stopped, (unsigned long long)fc.released);
	sb_printf(out, "fastpath_setup %llu\nfastpath_reported %llu\nfastpath_replayed %llu\nfastpath_report_full %llu\n",
		  (unsigned long long)fc.setup, (unsigned long long)dp_fastpath_stat(g.fp, LVSD_FAST_STAT_REPORTED),
		  (unsigned long long)fc.replayed, (unsigned long long)dp_fastpath_stat(g.fp, LVSD_FAST_STAT_REPORT_FULL));
	sb_puts(out, "reasons:\n");
	for (int r = 0; r < DP_R_COUNT; r++)
		sb_printf(out, "  %-16s %10llu  %s\n", dp_reason_name[r], (unsigned long long)reason[r],
			  dp_reason_desc[r]);
	struct lvs_core_counters c;
	lvs_core_counters(g.core, &c);
	sb_printf(out, "core: conn_created %llu conn_expired %llu pass_not_vs %llu pass_no_conn %llu "
		  "pass_icmp_no_conn %llu drop_dest_unavailable %llu drop_table_full %llu reject_no_dest %llu\n",
		  (unsigned long long)c.conn_created, (unsigned long long)c.conn_expired,
		  (unsigned long long)c.pass_not_vs, (unsigned long long)c.pass_no_conn,
		  (unsigned long long)c.pass_icmp_no_conn, (unsigned long long)c.drop_dest_unavailable,
		  (unsigned long long)c.drop_table_full, (unsigned long long)c.reject_no_dest);
	return 0;
}

/* ---- start / stop ---- */

static unsigned default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 4)
		n = 4;
	return (unsigned)n;
}

/* --cpus: worker i gets the i-th CPU of the list (cpulist.h), set before
 * the thread starts so it never runs elsewhere.  A CPU outside lvsd's
 * allowed set (taskset) leaves that worker with the inherited set. */
static void pin_attr(pthread_attr_t *attr, const int *cpus, int ncpus, unsigned i)
{
	if (ncpus <= 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpus[i % (unsigned)ncpus], &set);
	int r = pthread_attr_setaffinity_np(attr, sizeof(set), &set);
	if (r)
		lvs_log(LOG_WARNING, "datapath: worker %u: cannot pin to CPU %d: %s", i, cpus[i % (unsigned)ncpus],
			 strerror(r));
}

/* the CPUs a started worker may run on, as "0" or "0-1,3" for the log */
static void affinity_text(pthread_t t, char *buf, size_t len)
{
	cpu_set_t set;
	size_t used = 0;
	buf[0] = 0;
	if (pthread_getaffinity_np(t, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && used + 16 < len; c++) {
		if (!CPU_ISSET(c, &set) || (c > 0 && CPU_ISSET(c - 1, &set)))
			continue;
		int e = c;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
			e++;
		used += (size_t)snprintf(buf + used, len - used, e > c ? "%s%d-%d" : "%s%d", used ? "," : "", c, e);
	}
}

static void stop_workers(void)
{
	__atomic_store_n(&g.sh.stop, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < g.nworkers; i++) {
		if (g.w[i].started)
			pthread_join(g.w[i].thread, NULL);
		g.w[i].started = 0;
		dp_fp_worker_free(g.w[i].fpw);
		g.w[i].fpw = NULL;
		nh_ctx_free(g.w[i].nh);
		free(g.w[i].seg_arena);
		free(g.w[i].local_buf);
		g.w[i].local_buf = NULL;
		g.w[i].local_fd = -1;
	}
}

/* the TUN device for local real servers (local.h), one queue per worker;
 * without it lvsd still runs, and says why when a local dest shows up */
static void start_local(unsigned nw)
{
	for (unsigned i = 0; i < nw; i++)
		g.w[i].local_fd = -1;
	g.local = dp_local_new();
	if (!g.local) {
		snprintf(g.local_err, sizeof(g.local_err), "no rtnetlink socket");
		return;
	}
	struct strbuf err = STRBUF_INIT;
	int r = dp_local_tun_open(g.local, nw, getenv("LVSD_TUN_DEV"), &err);
	if (r < 0) {
		snprintf(g.local_err, sizeof(g.local_err), "cannot create a TUN device: %s",
			 err.buf ? err.buf : strerror(-r));
		sb_free(&err);
		return;
	}
	sb_free(&err);
	for (unsigned i = 0; i < nw; i++) {
		struct dp_worker *w = &g.w[i];
		w->local_buf = malloc((size_t)DP_LOCAL_BURST * DP_LOCAL_SLOT);
		if (!w->local_buf)
			continue;       /* this worker cannot deliver: LOCAL_NO_TUN */
		w->local_fd = dp_local_queue_fd(g.local, i);
		if (g.sh.ops->set_wake_fd)
			g.sh.ops->set_wake_fd(w->io, w->local_fd);
	}
	lvs_log(LOG_INFO, "datapath: local real servers are delivered through TUN device %s (%u queues)",
		 dp_local_ifname(g.local), nw);
	g.local_mark = 1;
}

static int start_backend(struct lvsd *d)
{
	const struct lvsd_opts *opts = lvsd_opts(d);
	const char *want = opts && opts->backend ? opts->backend : "auto";
	struct strbuf reason = STRBUF_INIT;

	if (!strcmp(want, "none")) {
		lvs_log(LOG_INFO, "datapath: backend none (control plane only)");
		return 0;
	}
	if (strcmp(want, "auto") && strcmp(want, "afpacket") && strcmp(want, "xdp"))
		lvs_log(LOG_WARNING, "datapath: unknown backend '%s'; using afpacket", want);
	unsigned nw = opts && opts->workers > 0 ? (unsigned)opts->workers : default_workers();
	if (nw > DP_MAX_WORKERS)
		nw = DP_MAX_WORKERS;
	/* the core was created for DP_MAX_WORKERS slots; see start() */
	/* the fast path first: the backends filter its segments out of their
	 * AF_PACKET sockets, the XDP program shares its flow map */
	const char *fpenv = getenv("LVSD_FASTPATH");
	if (fpenv && !strcmp(fpenv, "off")) {
		lvs_log(LOG_INFO, "datapath: fast path off (LVSD_FASTPATH=off)");
	} else {
		if (dp_fastpath_open(&g.fp, &reason) < 0)
			lvs_log(LOG_WARNING, "datapath: fast path unavailable (%s): every packet goes through the workers",
				 reason.buf ? reason.buf : "out of memory");
		sb_free(&reason);
	}
	struct dp_backend_conf conf = { .nworkers = nw, .want_offload = 1, .fp = g.fp };
	struct dp_backend *be = NULL;
	const struct dp_backend_ops *ops = NULL;
	char why[300] = "requested";
	/* AF_XDP first when asked for (or auto); AF_PACKET works everywhere */
	if (!strcmp(want, "xdp") || !strcmp(want, XDP_IN_AUTO)) {
		ops = &dp_backend_afxdp;
		int usable = strcmp(want, "auto") ? ops->probe(&reason) : afxdp_auto_ok(&reason);
		if (usable < 0)
			snprintf(why, sizeof(why), "AF_XDP unusable: %s", reason.buf ? reason.buf : "out of memory");
		else if (ops->open(&conf, &be, &reason) < 0)
			snprintf(why, sizeof(why), "AF_XDP open failed: %s", reason.buf ? reason.buf : "out of memory");
		sb_free(&reason);
		if (!be)
			lvs_log(LOG_WARNING, "datapath: %s; falling back to afpacket", why);
		else if (!strcmp(want, "auto"))
			snprintf(why, sizeof(why), "auto: AF_XDP works here");
	} else if (!strcmp(want, "auto")) {
		snprintf(why, sizeof(why), "auto: AF_PACKET (AF_XDP is used only with --backend xdp)");
	}
	if (!be) {
		ops = &dp_backend_afpacket;
		const char *failed = "unusable";
		int r = ops->probe(&reason);
		if (r == 0) {
			failed = "open failed";
			r = ops->open(&conf, &be, &reason);
		}
		if (r < 0) {
			lvs_log(LOG_WARNING, "datapath: afpacket %s (%s); running without a datapath", failed,
				 reason.buf ? reason.buf : "out of memory");
			sb_free(&reason);
			dp_fastpath_close(g.fp);
			g.fp = NULL;
			return 0;
		}
	}
	g.sh.ops = ops;
	g.sh.be = be;
	g.nworkers = nw;
	g.w = calloc(nw, sizeof(*g.w));
	if (!g.w)
		return -ENOMEM;
	struct dp_fastpath *fp = g.fp;
	for (unsigned i = 0; i < nw; i++) {
		struct dp_worker *w = &g.w[i];
		w->idx = i;
		w->sh = &g.sh;
		w->io = ops->worker(be, i);
		w->nh = nh_ctx_new();
		w->seg_arena = malloc(DP_SEG_ARENA);
		if (!w->nh || !w->seg_arena)
			return -ENOMEM;
		if (fp && !(w->fpw = dp_fp_worker_new(fp, i, nw)))
			return -ENOMEM;
	}
	if (fp) {
		/* the core hands established flows over after this many
		 * inbound packets: short connections never pay the install */
		struct lvs_core_settings s;
		lvs_core_get_settings(g.core, &s);
		s.offload_min_pkts = DP_FP_MIN_PKTS;
		const char *mp = getenv("LVSD_FASTPATH_MIN_PKTS");    /* benchmarks */
		if (mp && atoi(mp) > 0)
			s.offload_min_pkts = (uint32_t)atoi(mp);
		/* and, with the event ring, whole TCP connections from their
		 * SYN (setup offload); LVSD_FASTPATH=established keeps the
		 * handshake and the closing exchange in the workers */
		s.offload_setup = fp->events && !(fpenv && !strcmp(fpenv, "established"));
		lvs_core_set_settings(g.core, &s);
		lvs_log(LOG_INFO, "datapath: fast path takes %s", s.offload_setup ? "TCP connections from their SYN on: setup offload"
										  : "established TCP connections");
	}
	start_local(nw);
	int cpus[DP_CPULIST_MAX], ncpus = 0;
	if (opts && opts->cpus && (ncpus = dp_cpulist_parse(opts->cpus, cpus, DP_CPULIST_MAX)) < 0)
		lvs_log(LOG_WARNING, "datapath: --cpus '%s' is not a CPU list; workers not pinned", opts->cpus);
	for (unsigned i = 0; i < nw; i++) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pin_attr(&attr, cpus, ncpus, i);
		int r = pthread_create(&g.w[i].thread, &attr, dp_worker_main, &g.w[i]);
		if (r == EINVAL && ncpus > 0) {
			/* the CPU is not ours to use (taskset, offline): unpinned */
			lvs_log(LOG_WARNING, "datapath: worker %u: CPU %d refused; running unpinned", i,
				 cpus[i % (unsigned)ncpus]);
			r = pthread_create(&g.w[i].thread, NULL, dp_worker_main, &g.w[i]);
		}
		pthread_attr_destroy(&attr);
		if (r != 0)
			return -EAGAIN;
		g.w[i].started = 1;
		char name[16];
		snprintf(name, sizeof(name), "lvsd-dp%u", i % 1000);    /* ps -L, top -H, tests */
		pthread_setname_np(g.w[i].thread, name);
		char on[128];
		affinity_text(g.w[i].thread, on, sizeof(on));
		lvs_log(LOG_INFO, "datapath: worker %u runs on CPU %s%s", i, on, ncpus > 0 ? ", pinned by --cpus" : "");
	}
	ops->describe(be, g.backend_desc, sizeof(g.backend_desc));
	lvs_log(LOG_INFO, "datapath: %s (%s)", g.backend_desc, why);

	g.steer = steer_new();
	if (!g.steer)
		lvs_log(LOG_ERR, "datapath: libnftables unavailable: the kernel will also answer VIP traffic");
	else if (g.local_mark)
		steer_set_local_mark(g.steer, LVSD_LOCAL_MARK);
	return 1;
}

static int dp_start(struct lvsd *d)
{
	memset(&g, 0, sizeof(g));
	g.d = d;
	const struct lvsd_opts *opts = lvsd_opts(d);
	struct lvs_core_lock lock = { core_lock, core_unlock, d };
	/* one stats slot per possible worker, whatever the backend decides */
	g.core = lvs_core_new(lvsd_table(d), DP_MAX_WORKERS, DP_MAX_CONNS, &lock);
	if (!g.core)
		return -ENOMEM;
	g.sh.core = g.core;
	g.sh.allow_if = split_list(opts ? opts->interfaces : NULL);
	g.nh = nh_ctx_new();
	lvsd_register_text(d, "ip_vs_conn", view_conn, NULL);
	lvsd_register_text(d, "ip_vs_conn_sync", view_conn_sync, NULL);
	lvsd_register_text(d, "datapath", view_datapath, NULL);
	lvsd_register_text(d, "drops", view_datapath, NULL);   /* same view, the name users guess */
	lvsd_add_timer(d, 100, on_tick, NULL);

	int r = start_backend(d);
	if (r < 0) {
		lvsd_start_failed(d, "datapath: cannot start workers: %s", strerror(-r));
		stop_workers();
		return r;
	}
	if (r > 0) {
		g.mon = nh_monitor_open();
		if (g.mon)
			lvsd_add_fd(d, nh_monitor_fd(g.mon), EPOLLIN, on_netlink, NULL);
		else
			lvs_log(LOG_WARNING, "datapath: no rtnetlink monitor: links/routes cached until restart");
		g.ifnames = current_ifnames();
	}
	lvsd_on_table_change(d, on_table_change, NULL);
	local_sync(d);
	resync(d);
	return 0;
}

static void dp_stop(struct lvsd *d)
{
	stop_workers();
	dp_local_free(g.local);         /* rules gone; the device goes with its queues */
	g.local = NULL;
	if (g.mon) {
		lvsd_del_fd(d, nh_monitor_fd(g.mon));
		nh_monitor_close(g.mon);
	}
	steer_free(g.steer);
	if (g.sh.be)
		g.sh.ops->close(g.sh.be);
	g.sh.be = NULL;
	dp_fastpath_close(g.fp);        /* after the backend: the XDP program shares its map */
	g.fp = NULL;
	lvs_core_free(g.core);
	g.core = NULL;
	dp_owned_free(g.sh.owned);
	g.sh.owned = NULL;
	while (g.retired) {
		struct retired *r = g.retired;
		g.retired = r->next;
		dp_owned_free(r->o);
		free(r);
	}
	free(g.w);
	g.w = NULL;
	g.nworkers = 0;
	free_names(g.ifnames);
	free_names(g.sh.allow_if);
	nh_ctx_free(g.nh);
	g.nh = NULL;
}

const struct lvsd_module lvsd_mod_datapath = {
	.name = "datapath",
	.start = dp_start,
	.stop = dp_stop,
	.reload = NULL,
};
