/* options.c - lvsd's command line (lvsd --help) and the LVSD_* environment
 * variables that preset some of its options: the environment is read
 * first, so an option given on the command line wins. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon.h"
#include "ctl/client.h"
#include "lib/cpulist.h"
#include "http/http.h"

#define MAX_CONNS_LIMIT 0x7ffffff0L     /* the core's connection table holds no more */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: lvsd [options]\n"
		"  -f, --foreground          stay in the foreground, log to stderr too\n"
		"  -S, --socket PATH         control socket (default $" LVSD_SOCKET_ENV " or " LVSD_SOCKET_DEFAULT ")\n"
		"  -P, --pidfile PATH        pid file when daemonized (default: socket path with .pid)\n"
		"  -l, --log-file FILE       also log to FILE\n"
		"  -i, --interfaces LIST     comma-separated interfaces for the datapath (default all)\n"
		"  -b, --backend NAME        datapath backend: xdp, afpacket, none, auto (default auto)\n"
		"  -w, --workers N           datapath workers (0 = one per RX queue)\n"
		"      --cpus LIST           pin datapath worker i to the i-th CPU of LIST (e.g. 0,1 or 2-3)\n"
		"      --max-conns N         connection table capacity, templates included (default %u)\n"
		"      --fastpath MODE       TC fast path: on (from the SYN where possible), established, off\n"
		"                            (default on; $LVSD_FASTPATH)\n"
		"      --fastpath-min-pkts N inbound packets before an established connection is offloaded\n"
		"                            (default %u; $LVSD_FASTPATH_MIN_PKTS)\n"
		"      --xdp-tx MODE         AF_XDP transmit: xsk (default) or afpacket ($LVSD_XDP_TX)\n"
		"      --tun-dev PATH        TUN clone device for local real servers (default /dev/net/tun;\n"
		"                            $LVSD_TUN_DEV)\n"
		"      --set NAME=VALUE      a net.ipv4.vs.* setting at start, repeatable (lvsd --show settings;\n"
		"                            $LVSD_SETTINGS applies first)\n"
		"  -c, --config FILE         ldirectord.cf or keepalived.conf to apply and watch\n"
		"  -r, --restore FILE        load an ipvsadm -S rule file at start (via ipvsadm -R)\n"
		"      --show VIEW           client: print a text view of a running lvsd (ip_vs, ip_vs_stats, status, ...)\n"
		"      --cmd \"VERB ARGS\"     client: send a command to a running lvsd (reload, help, ...)\n"
		"      --json                with --show: the view in JSON (e.g. --show status --json)\n"
		"      --http ADDR:PORT      serve /status.json, /metrics and a status page over HTTP\n"
		"                            (read-only; off unless given)\n"
		"  -h, --help                this help\n"
		"  -V, --version             print the version\n",
		LVS_HOST_MAX_CONNS_DEFAULT, LVS_HOST_FASTPATH_MIN_PKTS_DEFAULT);
}

/* a decimal in [min, max]: 0 or -EINVAL */
/* the message for an option value out of its range; 2 is the exit status */
static int bad_value(const char *opt, const char *want, const char *arg)
{
	fprintf(stderr, "lvsd: %s wants %s, not '%s'\n", opt, want, arg);
	return 2;
}

static int parse_num(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < min || *v > max ? -EINVAL : 0;
}

static int parse_fastpath(const char *s, enum lvs_fastpath_mode *m)
{
	if (!strcmp(s, "on"))
		*m = LVS_FASTPATH_ON;
	else if (!strcmp(s, "established"))
		*m = LVS_FASTPATH_ESTABLISHED;
	else if (!strcmp(s, "off"))
		*m = LVS_FASTPATH_OFF;
	else
		return -EINVAL;
	return 0;
}

static int parse_xdp_tx(const char *s, enum lvs_xdp_tx *t)
{
	if (!strcmp(s, "xsk"))
		*t = LVS_XDP_TX_XSK;
	else if (!strcmp(s, "afpacket"))
		*t = LVS_XDP_TX_AFPACKET;
	else
		return -EINVAL;
	return 0;
}

/* one NAME=VALUE for d->settings, checked now so that a typo is a usage
 * error rather than a failed start; from says where it came from */
static int add_setting(struct lvsd *d, const char *pair, const char *from)
{
	struct strbuf err = STRBUF_INIT;
	const char **v;

	if (lvsd_setting_check(pair, &err) < 0) {
		fprintf(stderr, "lvsd: %s: %s\n", from, err.buf ? err.buf : pair);
		sb_free(&err);
		return -EINVAL;
	}
	v = realloc(d->settings, (d->nsettings + 1) * sizeof(*v));
	if (!v) {
		fprintf(stderr, "lvsd: out of memory\n");
		return -ENOMEM;
	}
	d->settings = v;
	v[d->nsettings++] = pair;
	return 0;
}

/* the environment's presets; earlier lvsd versions read them where they
 * were used, and scripts still set them */
