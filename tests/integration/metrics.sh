#!/bin/bash
# metrics.sh - the "metrics" view (Prometheus text format) against real
# traffic: LVS-NAT through lvsd (scripts/lab.sh's NAT lab: client
# 172.20.0.100, VIP 172.20.0.24, RS 192.168.1.16 / .8) with the health
# checker on both real servers.  The view passes `promtool check
# metrics`; its per real server counters are ipvsadm --stats's; its
# node_ipvs_* series are what Debian's prometheus-node-exporter (ipvs
# collector) makes of lvsd's /proc-format views; a stopped real server
# reads lvsd_real_server_up 0.  A real Prometheus (Debian's) scrapes
# lvsd --http's /metrics every second and its query API tells the same.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=metrics
. "$(dirname "$0")/dp-lib.sh"

for t in promtool prometheus prometheus-node-exporter curl jq; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed (scripts/deps.sh test)"; exit 0; }
done
series() { python3 "$here/prom-series.py" "$@"; }
metrics() { dp_view metrics; }

dp_lab nat
cat >"$LAB_TMP/keepalived.conf" <<CFG
virtual_server $LAB_VIP 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server $LAB_RS1 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server $LAB_RS2 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
CFG
HTTP=127.0.0.1:19180 PROM=127.0.0.1:19190
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" -c "$LAB_TMP/keepalived.conf" --http "$HTTP" ||
	{ tap_fail "lvsd -c keepalived.conf --http starts in the director namespace"; exit 1; }
tap_ok "lvsd -c keepalived.conf --http starts in the director namespace"

# Prometheus in the director namespace, scraping lvsd every second
cat >"$LAB_TMP/prometheus.yml" <<CFG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: lvsd
    static_configs:
      - targets: ['$HTTP']
CFG
mkdir -p "$LAB_TMP/tsdb"
bg_start prom_pid ip netns exec "${DP_P}d" prometheus --config.file="$LAB_TMP/prometheus.yml" \
	--storage.tsdb.path="$LAB_TMP/tsdb" --web.listen-address="$PROM" >"$LAB_TMP/prometheus.log" 2>&1
# promq QUERY: the value of the query's single result ("" when none)
promq() {
	ip netns exec "${DP_P}d" curl -s -m 3 "http://$PROM/api/v1/query" --data-urlencode "query=$1" |
		jq -r 'if .status == "success" and (.data.result | length) == 1 then .data.result[0].value[1] else "" end'
}

# more kinds of service for the label checks: UDP, firewall mark, IPv6
ipv -A -u "$LAB_VIP:53" -s rr
ipv -a -u "$LAB_VIP:53" -r "$LAB_RS1" -m
ipv -A -f 7 -s wlc
ipv -a -f 7 -r "$LAB_RS2" -g -w 5
ipv -A -t "[2001:db8::1]:443" -s rr
ipv -a -t "[2001:db8::1]:443" -r "[2001:db8:0:0:1::10]:8443" -m

rs_up() {  # rs_up RS VALUE: lvsd_real_server_up of RS:80 under the VIP's TCP service is VALUE
	metrics | grep -qxF "lvsd_real_server_up{local_address=\"$LAB_VIP\",local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"$1\",remote_port=\"80\"} $2"
}
tap_check "both real servers checked up: lvsd_real_server_up 1" \
	wait_for 15 eval 'rs_up "$LAB_RS1" 1 && rs_up "$LAB_RS2" 1'

out=$(client http "$LAB_VIP" 200 8)
tap_check "200 HTTP requests through the VIP ($(count_of RS1 "$out") to RS1, $(count_of RS2 "$out") to RS2)" \
	test "$(fail_of "$out")" = 0 -a "$(( $(count_of RS1 "$out") + $(count_of RS2 "$out") ))" = 200
out=$(client udp "$LAB_VIP" 10 20)
tap_check "UDP datagrams through the VIP" test "$(fail_of "$out")" = 0
# the counters listings show are the estimator's 2 s snapshots
sleep 2.5

