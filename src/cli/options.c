/* options.c - one ipvsadm command line: scan, validate, run.
 *
 * The order of everything here is observable (which message wins when a
 * line has several problems), so it follows ipvsadm 1.31 step by step:
 * the first option must be a command; then options in command-line order
 * (value errors exit 2 at once, popt errors end the line with -1); --set
 * values; leftovers; -b; the commands/options table; per-command checks;
 * the action.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <popt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "parse.h"

static const char *const cmdnames[] = {
	"add-service", "edit-service", "delete-service", "flush", "list",
	"add-server", "delete-server", "edit-server", "set", "start-daemon",
	"stop-daemon", "restore", "save", "zero",
};

static const char *const optnames[NUMBER_OF_OPT] = {
	"numeric", "connection", "service-address", "scheduler", "persistent",
	"netmask", "real-server", "forwarding-method", "weight", "u-threshold",
	"l-threshold", "mcast-interface", "timeout", "daemon", "stats", "rate",
	"thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
	"sched-flags", "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen",
	"tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
	"tun-remcsum",
};

/* '+' required, 'x' illegal, '1' mutually exclusive, ' ' optional */
static const char commands_v_options[CMD_MAX][NUMBER_OF_OPT + 1] = {
	/*            -n -c svc -s -p -M -r fwd -w -x -y mc tot dmn st rt thr pc srt sid ex ops pe b grp prt ttl sz tinf type tprt nocs csum remc */
	/* ADD    */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	/* EDIT   */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	/* DEL    */ "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* FLUSH  */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* LIST   */ " 11xxxxxxxxx11       xxxxxxx xxxxx",
	/* ADDSRV */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	/* DELSRV */ "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* EDITSRV*/ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	/* SET    */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* STARTD */ "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
	/* STOPD  */ "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
	/* RESTORE*/ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* SAVE   */ " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* ZERO   */ "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

static const char *const tunnames[] = { "ipip", "gue", "gre" };
static const int tunopts[] = { OPTC_TUN_PORT, OPTC_TUN_NOCSUM, OPTC_TUN_CSUM, OPTC_TUN_REMCSUM };
static const char tunnel_types_v_options[3][5] = {
	/*          tprt nocs csum remc */
	/* ipip */ "xxxx",
	/* gue  */ "+111",
	/* gre  */ "x11x",
};

/* popt vals for long-only options (outside the ASCII range, as ipvsadm) */
enum {
	TAG_SET = 128, TAG_START_DAEMON, TAG_STOP_DAEMON, TAG_MCAST_INTERFACE,
	TAG_TIMEOUT, TAG_DAEMON, TAG_STATS, TAG_RATE, TAG_THRESHOLDS,
	TAG_PERSISTENTCONN, TAG_SORT, TAG_NO_SORT, TAG_PERSISTENCE_ENGINE,
	TAG_SCTP_SERVICE, TAG_MCAST_GROUP, TAG_MCAST_PORT, TAG_MCAST_TTL,
	TAG_SYNC_MAXLEN, TAG_TUN_INFO, TAG_TUN_TYPE, TAG_TUN_PORT,
	TAG_TUN_NOCSUM, TAG_TUN_CSUM, TAG_TUN_REMCSUM,
};

/* same order as ipvsadm's popt table: where two entries share a long name
 * ("list") the first one wins */
static const struct poptOption options_table[] = {
	{ "add-service", 'A', POPT_ARG_NONE, NULL, 'A', NULL, NULL },
	{ "edit-service", 'E', POPT_ARG_NONE, NULL, 'E', NULL, NULL },
	{ "delete-service", 'D', POPT_ARG_NONE, NULL, 'D', NULL, NULL },
	{ "clear", 'C', POPT_ARG_NONE, NULL, 'C', NULL, NULL },
	{ "list", 'L', POPT_ARG_NONE, NULL, 'L', NULL, NULL },
	{ "list", 'l', POPT_ARG_NONE, NULL, 'l', NULL, NULL },
	{ "zero", 'Z', POPT_ARG_NONE, NULL, 'Z', NULL, NULL },
	{ "add-server", 'a', POPT_ARG_NONE, NULL, 'a', NULL, NULL },
	{ "edit-server", 'e', POPT_ARG_NONE, NULL, 'e', NULL, NULL },
	{ "delete-server", 'd', POPT_ARG_NONE, NULL, 'd', NULL, NULL },
	{ "set", 0, POPT_ARG_NONE, NULL, TAG_SET, NULL, NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, 'h', NULL, NULL },
	{ "version", 'v', POPT_ARG_NONE, NULL, 'v', NULL, NULL },
	{ "restore", 'R', POPT_ARG_NONE, NULL, 'R', NULL, NULL },
	{ "save", 'S', POPT_ARG_NONE, NULL, 'S', NULL, NULL },
	{ "start-daemon", 0, POPT_ARG_STRING, NULL, TAG_START_DAEMON, NULL, NULL },
	{ "stop-daemon", 0, POPT_ARG_STRING, NULL, TAG_STOP_DAEMON, NULL, NULL },
	{ "tcp-service", 't', POPT_ARG_STRING, NULL, 't', NULL, NULL },
	{ "udp-service", 'u', POPT_ARG_STRING, NULL, 'u', NULL, NULL },
	{ "sctp-service", 0, POPT_ARG_STRING, NULL, TAG_SCTP_SERVICE, NULL, NULL },
	{ "fwmark-service", 'f', POPT_ARG_STRING, NULL, 'f', NULL, NULL },
	{ "scheduler", 's', POPT_ARG_STRING, NULL, 's', NULL, NULL },
	{ "persistent", 'p', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, 'p', NULL, NULL },
	{ "netmask", 'M', POPT_ARG_STRING, NULL, 'M', NULL, NULL },
	{ "real-server", 'r', POPT_ARG_STRING, NULL, 'r', NULL, NULL },
	{ "masquerading", 'm', POPT_ARG_NONE, NULL, 'm', NULL, NULL },
	{ "ipip", 'i', POPT_ARG_NONE, NULL, 'i', NULL, NULL },
	{ "gatewaying", 'g', POPT_ARG_NONE, NULL, 'g', NULL, NULL },
	{ "weight", 'w', POPT_ARG_STRING, NULL, 'w', NULL, NULL },
	{ "u-threshold", 'x', POPT_ARG_STRING, NULL, 'x', NULL, NULL },
	{ "l-threshold", 'y', POPT_ARG_STRING, NULL, 'y', NULL, NULL },
	{ "numeric", 'n', POPT_ARG_NONE, NULL, 'n', NULL, NULL },
	{ "connection", 'c', POPT_ARG_NONE, NULL, 'c', NULL, NULL },
	{ "mcast-interface", 0, POPT_ARG_STRING, NULL, TAG_MCAST_INTERFACE, NULL, NULL },
	{ "syncid", 0, POPT_ARG_STRING, NULL, 'I', NULL, NULL },
	{ "timeout", 0, POPT_ARG_NONE, NULL, TAG_TIMEOUT, NULL, NULL },
	{ "daemon", 0, POPT_ARG_NONE, NULL, TAG_DAEMON, NULL, NULL },
	{ "stats", 0, POPT_ARG_NONE, NULL, TAG_STATS, NULL, NULL },
	{ "rate", 0, POPT_ARG_NONE, NULL, TAG_RATE, NULL, NULL },
	{ "thresholds", 0, POPT_ARG_NONE, NULL, TAG_THRESHOLDS, NULL, NULL },
	{ "persistent-conn", 0, POPT_ARG_NONE, NULL, TAG_PERSISTENTCONN, NULL, NULL },
	{ "nosort", 0, POPT_ARG_NONE, NULL, TAG_NO_SORT, NULL, NULL },
	{ "sort", 0, POPT_ARG_NONE, NULL, TAG_SORT, NULL, NULL },
	{ "exact", 'X', POPT_ARG_NONE, NULL, 'X', NULL, NULL },
	{ "ipv6", '6', POPT_ARG_NONE, NULL, '6', NULL, NULL },
	{ "ops", 'o', POPT_ARG_NONE, NULL, 'o', NULL, NULL },
	{ "pe", 0, POPT_ARG_STRING, NULL, TAG_PERSISTENCE_ENGINE, NULL, NULL },
	{ "sched-flags", 'b', POPT_ARG_STRING, NULL, 'b', NULL, NULL },
	{ "mcast-group", 0, POPT_ARG_STRING, NULL, TAG_MCAST_GROUP, NULL, NULL },
	{ "mcast-port", 0, POPT_ARG_STRING, NULL, TAG_MCAST_PORT, NULL, NULL },
	{ "mcast-ttl", 0, POPT_ARG_STRING, NULL, TAG_MCAST_TTL, NULL, NULL },
	{ "sync-maxlen", 0, POPT_ARG_STRING, NULL, TAG_SYNC_MAXLEN, NULL, NULL },
	{ "tun-info", 0, POPT_ARG_NONE, NULL, TAG_TUN_INFO, NULL, NULL },
	{ "tun-type", 0, POPT_ARG_STRING, NULL, TAG_TUN_TYPE, NULL, NULL },
	{ "tun-port", 0, POPT_ARG_STRING, NULL, TAG_TUN_PORT, NULL, NULL },
	{ "tun-nocsum", 0, POPT_ARG_NONE, NULL, TAG_TUN_NOCSUM, NULL, NULL },
	{ "tun-csum", 0, POPT_ARG_NONE, NULL, TAG_TUN_CSUM, NULL, NULL },
	{ "tun-remcsum", 0, POPT_ARG_NONE, NULL, TAG_TUN_REMCSUM, NULL, NULL },
	POPT_TABLEEND
};

void fail(int err, const char *msg, ...)
{
	va_list ap;

	/* operations queued by -R happened "before" this line in ipvsadm */
	cli_flush_pending();
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_exit(err);
}

void tryhelp_exit(const char *program, int status)
{
	cli_flush_pending();
	fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", program, program);
	cli_exit(status);
}

static void set_command(int *cmd, int newcmd)
{
	if (*cmd != CMD_NONE)
		fail(2, "multiple commands specified");
	*cmd = newcmd;
}

static void set_option(unsigned long long *options, int optc)
{
	if (*options & OPT(optc))
		fail(2, "multiple '%s' options specified", optnames[optc]);
	*options |= OPT(optc);
}

/* the options that only mark themselves given and, for -L, select a
 * listing format */
static const struct {
	int tag;
	int optc;
	unsigned fmt;
} flag_options[] = {
	{ 'n', OPTC_NUMERIC, FMT_NUMERIC },
	{ TAG_TIMEOUT, OPTC_TIMEOUT, 0 },
	{ TAG_DAEMON, OPTC_DAEMON, 0 },
	{ TAG_STATS, OPTC_STATS, FMT_STATS },
	{ TAG_RATE, OPTC_RATE, FMT_RATE },
	{ TAG_THRESHOLDS, OPTC_THRESHOLDS, FMT_THRESHOLDS },
	{ TAG_PERSISTENTCONN, OPTC_PERSISTENTCONN, FMT_PERSISTENTCONN },
	{ TAG_NO_SORT, OPTC_NOSORT, FMT_NOSORT },
	{ 'X', OPTC_EXACT, FMT_EXACT },
	{ TAG_TUN_INFO, OPTC_TUN_INFO, FMT_TUN_INFO },
};

/* 1 when c is one of flag_options (then marked and its format taken) */
static int flag_option(int c, unsigned long long *options, unsigned *format)
{
	for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++) {
		if (flag_options[i].tag == c) {
			set_option(options, flag_options[i].optc);
			*format |= flag_options[i].fmt;
			return 1;
		}
	}
	return 0;
}

