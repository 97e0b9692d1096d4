/* module.c - lvs_mod_datapath: wiring between the host and the datapath
 * (see datapath.h); its views and metrics are in views.c.  Runs on the daemon's main loop thread except the
 * workers, which reach the instance's shared part (struct dp_shared). */
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
#include "module-int.h"
#include "datapath/io/local.h"
#include "datapath/pkt/nexthop.h"
#include "datapath/netfilter/guard.h"
#include "datapath/netfilter/fwmark_watch.h"
#include "datapath/io/fastpath_maps.h"
#include "datapath/pkt/worker.h"

/* the backend name for which AF_XDP is tried first: "auto" makes AF_XDP the
 * default (falls back to AF_PACKET with the reason logged) */
#define XDP_IN_AUTO "auto"

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
static char **current_ifnames(struct dp_module *dp)
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
		if (nh_link(dp->nh, (int)p->if_index, &l) < 0 || l.type != ARPHRD_ETHER)
			continue;
		int ok = !dp->sh.allow_if;
		for (char **a = dp->sh.allow_if; a && *a; a++)
			ok |= !strcmp(*a, p->if_name);
		if (ok)
			v[k++] = strdup(p->if_name);
	}
	if_freenameindex(ni);
	return v;
}

/* ---- owned set: snapshot, publish, enforce ---- */

