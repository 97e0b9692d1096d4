/* afxdp_prog.c - see afxdp_prog.h */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/err.h"
#include "lib/log.h"
#include "afxdp_maps.h"
#include "afxdp_prog.h"
#include "fastpath.h"
#include "datapath/netfilter/guard.h"

/* the compiled XDP program, embedded at build time (module.mk) */
#ifndef LVSD_XDP_OBJ
#error "LVSD_XDP_OBJ must name the compiled bpf/lvsd_xdp.bpf.o"
#endif
__asm__(".pushsection .rodata\n"
	".balign 8\n"
	".hidden lvsd_xdp_obj_start\n"
	".hidden lvsd_xdp_obj_end\n"
	"lvsd_xdp_obj_start:\n"
	".incbin \"" LVSD_XDP_OBJ "\"\n"
	"lvsd_xdp_obj_end:\n"
	".popsection\n");
extern const unsigned char lvsd_xdp_obj_start[], lvsd_xdp_obj_end[];

/* ---- load ---- */

static int find_map(struct afxdp_prog *p, const char *name, int *fd, struct strbuf *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(p->obj, name);
	*fd = m ? bpf_map__fd(m) : -1;
	return *fd >= 0 ? 0 : lvs_err(err, -ENOENT, "XDP object has no map %s", name);
}

int afxdp_prog_load(struct afxdp_prog *p, struct dp_fastpath **fp, struct strbuf *err)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->prog_fd = -1;
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "lvsd_xdp");
	p->obj = bpf_object__open_mem(lvsd_xdp_obj_start, (size_t)(lvsd_xdp_obj_end - lvsd_xdp_obj_start), &oo);
	if (!p->obj) {
		r = lvs_err(err, -errno, "cannot open the XDP object: %m");
		goto fail;
	}
	/* the fast path's flows: the XDP program passes their segments on to
	 * the TC program, so both must see the same map */
	struct bpf_map *flows = bpf_object__find_map_by_name(p->obj, "lvsd_flows");
	if (*fp && (!flows || bpf_map__reuse_fd(flows, (*fp)->flows_fd))) {
		dp_fastpath_disable(*fp, "the XDP program cannot share its flow map");
		*fp = NULL;
	}
	r = bpf_object__load(p->obj);
	if (r) {
		lvs_err(err, r, "cannot load the XDP program: %m");
		goto fail;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(p->obj, "lvsd_xdp_steer");
	p->prog_fd = prog ? bpf_program__fd(prog) : -1;
	if (p->prog_fd < 0) {
		r = lvs_err(err, -ENOENT, "XDP object has no program lvsd_xdp_steer");
		goto fail;
	}
	if ((r = find_map(p, "lvsd_vips", &p->vips_fd, err)) < 0 ||
	    (r = find_map(p, "lvsd_natrs", &p->natrs_fd, err)) < 0 ||
	    (r = find_map(p, "lvsd_locals", &p->locals_fd, err)) < 0 ||
	    (r = find_map(p, "lvsd_ifslot", &p->ifslot_fd, err)) < 0 ||
	    (r = find_map(p, "lvsd_xsks", &p->xsks_fd, err)) < 0 ||
	    (r = find_map(p, "lvsd_stats", &p->stats_fd, err)) < 0)
		goto fail;
	pthread_mutex_init(&p->locals_lock, NULL);
	return 0;
fail:
	if (p->obj)
		bpf_object__close(p->obj);
	p->obj = NULL;
	return r;
}

void afxdp_prog_unload(struct afxdp_prog *p)
{
	if (!p->obj)
		return;         /* never loaded, or unloaded already */
	bpf_object__close(p->obj);
	p->obj = NULL;
	free(p->locals);
	p->locals = NULL;
	p->nlocals = 0;
	pthread_mutex_destroy(&p->locals_lock);
}

/* ---- maps from the owned set ---- */

static void map_key(struct lvsd_xdp_key *k, const struct dp_key *d)
{
	memset(k, 0, sizeof(*k));
	k->addr = d->addr;
	k->port = htons(d->port);
	k->proto = d->proto;
}

