/* spawn.c - starting children clean (spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "spawn.h"

extern char **environ;

/* ------------------------------------------------------------ the child */

/* the kernel's struct sigaction for rt_sigaction: glibc's wrapper (and a
 * sanitizer's interceptor of it) is not for a child cloned behind glibc's
 * back */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/* fd >= 3 copy of `fd` (or fd itself when it already is) */
static int high_fd(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	return (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 3);
}

static __attribute__((noreturn)) void child(const struct lvs_spawn *s, const char *path, char *const *envp,
					    int devnull, int maxfd)
{
	int src[3];

	/* first all sources out of 0..2, so that no dup onto a slot clobbers
	 * the source of a later one */
	for (int i = 0; i < 3; i++) {
		int f = s->fd[i] == LVS_SPAWN_NULL ? devnull : s->fd[i];
		src[i] = f == LVS_SPAWN_INHERIT ? LVS_SPAWN_INHERIT : high_fd(f);
		if (src[i] == -1)
			syscall(SYS_exit_group, 126);
	}
	for (int i = 0; i < 3; i++)
		if (src[i] >= 0 && syscall(SYS_dup3, src[i], i, 0) < 0)
			syscall(SYS_exit_group, 126);
	if (syscall(SYS_close_range, 3, ~0u, 0) < 0)
		for (int fd = 3; fd < maxfd; fd++)
			syscall(SYS_close, fd);

	/* dispositions before the mask: a pending signal must not reach a
	 * handler of the daemon's in this copy of it */
	struct k_sigaction dfl = { .handler = SIG_DFL };
	for (int sig = 1; sig < 65; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	uint64_t none = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));

	if (s->cred) {
		/* groups and gid while still root, the uid last */
		if (syscall(SYS_setgroups, s->cred->ngroups, s->cred->groups) < 0 ||
		    syscall(SYS_setresgid, s->cred->gid, s->cred->gid, s->cred->gid) < 0 ||
		    syscall(SYS_setresuid, s->cred->uid, s->cred->uid, s->cred->uid) < 0)
			syscall(SYS_exit_group, 126);
	}
	syscall(SYS_execve, path, s->argv, envp);
	syscall(SYS_exit_group, 127);
	__builtin_unreachable();
}

/* ------------------------------------------------------------ the parent */

/* the error sink is optional */
static void __attribute__((format(printf, 2, 3))) say(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	sb_vprintf(err, fmt, ap);
	va_end(ap);
}

/* prog itself if it has a '/', else its first executable match in $PATH
 * (copied into buf) */
static const char *find_prog(const char *prog, char *buf, size_t len)
{
	if (strchr(prog, '/'))
		return prog;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path;; p++) {
		const char *e = strchrnul(p, ':');
		size_t n = (size_t)(e - p);
		if ((size_t)snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", prog) < len &&
		    access(buf, X_OK) == 0)
			return buf;
		if (!*e)
			return NULL;
		p = e;
	}
}

/* environ with env_add applied; the array is malloc'd, the strings not */
static char **make_env(const char *const *add)
{
	size_t n = 0, k = 0;
	while (environ && environ[n])
		n++;
	while (add && add[k])
		k++;
	char **v = malloc((n + k + 1) * sizeof(*v));
	if (!v)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strcspn(environ[i], "=");
		int replaced = 0;
		for (size_t j = 0; j < k && !replaced; j++)
			replaced = !strncmp(add[j], environ[i], nl) && add[j][nl] == '=';
		if (!replaced)
			v[o++] = environ[i];
	}
	for (size_t j = 0; j < k; j++)
		v[o++] = (char *)add[j];
	v[o] = NULL;
	return v;
}

int lvs_spawn(const struct lvs_spawn *s, pid_t *pid)
{
	char buf[PATH_MAX];
	const char *path = find_prog(s->prog, buf, sizeof(buf));
	char **envp = NULL;
	int devnull = -1, err = 0;

	if (!path)
		return -ENOENT;
	if (s->env_add && !(envp = make_env(s->env_add)))
		return -ENOMEM;
	if (s->fd[0] == LVS_SPAWN_NULL || s->fd[1] == LVS_SPAWN_NULL || s->fd[2] == LVS_SPAWN_NULL) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0) {
			err = -errno;
			goto out;
		}
	}
	long maxfd = sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 1 << 20)
		maxfd = 1 << 20;

	struct clone_args ca = { 0 };
	int pidfd = -1;
	if (s->pidfd) {
		ca.flags = CLONE_PIDFD;
		ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
		ca.exit_signal = 0;
	} else {
		ca.exit_signal = SIGCHLD;
	}
	long r = syscall(SYS_clone3, &ca, sizeof(ca));
	if (r < 0) {
		err = -errno;
		goto out;
	}
	if (r == 0)
		child(s, path, envp ? envp : environ, devnull, (int)maxfd);
	*pid = (pid_t)r;
	if (s->pidfd)
		*s->pidfd = pidfd;