static void reap_retired(struct dp_module *dp)
{
	unsigned min = ~0u;
	for (unsigned i = 0; i < dp->nworkers; i++) {
		unsigned s = __atomic_load_n(&dp->w[i].owned_seen, __ATOMIC_ACQUIRE);
		if (dp->w[i].started && s < min)
			min = s;
	}
	struct retired **pp = &dp->retired;
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

/* a step retried on every change (the guard, the local reply rules):
 * log its failure only when the reason differs from the last one, which
 * `last` keeps for the datapath view; a success clears it */
static void report_once(char *last, size_t len, int rc, const struct strbuf *err, const char *what)
{
	const char *e = err->buf ? err->buf : "out of memory";

	if (rc >= 0) {
		last[0] = 0;
		return;
	}
	if (strcmp(e, last))
		lvs_log(LOG_ERR, "datapath: %s: %s", what, e);
	snprintf(last, len, "%s", e);
}

static void enforce(struct dp_module *dp)
{
	if (dp->sh.be && dp->sh.ops->sync)
		dp->sh.ops->sync(dp->sh.be, dp->sh.owned, dp->ifnames);
	dp_fastpath_sync_ifs(dp->fp, dp->ifnames);
	if (!dp->steer)
		return;
	struct strbuf err = STRBUF_INIT;
	int rc = steer_apply(dp->steer, dp->sh.owned, dp->ifnames, &err);
	report_once(dp->steer_err, sizeof(dp->steer_err), rc, &err, "cannot install the nftables guard");
	sb_free(&err);
}

static void warn_unforwarded(const char *line, size_t len, void *arg)
{
	(void)arg;
	lvs_log(LOG_WARNING, "datapath: %.*s", (int)len, line);
}

static void resync(struct dp_module *dp)
{
	lvs_host_lock(dp->h);
	struct dp_owned *o = dp_owned_build(lvs_host_table(dp->h));
	lvs_host_unlock(dp->h);
	if (!o) {
		lvs_log(LOG_ERR, "datapath: out of memory building the owned set");
		return;
	}
	o->version = ++dp->version;
	struct dp_owned *old = __atomic_exchange_n(&dp->sh.owned, o, __ATOMIC_ACQ_REL);
	dp_owned_unfwd_new(o, old, warn_unforwarded, NULL);
	if (old) {
		struct retired *r = malloc(sizeof(*r));
		if (r) {
			r->o = old;
			r->next = dp->retired;
			dp->retired = r;
		} else {
			/* cannot defer: leak rather than free under a worker */
			lvs_log(LOG_ERR, "datapath: out of memory retiring the owned set");
		}
	}
	enforce(dp);
}

/* which dests are local to the director (the core keeps them off the
 * fast path) and the reply rules of the local NAT ones; main thread, on
 * every table change and every address/route change */
static int local_sync(struct dp_module *dp)
{
	int changed = 0;
	if (!dp->local)
		return 0;
	int e = dp_local_refresh_prefixes(dp->local);
	if (e < 0)
		lvs_log(LOG_WARNING, "datapath: cannot read the local addresses: %s", strerror(-e));
	struct dp_key *keys = NULL;
	lvs_host_lock(dp->h);
	long n = dp_local_mark(dp->local, lvs_host_table(dp->h), &keys, &dp->nlocal, &changed);
	lvs_host_unlock(dp->h);
	__atomic_store_n(&dp->sh.local_active, dp->nlocal > 0, __ATOMIC_RELAXED);
	if (n < 0) {
		lvs_log(LOG_ERR, "datapath: out of memory marking local real servers");
		return 0;
	}
	if (dp->nlocal && dp->local_err[0] && !dp->local_warned) {
		dp->local_warned = 1;
		lvs_log(LOG_WARNING, "datapath: a real server is local to the director, but there is no local "
			 "delivery (%s): its packets are dropped, counted as LOCAL_NO_TUN", dp->local_err);
	}
	struct strbuf err = STRBUF_INIT;
	int rc = dp_local_set_rules(dp->local, keys, (size_t)n, &err);
	report_once(dp->rules_err, sizeof(dp->rules_err), rc, &err,
		    "the local NAT real servers' reply rules (their replies cannot reach lvsd)");
	sb_free(&err);
	free(keys);
	return changed;
}

static void on_table_change(void *arg)
{
	struct dp_module *dp = arg;

	local_sync(dp);         /* first: the owned set reads the dests' LOCAL flags */
	resync(dp);
	/* a deleted or quiesced dest, a flush: the workers ask the core about
	 * their offloaded flows now, not at the next harvest (fastpath.h) */
	for (unsigned i = 0; i < dp->nworkers; i++)
		__atomic_store_n(&dp->w[i].fp_harvest_ms, 0, __ATOMIC_RELAXED);
}

static void refresh_ifnames(struct dp_module *dp)
{
	char **v = current_ifnames(dp);
	int same = 1;
	size_t i = 0;
	for (; v && dp->ifnames && v[i] && dp->ifnames[i]; i++)
		same &= !strcmp(v[i], dp->ifnames[i]);
	same &= v && dp->ifnames && !v[i] && !dp->ifnames[i];
	if (same) {
		free_names(v);
		return;
	}
	free_names(dp->ifnames);
	dp->ifnames = v;
	enforce(dp);
}

static void on_netlink(void *arg, int fd, uint32_t events)
{
	struct dp_module *dp = arg;

	(void)fd;
	(void)events;
	int bits = nh_monitor_read(dp->mon);
	if (bits & NH_CHANGED_LINK)
		refresh_ifnames(dp);
	/* a dest may have become local, or stopped being (addresses only: on
	 * a router, route events never stop) */
	if ((bits & NH_CHANGED_ADDR) && local_sync(dp))
		resync(dp);
}

/* owned sets the workers have all moved on from */
static void on_tick(void *arg)
{
	reap_retired(arg);
}

/* ---- views ---- */

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

static void stop_workers(struct dp_module *dp)
{
	__atomic_store_n(&dp->sh.stop, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < dp->nworkers; i++) {
		if (dp->w[i].started)
			pthread_join(dp->w[i].thread, NULL);
		dp->w[i].started = 0;
		dp_fp_worker_free(dp->w[i].fpw);
		dp->w[i].fpw = NULL;
		nh_ctx_free(dp->w[i].nh);
		dp->w[i].nh = NULL;
		free(dp->w[i].seg_arena);
		dp->w[i].seg_arena = NULL;
		free(dp->w[i].local_buf);
		dp->w[i].local_buf = NULL;
		dp->w[i].local_fd = -1;
	}
}

/* the TUN device for local real servers (local.h), one queue per worker;
 * without it lvsd still runs, and says why when a local dest shows up */
static void start_local(struct dp_module *dp, const struct lvs_host_opts *opts)
{
	unsigned nw = dp->nworkers;

	dp->local = dp_local_new();
	if (!dp->local) {
		snprintf(dp->local_err, sizeof(dp->local_err), "no rtnetlink socket");
		return;
	}
	struct strbuf err = STRBUF_INIT;
	int r = dp_local_tun_open(dp->local, nw, opts->tun_dev, &err);
	if (r < 0) {
		snprintf(dp->local_err, sizeof(dp->local_err), "cannot create a TUN device: %s",
			 err.buf ? err.buf : strerror(-r));
		sb_free(&err);
		return;
	}
	sb_free(&err);
	for (unsigned i = 0; i < nw; i++) {
		struct dp_worker *w = &dp->w[i];
		w->local_buf = malloc((size_t)DP_LOCAL_BURST * DP_LOCAL_SLOT);
		if (!w->local_buf)
			continue;       /* this worker cannot deliver: LOCAL_NO_TUN */
		w->local_fd = dp_local_queue_fd(dp->local, i);
		if (dp->sh.ops->set_wake_fd)
			dp->sh.ops->set_wake_fd(w->io, w->local_fd);
	}
	lvs_log(LOG_INFO, "datapath: local real servers are delivered through TUN device %s (%u queues)",
		 dp_local_ifname(dp->local), nw);
	dp->local_mark = 1;
}

/* the fast path first: the backends filter its segments out of their
 * AF_PACKET sockets, the XDP program shares its flow map */
static void open_fastpath(struct dp_module *dp, const struct lvs_host_opts *opts)
{
	struct strbuf why = STRBUF_INIT;

	if (opts->fastpath == LVS_FASTPATH_OFF) {
		lvs_log(LOG_INFO, "datapath: fast path off (--fastpath off)");
		return;
	}
	if (dp_fastpath_open(&dp->fp, &why) < 0)
		lvs_log(LOG_WARNING, "datapath: fast path unavailable (%s): every packet goes through the workers",
			 why.buf ? why.buf : "out of memory");
	sb_free(&why);
}

/* the backend asked for, or AF_PACKET in its place; NULL (logged) when
 * neither opens: lvsd then runs without a datapath */
static struct dp_backend *open_backend(const struct lvs_host_opts *opts, const struct dp_backend_conf *conf,
				       const struct dp_backend_ops **opsp, char *why, size_t whylen)
{
	const char *want = opts->backend ? opts->backend : "auto";
	const struct dp_backend_ops *ops;
	struct dp_backend *be = NULL;
	struct strbuf reason = STRBUF_INIT;

	snprintf(why, whylen, "requested");
	if (strcmp(want, "auto") && strcmp(want, "afpacket") && strcmp(want, "xdp"))
		lvs_log(LOG_WARNING, "datapath: unknown backend '%s'; using afpacket", want);
	/* AF_XDP first when asked for (or auto); AF_PACKET works everywhere */
	if (!strcmp(want, "xdp") || !strcmp(want, XDP_IN_AUTO)) {
		ops = &dp_backend_afxdp;
		int usable = strcmp(want, "auto") ? ops->probe(&reason) : afxdp_auto_ok(&reason);
		if (usable < 0)
			snprintf(why, whylen, "AF_XDP unusable: %s", reason.buf ? reason.buf : "out of memory");
		else if (ops->open(conf, &be, &reason) < 0)
			snprintf(why, whylen, "AF_XDP open failed: %s", reason.buf ? reason.buf : "out of memory");
		sb_free(&reason);
		if (!be)
			lvs_log(LOG_WARNING, "datapath: %s; falling back to afpacket", why);
		else if (!strcmp(want, "auto"))
			snprintf(why, whylen, "auto: AF_XDP works here");
	} else if (!strcmp(want, "auto")) {
		snprintf(why, whylen, "auto: AF_PACKET (AF_XDP is used only with --backend xdp)");
	}
	if (!be) {
		ops = &dp_backend_afpacket;
		const char *failed = "unusable";
		int r = ops->probe(&reason);
		if (r == 0) {
			failed = "open failed";
			r = ops->open(conf, &be, &reason);
		}
		if (r < 0) {
			lvs_log(LOG_WARNING, "datapath: afpacket %s (%s); running without a datapath", failed,
				 reason.buf ? reason.buf : "out of memory");
			sb_free(&reason);
			return NULL;
		}
		sb_free(&reason);
	}
	*opsp = ops;
	return be;
}

/* the core hands established flows over after this many inbound packets
 * (short connections never pay the install) and, with the event ring,
 * whole TCP connections from their SYN (setup offload); --fastpath
 * established keeps the handshake and the closing exchange in the workers */
static void offload_settings(struct dp_module *dp, const struct lvs_host_opts *opts)
{
	struct lvs_core_settings s;

	lvs_core_get_settings(dp->core, &s);
	s.offload_min_pkts = opts->fastpath_min_pkts;
	s.offload_setup = dp->fp->events && opts->fastpath != LVS_FASTPATH_ESTABLISHED;
	lvs_core_set_settings(dp->core, &s);
	lvs_log(LOG_INFO, "datapath: fast path takes %s", s.offload_setup ? "TCP connections from their SYN on: setup offload"
									  : "established TCP connections");
}

static int make_workers(struct dp_module *dp, unsigned nw)
{
	dp->w = calloc(nw, sizeof(*dp->w));
	if (!dp->w)
		return -ENOMEM;
	dp->nworkers = nw;
	for (unsigned i = 0; i < nw; i++) {
		struct dp_worker *w = &dp->w[i];
		w->idx = i;
		w->local_fd = -1;
		w->sh = &dp->sh;
		w->io = dp->sh.ops->worker(dp->sh.be, i);
		w->nh = nh_ctx_new();
		w->seg_arena = malloc(DP_SEG_ARENA);
		if (!w->nh || !w->seg_arena)
			return -ENOMEM;
		if (dp->fp && !(w->fpw = dp_fp_worker_new(dp->fp, i, nw)))
			return -ENOMEM;
	}
	return 0;
}

static int run_workers(struct dp_module *dp, const struct lvs_host_opts *opts)
{
	int cpus[DP_CPULIST_MAX], ncpus = 0;

	if (opts->cpus && (ncpus = dp_cpulist_parse(opts->cpus, cpus, DP_CPULIST_MAX)) < 0)
		lvs_log(LOG_WARNING, "datapath: --cpus '%s' is not a CPU list; workers not pinned", opts->cpus);
	for (unsigned i = 0; i < dp->nworkers; i++) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pin_attr(&attr, cpus, ncpus, i);
		int r = pthread_create(&dp->w[i].thread, &attr, dp_worker_main, &dp->w[i]);
		if (r == EINVAL && ncpus > 0) {
			/* the CPU is not ours to use (taskset, offline): unpinned */
			lvs_log(LOG_WARNING, "datapath: worker %u: CPU %d refused; running unpinned", i,
				 cpus[i % (unsigned)ncpus]);
			r = pthread_create(&dp->w[i].thread, NULL, dp_worker_main, &dp->w[i]);
		}
		pthread_attr_destroy(&attr);
		if (r != 0)
			return -EAGAIN;
		dp->w[i].started = 1;
		char name[16];
		snprintf(name, sizeof(name), "lvsd-dp%u", i % 1000);    /* ps -L, top -H, tests */
		pthread_setname_np(dp->w[i].thread, name);
		char on[128];
		affinity_text(dp->w[i].thread, on, sizeof(on));
		lvs_log(LOG_INFO, "datapath: worker %u runs on CPU %s%s", i, on, ncpus > 0 ? ", pinned by --cpus" : "");
	}
	return 0;
}

