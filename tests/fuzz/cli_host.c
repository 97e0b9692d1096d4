/* cli_host.c - runs the whole ipvsadm (src/cli, its main() compiled as
 * ipvsadm_main) against a real lvsd control plane in this process
 * (inproc.h), once per input (cli_host.h):
 *  - exit() ends the run instead of the process: the harnesses are
 *    linked with --wrap=exit and a run's exit() is a longjmp back here;
 *  - what the process would have given back at exit is given back here:
 *    the allocator is wrapped (--wrap) so that the blocks the ipvsadm
 *    code allocates during a run are known; after an exit() the ones
 *    still held are freed and its connection is closed.  A leak is
 *    reported only for a run that returns normally, as for a process
 *    nobody would see one after exit;
 *  - stdout and stderr go to a null stream, stdin reads the given bytes. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli_host.h"
#include "inproc.h"

int ipvsadm_main(int argc, char **argv);

static jmp_buf run_end;
static __thread int in_run;     /* only the harness thread's calls count */

/* ---- the blocks the ipvsadm code holds during a run ---- */

#define TRACK_MAX 65536
static void *tracked[TRACK_MAX];
static size_t ntracked;
static __thread int tracking;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
void __real_exit(int status) __attribute__((noreturn));

static void track(void *p)
{
	if (p && ntracked < TRACK_MAX)
		tracked[ntracked++] = p;
}

/* 1 if p was tracked (and is no longer) */
static int untrack(void *p)
{
	for (size_t i = ntracked; p && i-- > 0;)
		if (tracked[i] == p) {
			tracked[i] = tracked[--ntracked];
			return 1;
		}
	return 0;
}

void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);
	if (tracking)
		track(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
	void *p = __real_calloc(n, m);
	if (tracking)
		track(p);
	return p;
}

/* a block keeps what it was: grown, a block that outlives runs (ipvsadm's
 * -R queue) stays untracked */
void *__wrap_realloc(void *p, size_t n)
{
	int was = tracking && (!p || untrack(p));
	void *q = __real_realloc(p, n);

	if (was)
		track(q ? q : (n ? p : NULL));
	return q;
}

void __wrap_free(void *p)
{
	/* also after exit(): closing the connection frees tracked blocks */
	if (in_run)
		untrack(p);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	char *p = __real_strdup(s);
	if (tracking)
		track(p);
	return p;
}

void __wrap_exit(int status)
{
	if (in_run) {
		tracking = 0;
		longjmp(run_end, 1 + (status & 0xff));
	}
	__real_exit(status);
}

/* ---- one run ---- */

static int run(int argc, char **argv, const uint8_t *in, size_t in_len, int track_blocks)
{
	static FILE *null_out;
	static char null_buf[4096];
	FILE *saved_in = stdin, *saved_out = stdout, *saved_err = stderr, *input;
	volatile int status;
	int jumped;

	if (!null_out) {
		null_out = fopen("/dev/null", "w");
		if (!null_out)
			abort();
		/* a caller-supplied buffer: stdio allocates nothing during runs */
		setvbuf(null_out, null_buf, _IOFBF, sizeof(null_buf));
	}
	input = in_len ? fmemopen((void *)in, in_len, "r") : fopen("/dev/null", "r");
	if (!input)
		abort();
	stdin = input;
	stdout = stderr = null_out;
	g_ctl = NULL;
	ntracked = 0;
	in_run = 1;
	jumped = setjmp(run_end);
	if (!jumped) {
		tracking = track_blocks;
		status = ipvsadm_main(argc, argv);
		tracking = 0;
	} else {
		/* exit(): the -R state, the connection, the blocks still held */
		status = jumped - 1;
		cli_restore_end(0);
		if (g_ctl)
			lvsc_close(g_ctl);
		for (size_t i = 0; i < ntracked; i++)
			__real_free(tracked[i]);
	}
	in_run = 0;
	ntracked = 0;
	g_ctl = NULL;
	fflush(null_out);
	stdin = saved_in;
	stdout = saved_out;
	stderr = saved_err;
	fclose(input);
	fuzz_lvsd_reset();
	return status;
}

int cli_host_run(int argc, char **argv, const uint8_t *in, size_t in_len)
{
	static int started;

	if (!started) {
		static const uint8_t queue_one[] = "-C\n";
		char prog[] = "ipvsadm", opt[] = "-R";
		char *restore[] = { prog, opt, NULL };

		started = 1;
		fuzz_lvsd_start();
		/* ipvsadm allocates its -R queue once and keeps it: a first
		 * restore outside the tracking makes that block the process's */
		run(2, restore, queue_one, sizeof(queue_one) - 1, 0);
	}
	return run(argc, argv, in, in_len, 1);
}
