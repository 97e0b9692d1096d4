/* probe_exec.c - external command checks: /bin/sh -c "command", exit 0 =
 * up, started clean by chk_spawn_script (lib/spawn.h: no fd but 0-2, default
 * signals, the script user).  The child is created with a pidfd and exit
 * signal 0, so the daemon's SIGCHLD reaper (waitpid(-1) without __WALL)
 * never takes its status; the pidfd becomes readable when it exits.  At
 * the timeout the engine kills it (SIGKILL) and reaps it later. */
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
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
	struct strbuf why = STRBUF_INIT;
	int pidfd = -1;
	pid_t pid;

	if (chk_spawn_script(e, p->command, 1, &pid, &pidfd, &why)) {
		chk_probe_done(e, p, 0, "cannot run: %s", why.buf ? why.buf : "?");
		sb_free(&why);
		return;
	}
	p->pid = pid;
	p->fd = pidfd;
	chk_probe_watch(e, p, EPOLLIN, exec_done);
}
