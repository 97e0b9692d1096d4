/* fwmark_watch.c - the fwmark watcher (see fwmark_watch.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "lib/nft.h"
#include "lib/spawn.h"
#include "lib/strbuf.h"
#include "host/host.h"
#include "fwmark.h"
#include "fwmark_watch.h"
#include "datapath/pkt/nexthop.h"

extern char **environ;

#define RETIRE_MS       2000
#define POLL_MS         1000
#define MAX_OUTPUT      (4u << 20)      /* a ruleset larger than 4 MB is not read */

struct retired_cls { struct fwm_classifier *c; uint64_t free_at; struct retired_cls *next; };

struct fwm_watch {
	struct lvs_host *h;
	const char *backend;            /* the running backend's name, NULL: none */
	struct fwm_classifier *active;  /* atomic pointer read by workers */
	struct retired_cls *retired;
	struct lvs_nft *nft;            /* NULL: libnftables unavailable */
	int nl_fd;                      /* NFNLGRP_NFTABLES listener, -1 if none */
	int dirty;
	int legacy;                     /* iptables-save is the legacy back end */
	uint64_t last_read_ms, reloads;
	char ipt_status[128], nft_status[128];
	/* guard */
	char guard_table[32];
	int guard_installed;
	struct strbuf guard_err;        /* why the last install failed; empty: it worked */
	char *guard_marks;              /* current set, to avoid useless rewrites */
	int warned_xdp;
};

/* ---- the datapath side ---- */

uint32_t fwm_dp_mark(const struct fwm_watch *w, struct nh_ctx *nh, const struct lvs_pkt *k, int ifindex,
		     int *drop)
{
	const struct fwm_classifier *c = w ? __atomic_load_n(&w->active, __ATOMIC_ACQUIRE) : NULL;
	*drop = 0;
	if (!c || !c->nrules)
		return 0;
	struct fwm_pkt p = { .af = k->af, .protocol = k->protocol, .saddr = k->saddr.ip,
			     .daddr = k->daddr.ip, .sport = k->sport, .dport = k->dport };
	struct nh_link l;
	if (c->needs_ifname && nh && nh_link(nh, ifindex, &l) == 0)
		p.ifname = l.name;
	uint64_t m = fwm_classify(c, &p);
	if (m == FWM_DROP) {
		*drop = 1;
		return 0;
	}
	return (uint32_t)m;
}

/* ---- reading the rules ---- */

/* run argv, return its stdout (NUL-terminated, caller frees) or NULL;
 * *status = exit status.  Bounded: 2 s and MAX_OUTPUT bytes. */
static char *run_capture(char *const argv[], int *status)
{
	int pfd[2];
	*status = -1;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NULL;
	struct lvs_spawn sp = {
		.prog = argv[0], .argv = argv, .fd = { LVS_SPAWN_NULL, pfd[1], LVS_SPAWN_NULL },
	};
	pid_t pid;
	int r = lvs_spawn(&sp, &pid);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	uint64_t deadline = lvs_now_ms() + 2000;
	int eof = 0;
	for (;;) {
		uint64_t now = lvs_now_ms();
		if (now >= deadline || sb.len > MAX_OUTPUT)
			break;
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		if (poll(&p, 1, (int)(deadline - now)) <= 0)
			break;
		char buf[8192];
		ssize_t n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			eof = n == 0;
			break;
		}
		sb_append(&sb, buf, (size_t)n);
	}
	close(pfd[0]);
	int st;
	/* EOF: the child closed its stdout and is exiting, wait for it;
	 * otherwise (deadline, size cap) it is stopped */
	if (!eof || waitpid(pid, &st, 0) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		sb_free(&sb);
		return NULL;
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (sb.oom) {
		sb_free(&sb);
		return NULL;
	}
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb_detach(&sb);
}

