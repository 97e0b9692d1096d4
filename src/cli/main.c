/* main.c - ipvsadm start-up and the mutating operations.
 *
 * Like ipvsadm, the daemon ("kernel interface") is opened before the
 * command line is looked at.  One deliberate difference: when no lvsd
 * answers, -h/-v given as the first option still print (the real one
 * fails with "Can't initialize ipvs" first); every other command line
 * gets a message naming the socket and exits 2, the real init-failure
 * status.
 *
 * -R batching: while restoring, add/edit/delete/flush/zero are queued with
 * lvsc_batch_*; the queue is flushed (results printed in line order) before
 * anything else is printed or read from the daemon, every BATCH_MAX
 * operations, and at the end, so the output is what ipvsadm prints line by
 * line, and the exit status is that of the last line.
 */
#include <errno.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "lib/grow.h"

struct lvsc *g_ctl;
struct lvs_info g_info;
const char *g_prog = "ipvsadm";

#define BATCH_MAX 32768

static struct {
	int active;            /* inside -R: queue what can be queued */
	int open;              /* lvsc_batch_begin called, not yet flushed */
	enum cli_op *ops;      /* op of each queued call, for its message */
	size_t n, cap;
	int last_failed;       /* result of the most recently completed queued call */
} batch;

static void batch_result(size_t i, int err, void *arg)
{
	(void)arg;
	batch.last_failed = err < 0;
	if (err < 0 && i < batch.n)
		fprintf(stderr, "%s\n", cli_strerror(batch.ops[i], -err));
}

void cli_flush_pending(void)
{
	int rc;

	if (!batch.open)
		return;
	batch.open = 0;
	rc = lvsc_batch_flush(g_ctl, batch_result, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s\n", strerror(-rc));
		batch.last_failed = 1;
	}
	batch.n = 0;
}

void cli_exit(int status)
{
	cli_flush_pending();
	exit(status);
}

static int is_zero_addr(const union lvs_addr *a)
{
	static const union lvs_addr zero;
	return memcmp(a, &zero, sizeof(zero)) == 0;
}

static int run_op(enum cli_op op, const struct cmd_entry *ce)
{
	const struct lvs_service_conf *svc = &ce->svc;

	switch (op) {
	case OP_FLUSH: return lvsc_flush(g_ctl);
	case OP_ADD_SERVICE: return lvsc_add_service(g_ctl, svc);
	case OP_EDIT_SERVICE: return lvsc_edit_service(g_ctl, svc);
	case OP_DEL_SERVICE: return lvsc_del_service(g_ctl, svc);
	case OP_ZERO:
		/* libipvs sends no service (= zero everything) for an all-zero key */
		if (!svc->fwmark && is_zero_addr(&svc->addr) && !svc->port)
			return lvsc_zero(g_ctl, NULL);
		return lvsc_zero(g_ctl, svc);
	case OP_ADD_DEST: return lvsc_add_dest(g_ctl, svc, &ce->dest);
	case OP_EDIT_DEST: return lvsc_edit_dest(g_ctl, svc, &ce->dest);
	case OP_DEL_DEST: return lvsc_del_dest(g_ctl, svc, &ce->dest);
	case OP_SET_TIMEOUT:
		return lvsc_set_timeouts(g_ctl, ce->tcp_timeout, ce->tcp_fin_timeout, ce->udp_timeout);
	case OP_START_DAEMON: return lvsc_start_daemon(g_ctl, &ce->daemon);
	case OP_STOP_DAEMON: return lvsc_stop_daemon(g_ctl, ce->daemon.state);
	default: return -EINVAL;
	}
}

static int queueable(enum cli_op op)
{
	switch (op) {
	case OP_FLUSH: case OP_ADD_SERVICE: case OP_EDIT_SERVICE: case OP_DEL_SERVICE:
	case OP_ZERO: case OP_ADD_DEST: case OP_EDIT_DEST: case OP_DEL_DEST:
		return 1;
	default:
		return 0;
	}
}