out:
	if (devnull >= 0)
		close(devnull);
	free(envp);
	return err;
}

int lvs_cred_lookup(const char *user, const char *group, struct lvs_cred *out, struct strbuf *err)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[16384];
	char *end;

	memset(out, 0, sizeof(*out));
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) || !pwp) {
		unsigned long id = strtoul(user, &end, 10);
		if (!*user || *end || getpwuid_r((uid_t)id, &pw, buf, sizeof(buf), &pwp) || !pwp) {
			say(err, "script user '%s' does not exist", user);
			return -ENOENT;
		}
	}
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	gid_t base = pw.pw_gid;
	char name[256];
	snprintf(name, sizeof(name), "%s", pw.pw_name);
	if (group) {
		if (getgrnam_r(group, &gr, buf, sizeof(buf), &grp) || !grp) {
			unsigned long id = strtoul(group, &end, 10);
			if (!*group || *end || getgrgid_r((gid_t)id, &gr, buf, sizeof(buf), &grp) || !grp) {
				say(err, "script group '%s' does not exist", group);
				return -ENOENT;
			}
		}
		out->gid = gr.gr_gid;
	}
	int n = 0;
	getgrouplist(name, base, NULL, &n);
	if (n > 0) {
		out->groups = calloc((size_t)n, sizeof(gid_t));
		if (!out->groups)
			return -ENOMEM;
		if (getgrouplist(name, base, out->groups, &n) < 0)
			n = 0;
		out->ngroups = (size_t)n;
	}
	return 0;
}

void lvs_cred_free(struct lvs_cred *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

/* one component: root's and not writable by others (see spawn.h) */
static int part_secure(const char *path, const char *part, int last, struct strbuf *err)
{
	struct stat st;

	if (lstat(part, &st) < 0) {
		say(err, "script '%s': %s: %s", path, part, strerror(errno));
		return -ENOENT;
	}
	/* a link anywhere is fine if root's: its target is walked as well */
	if (!S_ISLNK(st.st_mode) && (!last ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
		say(err, "script '%s': %s has the wrong file type", path, part);
		return -EPERM;
	}
	int guarded = S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && !(st.st_mode & S_ISVTX));
	if (st.st_uid != 0 ||
	    (guarded && ((st.st_gid != 0 && (st.st_mode & S_IWGRP)) || (st.st_mode & S_IWOTH)))) {
		say(err, "script '%s': unsafe permissions on %s (not root's, or writable by others)", path,
			  part);
		return -EPERM;
	}
	return 0;
}

/* every component of the absolute `path`, "/" first */
static int path_secure(const char *path, struct strbuf *err)
{
	char part[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(part) || path[0] != '/') {
		say(err, "script '%s': not an absolute path", path);
		return -EPERM;
	}
	int ret = part_secure(path, "/", len == 1, err);
	for (size_t i = 2; !ret && i <= len; i++) {
		if ((i < len && path[i] != '/') || path[i - 1] == '/')
			continue;
		memcpy(part, path, i);
		part[i] = 0;
		ret = part_secure(path, part, i == len, err);
	}
	return ret;
}

int lvs_script_secure(const char *cmdline, const struct lvs_cred *cred, struct strbuf *err)
{
	char word[PATH_MAX], buf[PATH_MAX];
	const char *p = cmdline + strspn(cmdline, " \t");
	size_t n = strcspn(p, " \t;|&<>");

	/* a quoted first word is taken without its quotes */
	if ((*p == '\'' || *p == '"') && strchr(p + 1, *p)) {
		n = (size_t)(strchr(p + 1, *p) - p - 1);
		p++;
	}
	if (n == 0 || n >= sizeof(word)) {
		say(err, "script '%s': no program to check", cmdline);
		return -EPERM;
	}
	memcpy(word, p, n);
	word[n] = 0;
	const char *path = find_prog(word, buf, sizeof(buf));
	if (!path) {
		say(err, "script '%s': %s not found", cmdline, word);
		return -ENOENT;
	}
	char *real = realpath(path, NULL);
	if (!real) {
		say(err, "script '%s': %s: %s", cmdline, path, strerror(errno));
		return -ENOENT;
	}
	struct stat st;
	int as_root = !cred || cred->uid == 0 || cred->gid == 0;
	if (stat(real, &st) == 0 &&
	    ((st.st_uid == 0 && (st.st_mode & (S_ISUID | S_IXUSR)) == (S_ISUID | S_IXUSR)) ||
	     (st.st_gid == 0 && (st.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))))
		as_root = 1;
	int ret = 0;
	if (as_root) {
		ret = path_secure(path, err);
		if (!ret && strcmp(real, path))
			ret = path_secure(real, err);
	}
	free(real);
	return ret;
}