static void generic_opt_check(int command, unsigned long long options)
{
	int i = command - 1, last = 0, count = 0;

	for (int j = 0; j < NUMBER_OF_OPT; j++) {
		char rule = commands_v_options[i][j];
		if (!(options & OPT(j))) {
			if (rule == '+')
				fail(2, "You need to supply the '%s' option for the '%s' command",
				     optnames[j], cmdnames[i]);
			continue;
		}
		if (rule == 'x')
			fail(2, "Illegal '%s' option with the '%s' command", optnames[j], cmdnames[i]);
		if (rule == '1') {
			if (++count == 1) {
				last = j;
				continue;
			}
			fail(2, "The option '%s' conflicts with the '%s' option in the '%s' command",
			     optnames[j], optnames[last], cmdnames[i]);
		}
	}
}

static void tunnel_opt_check(int tun_type, unsigned long long options)
{
	int last = 0, count = 0;

	for (int j = 0; j < 4; j++) {
		int k = tunopts[j];
		char rule = tunnel_types_v_options[tun_type][j];
		if (!(options & OPT(k))) {
			if (rule == '+')
				fail(2, "You need to supply the '%s' option for the '%s' tunnel type",
				     optnames[k], tunnames[tun_type]);
			continue;
		}
		if (rule == 'x')
			fail(2, "Illegal '%s' option with the '%s' tunnel type",
			     optnames[k], tunnames[tun_type]);
		if (rule == '1') {
			if (++count == 1) {
				last = k;
				continue;
			}
			fail(2, "The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
			     optnames[k], optnames[last], tunnames[tun_type]);
		}
	}
}

