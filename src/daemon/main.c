/* main.c - lvsd: daemonizing, pidfile, start/stop of the table, control
 * server, connection core, settings and modules around the main loop
 * (options.c reads the command line). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon.h"
#include "core/stats.h"
#include "ctl/client.h"

/* client mode: lvsd --show VIEW / --cmd CMD against a running daemon */
static int client_mode(const char *sock, const char *view, const char *cmd, int json)
{
	struct lvsc *c;
	char jview[256];
	int err;

	if (view && json) {
		if (snprintf(jview, sizeof(jview), "%s.json", view) >= (int)sizeof(jview)) {
			fprintf(stderr, "lvsd: view name too long: %s\n", view);
			return 2;
		}
		view = jview;
	}
	err = lvsc_open(sock, &c);
	if (err) {
		fprintf(stderr, "lvsd: cannot connect to %s: %s\n", lvsc_socket_path(sock), strerror(-err));
		return 1;
	}
	char *text = NULL;
	err = view ? lvsc_get_text(c, view, &text) : lvsc_command(c, cmd, &text);
	lvsc_close(c);
	/* a failed request that explains itself (e.g. reload's "file:line:
	 * message") is not followed by the bare errno text as well */
	int said = text && *text;
	if (text) {
		fputs(text, err < 0 ? stderr : stdout);
		free(text);
	}
	if (err < 0) {
		if (!said)
			fprintf(stderr, "lvsd: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

static int write_pidfile(const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}

/* classic double fork; the parent waits for the child's verdict so that
 * `lvsd && ipvsadm ...` works and start-up errors reach the shell: one
 * byte (0 = ready) and, on failure, the one-line reason, which the parent
 * prints to its stderr */
static int daemonize(int *ready_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		char buf[600];
		size_t got = 0;
		for (;;) {
			ssize_t r = read(p[0], buf + got, sizeof(buf) - 1 - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
			if (got == sizeof(buf) - 1)
				break;
		}
		if (got >= 1 && buf[0] == 0)
			_exit(0);
		buf[got] = 0;
		if (got > 1)
			fprintf(stderr, "lvsd: %s\n", buf + 1);
		else
			fprintf(stderr, "lvsd: the daemon died while starting; exiting\n");
		_exit(1);
	}
	close(p[0]);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0); /* the grandchild holds p[1]; the first parent waits on it */
	if (chdir("/") < 0)
		_exit(1);
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	*ready_fd = p[1];
	return 0;
}

/* why: NULL when ready, else the line the waiting parent prints */
static void signal_ready(int *ready_fd, const char *why)
{
	if (*ready_fd < 0)
		return;
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "%c%s", why ? 1 : 0, why ? why : "");
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	ssize_t w = write(*ready_fd, buf, (size_t)n);
	(void)w;
	close(*ready_fd);
	*ready_fd = -1;
}

void lvsd_start_failed(struct lvsd *d, const char *fmt, ...)
{
	if (d->start_err[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->start_err, sizeof(d->start_err), fmt, ap);
	va_end(ap);
}

/* the one line of a failed start: to the log (stderr with -f), and to the
 * shell that started a daemon: at once when the failure came before the
 * fork, else through the pipe at the end of main(), after the clean-up, so
 * that the shell never sees a socket or pid file that is about to go */
static char fail_line[600];
static void start_failed(struct lvsd *d, const char *why)
{
	if (fail_line[0])
		return;
	snprintf(fail_line, sizeof(fail_line), "cannot start: %s; exiting", why);
	lvs_log(LOG_ERR, "%s", fail_line);
	if (!d->opts.foreground && !d->daemonized)
		fprintf(stderr, "lvsd: %s\n", fail_line);
}

/* --restore: run `ipvsadm -R < FILE` against our own socket, in the
 * background so the main loop can serve it */
static void start_restore(struct lvsd *d)
{
	const char *file = d->opts.restore_file;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		lvs_log(LOG_ERR, "--restore %s: %s", file, strerror(errno));
		return;
	}
	char self[PATH_MAX], prog[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	prog[0] = 0;
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(prog, sizeof(prog), "%s/ipvsadm", self);
		}
	}
	pid_t pid = fork();
	if (pid < 0) {
		lvs_log(LOG_ERR, "--restore: fork: %s", strerror(errno));
		close(fd);
		return;
	}
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		dup2(fd, 0);
		/* not yet published: the restore is part of getting ready */
		setenv(LVSD_SOCKET_ENV, lvsd_server_private_path(d), 1);
		if (prog[0] && access(prog, X_OK) == 0)
			execl(prog, "ipvsadm", "-R", (char *)NULL);
		execlp("ipvsadm", "ipvsadm", "-R", (char *)NULL);
		_exit(127);
	}
	close(fd);
	d->restore_pid = pid;
	lvs_log(LOG_INFO, "restoring rules from %s (pid %d)", file, (int)pid);
}

