/* metrics.h - the virtual-server table as Prometheus families (lib/prom.h):
 *  - node_ipvs_*: what prometheus-node-exporter's ipvs collector makes of
 *    /proc/net/ip_vs and /proc/net/ip_vs_stats, with its names, types,
 *    help texts, labels and label values, so that dashboards and alerts
 *    written for kernel IPVS work unchanged;
 *  - lvsd_service_* and lvsd_real_server_*: each service's and each real
 *    server's counters, rates, weight and connection counts, labelled the
 *    same way (so the two sets join on their labels).
 *
 * Labels: a service is local_address, local_mark, local_port, proto; a
 * real server adds remote_address, remote_port.  The values are the
 * collector's: addresses as Go prints them (IPv4 dotted, IPv6 compressed,
 * IPv4-mapped IPv6 dotted), ports in decimal, proto "TCP" / "UDP" / "SCTP"
 * or "FWM", local_mark the /proc line's 8 hex digits for a firewall-mark
 * service (then local_address "" and local_port "0") and "" otherwise.
 * Two entries with equal labels (a mark served in both families, say) are
 * summed, as the collector does.  (The collector itself skips SCTP
 * service lines and files their real servers under the service before;
 * lvsd labels them as what they are.)
 *
 * Contract: the caller holds the table lock; 0, or -ENOMEM (also marked
 * in out->oom).
 */
#ifndef LVS_CORE_METRICS_H
#define LVS_CORE_METRICS_H

#include "lib/strbuf.h"
#include "table.h"

/* a service's labels; then, for a real server of it, its own two */
void lvs_metrics_svc_labels(struct strbuf *lbl, int af, uint16_t protocol, const union lvs_addr *addr,
			    uint16_t port, uint32_t fwmark);
void lvs_metrics_dest_labels(struct strbuf *lbl, int af, const union lvs_addr *addr, uint16_t port);

int lvs_metrics_table(struct lvs_table *t, struct strbuf *out);

#endif
