/* probe_exec.c - external command checks: /bin/sh -c "command", exit 0 =
 * up.  The child is created with clone3(CLONE_PIDFD) and exit signal 0, so
 * the daemon's SIGCHLD reaper (waitpid(-1) without __WALL) never takes its
 * status; the pidfd becomes readable when it exits.  At the timeout the
 * engine kills it (SIGKILL) and reaps it later. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check-int.h"

static void exec_done(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = chk_probe_of(w);
	siginfo_t si;

	(void)events;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | __WALL) || si.si_pid == 0)
		return;
	p->pid = 0;
	if (si.si_code == CLD_EXITED && si.si_status == 0)
		chk_probe_done(e, p, 1, "exit 0");
	else if (si.si_code == CLD_EXITED)
		chk_probe_done(e, p, 0, "exit %d", si.si_status);
	else
		chk_probe_done(e, p, 0, "killed by signal %d", si.si_status);
}

void chk_exec_start(struct chk_engine *e, struct chk_probe *p)
{
	struct clone_args ca;
	int pidfd = -1;
	char *argv[] = { "/bin/sh", "-c", p->command, NULL };
	long pid;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = 0;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		chk_probe_done(e, p, 0, "clone3: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* child: only async-signal-safe calls until exec */
		sigset_t none;
		int nul = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		syscall(SYS_close_range, 3, ~0u, 0);
		execve("/bin/sh", argv, environ);
		_exit(127);
	}
	p->pid = (pid_t)pid;
	p->fd = pidfd;
	chk_probe_watch(e, p, EPOLLIN, exec_done);
}
