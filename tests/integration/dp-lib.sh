# tests/integration/dp-lib.sh - shared setup for the datapath suites (source
# it after tests/lib/common.sh).  Builds a lab from scripts/lab.sh under the
# prefix lvsd-dp-<suite><pid>-, runs lvsd in the director namespace and the
# test servers in the real-server namespaces, and tears everything down on
# exit, even when a test fails or the suite is killed.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$LVSD_TOP/scripts/lab.sh"

LAB_PIDS=()
mktemp_dir LAB_TMP lvsd-dp
DP_P="lvsd-dp-${DP_SUITE:-x}$$-"

_dp_cleanup() {
	[ -n "${DP_LVSD_PID:-}" ] && kill "$DP_LVSD_PID" 2>/dev/null
	lab_down "$DP_P"
	_common_cleanup
}
trap _dp_cleanup EXIT
trap 'exit 1' INT TERM

ipv() { ip netns exec "${DP_P}d" "$LVSD_BUILD/ipvsadm" "$@"; }
incl() { ip netns exec "${DP_P}c" "$@"; }
client() { ip netns exec "${DP_P}c" python3 "$here/dp-client.py" "$@"; }
dp_view() { ip netns exec "${DP_P}d" "$LVSD_BUILD/lvsd" -S "$LVSD_SOCKET" --show "${1:-datapath}"; }
# dp_reason NAME: the datapath counter of one reason
dp_reason() { dp_view datapath | awk -v r="$1" '$1 == r { print $2 }'; }

# dp_lab nat|dr|tun: the lab of that forwarding method (TUN: the plain
# LAN, the suite sets up its tunnels) with dp_servers running; the suite
# ends at once if the lab cannot be built
dp_lab() {
	case $1 in
	nat) lab_nat "$DP_P" ;;
	dr) lab_lan "$DP_P" && lab_rs_dr "$DP_P" ;;
	tun) lab_lan "$DP_P" ;;
	esac || { tap_fail "${1^^} lab setup"; exit 1; }
	dp_servers
}

# dp_start nat|dr|tun [NAME]: dp_lab, then lvsd on $DP_BACKEND with
# $DP_WORKERS workers, which a TAP line NAME reports
dp_start() {
	dp_lab "$1"
	dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "lvsd starts in the director namespace"; exit 1; }
	tap_ok "${2:-lvsd starts with $DP_WORKERS workers}"
}

# dp_start_xdp nat|dr DEV...: dp_start on the AF_XDP backend, then the
# checks that the datapath runs it and that its XDP program is attached
# natively on each DEV of the director
dp_start_xdp() {
	local lab=$1 dev
	shift
	DP_BACKEND=xdp dp_start "$lab" "lvsd starts with --backend xdp and $DP_WORKERS workers"
	tap_check "the datapath runs the AF_XDP backend" grep -q '^backend: afxdp' <<<"$(dp_view)"
	for dev in "$@"; do
		tap_check "XDP program attached natively on the director's $dev" \
			bash -c "ip -n ${DP_P}d -d link show $dev | grep -q 'prog/xdp'"
	done
}

# dp_servers: rs-server.py on both real servers, a 50 MB file to serve
dp_servers() {
	local n
	head -c $((50 * 1024 * 1024)) /dev/urandom >"$LAB_TMP/bulk.bin"
	for n in 1 2; do
		ip netns exec "${DP_P}rs$n" python3 "$here/rs-server.py" "RS$n" "$LAB_TMP" \
			>"$LAB_TMP/rs$n.log" 2>&1 &
		LAB_PIDS+=("$!")
	done
	for n in 1 2; do ns_wait_tcp "${DP_P}rs$n" 127.0.0.1 80; done
}

# dp_named_servers PORT: on both real servers a plain-HTTP listener on
# PORT that answers its name (RS1, RS2), stopped with the lab
dp_named_servers() {
	local n
	for n in 1 2; do
		ip netns exec "${DP_P}rs$n" python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = (sys.argv[1] + "\n").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[2])), H).serve_forever()' "RS$n" "$1" >/dev/null 2>&1 &
		LAB_PIDS+=("$!")
	done
	for n in 1 2; do ns_wait_tcp "${DP_P}rs$n" 127.0.0.1 "$1"; done
}

# dp_lvsd [ARGS]: lvsd in the director namespace on a private socket
dp_lvsd() {
	export LVSD_SOCKET="$LAB_TMP/lvsd.sock"
	DP_LVSD_LOG="$LAB_TMP/lvsd.log"
	lvsd_run DP_LVSD_PID "$DP_LVSD_LOG" ip netns exec "${DP_P}d" "$LVSD_BUILD/lvsd" -f -S "$LVSD_SOCKET" "$@"
}

# dp_lvsd_stop: stop lvsd; fails if it crashed earlier or a sanitizer spoke
dp_lvsd_stop() {
	local rc=0
	lvsd_reap "$DP_LVSD_PID" "$DP_LVSD_LOG" || rc=1
	DP_LVSD_PID=
	return $rc
}