static int last_line_queued;

int cli_mutate(enum cli_op op, const struct cmd_entry *ce)
{
	int rc;

	if (batch.active && queueable(op)) {
		if (lvs_grow(&batch.ops, &batch.cap, batch.n, sizeof(*batch.ops), 256) < 0) {
			cli_flush_pending();
			goto direct;
		}
		if (!batch.open) {
			lvsc_batch_begin(g_ctl);
			batch.open = 1;
		}
		batch.ops[batch.n++] = op;
		rc = run_op(op, ce);
		if (rc < 0) {
			/* refused before queueing: report it in its place */
			batch.n--;
			cli_flush_pending();
			fprintf(stderr, "%s\n", cli_strerror(op, -rc));
			return -1;
		}
		last_line_queued = 1;
		if (batch.n >= BATCH_MAX)
			cli_flush_pending();
		return 0;
	}
direct:
	cli_flush_pending();
	rc = run_op(op, ce);
	if (rc < 0) {
		fprintf(stderr, "%s\n", cli_strerror(op, -rc));
		return -1;
	}
	return 0;
}

void cli_restore_begin(void)
{
	batch.active = 1;
}

void cli_restore_line(void)
{
	last_line_queued = 0;
}

int cli_restore_end(int result)
{
	int queued = last_line_queued;

	cli_flush_pending();
	batch.active = 0;
	if (queued)
		return batch.last_failed ? -1 : 0;
	return result;
}

/* no daemon: -h / -v still answer when they are the first option */
static void help_without_daemon(int argc, char **argv)
{
	static const struct poptOption first[] = {
		{ "help", 'h', POPT_ARG_NONE, NULL, 'h', NULL, NULL },
		{ "version", 'v', POPT_ARG_NONE, NULL, 'v', NULL, NULL },
		POPT_TABLEEND
	};
	poptContext ctx = poptGetContext("ipvsadm", argc, (const char **)argv, first, 0);
	int c;

	if (!ctx)
		return;
	c = poptGetNextOpt(ctx);
	poptFreeContext(ctx);
	if (c == 'h')
		usage_exit(argv[0], 0);
	if (c == 'v')
		version_exit(0);
}

int main(int argc, char **argv)
{
	int rc, result;

	if (argc > 0)
		g_prog = argv[0];

	rc = lvsc_open(NULL, &g_ctl);
	if (rc >= 0)
		rc = lvsc_get_info(g_ctl, &g_info);
	if (rc < 0) {
		if (argc > 1)
			help_without_daemon(argc, argv);
		if (rc == -EACCES || rc == -EPERM) {
			/* a daemon is there but refuses us: what the real one says
			 * when a non-root user runs it */
			fprintf(stderr, "Can't initialize ipvs: Permission denied (you must be root)\n"
				"Are you sure that IP Virtual Server is built in the kernel or as module?\n");
			exit(2);
		}
		if (rc == -ETIMEDOUT) {
			fprintf(stderr, "ipvsadm: lvsd did not answer within %d s\n", lvsc_timeout_ms() / 1000);
			exit(2);
		}
		fprintf(stderr, "ipvsadm: cannot reach lvsd at %s: %s\n"
			"Start it with: lvsd   (or set %s)\n",
			lvsc_socket_path(NULL), strerror(-rc), LVSD_SOCKET_ENV);
		exit(2);
	}

	if (g_info.version < 0x010104) {
		fprintf(stderr, "Warning: IPVS version mismatch: \n"
			"  Kernel compiled with IPVS version %d.%d.%d\n"
			"  ipvsadm v1.31  requires minimum IPVS version 1.1.4\n\n",
			(g_info.version >> 16) & 0xff, (g_info.version >> 8) & 0xff,
			g_info.version & 0xff);
	}

	if (argc <= 1) {
		list_all(FMT_NONE);
		lvsc_close(g_ctl);
		return 0;
	}

	result = process_options(argc, argv, 0);
	cli_flush_pending();
	lvsc_close(g_ctl);
	return result;
}