static uint32_t parse_timeout(const char *buf, int min, int max)
{
	int i;

	if (!buf)
		return LVS_PERSIST_TIMEOUT_DEFAULT;
	if ((i = string_to_number(buf, min, max)) == -1)
		fail(2, "invalid timeout value `%s' specified", buf);
	return (uint32_t)i;
}

static uint16_t option_to_protocol(int opt)
{
	switch (opt) {
	case 't': return IPPROTO_TCP;
	case 'u': return IPPROTO_UDP;
	case TAG_SCTP_SERVICE: return IPPROTO_SCTP;
	default: return IPPROTO_IP;
	}
}

static void copy_name(char *dst, size_t size, const char *src)
{
	/* strncpy(dst, src, size - 1) into a zeroed field */
	strncpy(dst, src, size - 1);
	dst[size - 1] = '\0';
}

static int set_daemon_state(const char *arg)
{
	if (!strcmp(arg, "master"))
		return LVS_DAEMON_MASTER;
	if (!strcmp(arg, "backup"))
		return LVS_DAEMON_BACKUP;
	return 0;
}

/* returns 0, or -1 after a popt error (message printed) */
static int parse_options(int argc, char **argv, struct cmd_entry *ce,
			 unsigned long long *options, unsigned *format)
{
	poptContext ctx;
	char sched_flags_arg[128] = "";
	char *optarg = NULL; /* the argument of the option at hand, ours to free */
	int c, parse;

	ctx = poptGetContext("ipvsadm", argc, (const char **)argv, options_table, 0);
	if (!ctx) {
		fputs("Memory allocation problem\n", stderr);
		cli_exit(2);
	}

	if ((c = poptGetNextOpt(ctx)) < 0)
		tryhelp_exit(argv[0], -1);

	optarg = poptGetOptArg(ctx);
	switch (c) {
	case 'A': set_command(&ce->cmd, CMD_ADD); break;
	case 'E': set_command(&ce->cmd, CMD_EDIT); break;
	case 'D': set_command(&ce->cmd, CMD_DEL); break;
	case 'a': set_command(&ce->cmd, CMD_ADDDEST); break;
	case 'e': set_command(&ce->cmd, CMD_EDITDEST); break;
	case 'd': set_command(&ce->cmd, CMD_DELDEST); break;
	case 'C': set_command(&ce->cmd, CMD_FLUSH); break;
	case 'L':
	case 'l': set_command(&ce->cmd, CMD_LIST); break;
	case 'Z': set_command(&ce->cmd, CMD_ZERO); break;
	case TAG_SET: set_command(&ce->cmd, CMD_TIMEOUT); break;
	case 'R': set_command(&ce->cmd, CMD_RESTORE); break;
	case 'S': set_command(&ce->cmd, CMD_SAVE); break;
	case TAG_START_DAEMON:
		set_command(&ce->cmd, CMD_STARTDAEMON);
		if (!(ce->daemon.state = set_daemon_state(optarg)))
			fail(2, "illegal start-daemon parameter specified");
		break;
	case TAG_STOP_DAEMON:
		set_command(&ce->cmd, CMD_STOPDAEMON);
		if (!(ce->daemon.state = set_daemon_state(optarg)))
			fail(2, "illegal start_daemon specified");
		break;
	case 'h':
		cli_flush_pending();
		usage_exit(argv[0], 0);
	case 'v':
		cli_flush_pending();
		version_exit(0);
	default:
		tryhelp_exit(argv[0], -1);
	}

	while ((c = poptGetNextOpt(ctx)) >= 0) {
		free(optarg);
		optarg = poptGetOptArg(ctx);
		if (flag_option(c, options, format))
			continue;
		switch (c) {
		case 't':
		case 'u':
		case TAG_SCTP_SERVICE:
			set_option(options, OPTC_SERVICE);
			ce->svc.protocol = option_to_protocol(c);
			parse = parse_service(optarg, ce->svc.protocol, &ce->svc.af, &ce->svc.addr,
					      &ce->svc.port, &ce->svc.netmask);
			if (!(parse & SERVICE_ADDR))
				fail(2, "illegal virtual server address[:port] specified");
			break;
		case 'f': {
			int ok;
			set_option(options, OPTC_SERVICE);
			/* a sane protocol, though unused for fwmark services */
			ce->svc.af = AF_INET;
			ce->svc.protocol = IPPROTO_TCP;
			ce->svc.fwmark = parse_fwmark(optarg, &ok);
			if (!ok)
				fail(2, "invalid fwmark value `%s' specified", optarg);
			break;
		}
		case 's':
			set_option(options, OPTC_SCHEDULER);
			copy_name(ce->svc.sched_name, sizeof(ce->svc.sched_name), optarg);
			break;
		case 'p':
			set_option(options, OPTC_PERSISTENT);
			ce->svc.flags |= LVS_SVC_F_PERSISTENT;
			ce->svc.timeout = parse_timeout(optarg, 1, MAX_TIMEOUT);
			break;
		case 'M':
			set_option(options, OPTC_NETMASK);
			if (ce->svc.af != AF_INET6) {
				if (parse_netmask(optarg, &ce->svc.netmask) != 1)
					fail(2, "illegal virtual server persistent mask specified");
			} else {
				ce->svc.netmask = (uint32_t)atoi(optarg);
				if (ce->svc.netmask < 1 || ce->svc.netmask > 128)
					fail(2, "illegal ipv6 netmask specified");
			}
			break;
		case 'r': {
			/* the dest starts as a copy of the service parsed so far:
			 * same protocol for port names, same port if none given */
			int af = ce->svc.af;
			union lvs_addr addr = ce->svc.addr;
			uint16_t port = ce->svc.port;
			uint32_t mask = 0;
			set_option(options, OPTC_SERVER);
			parse = parse_service(optarg, ce->svc.protocol, &af, &addr, &port, &mask);
			ce->dest.af = af;
			ce->dest.addr = addr;
			ce->dest.port = port;
			if (!(parse & SERVICE_ADDR))
				fail(2, "illegal real server address[:port] specified");
			if (parse == SERVICE_ADDR)
				ce->dest.port = ce->svc.port;
			break;
		}
		case 'i':
			set_option(options, OPTC_FORWARD);
			ce->dest.conn_flags = LVS_CONN_F_TUNNEL;
			break;
		case 'g':
			set_option(options, OPTC_FORWARD);
			ce->dest.conn_flags = LVS_CONN_F_DROUTE;
			break;
		case 'm':
			set_option(options, OPTC_FORWARD);
			ce->dest.conn_flags = LVS_CONN_F_MASQ;
			break;
		case 'w':
			set_option(options, OPTC_WEIGHT);
			/* Debian widened the range from 65535 (bug #814348) */
			if ((ce->dest.weight = string_to_number(optarg, 0, INT_MAX)) == -1)
				fail(2, "illegal weight specified");
			break;
		case 'x': {
			int v;
			set_option(options, OPTC_UTHRESHOLD);
			if ((v = string_to_number(optarg, 0, INT_MAX)) == -1)
				fail(2, "illegal u_threshold specified");
			ce->dest.u_threshold = (uint32_t)v;
			break;
		}
		case 'y': {
			int v;
			set_option(options, OPTC_LTHRESHOLD);
			if ((v = string_to_number(optarg, 0, INT_MAX)) == -1)
				fail(2, "illegal l_threshold specified");
			ce->dest.l_threshold = (uint32_t)v;
			break;
		}
		case 'c':
			set_option(options, OPTC_CONNECTION);
			break;
		case TAG_MCAST_INTERFACE:
			set_option(options, OPTC_MCAST);
			copy_name(ce->daemon.mcast_ifn, sizeof(ce->daemon.mcast_ifn), optarg);
			break;
		case 'I': {
			int v;
			set_option(options, OPTC_SYNCID);
			if ((v = string_to_number(optarg, 0, 255)) == -1)
				fail(2, "illegal syncid specified");
			ce->daemon.syncid = (uint32_t)v;
			break;
		}
		case TAG_SORT:
			break; /* sorting is the default; accepted for compatibility */
		case '6':
			if (!ce->svc.fwmark)
				fail(2, "-6 used before -f\n");
			ce->svc.af = AF_INET6;
			ce->svc.netmask = 128;
			break;
		case 'o':
			set_option(options, OPTC_ONEPACKET);
			ce->svc.flags |= LVS_SVC_F_ONEPACKET;
			break;
		case TAG_PERSISTENCE_ENGINE:
			set_option(options, OPTC_PE);
			copy_name(ce->svc.pe_name, sizeof(ce->svc.pe_name), optarg);
			break;
		case 'b':
			set_option(options, OPTC_SCHED_FLAGS);
			snprintf(sched_flags_arg, sizeof(sched_flags_arg), "%s", optarg);
			break;
		case TAG_MCAST_GROUP:
			set_option(options, OPTC_MCAST_GROUP);
			if (strchr(optarg, ':')) {
				struct in6_addr a6;
				if (inet_pton(AF_INET6, optarg, &a6) <= 0 || !IN6_IS_ADDR_MULTICAST(&a6))
					fail(2, "invalid IPv6 mcast-group `%s'", optarg);
				ce->daemon.mcast_group.in6 = a6;
				ce->daemon.mcast_af = AF_INET6;
			} else {
				struct in_addr a4;
				if (inet_pton(AF_INET, optarg, &a4) <= 0 || !IN_MULTICAST(ntohl(a4.s_addr)))
					fail(2, "invalid IPv4 mcast-group `%s'", optarg);
				ce->daemon.mcast_group.ip = a4.s_addr;
				ce->daemon.mcast_af = AF_INET;
			}
			break;
		case TAG_MCAST_PORT:
			set_option(options, OPTC_MCAST_PORT);
			if ((parse = string_to_number(optarg, 1, 65535)) == -1)
				fail(2, "illegal mcast-port specified");
			ce->daemon.mcast_port = (uint16_t)parse;
			break;
		case TAG_MCAST_TTL:
			set_option(options, OPTC_MCAST_TTL);
			if ((parse = string_to_number(optarg, 1, 255)) == -1)
				fail(2, "illegal mcast-ttl specified");
			ce->daemon.mcast_ttl = (uint8_t)parse;
			break;
		case TAG_SYNC_MAXLEN:
			set_option(options, OPTC_SYNC_MAXLEN);
			if ((parse = string_to_number(optarg, 1, 65535 - 20 - 8)) == -1)
				fail(2, "illegal sync-maxlen specified");
			ce->daemon.sync_maxlen = (uint16_t)parse;
			break;
		case TAG_TUN_TYPE:
			set_option(options, OPTC_TUN_TYPE);
			if ((parse = parse_tun_type(optarg)) == -1)
				fail(2, "illegal tunnel type specified");
			ce->dest.tun_type = (uint8_t)parse;
			break;
		case TAG_TUN_PORT:
			set_option(options, OPTC_TUN_PORT);
			if ((parse = string_to_number(optarg, 1, 65535)) == -1)
				fail(2, "illegal tunnel port specified");
			ce->dest.tun_port = (uint16_t)parse;
			break;
		case TAG_TUN_NOCSUM:
			set_option(options, OPTC_TUN_NOCSUM);
			ce->dest.tun_flags |= LVS_TUN_F_NOCSUM;
			break;
		case TAG_TUN_CSUM:
			set_option(options, OPTC_TUN_CSUM);
			ce->dest.tun_flags |= LVS_TUN_F_CSUM;
			break;
		case TAG_TUN_REMCSUM:
			set_option(options, OPTC_TUN_REMCSUM);
			ce->dest.tun_flags |= LVS_TUN_F_REMCSUM;
			break;
		default:
			/* a second command (or -h/-v) later on the line */
			fail(2, "invalid option `%s'", poptBadOption(ctx, POPT_BADOPTION_NOALIAS));
		}
	}

	free(optarg);
	optarg = NULL;
	if (c < -1) {
		cli_flush_pending();
		fprintf(stderr, "%s: %s\n", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			poptStrerror(c));
		poptFreeContext(ctx);
		return -1;
	}

	if (ce->cmd == CMD_TIMEOUT) {
		const char *a0, *a1, *a2;
		if ((a0 = poptGetArg(ctx)) && (a1 = poptGetArg(ctx)) &&
		    (a2 = poptGetArg(ctx))) {
			ce->tcp_timeout = parse_timeout(a0, 0, MAX_TIMEOUT);
			ce->tcp_fin_timeout = parse_timeout(a1, 0, MAX_TIMEOUT);
			ce->udp_timeout = parse_timeout(a2, 0, MAX_TIMEOUT);
		} else {
			fail(2, "--set option requires 3 timeout values");
		}
	}

	const char *extra = poptGetArg(ctx);
	if (extra)
		fail(2, "unexpected argument %s", extra);
	poptFreeContext(ctx);

	if (sched_flags_arg[0]) {
		char bad[128];
		int incompatible, flags;
		flags = parse_sched_flags(ce->svc.sched_name, sched_flags_arg, bad, sizeof(bad),
					  &incompatible);
		if (flags < 0) {
			if (incompatible)
				fail(2, "incompatible scheduler flag `%s'", bad);
			fail(2, "invalid scheduler flag `%s'", bad);
		}
		ce->svc.flags &= ~(uint32_t)(LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3);
		ce->svc.flags |= (uint32_t)flags;
	}
	return 0;
}

