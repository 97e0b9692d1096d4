/* inproc.c - see inproc.h.  The start-up is lvsd's own (src/daemon/main.c)
 * minus what a harness must not do: daemonize, write a pid file, start
 * modules, log. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/table.h"
#include "ctl/client.h"
#include "daemon/daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "inproc.h"

static struct lvsd lvsd;
static char sock_path[108];
static pthread_t thread;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;                /* 1 running, -1 failed */
static uint64_t clock_ms;        /* the resets' clock, see fuzz_lvsd_reset */

static void quiet(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)msg;
}

static void set_ready(int v)
{
	pthread_mutex_lock(&ready_lock);
	ready = v;
	pthread_cond_broadcast(&ready_cond);
	pthread_mutex_unlock(&ready_lock);
}

/* the loop blocks its signals (SIGINT, SIGTERM, ...) in the thread that
 * sets it up: that is this one, so the harness thread keeps them (libFuzzer
 * needs SIGINT and SIGALRM) */
static void *run(void *arg)
{
	int err;

	(void)arg;
	if ((err = lvsd_loop_init(&lvsd)) || (err = lvsd_views_init(&lvsd)) || (err = lvsd_server_start(&lvsd)) ||
	    (err = lvsd_server_publish(&lvsd, NULL))) {
		fprintf(stderr, "fuzz lvsd: start-up failed: %s\n", strerror(-err));
		set_ready(-1);
		return NULL;
	}
	set_ready(1);
	lvsd_loop_run(&lvsd);
	return NULL;
}

static void remove_socket(void)
{
	unlink(sock_path);
}

const char *fuzz_lvsd_start(void)
{
	if (ready > 0)
		return sock_path;
	lvs_log_set_sink(quiet, NULL);
	snprintf(sock_path, sizeof(sock_path), "/tmp/lvsd-fuzz.%d.sock", (int)getpid());
	lvsd.epfd = lvsd.sigfd = lvsd.wakefd = lvsd.listen_fd = -1;
	lvsd.opts.socket_path = sock_path;
	lvsd.opts.backend = "none";
	pthread_mutex_init(&lvsd.lock, NULL);
	lvsd.start_ms = lvs_now_ms();
	clock_ms = lvsd.start_ms + 86400000;
	lvsd.table = lvs_table_new();
	if (!lvsd.table || lvsd_server_bind(&lvsd, NULL)) {
		fprintf(stderr, "fuzz lvsd: cannot listen on %s\n", sock_path);
		abort();
	}
	lvsd_netinfo_install(lvsd.table);
	atexit(remove_socket);
	setenv(LVSD_SOCKET_ENV, sock_path, 1);
	if (pthread_create(&thread, NULL, run, NULL))
		abort();
	pthread_mutex_lock(&ready_lock);
	while (!ready)
		pthread_cond_wait(&ready_cond, &ready_lock);
	pthread_mutex_unlock(&ready_lock);
	if (ready < 0)
		abort();
	return sock_path;
}

void fuzz_lvsd_reset(void)
{
	lvsd_lock(&lvsd);
	lvs_flush(lvsd.table);
	lvs_zero(lvsd.table, NULL);
	lvs_set_timeouts(lvsd.table, 900, 120, 300);
	lvs_stop_daemon(lvsd.table, LVS_DAEMON_MASTER);
	lvs_stop_daemon(lvsd.table, LVS_DAEMON_BACKUP);
	/* deleted services and dests are freed by later ticks (a dest 120 s
	 * after its last use): run them now, on a clock of their own that
	 * is always far enough ahead */
	for (int i = 0; i < 3; i++) {
		clock_ms += 121000;
		lvs_table_tick(lvsd.table, clock_ms);
	}
	lvsd_unlock(&lvsd);
}

int fuzz_lvsd_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* main.c is not linked into the harness: its start-up hooks, for the
 * daemon files that call them */
int lvsd_ready(struct lvsd *d)
{
	d->ready = 1;
	return 0;
}

void lvsd_start_failed(struct lvsd *d, const char *fmt, ...)
{
	(void)d;
	(void)fmt;
}
