/* server.c - the control socket: listening, per-client framing with
 * nonblocking I/O, peer-credential checks.
 *
 * Why per-client buffers: a client that sends half a frame and stalls, or
 * floods garbage, must never block the loop; each client's bytes are
 * gathered in its own buffer, and a client is handled only as far as its
 * complete frames go.  A framing error (bad magic/version, oversized
 * frame) gets one -EPROTO / -EMSGSIZE reply and the connection is closed
 * after the reply is flushed, since the stream cannot be resynchronised.
 *
 * Limits, so that nobody can lock root out by holding connections:
 *  - a client that makes no progress for LVSD_CLIENT_IDLE_MS (no complete
 *    request handled, no reply bytes taken) is closed, stalled mid-frame
 *    or not; the client library reconnects before reusing a connection
 *    that sat idle for half of that;
 *  - a non-root uid holds at most LVSD_MAX_CLIENTS_PER_UID connections
 *    (it is only ever answered -EPERM anyway);
 *  - when all LVSD_MAX_CLIENTS slots are taken, a root newcomer takes the
 *    slot of the longest-idle client (non-root ones first) that has no
 *    reply pending; a non-root newcomer is refused.
 * Refusals and drops are logged at most once a second each, with the
 * number of lines left out, since peers can cause them at will.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon.h"
#include "lib/ratelimit.h"

/* main-loop thread only */
static struct lvs_ratelimit rl_refuse = LVS_RATELIMIT_INIT(1000);
static struct lvs_ratelimit rl_notroot = LVS_RATELIMIT_INIT(1000);
static struct lvs_ratelimit rl_drop = LVS_RATELIMIT_INIT(1000);

struct lvsd_client {
	struct lvsd_client *next;
	struct lvsd *d;
	int fd;
	uid_t uid;
	pid_t pid;
	uint8_t *in;
	size_t in_len, in_cap;
	struct lvsp_buf out;
	size_t out_off;
	int closing;          /* close once out is flushed */
	int want_out;         /* EPOLLOUT currently requested */
	uint64_t last_act_ms; /* last progress: connect, a request handled, reply bytes sent */
};

static void client_free(struct lvsd *d, struct lvsd_client *c)
{
	struct lvsd_client **pp = &d->clients;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	lvsd_del_fd(d, c->fd);
	close(c->fd);
	free(c->in);
	lvsp_buf_free(&c->out);
	free(c);
	d->nclients--;
}

/* 1 while replies are still waiting to be written */
static int client_flush(struct lvsd *d, struct lvsd_client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t w = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		c->out_off += (size_t)w;
		c->last_act_ms = lvs_now_ms();
	}
	int pending = c->out_off < c->out.len;
	if (!pending) {
		c->out.len = 0;
		c->out_off = 0;
		/* do not keep a huge dump's buffer around per idle client */
		if (c->out.cap > (1u << 20))
			lvsp_buf_free(&c->out);
	}
	if (pending != c->want_out) {
		/* while replies are pending, stop reading: the client must drain
		 * its replies before we accept more requests from it */
		lvsd_mod_fd(d, c->fd, pending ? EPOLLOUT : EPOLLIN);
		c->want_out = pending;
	}
	return pending;
}

static void reply_error(struct lvsd_client *c, const struct lvsp_hdr *h, int err)
{
	lvsd_put_reply_hdr(&c->out, h, err, NULL, 0);
}