/* 0 with dp->sh.be set (running) or NULL (no backend could run: control
 * plane only), or -errno */
static int start_backend(struct dp_module *dp)
{
	const struct lvs_host_opts *opts = lvs_host_opts(dp->h);
	char why[300];
	int err;

	if (opts->backend && !strcmp(opts->backend, "none")) {
		lvs_log(LOG_INFO, "datapath: backend none (control plane only)");
		return 0;
	}
	unsigned nw = opts->workers > 0 ? (unsigned)opts->workers : default_workers();
	if (nw > LVS_HOST_MAX_WORKERS)
		nw = LVS_HOST_MAX_WORKERS;     /* the core's worker slots */
	open_fastpath(dp, opts);
	struct dp_backend_conf conf = { .nworkers = nw, .want_offload = 1, .fp = dp->fp,
					.tx_afpacket = opts->xdp_tx == LVS_XDP_TX_AFPACKET };
	dp->sh.be = open_backend(opts, &conf, &dp->sh.ops, why, sizeof(why));
	if (!dp->sh.be) {
		dp_fastpath_close(dp->fp);
		dp->fp = NULL;
		return 0;
	}
	if ((err = make_workers(dp, nw)) < 0)
		return err;
	if (dp->fp)
		offload_settings(dp, opts);
	start_local(dp, opts);
	if ((err = run_workers(dp, opts)) < 0)
		return err;
	dp->sh.ops->describe(dp->sh.be, dp->backend_desc, sizeof(dp->backend_desc));
	lvs_log(LOG_INFO, "datapath: %s (%s)", dp->backend_desc, why);

	dp->steer = steer_new();
	if (!dp->steer)
		lvs_log(LOG_ERR, "datapath: libnftables unavailable: the kernel will also answer VIP traffic");
	else if (dp->local_mark)
		steer_set_local_mark(dp->steer, LVSD_LOCAL_MARK);
	return 0;
}

