/* parse.h - ipvsadm's value parsers, with their quirks kept on purpose.
 *
 * Contract: same acceptance as ipvsadm 1.31 (glibc inet_aton/inet_pton,
 * gethostbyname, getservbyname, strtol base 10 with whole-string rule).
 * None of these print or exit; callers turn failures into messages.
 */
#ifndef LVS_CLI_PARSE_H
#define LVS_CLI_PARSE_H

#include <stdint.h>
#include "lib/inet.h"

#define SERVICE_NONE 0x0
#define SERVICE_ADDR 0x1
#define SERVICE_PORT 0x2

/* strtol(s, 10) consuming the whole (non-empty) string, within [min,max]; else -1 */
int string_to_number(const char *s, int min, int max);

/* "host[:port]", "[v6]:port", bare v6.  Sets *af, *addr (and *port, host
 * order, only when a port is given; the name is looked up for protocol
 * `proto`) and, for IPv6, *netmask = 128.  Returns SERVICE_* bits. */
int parse_service(const char *arg, uint16_t proto, int *af, union lvs_addr *addr,
		  uint16_t *port, uint32_t *netmask);

/* IPv4 netmask: inet_aton, then hostname.  1 ok, 0 bad */
int parse_netmask(const char *arg, uint32_t *mask);

/* fwmark: decimal 1..UINT_MAX; 0 = invalid */
uint32_t parse_fwmark(const char *arg, int *ok);

/* tunnel type name -> LVS_TUN_TYPE_*, -1 if unknown */
int parse_tun_type(const char *name);

/* -b list against the scheduler ("" = default wlc).  Returns the flags, or
 * -1 with *bad = the offending flag and *incompatible set accordingly. */
int parse_sched_flags(const char *sched, const char *arg, char *bad, size_t badlen,
		      int *incompatible);

#endif
