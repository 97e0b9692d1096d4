/* syncd.c - the sync daemon module (see syncd.h): sockets, the master's
 * pending message, the backup's receive loop, and reconciling both with
 * the table's --start-daemon bookkeeping. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "syncd.h"
#include "wire.h"
#include "core/conn.h"
#include "core/pkt.h"
#include "host/host.h"
#include "lib/prom.h"

#define RECV_BUF_LEN 65536
#define RECV_BURST 64              /* messages per wake-up, then the loop runs others */
#define BACKUP_RCVBUF (4 << 20)   /* a master's burst must not overflow it */

struct sync_counters {
	unsigned long msgs_sent, conns_sent, send_errors, conns_dropped;
	unsigned long msgs_recv, conns_imported, conns_skipped, import_errors, malformed, other_syncid;
};

struct sync_module {
	struct lvs_host *h;
	struct lvs_core *core;          /* the host's */
	/* master: fd/msg/first_ms are shared with the workers' hook: mu */
	pthread_mutex_t mu;
	int master_fd;                 /* -1: not running */
	struct lvs_daemon_conf master_conf;
	uint8_t *master_buf;
	struct sync_msg msg;
	uint64_t first_ms;             /* when the pending message got its first entry */
	/* backup: main loop only */
	int backup_fd;
	struct lvs_daemon_conf backup_conf;
	uint8_t *recv_buf;
	struct sync_counters n;        /* master fields under mu */
};

static int same_conf(const struct lvs_daemon_conf *a, const struct lvs_daemon_conf *b)
{
	return a->syncid == b->syncid && a->sync_maxlen == b->sync_maxlen && a->mcast_af == b->mcast_af &&
	       a->mcast_port == b->mcast_port && a->mcast_ttl == b->mcast_ttl &&
	       !strcmp(a->mcast_ifn, b->mcast_ifn) &&
	       !memcmp(&a->mcast_group, &b->mcast_group, sizeof(a->mcast_group));
}

static socklen_t group_sockaddr(const struct lvs_daemon_conf *c, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (c->mcast_af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->mcast_port);
		memcpy(&s6->sin6_addr, &c->mcast_group.in6, sizeof(s6->sin6_addr));
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(c->mcast_port);
	s4->sin_addr.s_addr = c->mcast_group.ip;
	return sizeof(*s4);
}

/* a non-blocking UDP socket of the group's family, and the interface's
 * index (-ENODEV when it has gone) */
static int group_socket(const struct lvs_daemon_conf *c, unsigned *ifindex)
{
	int fd;

	*ifindex = if_nametoindex(c->mcast_ifn);
	if (!*ifindex)
		return -ENODEV;
	fd = socket(c->mcast_af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return fd < 0 ? -errno : fd;
}

/* close a half-configured socket, keeping the errno of what failed */
static int close_failed(int fd)
{
	int err = -errno;

	close(fd);
	return err;
}

/* ---- master ---- */

/* send the pending message (mu held) */
static void master_flush_locked(struct sync_module *sm)
{
	size_t len = sync_msg_finish(&sm->msg);

	if (len) {
		if (send(sm->master_fd, sm->master_buf, len, MSG_DONTWAIT) == (ssize_t)len) {
			sm->n.msgs_sent++;
			sm->n.conns_sent += sm->msg.nr;
		} else {
			sm->n.send_errors++;
			sm->n.conns_dropped += sm->msg.nr;
		}
	}
	sync_msg_init(&sm->msg, sm->master_buf, sm->master_conf.sync_maxlen, (uint8_t)sm->master_conf.syncid);
}

/* the core's sync hook: a worker thread, outside every core lock (the
 * datapath stops its workers before this module stops: host.h) */
static void master_hook(void *arg, unsigned worker, const struct lvs_conn_sync *e)
{
	struct sync_module *sm = arg;

	(void)worker;
	pthread_mutex_lock(&sm->mu);
	if (sm->master_fd >= 0) {
		int r = sync_msg_add(&sm->msg, e);
		if (r == -ENOSPC) {
			master_flush_locked(sm);
			r = sync_msg_add(&sm->msg, e);
		}
		if (r == 0 && sm->msg.nr == 1)
			sm->first_ms = lvs_now_ms();
		else if (r < 0)
			sm->n.conns_dropped++;   /* larger than sync_maxlen allows */
	}
	pthread_mutex_unlock(&sm->mu);
}

static int master_socket(const struct lvs_daemon_conf *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = group_sockaddr(c, &ss);
	int fd, off = 0, ttl = c->mcast_ttl;
	unsigned ifindex;

	if ((fd = group_socket(c, &ifindex)) < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->mcast_ifn, (socklen_t)strlen(c->mcast_ifn)) < 0)
		return close_failed(fd);
	if (c->mcast_af == AF_INET6) {
		int idx = (int)ifindex, pmtu = IPV6_PMTUDISC_DONT;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
			return close_failed(fd);
	} else {
		struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };
		int pmtu = IP_PMTUDISC_DONT;
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
			return close_failed(fd);
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
		return close_failed(fd);
	return fd;
}

