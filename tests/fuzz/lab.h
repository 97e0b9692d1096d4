/* lab.h - the small virtual-server table the packet and sync harnesses
 * run against: TCP/UDP/SCTP and fwmark services, persistent and
 * one-packet ones, NAT/DR/tunnel dests, a weight-0 dest, an upper
 * threshold, an IPv6 service, and 10.0.0.1:8000 with a single NAT dest
 * (192.168.1.1:8000) for whole conversations.
 *
 * The schedulers keep no state of their own (wlc/lc count connections,
 * sh/mh/dh hash): once the connections are flushed, the table decides
 * the same way again, so a harness can reuse it for every input and still
 * be deterministic (creating a table and a core per input would cost more
 * than the input itself).  The addresses match the seed corpora
 * (tests/fuzz/mkcorpus.py): clients 172.20.0.0/24 and 10.9.0.0/16, VIPs
 * 10.0.0.1-3 and 172.20.0.24, real servers 192.168.1.0/24. */
#ifndef LVS_FUZZ_LAB_H
#define LVS_FUZZ_LAB_H

#include <stddef.h>

struct lvs_table;
struct lvs_core;

/* a new table holding the lab services; aborts when the table refuses
 * one (a harness against the wrong table would fuzz nothing useful) */
struct lvs_table *fuzz_lab_table(void);

/* a core (one worker, room for max_conns entries) over a new lab table;
 * aborts if it cannot be made */
struct lvs_core *fuzz_lab_core(size_t max_conns);

#endif
