/* main.c - lvsd: daemonizing, pidfile, start/stop of the table, control
 * server, connection core, settings and modules around the main loop
 * (options.c reads the command line). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon.h"
#include "core/stats.h"
#include "ctl/client.h"

/* client mode: lvsd --show VIEW / --cmd CMD against a running daemon */
static int client_mode(const char *sock, const char *view, const char *cmd)
{
	struct lvsc *c;
	int err = lvsc_open(sock, &c);
	if (err) {
		fprintf(stderr, "lvsd: cannot connect to %s: %s\n", lvsc_socket_path(sock), strerror(-err));
		return 1;
	}
	char *text = NULL;
	err = view ? lvsc_get_text(c, view, &text) : lvsc_command(c, cmd, &text);
	lvsc_close(c);
	if (text) {
		fputs(text, err < 0 ? stderr : stdout);
		free(text);
	}
	if (err < 0) {
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

/* classic double fork; the parent waits for the child's "ready" byte so
 * that `lvsd && ipvsadm ...` works and start-up errors reach the shell */
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
		char b = 1;
		ssize_t r;
		do
			r = read(p[0], &b, 1);
		while (r < 0 && errno == EINTR);
		_exit(r == 1 && b == 0 ? 0 : 1);
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

static void signal_ready(int *ready_fd, int ok)
{
	if (*ready_fd < 0)
		return;
	char b = ok ? 0 : 1;
	ssize_t w = write(*ready_fd, &b, 1);
	(void)w;
	close(*ready_fd);
	*ready_fd = -1;
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
		setenv(LVSD_SOCKET_ENV, d->opts.socket_path, 1);
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
	if (!d->mod_state)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct lvs_module *m = lvsd_modules[i];
		int err = m->start ? m->start(&d->host, &d->mod_state[i]) : 0;
		if (err < 0) {
			lvs_log(LOG_ERR, "module %s failed to start: %s", m->name, strerror(-err));
			return err;
		}
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

	d->epfd = d->sigfd = d->wakefd = d->listen_fd = -1;
	int rc = lvsd_options(d, argc, argv, &args);
	if (rc < 0 && (args.show || args.cmd))
		rc = client_mode(args.socket, args.show, args.cmd);
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
	int err = lvsd_server_bind(d);
	if (err) {
		if (!d->opts.foreground)
			fprintf(stderr, "lvsd: cannot use control socket %s: %s\n", d->opts.socket_path,
				err == -EADDRINUSE ? "another lvsd is already running" : strerror(-err));
		rc = 1;
		goto out_args;
	}

	int ready_fd = -1;
	if (!d->opts.foreground) {
		err = daemonize(&ready_fd);
		if (err) {
			lvs_log(LOG_ERR, "cannot daemonize: %s", strerror(-err));
			rc = 1;
			goto out_args;
		}
		if ((err = write_pidfile(d->pidfile)))
			lvs_log(LOG_WARNING, "pid file %s: %s", d->pidfile, strerror(-err));
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
		lvs_log(LOG_ERR, "out of memory creating the table");
		goto out;
	}
	lvsd_netinfo_install(d->table);
	if ((err = lvsd_loop_init(d)) || (err = lvsd_views_init(d)) || (err = lvsd_server_start(d)) ||
	    (err = lvsd_core_start(d)) || (err = lvsd_settings_start(d))) {
		lvs_log(LOG_ERR, "start-up failed: %s", strerror(-err));
		goto out;
	}
	if (start_modules(d) < 0)
		goto out_modules;
	if (d->opts.restore_file)
		start_restore(d);

	lvs_log(LOG_NOTICE, "lvsd %s started: socket %s, backend %s", LVSD_VERSION, d->opts.socket_path,
		 d->opts.backend);
	signal_ready(&ready_fd, 1);
	lvsd_loop_run(d);
	rc = 0;
	lvs_log(LOG_NOTICE, "lvsd stopping");
out_modules:
	stop_modules(d);
out:
	signal_ready(&ready_fd, 0);
	lvsd_server_stop(d);
	lvsd_loop_fini(d);
	lvsd_views_fini(d);
	lvsd_core_stop(d);      /* after the modules: they all used it */
	if (d->table)
		lvs_table_free(d->table);
	if (!d->opts.foreground)
		unlink(d->pidfile);
	lvsd_log_close();
out_args:
	free(d->settings);
	free(d->settings_env);
	return rc;
}
