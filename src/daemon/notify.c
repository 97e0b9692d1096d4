/* notify.c - systemd's readiness protocol (sd_notify(3)) without
 * libsystemd: with Type=notify the service manager passes a unix datagram
 * socket in $NOTIFY_SOCKET (a path, or "@name" for an abstract one) and
 * lvsd sends it newline-separated KEY=VALUE datagrams:
 *   READY=1                    the socket is published, modules started
 *   RELOADING=1 MONOTONIC_USEC before a reload, READY=1 after it
 *   STATUS=...                 one line for `systemctl status`
 *   STOPPING=1                 leaving the main loop
 *   WATCHDOG=1                 every WATCHDOG_USEC/2, from a main loop timer,
 *                              so a main loop that hangs stops the pings
 * The protocol belongs to the process (its environment), so the state is
 * process-wide.  The variables are removed from the environment once read:
 * check scripts and the --restore child must not speak for lvsd. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "daemon.h"

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_len;
static uint64_t watchdog_usec;
static char status_last[200];
static char backend_name[32];

/* $WATCHDOG_USEC, if meant for this process ($WATCHDOG_PID, when set, names it) */
static uint64_t read_watchdog(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;

	if (!us || !*us)
		return 0;
	if (pid && *pid) {
		long p = strtol(pid, &end, 10);
		if (*end || p != (long)getpid())
			return 0;
	}
	errno = 0;
	unsigned long long v = strtoull(us, &end, 10);
	return errno || *end || end == us ? 0 : (uint64_t)v;
}

int lvsd_notify_open(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	int ret = 0;

	watchdog_usec = read_watchdog();
	if (!path || !*path)
		goto out;
	size_t n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(notify_addr.sun_path)) {
		ret = -EINVAL;   /* vsock and relative paths are not for lvsd */
		goto out;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, path, n);
	if (path[0] == '@')
		notify_addr.sun_path[0] = 0;   /* abstract: the length bounds the name */
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (notify_fd < 0)
		ret = -errno;
	else
		ret = 1;
out:
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	if (ret <= 0)
		watchdog_usec = 0;   /* nobody to ping */
	return ret;
}

void lvsd_notify_close(void)
{
	if (notify_fd >= 0)
		close(notify_fd);
	notify_fd = -1;
}

void lvsd_notify(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (notify_fd < 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(msg))
		n = (int)sizeof(msg) - 1;
	/* the manager's socket has a deep queue; a lost ping or status line
	 * is not worth blocking the main loop for */
	if (sendto(notify_fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&notify_addr, notify_len) < 0)
		lvs_log(LOG_DEBUG, "notify: %s", strerror(errno));
}

static void watchdog_ping(void *arg)
{
	(void)arg;
	lvsd_notify("WATCHDOG=1");
}

/* the datapath's backend as its view names it ("afpacket", "xdp", "none") */
static void learn_backend(struct lvsd *d)
{
	struct strbuf sb = STRBUF_INIT;
	const char *b;

	snprintf(backend_name, sizeof(backend_name), "none");
	if (lvsd_text(d, "datapath", &sb) == 0 && sb.buf && (b = strstr(sb.buf, "backend: ")))
		snprintf(backend_name, sizeof(backend_name), "%.*s", (int)strcspn(b + 9, " \n(,"), b + 9);
	sb_free(&sb);
}

void lvsd_notify_status(struct lvsd *d, int force)
{
	size_t nsvc = 0, ndest = 0;
	char line[sizeof(status_last)];

	if (notify_fd < 0)
		return;
	lvsd_lock(d);
	for (struct lvs_service *s = lvs_svc_first(d->table); s; s = lvs_svc_next(d->table, s)) {
		nsvc++;
		ndest += (size_t)s->num_dests;
	}
	lvsd_unlock(d);
	snprintf(line, sizeof(line), "%zu service%s, %zu real server%s, datapath %s", nsvc, nsvc == 1 ? "" : "s",
		 ndest, ndest == 1 ? "" : "s", backend_name);
	if (!force && !strcmp(line, status_last))
		return;
	memcpy(status_last, line, sizeof(line));
	lvsd_notify("STATUS=%s", line);
}

static void on_change(void *arg)
{
	lvsd_notify_status(arg, 0);
}

/* a reload before READY=1 (SIGHUP while --restore runs) is part of the
 * start: the manager hears nothing of it */
void lvsd_notify_reloading(struct lvsd *d)
{
	struct timespec ts;

	if (!d->ready)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	lvsd_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
		    (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000u);
}

void lvsd_notify_reloaded(struct lvsd *d, const char *failed)
{
	if (notify_fd < 0 || !d->ready)
		return;
	if (failed) {
		/* shown until the table next changes */
		lvsd_notify("STATUS=reload failed, running configuration kept: %.*s",
			    (int)strcspn(failed, "\n"), failed);
		status_last[0] = 0;
	} else {
		lvsd_notify_status(d, 1);
	}
	lvsd_notify("READY=1");
}

int lvsd_notify_ready(struct lvsd *d)
{
	int err;

	if (notify_fd < 0)
		return 0;
	learn_backend(d);
	lvsd_notify_status(d, 1);
	lvsd_notify("READY=1");
	if ((err = lvsd_on_table_change(d, on_change, d)) < 0)
		return err;
	if (watchdog_usec) {
		uint64_t ms = watchdog_usec / 2000;
		if ((err = lvsd_add_timer(d, ms ? ms : 1, watchdog_ping, NULL)) < 0)
			return err;
		lvsd_notify("WATCHDOG=1");
	}
	return 0;
}
