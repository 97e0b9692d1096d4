/* test_nft.c - src/lib/nft.c against the kernel: commands, their error
 * text, and the reaper of tables that dead lvsd processes left behind.
 *
 * Runs in a network namespace of its own (unshare: it vanishes with the
 * process), so the host's ruleset is never touched; skipped where the
 * namespace cannot be made (no CAP_SYS_ADMIN) or nftables is missing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "lib/nft.h"
#include "lib/strbuf.h"

static int usable;
static pid_t live = -1;         /* the live owner: killed by teardown even on failure */

/* is table `family name` in the ruleset? */
static int has_table(struct lvs_nft *n, const char *family, const char *name)
{
	struct strbuf out = STRBUF_INIT;
	char want[128];
	assert_int_equal(lvs_nft_run(n, "list tables\n", &out, NULL), 0);
	snprintf(want, sizeof(want), "table %s %s\n", family, name);
	int found = out.buf && strstr(out.buf, want) != NULL;
	sb_free(&out);
	return found;
}

static void add_table(struct lvs_nft *n, const char *family, const char *name)
{
	char cmd[128];
	struct strbuf err = STRBUF_INIT;
	snprintf(cmd, sizeof(cmd), "add table %s %s\n", family, name);
	int r = lvs_nft_run(n, cmd, NULL, &err);
	if (r)
		print_error("%s: %s\n", cmd, err.buf ? err.buf : "");
	assert_int_equal(r, 0);
	sb_free(&err);
}

/* a pid that existed and is gone: a child that exited and was reaped */
static pid_t dead_pid(void)
{
	pid_t p = fork();
	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return p;
}

static void failed_batch_changes_nothing_and_says_why(void **state)
{
	(void)state;
	if (!usable)
		skip();
	struct lvs_nft *n;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(lvs_nft_open(&n), 0);
	int r = lvs_nft_run(n, "add table ip t_ok\nadd chain ip t_missing c\n", NULL, &err);
	assert_int_equal(r, -EIO);
	assert_non_null(err.buf);
	assert_true(err.len > 0);
	assert_null(strchr(err.buf, '\n'));        /* one line */
	assert_false(has_table(n, "ip", "t_ok")); /* one transaction */
	lvs_nft_close(n);
	sb_free(&err);
}

static void one_context_per_process(void **state)
{
	(void)state;
	if (!usable)
		skip();
	struct lvs_nft *a, *b;
	assert_int_equal(lvs_nft_open(&a), 0);
	assert_int_equal(lvs_nft_open(&b), 0);
	assert_ptr_equal(a, b);
	add_table(a, "ip", "t_shared");
	lvs_nft_close(a);
	/* b's reference keeps the context working */
	assert_true(has_table(b, "ip", "t_shared"));
	assert_int_equal(lvs_nft_run(b, "delete table ip t_shared\n", NULL, NULL), 0);
	lvs_nft_close(b);
}

static void dead_owners_tables_reaped_live_kept(void **state)
{
	(void)state;
	if (!usable)
		skip();
	struct lvs_nft *n;
	assert_int_equal(lvs_nft_open(&n), 0);
	live = fork();
	assert_true(live >= 0);
	if (live == 0) {
		pause();
		_exit(0);
	}
	pid_t dead = dead_pid();
	char d[32], l[32], self[32], fw_dead[32], d_suffix[40];
	snprintf(d, sizeof(d), "lvsd_%d", (int)dead);
	snprintf(l, sizeof(l), "lvsd_%d", (int)live);
	snprintf(self, sizeof(self), "lvsd_%d", (int)getpid());
	snprintf(fw_dead, sizeof(fw_dead), "lvsd_fw_%d", (int)dead);
	snprintf(d_suffix, sizeof(d_suffix), "lvsd_%dx", (int)dead);
	add_table(n, "ip", d);
	add_table(n, "netdev", d);
	add_table(n, "inet", d);         /* a family not asked for */
	add_table(n, "ip", l);
	add_table(n, "ip", self);
	add_table(n, "ip", fw_dead);     /* another prefix */
	add_table(n, "ip", d_suffix);    /* not <prefix><pid> exactly */

	static const char *const guard_families[] = { "ip", "netdev", NULL };
	assert_int_equal(lvs_nft_reap_stale(n, "lvsd_", guard_families, NULL), 2);
	assert_false(has_table(n, "ip", d));
	assert_false(has_table(n, "netdev", d));
	assert_true(has_table(n, "inet", d));
	assert_true(has_table(n, "ip", l));
	assert_true(has_table(n, "ip", self));
	assert_true(has_table(n, "ip", fw_dead));
	assert_true(has_table(n, "ip", d_suffix));

	/* the fwmark guard's prefix: only its own dead table goes */
	static const char *const ip_only[] = { "ip", NULL };
	assert_int_equal(lvs_nft_reap_stale(n, "lvsd_fw_", ip_only, NULL), 1);
	assert_false(has_table(n, "ip", fw_dead));
	assert_true(has_table(n, "ip", l));
	/* nothing left to reap: idempotent */
	assert_int_equal(lvs_nft_reap_stale(n, "lvsd_", guard_families, NULL), 0);

	/* once the live owner dies, its table goes too */
	kill(live, SIGKILL);
	assert_int_equal(waitpid(live, NULL, 0), live);
	live = -1;
	assert_int_equal(lvs_nft_reap_stale(n, "lvsd_", guard_families, NULL), 1);
	assert_false(has_table(n, "ip", l));
	assert_true(has_table(n, "ip", self));
	assert_int_equal(lvs_nft_run(n, "flush ruleset\n", NULL, NULL), 0);
	lvs_nft_close(n);
}

static int stop_live(void **state)
{
	(void)state;
	if (live > 0) {
		kill(live, SIGKILL);
		waitpid(live, NULL, 0);
		live = -1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_batch_changes_nothing_and_says_why),
		cmocka_unit_test(one_context_per_process),
		cmocka_unit_test_teardown(dead_owners_tables_reaped_live_kept, stop_live),
	};
	struct lvs_nft *n;
	if (unshare(CLONE_NEWNET) == 0 && lvs_nft_open(&n) == 0) {
		usable = lvs_nft_run(n, "list tables\n", NULL, NULL) == 0;
		lvs_nft_close(n);
	}
	if (!usable)
		fprintf(stderr, "# no network namespace of our own or no nftables: tests skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