static struct fwm_classifier *read_rules(struct fwm_watch *w)
{
	struct fwm_classifier *c = fwm_new();
	if (!c)
		return NULL;
	int st;
	char *argv[] = { "iptables-save", "-t", "mangle", NULL };
	char *ipt = run_capture(argv, &st);
	int ipt_ok = ipt && st == 0;
	if (ipt_ok) {
		w->legacy = strstr(ipt, "(legacy)") != NULL;
		int n = fwm_parse_iptables_save(c, ipt);
		snprintf(w->ipt_status, sizeof(w->ipt_status), "iptables-save -t mangle: %d rules%s", n,
			 w->legacy ? " (legacy back end: polled every second)" : "");
	} else {
		snprintf(w->ipt_status, sizeof(w->ipt_status), "iptables-save -t mangle: %s",
			 ipt ? "failed (no mangle table?)" : "not available");
	}
	free(ipt);
	struct strbuf ruleset = STRBUF_INIT;
	if (w->nft && lvs_nft_run(w->nft, "list ruleset\n", &ruleset, NULL) == 0 && !ruleset.oom) {
		/* iptables-nft's own table is read through iptables-save
		 * (xtables parts); without iptables-save nft's translation of
		 * it is the best we have */
		int n = fwm_parse_nft(c, ruleset.buf ? ruleset.buf : "", ipt_ok && !w->legacy);
		snprintf(w->nft_status, sizeof(w->nft_status), "nft list ruleset: %d rules", n);
	} else {
		snprintf(w->nft_status, sizeof(w->nft_status), "nft list ruleset: %s",
			 w->nft ? "failed" : "libnftables unavailable");
	}
	sb_free(&ruleset);
	fwm_finish(c);
	return c;
}

static int has_unsup(const struct fwm_classifier *c, const char *text)
{
	for (size_t i = 0; c && i < c->nunsup; i++)
		if (!strcmp(c->unsup[i].text, text))
			return 1;
	return 0;
}

static void guard_sync(struct fwm_watch *w);

static void reload(struct fwm_watch *w, const char *why)
{
	struct fwm_classifier *c = read_rules(w);
	w->last_read_ms = lvs_now_ms();
	w->dirty = 0;
	if (!c || c->oom) {
		lvs_log(LOG_ERR, "fwmark: out of memory reading the firewall rules");
		fwm_free(c);
		return;
	}
	struct fwm_classifier *old = w->active;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	fwm_describe(old, &a);
	fwm_describe(c, &b);
	int same = old && a.buf && b.buf && !strcmp(a.buf, b.buf);
	sb_free(&a);
	sb_free(&b);
	if (same) {
		fwm_free(c);
		return;
	}
	for (size_t i = 0; i < c->nunsup; i++)
		if (!has_unsup(old, c->unsup[i].text))
			lvs_log(LOG_WARNING, "fwmark: rule not evaluated by lvsd: %s (%s)",
				 c->unsup[i].text, c->unsup[i].reason);
	lvs_log(LOG_INFO, "fwmark: %s: %zu mark rules compiled, %zu unsupported",
		 why, c->nrules, c->nunsup);
	w->reloads++;
	__atomic_store_n(&w->active, c, __ATOMIC_RELEASE);
	if (old) {
		struct retired_cls *r = malloc(sizeof(*r));
		if (r) {
			r->c = old;
			r->free_at = lvs_now_ms() + RETIRE_MS;
			r->next = w->retired;
			w->retired = r;
		}
		/* on OOM the old snapshot leaks rather than risking a worker
		 * reading freed memory */
	}
}