/* handle the complete frames in c->in */
static void client_process(struct lvsd *d, struct lvsd_client *c)
{
	size_t off = 0;
	while (!c->closing && c->out.len - c->out_off < LVSD_TX_HIGH && c->in_len - off >= LVSP_HDR_LEN) {
		struct lvsp_hdr h;
		lvsp_hdr_decode(c->in + off, &h);
		/* a non-root peer only ever gets -EPERM: it may not park big
		 * frames in our memory either */
		int err = lvsp_hdr_check(&h, c->uid == 0 ? LVSP_MAX_REQUEST : 4096);
		if (err) {
			d->bad_frames++;
			lvs_log(LOG_WARNING, "control client pid %d: %s frame (magic 0x%08x version %u len %u); closing",
				 (int)c->pid, err == -EMSGSIZE ? "oversized" : "garbage", h.magic,
				 h.version, h.len);
			/* answer with op 0 / seq 0: the header cannot be trusted */
			struct lvsp_hdr z = { 0 };
			reply_error(c, &z, err);
			c->closing = 1;
			off = c->in_len;
			break;
		}
		if (c->in_len - off - LVSP_HDR_LEN < h.len)
			break; /* wait for the rest */
		const uint8_t *payload = c->in + off + LVSP_HDR_LEN;
		d->requests++;
		if (h.flags & LVSP_F_REPLY) {
			d->bad_frames++;
			reply_error(c, &h, -EPROTO);
		} else {
			lvsd_handle_request(d, &h, payload, c->uid, &c->out);
		}
		off += LVSP_HDR_LEN + h.len;
		c->last_act_ms = lvs_now_ms();
		if (c->out.oom) {
			lvs_log(LOG_ERR, "control client pid %d: out of memory building a reply; closing",
				 (int)c->pid);
			c->closing = 1;
			c->out.len = c->out_off = 0;
			c->out.oom = 0;
		}
	}
	if (off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
}

static void on_client(void *arg, int fd, uint32_t events)
{
	struct lvsd_client *c = arg;
	struct lvsd *d = c->d;
	(void)fd;
	int eof = 0;

	if (events & EPOLLIN) {
		size_t budget = LVSD_RX_BUDGET;
		while (budget && !c->closing) {
			if (c->in_cap - c->in_len < 4096) {
				size_t ncap = c->in_cap ? c->in_cap * 2 : 16384;
				/* never more than one maximal frame plus a read's worth */
				if (ncap > LVSP_MAX_REQUEST + LVSP_HDR_LEN + LVSD_RX_BUDGET)
					ncap = LVSP_MAX_REQUEST + LVSP_HDR_LEN + LVSD_RX_BUDGET;
				if (ncap <= c->in_cap)
					break;
				uint8_t *p = realloc(c->in, ncap);
				if (!p) {
					lvs_log(LOG_ERR, "control client pid %d: out of memory", (int)c->pid);
					client_free(d, c);
					return;
				}
				c->in = p;
				c->in_cap = ncap;
			}
			size_t want = c->in_cap - c->in_len;
			if (want > budget)
				want = budget;
			ssize_t r = recv(c->fd, c->in + c->in_len, want, MSG_DONTWAIT);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					eof = 1;
				break;
			}
			if (r == 0) {
				eof = 1;
				break;
			}
			c->in_len += (size_t)r;
			budget -= (size_t)r;
			client_process(d, c);
			if (c->out.len - c->out_off >= LVSD_TX_HIGH)
				break;
		}
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		eof = !(events & EPOLLOUT);
	}

	if (eof && !c->closing) {
		client_process(d, c);
		if (c->in_len) {
			d->bad_frames++;
			lvs_log(LOG_WARNING, "control client pid %d: connection closed mid-frame (%zu bytes)",
				 (int)c->pid, c->in_len);
			struct lvsp_hdr z = { 0 };
			reply_error(c, &z, -EPROTO);
			c->in_len = 0;
		}
		c->closing = 1;
	}

	int pending = client_flush(d, c);
	if (pending < 0 || (c->closing && pending == 0)) {
		client_free(d, c);
		return;
	}
	/* replies drained: handle requests that were held back */
	if (!pending && !c->closing && c->in_len >= LVSP_HDR_LEN) {
		client_process(d, c);
		pending = client_flush(d, c);
		if (pending < 0 || (c->closing && pending == 0))
			client_free(d, c);
	}
}

static void log_drop(struct lvsd_client *c, const char *why)
{
	uint32_t skipped;
	if (lvs_ratelimit(&rl_drop, lvs_now_ms(), &skipped))
		lvs_log(LOG_WARNING, "control client pid %d uid %d: %s; closing (%u more closings not logged)",
			 (int)c->pid, (int)c->uid, why, skipped);
}

/* NULL when a client of `uid` may be added now (a slot may have been
 * freed for it), else why not */
static const char *make_room(struct lvsd *d, uid_t uid)
{
	if (uid != 0) {
		size_t mine = 0;
		for (struct lvsd_client *c = d->clients; c; c = c->next)
			mine += c->uid == uid;
		if (mine >= LVSD_MAX_CLIENTS_PER_UID)
			return "too many connections of this user";
	}
	if (d->nclients < LVSD_MAX_CLIENTS)
		return NULL;
	if (uid != 0)
		return "all connections taken";
	/* root: the longest-idle client without a pending reply, non-root first */
	struct lvsd_client *victim = NULL;
	for (struct lvsd_client *c = d->clients; c; c = c->next) {
		if (c->out.len > c->out_off)
			continue;
		if (!victim || (c->uid != 0 && victim->uid == 0) ||
		    ((c->uid != 0) == (victim->uid != 0) && c->last_act_ms < victim->last_act_ms))
			victim = c;
	}
	if (!victim)
		return "all connections busy";
	log_drop(victim, "making room for a root client");
	client_free(d, victim);
	return NULL;
}