static int master_start(struct sync_module *sm, const struct lvs_daemon_conf *c)
{
	uint8_t *buf;
	int fd;

	if (!sm->core)
		return -ENODEV;
	buf = malloc(c->sync_maxlen ? c->sync_maxlen : 1);
	if (!buf)
		return -ENOMEM;
	fd = master_socket(c);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	pthread_mutex_lock(&sm->mu);
	sm->master_conf = *c;
	sm->master_buf = buf;
	sm->master_fd = fd;
	sync_msg_init(&sm->msg, buf, c->sync_maxlen, (uint8_t)c->syncid);
	pthread_mutex_unlock(&sm->mu);
	lvs_core_set_sync_hook(sm->core, master_hook, sm);
	lvs_log(LOG_INFO, "sync: master started (mcast=%s, syncid=%u, maxlen=%u, port=%u, ttl=%u)",
		 c->mcast_ifn, c->syncid, c->sync_maxlen, c->mcast_port, c->mcast_ttl);
	return 0;
}

static void master_stop(struct sync_module *sm)
{
	lvs_core_set_sync_hook(sm->core, NULL, NULL);
	pthread_mutex_lock(&sm->mu);
	if (sm->master_fd >= 0) {
		master_flush_locked(sm);   /* what was decided goes out */
		close(sm->master_fd);
	}
	sm->master_fd = -1;
	free(sm->master_buf);
	sm->master_buf = NULL;
	pthread_mutex_unlock(&sm->mu);
	lvs_log(LOG_INFO, "sync: master stopped");
}

static void on_flush_timer(void *arg)
{
	struct sync_module *sm = arg;

	pthread_mutex_lock(&sm->mu);
	if (sm->master_fd >= 0 && sm->msg.nr && lvs_now_ms() - sm->first_ms >= SYNC_FLUSH_MS)
		master_flush_locked(sm);
	pthread_mutex_unlock(&sm->mu);
}

/* ---- backup ---- */

/* what deliver() gets for each entry of one message */
struct delivery {
	struct sync_module *sm;
	uint64_t now;
};

static void deliver(void *arg, const struct lvs_conn_sync *e, int v0)
{
	const struct delivery *dl = arg;
	struct sync_module *sm = dl->sm;
	struct lvs_conn_sync c = *e;

	if (v0)
		c.timeout = lvs_core_state_timeout(sm->core, c.protocol, (uint8_t)c.state,
						   (c.flags & LVS_CONN_F_TEMPLATE) != 0);
	if (lvs_conn_import(sm->core, &c, dl->now) == 0)
		sm->n.conns_imported++;
	else
		sm->n.import_errors++;
}

static void on_backup_readable(void *arg, int fd, uint32_t events)
{
	struct sync_module *sm = arg;

	(void)events;
	for (int i = 0; i < RECV_BURST; i++) {
		ssize_t n = recv(fd, sm->recv_buf, RECV_BUF_LEN, MSG_DONTWAIT);
		struct sync_parse_counts pc;
		struct delivery dl = { sm, lvs_now_ms() };

		if (n < 0)
			return;
		sm->n.msgs_recv++;
		if (sync_msg_parse(sm->recv_buf, (size_t)n, (uint8_t)sm->backup_conf.syncid, deliver, &dl, &pc) < 0) {
			sm->n.malformed++;
			continue;
		}
		sm->n.other_syncid += pc.other_syncid;
		sm->n.conns_skipped += pc.skipped;
	}
}