static void reap(struct fwm_watch *w)
{
	uint64_t now = lvs_now_ms();
	for (struct retired_cls **pp = &w->retired; *pp;) {
		struct retired_cls *r = *pp;
		if (now >= r->free_at) {
			*pp = r->next;
			fwm_free(r->c);
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

/* ---- change notifications ---- */

static void on_nl(void *arg, int fd, uint32_t events)
{
	struct fwm_watch *w = arg;

	(void)events;
	char buf[16384];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	/* ENOBUFS (overrun) also means "something changed" */
	w->dirty = 1;
}

/* the NFNLGRP_NFTABLES listener: its fd, or -errno */
static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int grp = NFNLGRP_NFTABLES;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void on_timer(void *arg)
{
	struct fwm_watch *w = arg;
	uint64_t now = lvs_now_ms();
	int poll_needed = w->nl_fd < 0 || w->legacy;
	if (w->dirty || (poll_needed && now - w->last_read_ms >= POLL_MS))
		reload(w, w->dirty ? "firewall changed" : "periodic read");
	reap(w);
}

/* ---- guard ---- */

/* 0 or -errno, with nft's reason in w->guard_err */
static int guard_run(struct fwm_watch *w, const char *cmd)
{
	sb_free(&w->guard_err);
	return lvs_nft_run(w->nft, cmd, NULL, &w->guard_err);
}

/* the set of marks of IPv4 fwmark services, as nft set elements */
static char *service_marks(struct fwm_watch *w)
{
	struct strbuf sb = STRBUF_INIT;
	lvs_host_lock(w->h);
	struct lvs_table *t = lvs_host_table(w->h);
	int first = 1;
	for (struct lvs_service *s = t ? lvs_svc_first(t) : NULL; s; s = lvs_svc_next(t, s)) {
		if (!s->fwmark || s->af != AF_INET)
			continue;
		sb_printf(&sb, "%s%u", first ? "" : ", ", s->fwmark);
		first = 0;
	}
	lvs_host_unlock(w->h);
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb.oom ? (sb_free(&sb), NULL) : sb_detach(&sb);
}

static void guard_sync(struct fwm_watch *w)
{
	const char *be = w->backend;
	if (!w->nft || !be)
		return;
	char *marks = service_marks(w);
	if (!marks)
		return;
	/* both backends see marked traffic through an AF_PACKET tap (the XDP
	 * program passes what it does not own to the stack, where the afxdp
	 * backend's tap picks it up), so both need the kernel's copy dropped */
	if (strcmp(be, "afpacket") && strcmp(be, "xdp")) {
		if (*marks && !w->warned_xdp) {
			lvs_log(LOG_WARNING, "fwmark: backend %s does not steer fwmark services", be);
			w->warned_xdp = 1;
		}
		free(marks);
		return;
	}
	if (w->guard_marks && !strcmp(marks, w->guard_marks) && !w->guard_err.len) {
		free(marks);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "table ip %s\ndelete table ip %s\n", w->guard_table, w->guard_table);
	if (*marks) {
		const struct lvs_host_opts *o = lvs_host_opts(w->h);
		sb_printf(&sb, "table ip %s {\n  chain pre {\n"
			  "    type filter hook prerouting priority mangle + 1; policy accept;\n    ",
			  w->guard_table);
		if (o && o->interfaces && *o->interfaces) {
			/* -i a,b: only what the datapath listens on */
			sb_puts(&sb, "iifname { ");
			char buf[256];
			snprintf(buf, sizeof(buf), "%s", o->interfaces);
			char *save = NULL;
			int first = 1;
			for (char *n = strtok_r(buf, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
				sb_printf(&sb, "%s\"%s\"", first ? "" : ", ", n);
				first = 0;
			}
			sb_puts(&sb, " } ");
		} else {
			sb_puts(&sb, "iifname != \"lo\" ");
		}
		sb_printf(&sb, "meta mark { %s } counter drop\n  }\n}\n", marks);
	}
	if (!sb.oom && guard_run(w, sb.buf) == 0) {
		w->guard_installed = *marks != 0;
		free(w->guard_marks);
		w->guard_marks = marks;
		marks = NULL;
		lvs_log(LOG_INFO, "fwmark: kernel guard for marks {%s}", w->guard_marks);
	} else if (w->guard_err.len) {
		lvs_log(LOG_ERR, "fwmark: cannot install the guard: %s", w->guard_err.buf);
	}
	sb_free(&sb);
	free(marks);
}

static void on_table_change(void *arg)
{
	guard_sync(arg);
}

/* ---- view ---- */

static int view_fwmark(void *arg, struct strbuf *out)
{
	struct fwm_watch *w = arg;
	const struct fwm_classifier *c = w->active;
	sb_printf(out, "sources: %s; %s\n", w->ipt_status, w->nft_status);
	sb_printf(out, "follow: %s\n", w->nl_fd >= 0 ? "nftables netlink notifications" : "polling every second");
	sb_printf(out, "reloads: %llu\n", (unsigned long long)w->reloads);
	const char *be = w->backend;
	sb_printf(out, "datapath: %s\n", !be ? "none (marks computed, nothing forwarded)" :
		  !strcmp(be, "afpacket") ? "afpacket (marked packets classified per packet)" :
		  !strcmp(be, "xdp") ? "xdp (marked packets reach lvsd through the AF_PACKET tap)" :
		  "unknown backend: fwmark traffic is not steered");
	sb_printf(out, "guard: %s%s%s\n", w->guard_installed ? "nftables table ip lvsd_fw_<pid>, marks " : "none",
		  w->guard_installed ? w->guard_marks : "", w->guard_err.len ? " (ERROR)" : "");
	if (w->guard_err.len)
		sb_printf(out, "guard_error: %s\n", w->guard_err.buf);
	fwm_describe(c, out);
	/* services whose mark no compiled rule sets: traffic never reaches them */
	lvs_host_lock(w->h);
	struct lvs_table *t = lvs_host_table(w->h);
	for (struct lvs_service *s = t ? lvs_svc_first(t) : NULL; s; s = lvs_svc_next(t, s)) {
		if (!s->fwmark)
			continue;
		int set = 0;
		for (size_t i = 0; c && i < c->nrules; i++)
			if (c->rules[i].action == FWM_A_MARK && c->rules[i].mark_xor == s->fwmark)
				set++;
		sb_printf(out, "service fwmark %u: %d rule(s) set this mark%s\n", s->fwmark, set,
			  set ? "" : " (no traffic will be marked for it)");
	}
	lvs_host_unlock(w->h);
	return 0;
}

static int cmd_reload(void *arg, const char *args, struct strbuf *out)
{
	struct fwm_watch *w = arg;

	(void)args;
	reload(w, "reload requested");
	sb_printf(out, "%zu rules compiled, %zu unsupported\n", w->active ? w->active->nrules : 0,
		  w->active ? w->active->nunsup : 0);
	return 0;
}

/* ---- life cycle ---- */

int fwm_watch_start(struct lvs_host *h, struct fwm_watch **out)
{
	struct fwm_watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->h = h;
	w->nl_fd = -1;
	snprintf(w->guard_table, sizeof(w->guard_table), "lvsd_fw_%d", (int)getpid());
	if (lvs_nft_open(&w->nft) == 0) {
		/* tables of lvsd processes killed without cleaning up would
		 * drop marked traffic forever */
		static const char *const families[] = { "ip", NULL };
		(void)lvs_nft_reap_stale(w->nft, "lvsd_fw_", families, NULL);
	} else {
		w->nft = NULL;
	}
	w->nl_fd = nl_open();
	if (w->nl_fd < 0) {
		lvs_log(LOG_WARNING, "fwmark: no nftables notifications (%s): polling every second",
			 strerror(-w->nl_fd));
		w->nl_fd = -1;
	} else if ((err = lvs_host_add_fd(h, w->nl_fd, EPOLLIN, on_nl, w)) < 0) {
		close(w->nl_fd);
		w->nl_fd = -1;
		goto fail;
	}
	reload(w, "start");
	if ((err = lvs_host_register_text(h, "fwmark", view_fwmark, w)) < 0 ||
	    (err = lvs_host_register_command(h, "fwmark-reload", cmd_reload, w)) < 0 ||
	    (err = lvs_host_add_timer(h, 100, on_timer, w)) < 0 ||
	    (err = lvs_host_on_table_change(h, on_table_change, w)) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	fwm_watch_stop(w);
	return err;
}

void fwm_watch_set_backend(struct fwm_watch *w, const char *backend)
{
	w->backend = backend;
	guard_sync(w);
}

void fwm_watch_stop(struct fwm_watch *w)
{
	if (!w)
		return;
	if (w->nl_fd >= 0) {
		lvs_host_del_fd(w->h, w->nl_fd);
		close(w->nl_fd);
	}
	if (w->nft) {
		char cmd[96];
		if (w->guard_installed || w->guard_marks) {
			snprintf(cmd, sizeof(cmd), "delete table ip %s\n", w->guard_table);
			(void)lvs_nft_run(w->nft, cmd, NULL, NULL);
		}
		lvs_nft_close(w->nft);
	}
	sb_free(&w->guard_err);
	free(w->guard_marks);
	/* the workers have stopped: no one reads a classifier any more */
	while (w->retired) {
		struct retired_cls *r = w->retired;
		w->retired = r->next;
		fwm_free(r->c);
		free(r);
	}
	fwm_free(w->active);
	free(w);
}