# field KEY <<< "client output": value of "KEY NAME n" / "KEY n" lines
count_of() { awk -v n="$1" '$1 == "count" && $2 == n { print $3 }' <<<"$2"; }
fail_of() { awk '$1 == "fail" { print $2 }' <<<"$1"; }

# the director must run with 2 workers (fanout) in every suite; these suites
# test the AF_PACKET backend (DP_BACKEND=xdp runs them on AF_XDP)
DP_WORKERS=${DP_WORKERS:-2}
DP_BACKEND=${DP_BACKEND:-afpacket}

# common checks used by the NAT/DR/TUN suites --------------------------------

# dp_check_basic METHOD_FLAG [EXTRA...]: rr order, HTTP, UDP, bulk, wrk
dp_check_basic() {
	local flag=$1; shift
	local out order sum1 sum2
	# a fresh client port range per round: in DR/TUN the director keeps
	# FIN_WAIT entries for 2 min, and a SYN reusing such a port would follow
	# its old connection (IPVS does the same), not the scheduler
	DP_ROUND=$(( ${DP_ROUND:-0} + 1 ))
	incl sysctl -qw net.ipv4.ip_local_port_range="$((10000 + DP_ROUND * 9000)) $((18999 + DP_ROUND * 9000))"
	ipv -A -t "$LAB_VIP:80" -s rr
	ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" "$flag" "$@"
	ipv -a -t "$LAB_VIP:80" -r "$LAB_RS2" "$flag" "$@"
	ipv -A -u "$LAB_VIP:53" -s rr
	ipv -a -u "$LAB_VIP:53" -r "$LAB_RS1" "$flag" "$@"
	ipv -a -u "$LAB_VIP:53" -r "$LAB_RS2" "$flag" "$@"

	out=$(client http "$LAB_VIP" 6)
	order=$(awk '$1 == "order" { $1 = ""; print substr($0, 2) }' <<<"$out")
	if [ "$order" = "RS2 RS1 RS2 RS1 RS2 RS1" ]; then tap_ok "${DP_TAG:-}rr alternation newest dest first (.8, .16, ...)"
	else tap_fail "${DP_TAG:-}rr alternation newest dest first (.8, .16, ...)" "got: $order"; fi

	out=$(incl curl -s -m 5 "http://$LAB_VIP/")
	tap_check "${DP_TAG:-}curl through the VIP" test -n "$out" -a "${out#RS}" != "$out"

	out=$(client udp "$LAB_VIP" 20 100)
	# one socket = one connection: every datagram goes to the same RS (RS2, rr)
	if [ "$(fail_of "$out")" = 0 ] && [ "$(count_of RS2 "$out")" = 20 ]; then
		tap_ok "${DP_TAG:-}UDP request/response through the VIP (20 datagrams, one connection)"
	else tap_fail "${DP_TAG:-}UDP request/response through the VIP (20 datagrams, one connection)" "$(tr '\n' ' ' <<<"$out")"; fi

	[ -n "${DP_QUICK:-}" ] && return 0
	incl curl -s -m 60 -o "$LAB_TMP/got.bin" "http://$LAB_VIP/bulk.bin"
	sum1=$(sha256sum <"$LAB_TMP/bulk.bin" | cut -d' ' -f1)
	sum2=$(sha256sum <"$LAB_TMP/got.bin" 2>/dev/null | cut -d' ' -f1)
	rm -f "$LAB_TMP/got.bin"
	tap_check "${DP_TAG:-}bulk TCP transfer of 50 MB, sha256 equal" test "$sum1" = "$sum2"

	# upload: client GSO frames, DF; in TUN the director answers "frag
	# needed" (1500 + tunnel > MTU) and the client's TCP adapts
	out=$(client upload "$LAB_VIP" $((20 * 1024 * 1024)) 2>&1)
	tap_check "${DP_TAG:-}upload of 20 MB through the VIP, sha256 equal" test "$out" = "upload ok"

	out=$(incl wrk -t1 -c8 -d3 "http://$LAB_VIP/" 2>&1)
	local reqs errs
	reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
	errs=$(grep -cE 'Socket errors|Non-2xx' <<<"$out")
	if [ "${reqs:-0}" -gt 20 ] && [ "$errs" = 0 ]; then tap_ok "${DP_TAG:-}wrk load: $reqs requests, no errors"
	else tap_fail "${DP_TAG:-}wrk load" "$(tr '\n' ' ' <<<"$out")"; fi
}

# dp_check_fragneeded: the client's ICMP frag-needed about a VIP reply must
# reach the real server of that connection (RS learns mtu 1200 to the client)
dp_check_fragneeded() {
	local n mtu
	for n in 1 2; do ip -n "${DP_P}rs$n" route flush cache 2>/dev/null; done
	ip netns exec "${DP_P}c" /usr/bin/python3 "$here/dp-icmp.py" fragneeded "$LAB_VIP" >/dev/null 2>&1
	sleep 0.3
	mtu=$(for n in 1 2; do ip -n "${DP_P}rs$n" route get "$LAB_CIP" 2>/dev/null; done | grep -o 'mtu 1200')
	tap_check "${DP_TAG:-}client's ICMP frag-needed about a VIP reply reaches the RS (RS learns mtu 1200)" test "$mtu" = "mtu 1200"
}