static int start_modules(struct lvsd *d)
{
	size_t n = 0;

	while (lvsd_modules[n])
		n++;
	d->mod_state = calloc(n ? n : 1, sizeof(*d->mod_state));
	if (!d->mod_state) {
		lvsd_start_failed(d, "out of memory starting the modules");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct lvs_module *m = lvsd_modules[i];
		struct strbuf why = STRBUF_INIT;
		int err = m->start ? m->start(&d->host, &d->mod_state[i], &why) : 0;
		if (err < 0) {
			if (why.buf && why.buf[0])
				lvsd_start_failed(d, "%s", why.buf);
			else
				lvsd_start_failed(d, "module %s: %s", m->name, strerror(-err));
			sb_free(&why);
			return err;
		}
		sb_free(&why);
		d->nmodules_started = (int)i + 1;
		lvs_log(LOG_DEBUG, "module %s started", m->name);
	}
	return 0;
}

static void stop_modules(struct lvsd *d)
{
	for (int i = d->nmodules_started - 1; i >= 0; i--)
		if (lvsd_modules[i]->stop)
			lvsd_modules[i]->stop(d->mod_state[i]);
	d->nmodules_started = 0;
	free(d->mod_state);
	d->mod_state = NULL;
}

int main(int argc, char **argv)
{
	static struct lvsd daemon;
	struct lvsd *d = &daemon;
	struct lvsd_args args = { 0 };

	d->epfd = d->sigfd = d->wakefd = d->listen_fd = d->lock_fd = d->ready_fd = -1;
	int rc = lvsd_options(d, argc, argv, &args);
	if (rc < 0 && (args.show || args.cmd))
		rc = client_mode(args.socket, args.show, args.cmd, args.json);
	if (rc >= 0)
		goto out_args;

	d->opts.socket_path = lvsc_socket_path(args.socket);
	d->opts.log_stderr = d->opts.foreground;
	static char pidbuf[PATH_MAX];
	if (!d->pidfile) {
		/* /run/lvsd/lvsd.sock -> /run/lvsd/lvsd.pid: side-by-side daemons
		 * on different sockets get different pid files */
		const char *p = d->opts.socket_path;
		size_t n = strlen(p);
		if (n > 5 && !strcmp(p + n - 5, ".sock"))
			n -= 5;
		snprintf(pidbuf, sizeof(pidbuf), "%.*s.pid", (int)n, p);
		d->pidfile = pidbuf;
	}
	if (geteuid() != 0)
		fprintf(stderr, "lvsd: warning: not running as root; only root may use the control socket\n");

	lvsd_log_init(&d->opts);
	struct strbuf why = STRBUF_INIT;
	int err = lvsd_server_bind(d, &why);
	if (err) {
		start_failed(d, why.buf ? why.buf : strerror(-err));
		sb_free(&why);
		lvsd_server_stop(d);
		lvsd_log_close();
		rc = 1;
		goto out_args;
	}

	if (!d->opts.foreground) {
		err = daemonize(&d->ready_fd);
		if (err) {
			char m[128];
			snprintf(m, sizeof(m), "cannot daemonize: %s", strerror(-err));
			start_failed(d, m);
			lvsd_server_stop(d);
			rc = 1;
			goto out_args;
		}
		d->daemonized = 1;
	}

	/* one stats slot per datapath worker; set before the table exists */
	unsigned nslots = d->opts.workers;
	if (!nslots) {
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);
		nslots = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	lvs_stats_set_nslots(nslots);

	rc = 1;
	pthread_mutex_init(&d->lock, NULL);
	lvsd_host_init(d);
	d->start_ms = lvs_now_ms();
	d->table = lvs_table_new();
	if (!d->table) {
		start_failed(d, "out of memory creating the table");
		goto out;
	}
	lvsd_netinfo_install(d->table);
	if ((err = lvsd_loop_init(d)) || (err = lvsd_views_init(d)) || (err = lvsd_server_start(d))) {
		char m[128];
		snprintf(m, sizeof(m), "main loop: %s", strerror(-err));
		start_failed(d, m);
		goto out;
	}
	/* the core and the settings, which every module may use */
	if ((err = lvsd_core_start(d)) || (err = lvsd_settings_start(d))) {
		if (!d->start_err[0])
			lvsd_start_failed(d, "connection core: %s", strerror(-err));
		start_failed(d, d->start_err);
		goto out;
	}
	/* the socket listens privately meanwhile: modules may register views,
	 * commands and fds, and no client sees a half-started daemon */
	if (start_modules(d) < 0) {
		start_failed(d, d->start_err);
		goto out_modules;
	}
	/* ready now, or once the --restore child (served through the private
	 * socket by the loop) has exited: see on_signal() */
	if (d->opts.restore_file)
		start_restore(d);
	if (!d->restore_pid && lvsd_ready(d) < 0)
		goto out_modules;

	lvsd_loop_run(d);
	if (d->ready) {
		rc = 0;
		lvs_log(LOG_NOTICE, "lvsd stopping");
	} else if (!d->start_err[0]) {
		start_failed(d, "stopped before it was ready");
	}
out_modules:
	stop_modules(d);
out:
	lvsd_server_stop(d);
	lvsd_loop_fini(d);
	lvsd_views_fini(d);
	lvsd_core_stop(d);      /* after the modules: they all used it */
	if (d->table)
		lvs_table_free(d->table);
	if (d->pid_written)
		unlink(d->pidfile);
	sb_free(&why);
	/* a parent still waiting: the start failed (ready closed the pipe) */
	signal_ready(&d->ready_fd, fail_line[0] ? fail_line : "cannot start; exiting");
	lvsd_log_close();
out_args:
	free(d->settings);
	free(d->settings_env);
	return rc;
}

int lvsd_ready(struct lvsd *d)
{
	struct strbuf why = STRBUF_INIT;
	int err;

	if (d->ready)
		return 0;
	/* the pid file first: whoever sees the socket finds the pid too */
	if (d->daemonized) {
		if ((err = write_pidfile(d->pidfile)))
			lvs_log(LOG_WARNING, "pid file %s: %s", d->pidfile, strerror(-err));
		else
			d->pid_written = 1;
	}
	err = lvsd_server_publish(d, &why);
	if (err) {
		lvsd_start_failed(d, "%s", why.buf ? why.buf : strerror(-err));
		start_failed(d, d->start_err);
		sb_free(&why);
		d->running = 0;
		return err;
	}
	d->ready = 1;
	lvs_log(LOG_NOTICE, "lvsd %s started: socket %s, backend %s", LVSD_VERSION, d->opts.socket_path,
		 d->opts.backend);
	signal_ready(&d->ready_fd, NULL);
	return 0;
}