static void dp_stop(void *state)
{
	struct dp_module *dp = state;

	stop_workers(dp);
	fwm_watch_stop(dp->fw);          /* no worker classifies any more */
	dp_local_free(dp->local);        /* rules gone; the device goes with its queues */
	if (dp->mon) {
		lvs_host_del_fd(dp->h, nh_monitor_fd(dp->mon));
		nh_monitor_close(dp->mon);
	}
	steer_free(dp->steer);
	if (dp->sh.be)
		dp->sh.ops->close(dp->sh.be);
	dp_fastpath_close(dp->fp);        /* after the backend: the XDP program shares its map */
	dp_owned_free(dp->sh.owned);
	while (dp->retired) {
		struct retired *r = dp->retired;
		dp->retired = r->next;
		dp_owned_free(r->o);
		free(r);
	}
	free(dp->w);
	free_names(dp->ifnames);
	free_names(dp->sh.allow_if);
	nh_ctx_free(dp->nh);
	free(dp);
}

static int dp_start(struct lvs_host *h, void **state, struct strbuf *why)
{
	struct dp_module *dp = calloc(1, sizeof(*dp));
	const struct lvs_host_opts *opts = lvs_host_opts(h);
	int err;

	if (!dp)
		return -ENOMEM;
	dp->h = h;
	dp->core = lvs_host_core(h);
	dp->sh.core = dp->core;
	dp->sh.allow_if = split_list(opts->interfaces);
	dp->nh = nh_ctx_new();
	if ((err = lvs_host_register_text(h, "datapath", dp_view, dp)) < 0 ||
	    (err = lvs_host_register_text(h, "drops", dp_view, dp)) < 0 ||   /* the name users guess */
	    (err = lvs_host_register_metrics(h, dp_metrics, dp)) < 0 ||
	    (err = lvs_host_add_timer(h, 100, on_tick, dp)) < 0)
		goto fail;
	/* before the workers, which consult it for every packet */
	if ((err = fwm_watch_start(h, &dp->fw)) < 0)
		goto fail;
	dp->sh.fw = dp->fw;
	if ((err = start_backend(dp)) < 0) {
		sb_printf(why, "datapath: cannot start workers: %s", strerror(-err));
		goto fail;
	}
	if (dp->sh.be) {
		fwm_watch_set_backend(dp->fw, dp->sh.ops->name);
		dp->mon = nh_monitor_open();
		if (!dp->mon)
			lvs_log(LOG_WARNING, "datapath: no rtnetlink monitor: links/routes cached until restart");
		else if ((err = lvs_host_add_fd(h, nh_monitor_fd(dp->mon), EPOLLIN, on_netlink, dp)) < 0)
			goto fail;
		dp->ifnames = current_ifnames(dp);
	}
	if ((err = lvs_host_on_table_change(h, on_table_change, dp)) < 0)
		goto fail;
	local_sync(dp);
	resync(dp);
	*state = dp;
	return 0;
fail:
	dp_stop(dp);
	return err;
}

const struct lvs_module lvs_mod_datapath = {
	.name = "datapath",
	.start = dp_start,
	.stop = dp_stop,
};
