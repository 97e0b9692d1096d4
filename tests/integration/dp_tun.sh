#!/bin/bash
# LVS-TUN through lvsd: the RSes decapsulate with tools/lvs-decap (this
# kernel has no ipip/gre/fou) and answer the client directly; every tunnel
# type: ipip, gue (with and without UDP checksum), gre (with and without
# checksum).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=tun
. "$(dirname "$0")/dp-lib.sh"

dp_start tun

decap_pids=()
decap() {   # decap TYPE [PORT]: (re)start lvs-decap on both RSes
	local p n
	for p in "${decap_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	decap_pids=()
	for n in 1 2; do
		ip -n "${DP_P}rs$n" link del tunl0 2>/dev/null
		ip netns exec "${DP_P}rs$n" "$LVSD_BUILD/tools/lvs-decap" -t "$1" ${2:+-p "$2"} -d tunl0 \
			>>"$LAB_TMP/decap$n.log" 2>&1 &
		decap_pids+=("$!"); LAB_PIDS+=("$!")
	done
	for n in 1 2; do
		for _ in $(seq 50); do ip -n "${DP_P}rs$n" link show tunl0 >/dev/null 2>&1 && break; sleep 0.1; done
		ip netns exec "${DP_P}rs$n" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0
	done
}
for n in 1 2; do
	ip -n "${DP_P}rs$n" addr add "$LAB_VIP/32" dev lo label lo:1
	ip netns exec "${DP_P}rs$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
done

echo "# ipip"
decap ipip
dp_check_basic -i
dp_check_fragneeded
f0=$(dp_view | awk '$1 == "fragments" { print $2 }')
out=$(client udp "$LAB_VIP" 5 1472 nodf)
f1=$(dp_view | awk '$1 == "fragments" { print $2 }')
tap_check "full-size datagrams without DF: tunnel packets fragmented ($f0 -> $f1 fragments), all answered" \
	test "$(fail_of "$out")" = 0 -a "$((f1 - f0))" -ge 10
tb=$(dp_reason TOO_BIG)
tap_check "full-size DF packets got ICMP frag needed for the tunnel overhead (TOO_BIG=$tb)" test "${tb:-0}" -gt 0
tap_check "-Lc lists tunnelled connections" grep -qE '^TCP [0-9:]+ +FIN_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$(ipv -L -n -c)"

for spec in "gue 6080" "gue 6080 --tun-csum" "gre" "gre --tun-csum"; do
	set -- $spec
	echo "# $spec"
	type=$1; shift
	port=; [ "$type" = gue ] && { port=$1; shift; }
	decap "$type" $port
	ipv -C
	DP_QUICK=1
	[ "$*" = "--tun-csum" ] && [ "$type" = gre ] && DP_QUICK=
	DP_TAG="[$spec] "
	dp_check_basic -i --tun-type "$type" ${port:+--tun-port "$port"} "$@"
done
DP_QUICK=
DP_TAG=

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