static int backup_socket(const struct lvs_daemon_conf *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = group_sockaddr(c, &ss);
	int fd, one = 1, rcvbuf = BACKUP_RCVBUF;
	unsigned ifindex;

	if ((fd = group_socket(c, &ifindex)) < 0)
		return fd;
	/* several lvsd in one namespace (tests) may back up the same group */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		return close_failed(fd);
	if (c->mcast_af == AF_INET6) {
		struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };
		memcpy(&mr.ipv6mr_multiaddr, &c->mcast_group.in6, sizeof(mr.ipv6mr_multiaddr));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			return close_failed(fd);
	} else {
		struct ip_mreqn mr = { .imr_multiaddr.s_addr = c->mcast_group.ip, .imr_ifindex = (int)ifindex };
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			return close_failed(fd);
	}
	return fd;
}

static int backup_start(struct sync_module *sm, const struct lvs_daemon_conf *c)
{
	int fd;

	if (!sm->core)
		return -ENODEV;
	if (!sm->recv_buf && !(sm->recv_buf = malloc(RECV_BUF_LEN)))
		return -ENOMEM;
	fd = backup_socket(c);
	if (fd < 0)
		return fd;
	int err = lvs_host_add_fd(sm->h, fd, EPOLLIN, on_backup_readable, sm);
	if (err < 0) {
		close(fd);
		return err;
	}
	sm->backup_fd = fd;
	sm->backup_conf = *c;
	lvs_log(LOG_INFO, "sync: backup started (mcast=%s, syncid=%u, maxlen=%u, port=%u)", c->mcast_ifn,
		 c->syncid, c->sync_maxlen, c->mcast_port);
	return 0;
}

static void backup_stop(struct sync_module *sm)
{
	if (sm->backup_fd < 0)
		return;
	lvs_host_del_fd(sm->h, sm->backup_fd);
	close(sm->backup_fd);
	sm->backup_fd = -1;
	lvs_log(LOG_INFO, "sync: backup stopped");
}

/* ---- following the table ---- */

static void give_up(struct lvs_host *h, int state, int err)
{
	lvs_log(LOG_ERR, "sync: cannot start the %s daemon: %s", state == LVS_DAEMON_MASTER ? "master" : "backup",
		 strerror(-err));
	lvs_host_lock(h);
	lvs_stop_daemon(lvs_host_table(h), state);
	lvs_host_unlock(h);
	lvs_host_changed(h);
}

static void reconcile(void *arg)
{
	struct sync_module *sm = arg;
	struct lvs_daemon_conf cf[2], *want_m = NULL, *want_b = NULL;
	int n, r;

	lvs_host_lock(sm->h);
	n = lvs_get_daemons(lvs_host_table(sm->h), cf);
	lvs_host_unlock(sm->h);
	for (int i = 0; i < n; i++) {
		if (cf[i].state == LVS_DAEMON_MASTER)
			want_m = &cf[i];
		else if (cf[i].state == LVS_DAEMON_BACKUP)
			want_b = &cf[i];
	}
	if (sm->master_fd >= 0 && (!want_m || !same_conf(want_m, &sm->master_conf)))
		master_stop(sm);
	if (want_m && sm->master_fd < 0 && (r = master_start(sm, want_m)) < 0)
		give_up(sm->h, LVS_DAEMON_MASTER, r);
	if (sm->backup_fd >= 0 && (!want_b || !same_conf(want_b, &sm->backup_conf)))
		backup_stop(sm);
	if (want_b && sm->backup_fd < 0 && (r = backup_start(sm, want_b)) < 0)
		give_up(sm->h, LVS_DAEMON_BACKUP, r);
}

static int view_sync(void *arg, struct strbuf *out)
{
	struct sync_module *sm = arg;
	struct sync_counters c;
	int master, backup;

	pthread_mutex_lock(&sm->mu);
	c = sm->n;
	master = sm->master_fd >= 0;
	pthread_mutex_unlock(&sm->mu);
	backup = sm->backup_fd >= 0;
	sb_printf(out, "master %s\n", master ? "running" : "stopped");
	sb_printf(out, "backup %s\n", backup ? "running" : "stopped");
	sb_printf(out, "msgs_sent %lu\nconns_sent %lu\nsend_errors %lu\nconns_dropped %lu\n", c.msgs_sent,
		  c.conns_sent, c.send_errors, c.conns_dropped);
	sb_printf(out, "msgs_recv %lu\nconns_imported %lu\nconns_skipped %lu\nimport_errors %lu\n", c.msgs_recv,
		  c.conns_imported, c.conns_skipped, c.import_errors);
	sb_printf(out, "malformed %lu\nother_syncid %lu\n", c.malformed, c.other_syncid);
	/* why the core refused or trimmed imported entries (conn.h) */
	uint64_t why[LVS_SYNC_IMPORT_COUNT];
	lvs_core_sync_import_counts(sm->core, why);
	for (int i = 0; i < LVS_SYNC_IMPORT_COUNT; i++)
		sb_printf(out, "%s %llu\n", lvs_sync_import_names[i], (unsigned long long)why[i]);
	return 0;
}