static void on_listen(void *arg, int fd, uint32_t events)
{
	struct lvsd *d = arg;

	(void)events;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			uint32_t skipped;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    lvs_ratelimit(&rl_refuse, lvs_now_ms(), &skipped))
				lvs_log(LOG_WARNING, "accept: %s (%u more refusals not logged)", strerror(errno),
					 skipped);
			return;
		}
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
			lvs_log(LOG_WARNING, "SO_PEERCRED: %s", strerror(errno));
			close(cfd);
			continue;
		}
		const char *why = make_room(d, cred.uid);
		if (why) {
			d->refused++;
			uint32_t skipped;
			if (lvs_ratelimit(&rl_refuse, lvs_now_ms(), &skipped))
				lvs_log(LOG_WARNING, "control socket: refusing pid %d uid %d: %s (%u more refusals not logged)",
					 (int)cred.pid, (int)cred.uid, why, skipped);
			close(cfd);
			continue;
		}
		struct lvsd_client *c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->d = d;
		c->fd = cfd;
		c->uid = cred.uid;
		c->pid = cred.pid;
		c->last_act_ms = lvs_now_ms();
		if (lvsd_add_fd(d, cfd, EPOLLIN, on_client, c) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		uint32_t skipped;
		if (cred.uid != 0 && lvs_ratelimit(&rl_notroot, lvs_now_ms(), &skipped))
			lvs_log(LOG_NOTICE, "control client pid %d uid %d is not root: its requests are refused (%u more such clients not logged)",
				 (int)cred.pid, (int)cred.uid, skipped);
		c->next = d->clients;
		d->clients = c;
		d->nclients++;
	}
}

/* a client that made no progress for LVSD_CLIENT_IDLE_MS holds a slot
 * (and, stalled mid-frame, memory): drop it */
static void sweep_idle(void *arg)
{
	struct lvsd *d = arg;

	uint64_t now = lvs_now_ms();
	struct lvsd_client *c = d->clients, *next;
	for (; c; c = next) {
		next = c->next;
		if (now - c->last_act_ms <= LVSD_CLIENT_IDLE_MS)
			continue;
		if (c->in_len) {
			d->bad_frames++;
			log_drop(c, "stalled mid-frame");
		} else {
			log_drop(c, "idle");
		}
		client_free(d, c);
	}
}

static int mkdir_parent(const char *path)
{
	char *dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	char *dir = dirname(dup);
	int err = 0;
	struct stat st;
	/* create only what is missing (0755); never chmod an existing dir */
	if (stat(dir, &st) < 0) {
		char *p = dir;
		while ((p = strchr(p + 1, '/'))) {
			*p = 0;
			if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
				err = -errno;
				break;
			}
			*p = '/';
		}
		if (!err && mkdir(dir, 0755) < 0 && errno != EEXIST)
			err = -errno;
		if (!err)
			chmod(dir, 0755); /* despite the umask */
	}
	free(dup);
	return err;
}

/*
 * The control socket appears only when lvsd is ready.  Every client, test
 * and ldirectord-style script waits for the socket file and then talks to
 * the daemon, so the file must not exist before the modules (datapath,
 * checker, ...) have started and a --restore file has been loaded.  Hence:
 *
 *  lvsd_server_bind (before daemonizing, so that errors reach the shell):
 *    1. takes an exclusive flock on PATH.lock, held for the daemon's life:
 *       a second lvsd on the same path fails at once, also while the first
 *       one is still starting and PATH does not exist yet;
 *    2. refuses a non-socket at PATH and removes a dead daemon's socket
 *       (nobody listening);
 *    3. binds and listens under PATH.<pid>, a name nobody waits for (the
 *       --restore child is pointed at it).
 *  lvsd_server_publish (once ready): renames PATH.<pid> to PATH, so the
 *    socket appears atomically and already serving.
 *
 * Why not bind PATH itself early and listen() late: clients would meet a
 * deaf socket (ECONNREFUSED), which both they and a second lvsd take for a
 * dead daemon's.  Why a lock file and not the temporary socket as the
 * guard: its name holds a pid, so a second lvsd cannot find it.
 */