/* make `fd` hold exactly the keys of v[0..n-1]: stale ones out, new ones in */
static void sync_keys(int fd, const struct dp_key *v, size_t n, const struct dp_owned *o, int natrs)
{
	struct lvsd_xdp_key cur, next;
	int have = bpf_map_get_next_key(fd, NULL, &cur) == 0;
	while (have) {
		have = bpf_map_get_next_key(fd, &cur, &next) == 0;
		uint16_t port = ntohs(cur.port);
		int keep = natrs ? dp_owned_is_natrs(o, cur.addr, cur.proto, port)
				 : dp_owned_is_vip(o, cur.addr, cur.proto, port);
		if (!keep)
			bpf_map_delete_elem(fd, &cur);
		cur = next;
	}
	uint8_t one = 1;
	for (size_t i = 0; i < n; i++) {
		struct lvsd_xdp_key k;
		map_key(&k, &v[i]);
		bpf_map_update_elem(fd, &k, &one, BPF_ANY);
	}
}

void afxdp_prog_sync_owned(struct afxdp_prog *p, const struct dp_owned *o)
{
	if (!o)
		return;
	sync_keys(p->vips_fd, o->vips, o->nvips, o, 0);
	sync_keys(p->natrs_fd, o->nat, o->nnat, o, 1);
}

/* ---- local addresses ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int has_u32(const uint32_t *v, size_t n, uint32_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;   /* bsearch(NULL, 0) is UB */
}

void afxdp_prog_refresh_locals(struct afxdp_prog *p)
{
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0)
		return;
	size_t n = 0, cap = 16;
	uint32_t *v = malloc(cap * sizeof(*v));
	for (struct ifaddrs *a = ifa; v && a; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET)
			continue;
		if (n == cap) {
			uint32_t *nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		v[n++] = ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr;
	}
	freeifaddrs(ifa);
	if (!v)
		return;
	qsort(v, n, sizeof(*v), cmp_u32);
	pthread_mutex_lock(&p->locals_lock);
	uint8_t one = 1;
	for (size_t i = 0; i < n; i++)
		if (!has_u32(p->locals, p->nlocals, v[i]))
			bpf_map_update_elem(p->locals_fd, &v[i], &one, BPF_ANY);
	for (size_t i = 0; i < p->nlocals; i++)
		if (!has_u32(v, n, p->locals[i]))
			bpf_map_delete_elem(p->locals_fd, &p->locals[i]);
	free(p->locals);
	p->locals = v;
	p->nlocals = n;
	pthread_mutex_unlock(&p->locals_lock);
}

/* ---- links and sockets ---- */

int afxdp_prog_attach(struct afxdp_prog *p, int ifindex, const char *name, uint32_t *mode,
		      struct strbuf *err)
{
	/* native first (veth supports it); generic works on any driver */
	int r = bpf_xdp_attach(ifindex, p->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (r == 0) {
		*mode = XDP_FLAGS_DRV_MODE;
		return 0;
	}
	int r2 = bpf_xdp_attach(ifindex, p->prog_fd, XDP_FLAGS_SKB_MODE, NULL);
	if (r2 < 0)
		return lvs_err(err, r2, "cannot attach XDP to %s (native: %s, generic: %m)", name, strerror(-r));
	lvs_log(LOG_WARNING, "datapath: afxdp: %s: native XDP refused (%s), using generic XDP", name, strerror(-r));
	*mode = XDP_FLAGS_SKB_MODE;
	return 0;
}

void afxdp_prog_detach(int ifindex, uint32_t mode)
{
	bpf_xdp_detach(ifindex, mode, NULL);
}

int afxdp_prog_set_xsk(struct afxdp_prog *p, uint32_t slot, int fd)
{
	int r = fd < 0 ? bpf_map_delete_elem(p->xsks_fd, &slot) : bpf_map_update_elem(p->xsks_fd, &slot, &fd, BPF_ANY);
	return r < 0 ? -errno : 0;
}

int afxdp_prog_set_ifslot(struct afxdp_prog *p, int ifindex, long base)
{
	uint32_t key = (uint32_t)ifindex, val = (uint32_t)base;
	int r = base < 0 ? bpf_map_delete_elem(p->ifslot_fd, &key) : bpf_map_update_elem(p->ifslot_fd, &key, &val, BPF_ANY);
	return r < 0 ? -errno : 0;
}

uint64_t afxdp_prog_stat(const struct afxdp_prog *p, uint32_t what)
{
	return dp_bpf_percpu_sum(p->stats_fd, what);
}
