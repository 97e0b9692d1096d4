/* afxdp_prog.h - lvsd's XDP steering program (bpf/lvsd_xdp.bpf.c) as the
 * AF_XDP backend (afxdp.h) drives it: loaded from the copy embedded at
 * build time, attached per interface, its maps kept in step with the
 * owned set (guard.h), the namespace's local addresses and the sockets.
 *
 * Contract: main thread, except afxdp_prog_refresh_locals() (any thread:
 * serialised by the program's own lock) and afxdp_prog_stat().  Functions
 * return 0 or -errno; where they take `struct strbuf *err` (may be NULL)
 * they say why there.
 */
#ifndef LVS_DP_AFXDP_PROG_H
#define LVS_DP_AFXDP_PROG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct dp_fastpath;
struct dp_owned;
struct strbuf;

struct afxdp_prog {
	struct bpf_object *obj;
	int prog_fd, vips_fd, natrs_fd, locals_fd, ifslot_fd, xsks_fd, stats_fd;
	pthread_mutex_t locals_lock;
	uint32_t *locals;               /* addresses currently in lvsd_locals, sorted */
	size_t nlocals;
};

/* open and load the program.  *fp (may point to NULL): the fast path whose
 * flow map the program shares; when it cannot, the fast path is disabled
 * and *fp cleared.  On failure nothing stays loaded; unload is safe either
 * way, and twice */
int afxdp_prog_load(struct afxdp_prog *p, struct dp_fastpath **fp, struct strbuf *err);
void afxdp_prog_unload(struct afxdp_prog *p);

/* the vips and natrs maps hold exactly the owned set */
void afxdp_prog_sync_owned(struct afxdp_prog *p, const struct dp_owned *o);
/* lvsd_locals holds the namespace's IPv4 addresses: NAT replies to them
 * stay with the kernel */
void afxdp_prog_refresh_locals(struct afxdp_prog *p);

/* on ifindex: native XDP, generic where the driver refuses (logged);
 * *mode: the XDP_FLAGS_*_MODE that took */
int afxdp_prog_attach(struct afxdp_prog *p, int ifindex, const char *name, uint32_t *mode,
		      struct strbuf *err);
/* the link may be gone already: never fails */
void afxdp_prog_detach(int ifindex, uint32_t mode);

/* XSKMAP slot -> socket fd (fd < 0: the slot is cleared) */
int afxdp_prog_set_xsk(struct afxdp_prog *p, uint32_t slot, int fd);
/* interface -> its first XSKMAP slot (base < 0: the entry is removed) */
int afxdp_prog_set_ifslot(struct afxdp_prog *p, int ifindex, long base);

/* LVSD_XDP_STAT_* summed over CPUs */
uint64_t afxdp_prog_stat(const struct afxdp_prog *p, uint32_t what);

#endif