static int restore_table(char **argv, int reading_stdin);

int process_options(int argc, char **argv, int reading_stdin)
{
	struct cmd_entry ce;
	unsigned long long options = 0;
	unsigned format = FMT_NONE;
	unsigned fwd_method;

	memset(&ce, 0, sizeof(ce));
	ce.dest.weight = 1;
	ce.dest.tun_type = LVS_TUN_TYPE_IPIP;
	ce.dest.conn_flags = LVS_CONN_F_DROUTE;
	ce.svc.netmask = 0xffffffffu; /* /32 persistence granularity */

	if (parse_options(argc, argv, &ce, &options, &format))
		return -1;

	generic_opt_check(ce.cmd, options);

	if (ce.cmd == CMD_ADD || ce.cmd == CMD_EDIT) {
		if (!ce.svc.fwmark && !ce.svc.port && !(ce.svc.flags & LVS_SVC_F_PERSISTENT))
			fail(2, "Zero port specified for non-persistent service");
		if ((ce.svc.flags & LVS_SVC_F_ONEPACKET) && !ce.svc.fwmark &&
		    ce.svc.protocol != IPPROTO_UDP)
			fail(2, "One-Packet Scheduling is only for UDP virtual services");
		if (!ce.svc.sched_name[0])
			strcpy(ce.svc.sched_name, "wlc");
	}

	if (ce.cmd == CMD_STARTDAEMON && !ce.daemon.mcast_ifn[0])
		strcpy(ce.daemon.mcast_ifn, "eth0");

	fwd_method = ce.dest.conn_flags & LVS_CONN_F_FWD_MASK;

	if (ce.cmd == CMD_ADDDEST || ce.cmd == CMD_EDITDEST) {
		/* DR and tunnel cannot change the port: ipvsadm forces it */
		if (!ce.svc.fwmark && (fwd_method == LVS_CONN_F_TUNNEL || fwd_method == LVS_CONN_F_DROUTE))
			ce.dest.port = ce.svc.port;
		if (ce.dest.af != ce.svc.af && fwd_method != LVS_CONN_F_TUNNEL)
			fail(2, "Different address family is allowed only for tunneling servers");
		if ((options & (OPT(OPTC_TUN_TYPE) | OPT(OPTC_TUN_PORT) | OPT(OPTC_TUN_NOCSUM) |
				OPT(OPTC_TUN_CSUM) | OPT(OPTC_TUN_REMCSUM))) &&
		    fwd_method != LVS_CONN_F_TUNNEL)
			fail(2, "Tunnel options conflict with forward method");
		tunnel_opt_check(ce.dest.tun_type, options);
	}

	switch (ce.cmd) {
	case CMD_LIST:
		if (((options & (OPT(OPTC_CONNECTION) | OPT(OPTC_TIMEOUT) | OPT(OPTC_DAEMON))) &&
		     (options & (OPT(OPTC_STATS) | OPT(OPTC_RATE) | OPT(OPTC_THRESHOLDS)))) ||
		    ((options & (OPT(OPTC_TIMEOUT) | OPT(OPTC_DAEMON))) &&
		     (options & OPT(OPTC_PERSISTENTCONN))))
			fail(2, "options conflicts in the list command");
		cli_flush_pending();
		if (options & OPT(OPTC_CONNECTION))
			list_conn(format);
		else if (options & OPT(OPTC_SERVICE))
			list_service(&ce.svc, format);
		else if (options & OPT(OPTC_TIMEOUT))
			list_timeout();
		else if (options & OPT(OPTC_DAEMON))
			list_daemon();
		else
			list_all(format);
		return 0;
	case CMD_RESTORE:
		return restore_table(argv, reading_stdin);
	case CMD_SAVE:
		cli_flush_pending();
		list_all(format | FMT_RULE);
		return 0;
	case CMD_FLUSH: return cli_mutate(OP_FLUSH, &ce);
	case CMD_ADD: return cli_mutate(OP_ADD_SERVICE, &ce);
	case CMD_EDIT: return cli_mutate(OP_EDIT_SERVICE, &ce);
	case CMD_DEL: return cli_mutate(OP_DEL_SERVICE, &ce);
	case CMD_ZERO: return cli_mutate(OP_ZERO, &ce);
	case CMD_ADDDEST: return cli_mutate(OP_ADD_DEST, &ce);
	case CMD_EDITDEST: return cli_mutate(OP_EDIT_DEST, &ce);
	case CMD_DELDEST: return cli_mutate(OP_DEL_DEST, &ce);
	case CMD_TIMEOUT: return cli_mutate(OP_SET_TIMEOUT, &ce);
	case CMD_STARTDAEMON: return cli_mutate(OP_START_DAEMON, &ce);
	case CMD_STOPDAEMON: return cli_mutate(OP_STOP_DAEMON, &ce);
	}
	return 0;
}

