/* procfs.h - the kernel's /proc/net/ip_vs and /proc/net/ip_vs_stats text,
 * byte for byte, as ip_vs_info_seq_show and ip_vs_stats_show print them.
 *
 * Contract: pure formatters over a table the caller has locked; they append
 * to a strbuf and never fail except by the strbuf's oom flag.  Persistence
 * timeouts print in jiffies (seconds x LVS_HZ), addresses and ports in
 * host-order upper-case hex, IPv6 as full lower-case groups.  Services come
 * in table order (the kernel's order mixes a netns pointer into the
 * service hash and changes from boot to boot; table.c).
 */
#ifndef LVS_PROCFS_H
#define LVS_PROCFS_H

#include "lib/strbuf.h"
#include "table.h"

void lvs_procfs_ip_vs(struct lvs_table *t, struct strbuf *out);
void lvs_procfs_ip_vs_stats(struct lvs_table *t, struct strbuf *out);

/* the kernel's ip_vs_fwd_name (protocol names: lvs_proto_name, conn.h) */
const char *lvs_fwd_name(uint32_t conn_flags);
/* "%pI6": eight zero-padded lower-case groups */
void lvs_fmt_in6_full(const struct in6_addr *a, char buf[40]);

#endif