/* the lock outlives a crash as an unlocked file; a new lvsd just takes it */
static int take_lock(struct lvsd *d, struct strbuf *err)
{
	const char *path = d->opts.socket_path;
	if ((size_t)snprintf(d->lock_path, sizeof(d->lock_path), "%s.lock", path) >= sizeof(d->lock_path)) {
		sb_printf(err, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	for (int tries = 0; tries < 8; tries++) {
		int fd = open(d->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;
			sb_printf(err, "lock file %s: %s", d->lock_path, strerror(e));
			return -e;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK) {
				sb_printf(err, "control socket %s: another lvsd is already running (or starting) on it",
					  path);
				return -EADDRINUSE;
			}
			sb_printf(err, "lock file %s: %s", d->lock_path, strerror(e));
			return -e;
		}
		/* the previous owner removes the file as it exits: if that happened
		 * between our open and flock, we locked an orphan; take a new one */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(d->lock_path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			d->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	sb_printf(err, "lock file %s keeps changing", d->lock_path);
	return -EAGAIN;
}

int lvsd_server_bind(struct lvsd *d, struct strbuf *err)
{
	const char *path = d->opts.socket_path;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		sb_printf(err, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	int rc = mkdir_parent(path);
	if (rc) {
		sb_printf(err, "cannot create the directory of %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = take_lock(d, err);
	if (rc)
		return rc;

	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			sb_printf(err, "%s exists and is not a socket; not touching it", path);
			return -EEXIST;
		}
		/* under the lock no lvsd of ours can be serving it; an older
		 * lvsd that takes no lock could: ask before removing */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0) {
			int e = errno;
			sb_printf(err, "socket: %s", strerror(e));
			return -e;
		}
		rc = connect(probe, (struct sockaddr *)&sun, sizeof(sun));
		int e = errno;
		close(probe);
		if (rc == 0 || e == EAGAIN) { /* EAGAIN: alive, backlog full */
			sb_printf(err, "control socket %s: another lvsd is already running on it", path);
			return -EADDRINUSE;
		}
		if (e != ECONNREFUSED && e != ENOENT) {
			sb_printf(err, "cannot probe %s: %s", path, strerror(e));
			return -e;
		}
		/* nobody listens: a dead daemon's socket */
		lvs_log(LOG_NOTICE, "removing stale socket %s", path);
		unlink(path);
	}

	/* no room for the suffix: bind in place (the socket then appears
	 * before the daemon is ready; the lock still keeps a second one out) */
	struct sockaddr_un tmp = { .sun_family = AF_UNIX };
	if ((size_t)snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s.%d", path, (int)getpid()) >=
	    sizeof(tmp.sun_path))
		snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s", path);
	unlink(tmp.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		sb_printf(err, "socket: %s", strerror(e));
		return -e;
	}
	/* created 0600 from the start: no window where others could connect */
	mode_t old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&tmp, sizeof(tmp));
	int e = errno;
	umask(old);
	if (rc < 0) {
		sb_printf(err, "bind %s: %s", tmp.sun_path, strerror(e));
		close(fd);
		return -e;
	}
	if (listen(fd, 128) < 0) {
		e = errno;
		sb_printf(err, "listen %s: %s", tmp.sun_path, strerror(e));
		close(fd);
		unlink(tmp.sun_path);
		return -e;
	}
	/* --socket-group: opened to one group only once it exists, still
	 * before anyone can find it under its published name */
	if (d->sock_group_set && (chown(tmp.sun_path, (uid_t)-1, d->sock_gid) < 0 || chmod(tmp.sun_path, 0660) < 0)) {
		e = errno;
		sb_printf(err, "cannot give the control socket to its group: %s", strerror(e));
		close(fd);
		unlink(tmp.sun_path);
		return -e;
	}
	snprintf(d->sock_tmp, sizeof(d->sock_tmp), "%s", tmp.sun_path);
	if (stat(tmp.sun_path, &st) == 0)
		d->sock_ino = st.st_ino;
	d->listen_fd = fd;
	d->sock_published = !strcmp(tmp.sun_path, path);
	return 0;
}

const char *lvsd_server_private_path(struct lvsd *d)
{
	return d->sock_tmp;
}

int lvsd_server_publish(struct lvsd *d, struct strbuf *err)
{
	if (d->sock_published)
		return 0;
	if (rename(d->sock_tmp, d->opts.socket_path) < 0) {
		int e = errno;
		sb_printf(err, "cannot put the control socket in place (%s -> %s): %s", d->sock_tmp,
			  d->opts.socket_path, strerror(e));
		return -e;
	}
	d->sock_published = 1;
	return 0;
}

int lvsd_server_start(struct lvsd *d)
{
	int err = lvsd_add_fd(d, d->listen_fd, EPOLLIN, on_listen, d);
	if (!err)
		err = lvsd_add_timer(d, 1000, sweep_idle, d);
	return err;
}

void lvsd_server_stop(struct lvsd *d)
{
	while (d->clients)
		client_free(d, d->clients);
	if (d->listen_fd >= 0) {
		lvsd_del_fd(d, d->listen_fd);
		close(d->listen_fd);
		d->listen_fd = -1;
		/* remove the socket only if it is still ours (not a successor's) */
		const char *where = d->sock_published ? d->opts.socket_path : d->sock_tmp;
		struct stat st;
		if (stat(where, &st) == 0 && st.st_ino == d->sock_ino)
			unlink(where);
	}
	if (d->lock_fd >= 0) {
		/* removed while still locked, so a successor never locks a file
		 * that is about to vanish (take_lock re-checks the inode) */
		struct stat a, b;
		if (fstat(d->lock_fd, &a) == 0 && stat(d->lock_path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			unlink(d->lock_path);
		close(d->lock_fd);
		d->lock_fd = -1;
	}
}