/* the view's numbers as Prometheus families */
static int metrics_sync(void *arg, struct strbuf *out)
{
	struct sync_module *sm = arg;
	struct sync_counters c;
	int master;

	pthread_mutex_lock(&sm->mu);
	c = sm->n;
	master = sm->master_fd >= 0;
	pthread_mutex_unlock(&sm->mu);
	const struct lvs_prom_one ctr[] = {
		{ "lvsd_sync_sent_messages_total", "counter", "Sync messages the master sent.", c.msgs_sent },
		{ "lvsd_sync_sent_connections_total", "counter", "Connection entries the master sent.", c.conns_sent },
		{ "lvsd_sync_send_errors_total", "counter", "Sync messages the master failed to send.", c.send_errors },
		{ "lvsd_sync_lost_connections_total", "counter", "Connection entries the master dropped unsent.",
		  c.conns_dropped },
		{ "lvsd_sync_received_messages_total", "counter", "Sync messages the backup received.", c.msgs_recv },
		{ "lvsd_sync_imported_connections_total", "counter", "Connection entries the backup imported.",
		  c.conns_imported },
		{ "lvsd_sync_skipped_connections_total", "counter", "Connection entries the backup skipped.",
		  c.conns_skipped },
		{ "lvsd_sync_import_errors_total", "counter", "Connection entries the backup failed to import.",
		  c.import_errors },
		{ "lvsd_sync_malformed_messages_total", "counter", "Sync messages the backup could not parse.",
		  c.malformed },
		{ "lvsd_sync_other_syncid_messages_total", "counter", "Sync messages for another sync ID, ignored.",
		  c.other_syncid },
	};
	struct lvs_prom_fam run = LVS_PROM_FAM("lvsd_sync_running", "gauge",
					       "Whether the sync master or backup daemon runs (1) or not (0).");
	struct lvs_prom_fam imp = LVS_PROM_FAM("lvsd_sync_import_results_total", "counter",
					       "Imported entries the core refused or trimmed, by reason.");
	uint64_t why[LVS_SYNC_IMPORT_COUNT];

	lvs_prom_u64(out, &run, "role=\"master\"", (uint64_t)master);
	lvs_prom_u64(out, &run, "role=\"backup\"", (uint64_t)(sm->backup_fd >= 0));
	LVS_PROM_ONES(out, ctr);
	lvs_core_sync_import_counts(sm->core, why);
	for (int i = 0; i < LVS_SYNC_IMPORT_COUNT; i++) {
		struct strbuf lbl = STRBUF_INIT;
		lvs_prom_label(&lbl, "reason", lvs_sync_import_names[i]);
		lvs_prom_u64(out, &imp, lbl.buf, why[i]);
		sb_free(&lbl);
	}
	return 0;
}

static void sync_stop(void *state)
{
	struct sync_module *sm = state;

	if (sm->master_fd >= 0)
		master_stop(sm);
	backup_stop(sm);
	free(sm->recv_buf);
	pthread_mutex_destroy(&sm->mu);
	free(sm);
}

static int sync_start(struct lvs_host *h, void **state, struct strbuf *err)
{
	struct sync_module *sm = calloc(1, sizeof(*sm));
	int ret;

	(void)err;      /* nothing here needs more than the errno */
	if (!sm)
		return -ENOMEM;
	pthread_mutex_init(&sm->mu, NULL);
	sm->h = h;
	sm->core = lvs_host_core(h);
	sm->master_fd = sm->backup_fd = -1;
	if ((ret = lvs_host_on_table_change(h, reconcile, sm)) < 0 ||
	    (ret = lvs_host_add_timer(h, SYNC_FLUSH_MS / 2, on_flush_timer, sm)) < 0 ||
	    (ret = lvs_host_register_text(h, "sync", view_sync, sm)) < 0 ||
	    (ret = lvs_host_register_metrics(h, metrics_sync, sm)) < 0) {
		sync_stop(sm);
		return ret;
	}
	reconcile(sm);   /* a --restore file may have started one */
	*state = sm;
	return 0;
}

const struct lvs_module lvs_mod_sync = {
	.name = "sync",
	.start = sync_start,
	.stop = sync_stop,
};
