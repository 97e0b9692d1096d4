#!/bin/bash
# scripts/demo.sh [nat|dr|tun] - the seeds' LVS lab, served by lvsd, in
# network namespaces (prefix lvsd-demo-).  `make demo MODE=dr` etc.
#
#   nat: client 172.20.0.100 -> VIP 172.20.0.24:80 -> RS1 192.168.1.16 / RS2 192.168.1.8 (-m)
#   dr:  same addresses, RSes on the director's LAN with the VIP on lo (-g)
#   tun: same, RSes decapsulate IPIP with tools/lvs-decap (-i)
# Everything is torn down on exit, even on failure or ^C.
set -u
MODE=${1:-${MODE:-nat}}
LVSD_TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=build}"
LVSD_BUILD="$LVSD_TOP/$BUILD"
P=lvsd-demo-
LAB_TMP=$(mktemp -d /tmp/lvsd-demo.XXXXXX)
LAB_PIDS=()
export LVSD_SOCKET="$LAB_TMP/lvsd.sock"
. "$LVSD_TOP/scripts/lab.sh"

cleanup() {
	[ -n "${LVSD_PID:-}" ] && kill "$LVSD_PID" 2>/dev/null && wait "$LVSD_PID" 2>/dev/null
	lab_down "$P"
	rm -rf "$LAB_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for b in lvsd ipvsadm; do
	[ -x "$LVSD_BUILD/$b" ] || { echo "demo: $LVSD_BUILD/$b missing: run make" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
lab_down "$P"   # leftovers of an interrupted run

case $MODE in
nat) lab_nat "$P" || exit 1; flag=-m ;;
dr)  lab_lan "$P" && lab_rs_dr "$P" || exit 1; flag=-g ;;
tun) lab_lan "$P" && lab_rs_tun "$P" ipip || exit 1; flag=-i ;;
*) echo "usage: $0 nat|dr|tun" >&2; exit 2 ;;
esac
lab_web "$P"

D="ip netns exec ${P}d"
C="ip netns exec ${P}c"
ipvsadm() { $D "$LVSD_BUILD/ipvsadm" "$@"; }

echo "== LVS-${MODE^^} lab: client $LAB_CIP, VIP $LAB_VIP:80, RS $LAB_RS1 and $LAB_RS2"
# the status page, /status.json and /metrics on the director's loopback
HTTP=127.0.0.1:8080
$D "$LVSD_BUILD/lvsd" -f -S "$LVSD_SOCKET" --http "$HTTP" >"$LAB_TMP/lvsd.log" 2>&1 &
LVSD_PID=$!
for _ in $(seq 100); do [ -S "$LVSD_SOCKET" ] && break; sleep 0.05; done
[ -S "$LVSD_SOCKET" ] || { echo "lvsd did not start:" >&2; cat "$LAB_TMP/lvsd.log" >&2; exit 1; }

echo "# ipvsadm -A -t $LAB_VIP:80 -s rr"
ipvsadm -A -t "$LAB_VIP:80" -s rr
echo "# ipvsadm -a -t $LAB_VIP:80 -r $LAB_RS1 $flag"
ipvsadm -a -t "$LAB_VIP:80" -r "$LAB_RS1" $flag
echo "# ipvsadm -a -t $LAB_VIP:80 -r $LAB_RS2 $flag"
ipvsadm -a -t "$LAB_VIP:80" -r "$LAB_RS2" $flag
echo "# ipvsadm -L -n"
ipvsadm -L -n

echo "== curl http://$LAB_VIP/ from the client, 10 times"
fails=0
for i in $(seq 1 10); do
	out=$($C curl -s -m 3 "http://$LAB_VIP/") || { out="(failed)"; fails=$((fails + 1)); }
	printf '%2d: %s\n' "$i" "$out"
done
sleep 2.2   # the rate estimator (like the kernel's) snapshots counters every 2 s
echo "# ipvsadm -L -n --stats"
ipvsadm -L -n --stats
echo "# ipvsadm -L -n -c"
ipvsadm -L -n -c
if [ "$fails" -ne 0 ]; then
	echo "== $fails of 10 requests failed; lvsd log and datapath counters:"
	cat "$LAB_TMP/lvsd.log"
	$D "$LVSD_BUILD/lvsd" -S "$LVSD_SOCKET" --show datapath
	exit 1
fi
echo "== all 10 requests answered"
echo "# curl -s http://$HTTP/metrics (in the director's namespace), the real servers' lines"
$D curl -s -m 3 "http://$HTTP/metrics" | grep -E '^lvsd_real_server_(up|weight)|^node_ipvs_backend_connections_inactive'
echo "# curl -s http://$HTTP/status.json | jq '.services[].real_servers[] | {address, state, weight, conns: .stats.conns}'"
$D curl -s -m 3 "http://$HTTP/status.json" | jq -c '.services[].real_servers[] | {address, state, weight, conns: .stats.conns}'
echo "== the live status page: http://$HTTP/ in the director's namespace (${P}d)"
if [ -n "${HOLD:-}" ]; then
	# a bridge on the host's own loopback so a browser can open the page;
	# only the host's 127.0.0.1 is used, never a lab address
	port=${HOLD_PORT:-8080}
	socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" \
		EXEC:"ip netns exec ${P}d socat STDIO TCP\:$HTTP" 2>/dev/null &
	LAB_PIDS+=($!)
	echo "   open http://127.0.0.1:$port/ in a browser on this machine; Enter ends the demo"
	read -r _ || sleep infinity
else
	echo "   to keep the lab up and open it in a browser: make demo HOLD=1 (then http://127.0.0.1:8080/)"
fi
