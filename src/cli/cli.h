/* cli.h - internals of the ipvsadm drop-in (build/ipvsadm).
 *
 * Contract: reproduces Debian's ipvsadm 1:1.31-1+b1 byte for byte (stdout,
 * stderr, exit status) with lvsd in the role of the kernel; the only way to
 * the daemon is ctl/client.h.  Layout:
 *   (option scanning is libpopt's, called as ipvsadm calls it)
 *   parse.c      value parsers (addresses, numbers, flags)
 *   options.c    one command line -> struct cmd_entry + every check, run it
 *   list.c       -L / -S / -c / --timeout / --daemon output
 *   help.c       -h / -v texts
 *   errmsg.c     negative errno of an operation -> ipvsadm's message
 *   main.c       start-up, -R (restore) with batching
 */
#ifndef LVS_CLI_CLI_H
#define LVS_CLI_CLI_H

#include <stdint.h>
#include "core/ipvs-t.h"
#include "ctl/client.h"

/* commands, in ipvsadm's table order (index = cmd - 1) */
enum {
	CMD_NONE = 0,
	CMD_ADD, CMD_EDIT, CMD_DEL, CMD_FLUSH, CMD_LIST, CMD_ADDDEST,
	CMD_DELDEST, CMD_EDITDEST, CMD_TIMEOUT, CMD_STARTDAEMON,
	CMD_STOPDAEMON, CMD_RESTORE, CMD_SAVE, CMD_ZERO,
	CMD_MAX = CMD_ZERO
};

/* option columns of the commands/options table; bit (1ULL << OPTC_x) */
enum {
	OPTC_NUMERIC, OPTC_CONNECTION, OPTC_SERVICE, OPTC_SCHEDULER,
	OPTC_PERSISTENT, OPTC_NETMASK, OPTC_SERVER, OPTC_FORWARD, OPTC_WEIGHT,
	OPTC_UTHRESHOLD, OPTC_LTHRESHOLD, OPTC_MCAST, OPTC_TIMEOUT, OPTC_DAEMON,
	OPTC_STATS, OPTC_RATE, OPTC_THRESHOLDS, OPTC_PERSISTENTCONN, OPTC_NOSORT,
	OPTC_SYNCID, OPTC_EXACT, OPTC_ONEPACKET, OPTC_PE, OPTC_SCHED_FLAGS,
	OPTC_MCAST_GROUP, OPTC_MCAST_PORT, OPTC_MCAST_TTL, OPTC_SYNC_MAXLEN,
	OPTC_TUN_INFO, OPTC_TUN_TYPE, OPTC_TUN_PORT, OPTC_TUN_NOCSUM,
	OPTC_TUN_CSUM, OPTC_TUN_REMCSUM,
	NUMBER_OF_OPT
};
#define OPT(x) (1ULL << (x))

/* output format flags */
#define FMT_NONE           0x0000
#define FMT_NUMERIC        0x0001
#define FMT_RULE           0x0002
#define FMT_STATS          0x0004
#define FMT_RATE           0x0008
#define FMT_THRESHOLDS     0x0010
#define FMT_PERSISTENTCONN 0x0020
#define FMT_NOSORT         0x0040
#define FMT_EXACT          0x0080
#define FMT_TUN_INFO       0x0100

#define MAX_TIMEOUT (86400 * 31)

/* everything one command line asks for */
struct cmd_entry {
	int cmd;
	struct lvs_service_conf svc;
	struct lvs_dest_conf dest;
	uint32_t tcp_timeout, tcp_fin_timeout, udp_timeout;
	struct lvs_daemon_conf daemon;
};

/* operations, for the error-message table (ipvsadm keys it by function) */
enum cli_op {
	OP_NONE, OP_ADD_SERVICE, OP_EDIT_SERVICE, OP_DEL_SERVICE, OP_ZERO,
	OP_ADD_DEST, OP_EDIT_DEST, OP_DEL_DEST, OP_START_DAEMON, OP_STOP_DAEMON,
	OP_GET_SERVICES, OP_GET_DESTS, OP_GET_SERVICE, OP_FLUSH, OP_SET_TIMEOUT,
	OP_OTHER
};

/* process-wide state */
extern struct lvsc *g_ctl;       /* connection to lvsd */
extern struct lvs_info g_info;   /* from lvsc_get_info at start-up */
extern const char *g_prog;       /* argv[0] */

/* main.c */
void cli_flush_pending(void);    /* finish queued -R operations (prints their errors) */
void cli_exit(int status) __attribute__((noreturn));
/* queue or run one mutating operation; returns 0 or -1 (message printed) */
int cli_mutate(enum cli_op op, const struct cmd_entry *ce);
/* -R: queue mutations from here on; end flushes and returns the status of
 * the last line (`result` unless that line was a queued operation) */
void cli_restore_begin(void);
void cli_restore_line(void);     /* a new input line starts */
int cli_restore_end(int result);

/* options.c */
int process_options(int argc, char **argv, int reading_stdin);
void fail(int err, const char *msg, ...) __attribute__((noreturn, format(printf, 2, 3)));
void tryhelp_exit(const char *program, int status) __attribute__((noreturn));

/* errmsg.c: err is a positive errno */
const char *cli_strerror(enum cli_op op, int err);

/* help.c */
void usage_exit(const char *program, int status) __attribute__((noreturn));
void version_exit(int status) __attribute__((noreturn));

/* list.c */
void list_all(unsigned format);
void list_service(const struct lvs_service_conf *svc, unsigned format);
void list_conn(unsigned format);
void list_timeout(void);
void list_daemon(void);

#endif
