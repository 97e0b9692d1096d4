/* help.c - the -h and -v texts, verbatim as Debian's ipvsadm 1:1.31-1+b1
 * prints them (tests/golden/cases/003-help-short, 004-help-long) */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"

#define VERSION_LINE "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v%d.%d.%d)\n"

static void version(FILE *f)
{
	fprintf(f, VERSION_LINE, (LVS_IPVS_VERSION_CODE >> 16) & 0xff,
		(LVS_IPVS_VERSION_CODE >> 8) & 0xff, LVS_IPVS_VERSION_CODE & 0xff);
}

void usage_exit(const char *p, int status)
{
	FILE *f = status ? stderr : stdout;

	version(f);
	fputs("Usage:\n", f);
	fprintf(f, "  %s -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n", p);
	fprintf(f, "  %s -D virtual-service\n", p);
	fprintf(f, "  %s -C\n", p);
	fprintf(f, "  %s -R\n", p);
	fprintf(f, "  %s -S [-n]\n", p);
	fprintf(f, "  %s -a|e virtual-service -r server-address [options]\n", p);
	fprintf(f, "  %s -d virtual-service -r server-address\n", p);
	fprintf(f, "  %s -L|l [virtual-service] [options]\n", p);
	fprintf(f, "  %s -Z [virtual-service]\n", p);
	fprintf(f, "  %s --set tcp tcpfin udp\n", p);
	fprintf(f, "  %s --start-daemon {master|backup} [daemon-options]\n", p);
	fprintf(f, "  %s --stop-daemon {master|backup}\n", p);
	fprintf(f, "  %s -h\n", p);
	fputs("\n", f);
	fputs("Commands:\n", f);
	fputs("Either long or short options are allowed.\n", f);
	fputs("  --add-service     -A        add virtual service with options\n", f);
	fputs("  --edit-service    -E        edit virtual service with options\n", f);
	fputs("  --delete-service  -D        delete virtual service\n", f);
	fputs("  --clear           -C        clear the whole table\n", f);
	fputs("  --restore         -R        restore rules from stdin\n", f);
	fputs("  --save            -S        save rules to stdout\n", f);
	fputs("  --add-server      -a        add real server with options\n", f);
	fputs("  --edit-server     -e        edit real server with options\n", f);
	fputs("  --delete-server   -d        delete real server\n", f);
	fputs("  --list            -L|-l     list the table\n", f);
	fputs("  --zero            -Z        zero counters in a service or all services\n", f);
	fputs("  --set tcp tcpfin udp        set connection timeout values\n", f);
	fputs("  --start-daemon              start connection sync daemon\n", f);
	fputs("  --stop-daemon               stop connection sync daemon\n", f);
	fputs("  --help            -h        display this help message\n", f);
	fputs("\n", f);
	fputs("virtual-service:\n", f);
	fputs("  --tcp-service|-t  service-address   service-address is host[:port]\n", f);
	fputs("  --udp-service|-u  service-address   service-address is host[:port]\n", f);
	fputs("  --sctp-service    service-address   service-address is host[:port]\n", f);
	fputs("  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n", f);
	fputs("\n", f);
	fputs("Options:\n", f);
	fputs("  --ipv6         -6                   fwmark entry uses IPv6\n", f);
	fputs("  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n", f);
	fputs("                                      the default scheduler is wlc.\n", f);
	fputs("  --pe            engine              alternate persistence engine may be sip,\n", f);
	fputs("                                      not set by default.\n", f);
	fputs("  --persistent   -p [timeout]         persistent service\n", f);
	fputs("  --netmask      -M netmask           persistent granularity mask\n", f);
	fputs("  --real-server  -r server-address    server-address is host (and port)\n", f);
	fputs("  --gatewaying   -g                   gatewaying (direct routing) (default)\n", f);
	fputs("  --ipip         -i                   ipip encapsulation (tunneling)\n", f);
	fputs("  --masquerading -m                   masquerading (NAT)\n", f);
	fputs("  --tun-type      type                one of ipip|gue|gre,\n", f);
	fputs("                                      the default tunnel type is ipip.\n", f);
	fputs("  --tun-port      port                tunnel destination port\n", f);
	fputs("  --tun-nocsum                        tunnel encapsulation without checksum\n", f);
	fputs("  --tun-csum                          tunnel encapsulation with checksum\n", f);
	fputs("  --tun-remcsum                       tunnel encapsulation with remote checksum\n", f);
	fputs("  --weight       -w weight            capacity of real server\n", f);
	fputs("  --u-threshold  -x uthreshold        upper threshold of connections\n", f);
	fputs("  --l-threshold  -y lthreshold        lower threshold of connections\n", f);
	fputs("  --connection   -c                   output of current IPVS connections\n", f);
	fputs("  --timeout                           output of timeout (tcp tcpfin udp)\n", f);
	fputs("  --daemon                            output of daemon information\n", f);
	fputs("  --stats                             output of statistics information\n", f);
	fputs("  --rate                              output of rate information\n", f);
	fputs("  --exact                             expand numbers (display exact values)\n", f);
	fputs("  --thresholds                        output of thresholds information\n", f);
	fputs("  --persistent-conn                   output of persistent connection info\n", f);
	fputs("  --tun-info                          output of tunnel information\n", f);
	fputs("  --nosort                            disable sorting output of service/server entries\n", f);
	fputs("  --sort                              does nothing, for backwards compatibility\n", f);
	fputs("  --ops          -o                   one-packet scheduling\n", f);
	fputs("  --numeric      -n                   numeric output of addresses and ports\n", f);
	fputs("  --sched-flags  -b flags             scheduler flags (comma-separated)\n", f);
	fputs("Daemon Options:\n", f);
	fputs("  --syncid sid                        syncid for connection sync (default=255)\n", f);
	fputs("  --sync-maxlen length                Max sync message length (default=1472)\n", f);
	fputs("  --mcast-interface interface         multicast interface for connection sync\n", f);
	fputs("  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)\n", f);
	fputs("  --mcast-port port                   UDP port (default=8848)\n", f);
	fputs("  --mcast-ttl ttl                     Multicast TTL (default=1)\n", f);
	exit(status);
}

void version_exit(int status)
{
	version(status ? stderr : stdout);
	exit(status);
}
