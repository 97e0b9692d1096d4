/* fixture.h - what the cmocka unit tests share: address helpers, table and
 * core set-ups, synthetic packets and frames, a fake clock, config parsing
 * and main().  fixture.c is linked into every unit test.
 *
 * The helpers assert their own preconditions (an address that parses, a
 * service that is added), so a test that uses them reads as the behaviour
 * it checks.  Addresses given as text choose the family by themselves: a
 * ':' makes them IPv6. */
#ifndef LVS_TESTS_FIXTURE_H
#define LVS_TESTS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "core/table.h"
#include "core/pkt.h"
#include "config/config.h"

struct lvs_conn;

/* main(): runs the given cmocka_unit_test() entries as one group */
#define UNIT_TESTS(...)                                                        \
	int main(void)                                                         \
	{                                                                      \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };             \
		return cmocka_run_group_tests(tests, NULL, NULL);              \
	}

/* ---- addresses ---------------------------------------------------------- */

/* the oracle lab's client and real servers, as captured sequences name them */
#define CIP "172.20.0.100"
#define RS1 "192.168.1.16"
#define RS2 "192.168.1.8"
#define RS3 "192.168.1.24"

union lvs_addr ip4(const char *s);
union lvs_addr ip6(const char *s);
/* an IPv4 address from a host-order number */
union lvs_addr ip4h(uint32_t host);
/* either family, by the text */
int addr_af(const char *s);
union lvs_addr ip46(const char *s);
/* "rs1".."rs3" for RS1..RS3, "-" for NULL, else the IPv4 address (the
 * text lives until the next call) */
const char *rs_name(const union lvs_addr *a);

/* ---- table -------------------------------------------------------------- */

/* a TCP service on vip:port, netmask of a single address */
struct lvs_service_conf svc_conf(const char *vip, uint16_t port, const char *sched);
/* a fwmark service: protocol 0, the mark alone is its key */
struct lvs_service_conf fwm_conf(int af, uint32_t mark, const char *sched);
/* method is one of LVS_CONN_F_MASQ / DROUTE / TUNNEL / LOCALNODE */
struct lvs_dest_conf dest_conf(const char *ip, uint16_t port, int weight, uint32_t method);

/* each asserts that the table accepted the call */
struct lvs_service *add_svc(struct lvs_table *t, const struct lvs_service_conf *c);
struct lvs_dest *add_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port,
			  int weight, uint32_t method);
void edit_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port, int weight,
	       uint32_t method);
void del_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port);
/* the dest of an existing service, NULL if it has none at ip:port */
struct lvs_dest *find_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port);

/* a table holding one service: where scheduler and table tests start */
struct svc_fx {
	struct lvs_table *t;
	struct lvs_service_conf c;
	struct lvs_service *s;
};

struct svc_fx svc_fx_new(struct lvs_service_conf c);

/* ---- core and the fake clock -------------------------------------------- */

/* A table, a core over it, the service a test drives and the fake clock:
 * every call into the core passes now as its now_ms. */
struct core_fx {
	struct lvs_table *t;
	struct lvs_core *core;
	struct lvs_service_conf svc;
	uint64_t now;
};

void core_fx_init(struct core_fx *e, unsigned nworkers, size_t max_conns, const struct lvs_core_lock *lock);
void core_fx_done(struct core_fx *e);
/* the fake clock: from now to now + ms in steps of step ms, ticking the
 * core at each step (as the daemon's timer would) */
void core_fx_advance(struct core_fx *e, uint64_t ms, uint64_t step);
/* lvs_core_tick at from, from + step, ... up to to (inclusive) */
void tick_core(struct lvs_core *core, uint64_t from, uint64_t to, uint64_t step);

/* ---- synthetic packets -------------------------------------------------- */

/* a parsed packet as the datapath hands it to the core: len 60 */
struct lvs_pkt pkt_make(uint8_t proto, const char *src, uint16_t sport, const char *dst, uint16_t dport,
			uint8_t tcp_flags);
/* what a scheduler sees of a TCP packet to port 80 */
struct lvs_sched_pkt sched_pkt(const char *saddr, uint16_t sport, const char *daddr);

/* ---- connection table entries -------------------------------------------- */

/* arm cp with timeout_ms at jnow and put it in its bucket */
void conn_hash_armed(struct lvs_core *core, struct lvs_conn *cp, uint32_t timeout_ms, uint32_t jnow);
/* the TCP entry client -> virtual (in) or client <- dest (out), or NULL */
struct lvs_conn *conn_find_in(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport,
			      const union lvs_addr *v, uint16_t vport, uint32_t jnow);
struct lvs_conn *conn_find_out(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport,
			       const union lvs_addr *d, uint16_t dport, uint32_t jnow);
/* unhash the TCP entry cp of client c:cport and give its id back */
void conn_drop(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport, struct lvs_conn *cp);
/* every bucket's prefetch hint is its head's successor, and the chains
 * hold exactly the live entries */
void assert_buckets_sane(struct lvs_core *core);

/* ---- synthetic frames --------------------------------------------------- */

/* Ethernet (02:00:00:00:00:02 -> 02:00:00:00:00:01) and an IPv4 header
 * with a correct checksum for l4len bytes of protocol proto from s to d
 * (network order); returns where the transport header goes */
uint8_t *frame_ip4_hdr(uint8_t *f, uint8_t proto, uint32_t s, uint32_t d, size_t l4len);
/* the same with a TCP (tcp_flags, no options) or UDP header and payload,
 * every checksum complete; returns the frame's length */
size_t frame_ip4(uint8_t *f, uint8_t proto, uint32_t s, uint32_t d, uint16_t sport, uint16_t dport,
		 uint8_t tcp_flags, const char *payload);

/* ---- config ------------------------------------------------------------- */

/* cfg_parse_text of text as the file "t.cf"; NULL on error (err says
 * why).  warn may be NULL: the warnings are still written, then dropped. */
struct cfg *parse_cfg(const char *text, enum cfg_format fmt, struct strbuf *err, struct strbuf *warn);
/* the same, failing the test on an error */
struct cfg *load_cfg(const char *text, enum cfg_format fmt);

/* ---- odds and ends ------------------------------------------------------ */

/* xorshift64: the next value of a seeded, reproducible sequence */
uint64_t xorshift64(uint64_t *state);
/* clk in seconds (CLOCK_PROCESS_CPUTIME_ID: stable while other jobs load
 * the machine) */
double clock_seconds(clockid_t clk);

#endif
