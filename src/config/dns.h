/* dns.h - the DNS messages of the DNS health check (keepalived DNS_CHECK,
 * ldirectord service=dns), pure: no sockets.  The config builds the query
 * into cfg_check.payload (like the dialogue scripts); check/probe_net.c
 * sends it and judges the reply with dns_check_reply().
 *
 * Contract:
 *  - dns_build_query() writes one standard query (RD set, one question,
 *    class IN) for `name` ("." or "" is the root; a trailing dot is
 *    optional) and returns its length, or -EINVAL when the name is not a valid
 *    DNS name (a label over 63 bytes, an empty label, over 255 bytes) or
 *    the buffer is too small.  The id is left 0: the probe sets a fresh
 *    one for every run (dns_set_id).
 *  - dns_check_reply() judges a reply to `query`:
 *      -EINVAL  not a reply to it (too short, other id, not a response, other
 *          question): ignore it and keep waiting, as a resolver does;
 *       0  down: an error rcode, a truncated or malformed answer section,
 *          no answer of the query's type, or (with `receive`) none whose
 *          text matches it;
 *       1  up.
 *    The text of an answer is its address (A, AAAA) or its name (NS,
 *    CNAME, PTR, the exchange of MX); types without a text form count as
 *    answers but never match `receive`.  `msg` says why, for the log.
 *  - dns_qtype() maps "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT",
 *    "AAAA" (any case) to their numbers, 0 for anything else.
 *  - dns_reverse_name() turns an IPv4 or IPv6 address into its
 *    in-addr.arpa / ip6.arpa name (ldirectord looks up addresses by PTR);
 *    0, or -EINVAL when `addr` is not an address.
 */
#ifndef LVS_CONFIG_DNS_H
#define LVS_CONFIG_DNS_H
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_T_A 1
#define DNS_T_NS 2
#define DNS_T_CNAME 5
#define DNS_T_SOA 6
#define DNS_T_PTR 12
#define DNS_T_MX 15
#define DNS_T_TXT 16
#define DNS_T_AAAA 28

#define DNS_MAX_QUERY 300      /* header 12 + name 255 + type/class 4 */

int dns_build_query(const char *name, uint16_t qtype, uint8_t *buf, size_t cap);
void dns_set_id(uint8_t *query, uint16_t id);
int dns_check_reply(const uint8_t *query, size_t qlen, const uint8_t *reply, size_t rlen, const regex_t *receive,
		    char *msg, size_t msglen);
uint16_t dns_qtype(const char *name);
int dns_reverse_name(const char *addr, char *out, size_t outlen);

#endif