metrics >"$LAB_TMP/metrics.prom"
out=$(promtool check metrics <"$LAB_TMP/metrics.prom" 2>&1)
tap_check "promtool check metrics accepts the view ($(grep -vc '^#' "$LAB_TMP/metrics.prom") samples)" \
	test $? = 0 -a -z "$out"
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
for f in lvsd_build_info lvsd_start_time_seconds lvsd_datapath_packets_total lvsd_fastpath_forwarded_total \
	lvsd_sync_lost_connections_total lvsd_control_requests_total lvsd_reloads_total \
	lvsd_real_server_check_duration_seconds lvsd_service_connections_per_second; do
	grep -q "^# TYPE $f " "$LAB_TMP/metrics.prom" || missing="${missing:-} $f"
done
tap_check "the view has lvsd's own families (daemon, datapath, sync, checker, rates)${missing:+; missing:$missing}" \
	test -z "${missing:-}"

# per real server counters: ipvsadm -L -n --stats --exact, read before and
# after the view so that an estimator tick between them is noticed
stats_equal() {
	local before after rs line want got
	before=$(ipv -L -n --stats --exact -t "$LAB_VIP:80")
	metrics >"$LAB_TMP/m.prom"
	after=$(ipv -L -n --stats --exact -t "$LAB_VIP:80")
	[ "$before" = "$after" ] || return 1
	for rs in "$LAB_RS1" "$LAB_RS2"; do
		line=$(awk -v rs="$rs:80" '$1 == "->" && $2 == rs { print $3, $4, $5, $6, $7 }' <<<"$after")
		got=""
		for f in connections incoming_packets outgoing_packets incoming_bytes outgoing_bytes; do
			got="$got $(series "lvsd_real_server_${f}_total" "$LAB_TMP/m.prom" |
				grep -F "local_address=\"$LAB_VIP\",local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"$rs\"," |
				awk '{ print $2 }')"
		done
		want=" $line"
		echo "# $rs: ipvsadm --stats:$want; metrics:$got"
		[ "$got" = "$want" ] || return 1
		[ "${line%% *}" -gt 0 ] || return 1
	done
}
tap_check "per real server conns/packets/bytes equal ipvsadm -L -n --stats --exact" wait_for 3 stats_equal

# per service rates: ipvsadm -L -n --rate --exact, the same way
rates_equal() {
	local before after want got f
	before=$(ipv -L -n --rate --exact -t "$LAB_VIP:80")
	metrics >"$LAB_TMP/r.prom"
	after=$(ipv -L -n --rate --exact -t "$LAB_VIP:80")
	[ "$before" = "$after" ] || return 1
	want=" $(awk '$1 == "TCP" { print $3, $4, $5, $6, $7 }' <<<"$after")"
	got=""
	for f in connections incoming_packets outgoing_packets incoming_bytes outgoing_bytes; do
		got="$got $(series "lvsd_service_${f}_per_second" "$LAB_TMP/r.prom" |
			grep -F "{local_address=\"$LAB_VIP\",local_mark=\"\",local_port=\"80\",proto=\"TCP\"}" |
			awk '{ print $2 }')"
	done
	echo "# ipvsadm --rate:$want; metrics:$got"
	[ "$got" = "$want" ] && [ "$(awk '{ print $2 }' <<<"$want")" -gt 0 ]
}
tap_check "per service rates (cps, pps, bps both ways) equal ipvsadm -L -n --rate --exact, and are not 0" \
	wait_for 3 rates_equal

# the same numbers through Prometheus: scraped from lvsd --http's /metrics
tap_check "Prometheus scrapes lvsd's /metrics (up{job=\"lvsd\"} 1)" wait_for 20 eval '[ "$(promq "up{job=\"lvsd\"}")" = 1 ]'
prom_equal() {
	local rs f line want got sel
	for rs in "$LAB_RS1" "$LAB_RS2"; do
		line=$(ipv -L -n --stats --exact -t "$LAB_VIP:80" | awk -v rs="$rs:80" '$1 == "->" && $2 == rs { print $3, $4, $5, $6, $7 }')
		sel="local_address=\"$LAB_VIP\",local_port=\"80\",proto=\"TCP\",remote_address=\"$rs\",remote_port=\"80\""
		got=""
		for f in connections incoming_packets outgoing_packets incoming_bytes outgoing_bytes; do
			got="$got $(promq "lvsd_real_server_${f}_total{$sel}")"
		done
		want=" $line"
		[ "$got" = "$want" ] || { echo "# $rs: ipvsadm --stats:$want; Prometheus:$got"; return 1; }
	done
	echo "# Prometheus = ipvsadm --stats for both real servers:$got"
}
tap_check "Prometheus's lvsd_real_server_*_total = ipvsadm -L -n --stats --exact" wait_for 10 prom_equal
tap_check "Prometheus: node_ipvs_connections_total = ipvsadm's total connections" \
	eval '[ "$(promq node_ipvs_connections_total)" = "$(ipv -L -n --stats --exact | awk "/^(TCP|UDP)/ { s += \$3 } END { print s }")" ]'

