/* spawn.h - the one way lvsd starts another program.
 *
 * Every child (health-check and notify scripts, `ipvsadm -R` for
 * --restore, iptables-save for the firewall-mark reader) starts clean,
 * whatever the daemon holds at that moment:
 *  - only fds 0, 1 and 2 are open (close_range, or a loop where the kernel
 *    lacks it), so no packet socket, netlink socket, epoll or pipe of the
 *    daemon leaks into a script;
 *  - every signal has its default disposition (SIGPIPE is ignored in the
 *    daemon; a script must die of it as any shell pipeline expects) and
 *    none is blocked;
 *  - optionally a different user (keepalived's script_user): groups, gid,
 *    then uid, set by raw system calls in the child.
 * The child is cloned with clone3() and, between clone and exec, makes
 * system calls only: the daemon is multithreaded, so no lock (malloc,
 * stdio, glibc's set*id broadcast, a sanitizer's interceptors) may be
 * taken there.  Everything that needs one (the $PATH search, the
 * environment, the user's groups) is prepared in the parent. */
#ifndef LVS_LIB_SPAWN_H
#define LVS_LIB_SPAWN_H

#include <stddef.h>
#include <sys/types.h>
#include "strbuf.h"

/* a user to run as; lvs_cred_lookup fills it, lvs_cred_free frees it */
struct lvs_cred {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t *groups;      /* supplementary groups (NULL: none) */
};

#define LVS_SPAWN_NULL (-1)     /* the stdio slot gets /dev/null */
#define LVS_SPAWN_INHERIT (-2)  /* the stdio slot keeps the daemon's */

struct lvs_spawn {
	const char *prog;           /* a path, or a name searched in $PATH */
	char *const *argv;
	const char *const *env_add; /* "NAME=VALUE" replacing/adding to environ; NULL-terminated, may be NULL */
	int fd[3];                  /* stdin, stdout, stderr: an fd, LVS_SPAWN_NULL or LVS_SPAWN_INHERIT */
	const struct lvs_cred *cred; /* NULL: stay who we are */
	int *pidfd;                 /* non-NULL: the child gets no exit signal (no SIGCHLD reaper
	                             * takes its status) and *pidfd (CLOEXEC) is readable once it exits */
};

/* start it; 0 and *pid, or -errno (nothing started).  A child that fails
 * to switch user exits 126, one that fails to exec 127. */
int lvs_spawn(const struct lvs_spawn *s, pid_t *pid);

/* user (a name or a number) and optional group: keepalived's
 * `script_user USER [GROUP]`.  The gid is the group's, else the user's;
 * the supplementary groups are the user's (initgroups).  0, -ENOENT (no
 * such user/group, message in err), -ENOMEM. */
int lvs_cred_lookup(const char *user, const char *group, struct lvs_cred *out, struct strbuf *err);
void lvs_cred_free(struct lvs_cred *c);

/* keepalived's enable_script_security test for the program a `sh -c`
 * command line starts (its first word, searched in $PATH when bare), when
 * it would run with root's powers (cred NULL, uid or gid 0, or a setuid /
 * setgid root file): that file, its resolved path and every directory
 * above them must be owned by root and not writable by a non-root group
 * or by others (a sticky directory excepted).  0, or -EPERM / -ENOENT
 * with why in err. */
int lvs_script_secure(const char *cmdline, const struct lvs_cred *cred, struct strbuf *err);

#endif