static int from_environment(struct lvsd *d)
{
	const char *e;
	long v;

	/* as before the options existed, an unknown mode means the default */
	if ((e = getenv("LVSD_FASTPATH")) && parse_fastpath(e, &d->opts.fastpath) < 0)
		fprintf(stderr, "lvsd: warning: LVSD_FASTPATH=%s is not on, established or off: ignored\n", e);
	if ((e = getenv("LVSD_FASTPATH_MIN_PKTS")) && parse_num(e, 1, INT32_MAX, &v) == 0)
		d->opts.fastpath_min_pkts = (unsigned)v;
	else if (e)
		fprintf(stderr, "lvsd: warning: LVSD_FASTPATH_MIN_PKTS=%s is not a positive number: ignored\n", e);
	if ((e = getenv("LVSD_XDP_TX")) && parse_xdp_tx(e, &d->opts.xdp_tx) < 0)
		fprintf(stderr, "lvsd: warning: LVSD_XDP_TX=%s is not xsk or afpacket: ignored\n", e);
	if ((e = getenv("LVSD_TUN_DEV")) && *e)
		d->opts.tun_dev = e;
	if ((e = getenv("LVSD_SETTINGS")) && *e) {
		char *save = NULL;

		free(d->settings_env);
		if (!(d->settings_env = strdup(e)))
			return -ENOMEM;
		for (char *p = strtok_r(d->settings_env, " ,", &save); p; p = strtok_r(NULL, " ,", &save))
			if (add_setting(d, p, "LVSD_SETTINGS") < 0)
				return -EINVAL;
	}
	return 0;
}

enum {
	OPT_SHOW = 256, OPT_CMD, OPT_CPUS, OPT_MAX_CONNS, OPT_FASTPATH, OPT_FASTPATH_MIN_PKTS, OPT_XDP_TX,
	OPT_SET, OPT_TUN_DEV, OPT_JSON, OPT_HTTP,
};

static const struct option longopts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "socket", required_argument, NULL, 'S' },
	{ "pidfile", required_argument, NULL, 'P' },
	{ "log-file", required_argument, NULL, 'l' },
	{ "interfaces", required_argument, NULL, 'i' },
	{ "backend", required_argument, NULL, 'b' },
	{ "workers", required_argument, NULL, 'w' },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "fastpath", required_argument, NULL, OPT_FASTPATH },
	{ "fastpath-min-pkts", required_argument, NULL, OPT_FASTPATH_MIN_PKTS },
	{ "xdp-tx", required_argument, NULL, OPT_XDP_TX },
	{ "set", required_argument, NULL, OPT_SET },
	{ "tun-dev", required_argument, NULL, OPT_TUN_DEV },
	{ "config", required_argument, NULL, 'c' },
	{ "restore", required_argument, NULL, 'r' },
	{ "show", required_argument, NULL, OPT_SHOW },
	{ "cmd", required_argument, NULL, OPT_CMD },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "http", required_argument, NULL, OPT_HTTP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int lvsd_options(struct lvsd *d, int argc, char **argv, struct lvsd_args *a)
{
	int opt, cpus[DP_CPULIST_MAX];
	long v;

	d->opts.backend = "auto";
	d->opts.max_conns = LVS_HOST_MAX_CONNS_DEFAULT;
	d->opts.fastpath_min_pkts = LVS_HOST_FASTPATH_MIN_PKTS_DEFAULT;
	if (from_environment(d) < 0)
		return 2;
	while ((opt = getopt_long(argc, argv, "fS:P:l:i:b:w:c:r:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f': d->opts.foreground = 1; break;
		case 'S': a->socket = optarg; break;
		case 'P': d->pidfile = optarg; break;
		case 'l': d->opts.log_file = optarg; break;
		case 'i': d->opts.interfaces = optarg; break;
		case 'b':
			if (strcmp(optarg, "xdp") && strcmp(optarg, "afpacket") && strcmp(optarg, "none") &&
			    strcmp(optarg, "auto")) {
				fprintf(stderr, "lvsd: unknown backend '%s' (xdp, afpacket, none, auto)\n", optarg);
				return 2;
			}
			d->opts.backend = optarg;
			break;
		case 'w':
			if (parse_num(optarg, 0, 1024, &v) < 0)
				return bad_value("--workers", "0..1024", optarg);
			d->opts.workers = (int)v;
			break;
		case OPT_CPUS:
			if (dp_cpulist_parse(optarg, cpus, DP_CPULIST_MAX) < 0)
				return bad_value("--cpus", "a CPU list such as 0,1 or 2-3", optarg);
			d->opts.cpus = optarg;
			break;
		case OPT_MAX_CONNS:
			if (parse_num(optarg, 1, MAX_CONNS_LIMIT, &v) < 0) {
				char want[32];

				snprintf(want, sizeof(want), "1..%ld", MAX_CONNS_LIMIT);
				return bad_value("--max-conns", want, optarg);
			}
			d->opts.max_conns = (size_t)v;
			break;
		case OPT_FASTPATH:
			if (parse_fastpath(optarg, &d->opts.fastpath) < 0)
				return bad_value("--fastpath", "on, established or off", optarg);
			break;
		case OPT_FASTPATH_MIN_PKTS:
			if (parse_num(optarg, 1, INT32_MAX, &v) < 0)
				return bad_value("--fastpath-min-pkts", "a positive number", optarg);
			d->opts.fastpath_min_pkts = (unsigned)v;
			break;
		case OPT_XDP_TX:
			if (parse_xdp_tx(optarg, &d->opts.xdp_tx) < 0)
				return bad_value("--xdp-tx", "xsk or afpacket", optarg);
			break;
		case OPT_SET:
			if (add_setting(d, optarg, "--set") < 0)
				return 2;
			break;
		case OPT_TUN_DEV: d->opts.tun_dev = optarg; break;
		case 'c': d->opts.config_file = optarg; break;
		case 'r': d->opts.restore_file = optarg; break;
		case OPT_SHOW: a->show = optarg; break;
		case OPT_CMD: a->cmd = optarg; break;
		case OPT_JSON: a->json = 1; break;
		case OPT_HTTP:
			if (lvs_http_addr_parse(optarg, NULL) < 0)
				return bad_value("--http", "ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", optarg);
			d->opts.http = optarg;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("lvsd %s\n", LVSD_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lvsd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	return -1;
}