# node_exporter's ipvs collector over lvsd's /proc-format views
ne_compare() {
	local pdir=$LAB_TMP/procfs port=19100 ne
	mkdir -p "$pdir/net"
	metrics >"$LAB_TMP/m1.prom"
	dp_view ip_vs >"$pdir/net/ip_vs"
	dp_view ip_vs_stats >"$pdir/net/ip_vs_stats"
	metrics >"$LAB_TMP/m2.prom"
	bg_start ne ip netns exec "${DP_P}d" prometheus-node-exporter --path.procfs="$pdir" \
		--collector.disable-defaults --collector.ipvs --web.listen-address="127.0.0.1:$port"
	ns_wait_tcp "${DP_P}d" 127.0.0.1 "$port" 50
	ip netns exec "${DP_P}d" curl -s -m 5 "http://127.0.0.1:$port/metrics" >"$LAB_TMP/ne.prom"
	kill_wait "$ne"
	series node_ipvs_ "$LAB_TMP/ne.prom" >"$LAB_TMP/ne.series"
	series node_ipvs_ "$LAB_TMP/m1.prom" >"$LAB_TMP/m1.series"
	series node_ipvs_ "$LAB_TMP/m2.prom" >"$LAB_TMP/m2.series"
	# the views were read between two scrapes of lvsd that agree
	cmp -s "$LAB_TMP/m1.series" "$LAB_TMP/m2.series" && [ -s "$LAB_TMP/ne.series" ] &&
		cmp -s "$LAB_TMP/ne.series" "$LAB_TMP/m1.series"
}
if wait_for 2 ne_compare; then
	tap_ok "node_exporter's node_ipvs_* over lvsd's views = lvsd's node_ipvs_* ($(grep -vc '^#' "$LAB_TMP/ne.series") series; names, HELP, TYPE, labels, values)"
else
	tap_fail "node_exporter's node_ipvs_* over lvsd's views = lvsd's node_ipvs_*"
	diff "$LAB_TMP/ne.series" "$LAB_TMP/m1.series" | head -20 | sed 's/^/# /'
fi
tap_check "... which carry traffic (node_ipvs_connections_total > 0) and all four services' real servers" \
	eval 'grep -q "^node_ipvs_connections_total{} [1-9]" "$LAB_TMP/ne.series" &&
		test "$(grep -c "^node_ipvs_backend_weight{" "$LAB_TMP/ne.series")" = 5'

# a stopped real server: its check fails, the checker says so
kill_wait "${LAB_PIDS[0]}"
tap_check "RS1's server stopped: lvsd_real_server_up 0 for RS1, 1 for RS2" \
	wait_for 15 eval 'rs_up "$LAB_RS1" 0 && rs_up "$LAB_RS2" 1'
tap_check "... its check's last result is a failure" \
	eval 'metrics | grep -q "^lvsd_real_server_check_last_success{.*remote_address=\"$LAB_RS1\".*} 0$"'
tap_check "... and the view still passes promtool" eval 'metrics | promtool check metrics'
tap_check "Prometheus: lvsd_real_server_up 0 for RS1, 1 for RS2" wait_for 10 eval \
	'[ "$(promq "lvsd_real_server_up{proto=\"TCP\",remote_address=\"$LAB_RS1\"}")" = 0 ] &&
	 [ "$(promq "lvsd_real_server_up{proto=\"TCP\",remote_address=\"$LAB_RS2\"}")" = 1 ]'

# a reload is counted with its result
ip netns exec "${DP_P}d" "$LVSD_BUILD/lvsd" -S "$LVSD_SOCKET" --cmd reload >/dev/null
tap_check "a reload: lvsd_reloads_total{result=\"success\"} 1, lvsd_last_reload_success 1" \
	eval 'metrics | grep -qx "lvsd_reloads_total{result=\"success\"} 1" && metrics | grep -qx "lvsd_last_reload_success 1"'

kill_wait "$prom_pid"
tap_check "lvsd exits cleanly" dp_lvsd_stop
echo "1..$_tap_n"
