/* fwmark_watch.c - lvsd_mod_fwmark (see fwmark_watch.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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
#include "lib/strbuf.h"
#include "host/host.h"
#include "fwmark.h"
#include "fwmark_watch.h"
#include "datapath/pkt/nexthop.h"

extern char **environ;
/* datapath/module.c: the running backend's name ("afpacket", "xdp") or NULL */
const char *dp_backend_name(void);

#define RETIRE_MS       2000
#define POLL_MS         1000
#define MAX_OUTPUT      (4u << 20)      /* a ruleset larger than 4 MB is not read */

struct retired_cls { struct fwm_classifier *c; uint64_t free_at; struct retired_cls *next; };

static struct {
	struct lvsd *d;
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
} W = { .nl_fd = -1 };

/* ---- the datapath side ---- */

uint32_t fwm_dp_mark(struct nh_ctx *nh, const struct lvs_pkt *k, int ifindex, int *drop)
{
	const struct fwm_classifier *c = __atomic_load_n(&W.active, __ATOMIC_ACQUIRE);
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
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
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

static struct fwm_classifier *read_rules(void)
{
	struct fwm_classifier *c = fwm_new();
	if (!c)
		return NULL;
	int st;
	char *argv[] = { "iptables-save", "-t", "mangle", NULL };
	char *ipt = run_capture(argv, &st);
	int ipt_ok = ipt && st == 0;
	if (ipt_ok) {
		W.legacy = strstr(ipt, "(legacy)") != NULL;
		int n = fwm_parse_iptables_save(c, ipt);
		snprintf(W.ipt_status, sizeof(W.ipt_status), "iptables-save -t mangle: %d rules%s", n,
			 W.legacy ? " (legacy back end: polled every second)" : "");
	} else {
		snprintf(W.ipt_status, sizeof(W.ipt_status), "iptables-save -t mangle: %s",
			 ipt ? "failed (no mangle table?)" : "not available");
	}
	free(ipt);
	struct strbuf ruleset = STRBUF_INIT;
	if (W.nft && lvs_nft_run(W.nft, "list ruleset\n", &ruleset, NULL) == 0 && !ruleset.oom) {
		/* iptables-nft's own table is read through iptables-save
		 * (xtables parts); without iptables-save nft's translation of
		 * it is the best we have */
		int n = fwm_parse_nft(c, ruleset.buf ? ruleset.buf : "", ipt_ok && !W.legacy);
		snprintf(W.nft_status, sizeof(W.nft_status), "nft list ruleset: %d rules", n);
	} else {
		snprintf(W.nft_status, sizeof(W.nft_status), "nft list ruleset: %s",
			 W.nft ? "failed" : "libnftables unavailable");
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

static void guard_sync(void);

static void reload(const char *why)
{
	struct fwm_classifier *c = read_rules();
	W.last_read_ms = lvs_now_ms();
	W.dirty = 0;
	if (!c || c->oom) {
		lvs_log(LOG_ERR, "fwmark: out of memory reading the firewall rules");
		fwm_free(c);
		return;
	}
	struct fwm_classifier *old = W.active;
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
	W.reloads++;
	__atomic_store_n(&W.active, c, __ATOMIC_RELEASE);
	if (old) {
		struct retired_cls *r = malloc(sizeof(*r));
		if (r) {
			r->c = old;
			r->free_at = lvs_now_ms() + RETIRE_MS;
			r->next = W.retired;
			W.retired = r;
		}
		/* on OOM the old snapshot leaks rather than risking a worker
		 * reading freed memory */
	}
}

static void reap(void)
{
	uint64_t now = lvs_now_ms();
	for (struct retired_cls **pp = &W.retired; *pp;) {
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

static void on_nl(struct lvsd *d, int fd, uint32_t events, void *arg)
{
	(void)d;
	(void)events;
	(void)arg;
	char buf[16384];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	/* ENOBUFS (overrun) also means "something changed" */
	W.dirty = 1;
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
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void on_timer(struct lvsd *d, void *arg)
{
	(void)d;
	(void)arg;
	uint64_t now = lvs_now_ms();
	int poll_needed = W.nl_fd < 0 || W.legacy;
	if (W.dirty || (poll_needed && now - W.last_read_ms >= POLL_MS))
		reload(W.dirty ? "firewall changed" : "periodic read");
	reap();
}

/* ---- guard ---- */

static int guard_run(const char *cmd)
{
	sb_free(&W.guard_err);
	return lvs_nft_run(W.nft, cmd, NULL, &W.guard_err);
}

/* the set of marks of IPv4 fwmark services, as nft set elements */
static char *service_marks(void)
{
	struct strbuf sb = STRBUF_INIT;
	lvsd_lock(W.d);
	struct lvs_table *t = lvsd_table(W.d);
	int first = 1;
	for (struct lvs_service *s = lvsd_table(W.d) ? lvs_svc_first(t) : NULL; s; s = lvs_svc_next(t, s)) {
		if (!s->fwmark || s->af != AF_INET)
			continue;
		sb_printf(&sb, "%s%u", first ? "" : ", ", s->fwmark);
		first = 0;
	}
	lvsd_unlock(W.d);
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb.oom ? (sb_free(&sb), NULL) : sb_detach(&sb);
}

static void guard_sync(void)
{
	const char *be = dp_backend_name();
	if (!W.nft || !be)
		return;
	char *marks = service_marks();
	if (!marks)
		return;
	/* both backends see marked traffic through an AF_PACKET tap (the XDP
	 * program passes what it does not own to the stack, where the afxdp
	 * backend's tap picks it up), so both need the kernel's copy dropped */
	if (strcmp(be, "afpacket") && strcmp(be, "xdp")) {
		if (*marks && !W.warned_xdp) {
			lvs_log(LOG_WARNING, "fwmark: backend %s does not steer fwmark services", be);
			W.warned_xdp = 1;
		}
		free(marks);
		return;
	}
	if (W.guard_marks && !strcmp(marks, W.guard_marks) && !W.guard_err.len) {
		free(marks);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "table ip %s\ndelete table ip %s\n", W.guard_table, W.guard_table);
	if (*marks) {
		const struct lvsd_opts *o = lvsd_opts(W.d);
		sb_printf(&sb, "table ip %s {\n  chain pre {\n"
			  "    type filter hook prerouting priority mangle + 1; policy accept;\n    ",
			  W.guard_table);
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
	if (!sb.oom && guard_run(sb.buf) == 0) {
		W.guard_installed = *marks != 0;
		free(W.guard_marks);
		W.guard_marks = marks;
		marks = NULL;
		lvs_log(LOG_INFO, "fwmark: kernel guard for marks {%s}", W.guard_marks);
	} else if (W.guard_err.len) {
		lvs_log(LOG_ERR, "fwmark: cannot install the guard: %s", W.guard_err.buf);
	}
	sb_free(&sb);
	free(marks);
}

static void on_table_change(struct lvsd *d, void *arg)
{
	(void)d;
	(void)arg;
	guard_sync();
}

/* ---- view ---- */

static int view_fwmark(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	const struct fwm_classifier *c = W.active;
	sb_printf(out, "sources: %s; %s\n", W.ipt_status, W.nft_status);
	sb_printf(out, "follow: %s\n", W.nl_fd >= 0 ? "nftables netlink notifications" : "polling every second");
	sb_printf(out, "reloads: %llu\n", (unsigned long long)W.reloads);
	const char *be = dp_backend_name();
	sb_printf(out, "datapath: %s\n", !be ? "none (marks computed, nothing forwarded)" :
		  !strcmp(be, "afpacket") ? "afpacket (marked packets classified per packet)" :
		  !strcmp(be, "xdp") ? "xdp (marked packets reach lvsd through the AF_PACKET tap)" :
		  "unknown backend: fwmark traffic is not steered");
	sb_printf(out, "guard: %s%s%s\n", W.guard_installed ? "nftables table ip lvsd_fw_<pid>, marks " : "none",
		  W.guard_installed ? W.guard_marks : "", W.guard_err.len ? " (ERROR)" : "");
	if (W.guard_err.len)
		sb_printf(out, "guard_error: %s\n", W.guard_err.buf);
	fwm_describe(c, out);
	/* services whose mark no compiled rule sets: traffic never reaches them */
	lvsd_lock(W.d);
	struct lvs_table *t = lvsd_table(W.d);
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
	lvsd_unlock(W.d);
	return 0;
}

static int cmd_reload(struct lvsd *d, void *arg, const char *args, struct strbuf *out)
{
	(void)d;
	(void)arg;
	(void)args;
	reload("reload requested");
	sb_printf(out, "%zu rules compiled, %zu unsupported\n", W.active ? W.active->nrules : 0,
		  W.active ? W.active->nunsup : 0);
	return 0;
}

/* ---- module ---- */

static int fw_start(struct lvsd *d)
{
	W.d = d;
	W.nl_fd = -1;
	snprintf(W.guard_table, sizeof(W.guard_table), "lvsd_fw_%d", (int)getpid());
	if (lvs_nft_open(&W.nft) == 0) {
		/* tables of lvsd processes killed without cleaning up would
		 * drop marked traffic forever */
		static const char *const families[] = { "ip", NULL };
		(void)lvs_nft_reap_stale(W.nft, "lvsd_fw_", families, NULL);
	} else {
		W.nft = NULL;
	}
	int fd = nl_open();
	if (fd >= 0) {
		W.nl_fd = fd;
		lvsd_add_fd(d, W.nl_fd, EPOLLIN, on_nl, NULL);
	} else {
		lvs_log(LOG_WARNING, "fwmark: no nftables notifications (%s): polling every second", strerror(-fd));
	}
	reload("start");
	lvsd_register_text(d, "fwmark", view_fwmark, NULL);
	lvsd_register_command(d, "fwmark-reload", cmd_reload, NULL);
	lvsd_add_timer(d, 100, on_timer, NULL);
	lvsd_on_table_change(d, on_table_change, NULL);
	guard_sync();
	return 0;
}

static void fw_stop(struct lvsd *d)
{
	if (W.nl_fd >= 0) {
		lvsd_del_fd(d, W.nl_fd);
		close(W.nl_fd);
		W.nl_fd = -1;
	}
	if (W.nft) {
		char cmd[96];
		if (W.guard_installed || W.guard_marks) {
			snprintf(cmd, sizeof(cmd), "delete table ip %s\n", W.guard_table);
			(void)lvs_nft_run(W.nft, cmd, NULL, NULL);
		}
		lvs_nft_close(W.nft);
		W.nft = NULL;
	}
	sb_free(&W.guard_err);
	/* the datapath module stops after us (reverse order): its workers
	 * may still be classifying, so the classifiers stay allocated (and
	 * reachable) until the process exits */
	free(W.guard_marks);
	W.guard_marks = NULL;
	W.guard_installed = 0;
}

const struct lvsd_module lvsd_mod_fwmark = {
	.name = "fwmark",
	.start = fw_start,
	.stop = fw_stop,
	.reload = NULL,
};