/* ---- -R: ipvsadm's config_stream tokenizer ---------------------------- */

#define MAX_TOKEN 4096

/* Reads one line's words the way ipvsadm's fscanf("%4096[^ \t\n\r]%1[ \t\n\r]")
 * loop does: words split on space/tab/CR, "ipvsadm" words dropped, a line
 * cut into 4096-char words if longer.  Returns the word count (+1 for
 * argv[0]) or -1 at end of input (including a last line that ends in
 * blanks without a newline, which ipvsadm drops). */
static int read_line_words(FILE *in, char ***argvp, int *cap, const char *argv0)
{
	char **argv = *argvp;
	int n = 0, ntoken = 0;
	char tok[MAX_TOKEN + 1];

	if (n >= *cap) {
		*cap = *cap ? *cap * 2 : 16;
		argv = realloc(argv, (size_t)*cap * sizeof(*argv));
	}
	argv[n++] = strdup(argv0);
	*argvp = argv;

	for (;;) {
		int ch = getc(in);
		if (ch == EOF) {
			if (ntoken == 0)
				goto eof;
			return n;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			/* blanks before a word: skip to the next word or newline */
			while (ch == ' ' || ch == '\t' || ch == '\r')
				ch = getc(in);
			if (ch == '\n')
				return n;
			if (ch == EOF)
				goto eof;
			ungetc(ch, in);
			continue;
		}
		size_t len = 0;
		while (ch != EOF && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' &&
		       len < MAX_TOKEN) {
			tok[len++] = (char)ch;
			ch = getc(in);
		}
		tok[len] = '\0';
		if (strcmp(tok, "ipvsadm")) {
			ntoken++;
			if (n + 1 >= *cap) {
				*cap *= 2;
				argv = realloc(argv, (size_t)*cap * sizeof(*argv));
				*argvp = argv;
			}
			argv[n++] = strdup(tok);
		}
		if (ch == EOF)
			return n;
		if (ch == '\n')
			return n;
		if (len == MAX_TOKEN && ch != ' ' && ch != '\t' && ch != '\r') {
			/* overlong word: the rest is the next word */
			ungetc(ch, in);
			continue;
		}
		/* one blank after the word was eaten with it; go on */
	}
eof:
	for (int i = 0; i < n; i++)
		free(argv[i]);
	return -1;
}

static int restore_table(char **argv, int reading_stdin)
{
	char **words = NULL;
	int cap = 0, n, result = 0;

	/* -R inside -R input would read stdin forever */
	if (reading_stdin)
		tryhelp_exit(argv[0], -1);

	cli_restore_begin();
	while ((n = read_line_words(stdin, &words, &cap, argv[0])) >= 0) {
		if (n > 1) {
			words[n] = NULL;
			cli_restore_line();
			result = process_options(n, words, 1);
		}
		for (int i = 0; i < n; i++)
			free(words[i]);
	}
	free(words);
	return cli_restore_end(result);
}
