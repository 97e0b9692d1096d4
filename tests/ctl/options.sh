#!/bin/bash
# options.sh - lvsd's options for what used to be environment-only settings
# (--fastpath, --fastpath-min-pkts, --xdp-tx, --tun-dev, --set) and
# --max-conns: listed in --help, bad values refused as usage errors, and
# each one changing what the running daemon reports; the LVSD_* variables still preset them and
# the command line wins.  The datapath runs in a private namespace with one
# veth pair (no traffic: the views say what the datapath set up).
. "$(dirname "$0")/../lib/common.sh"
LVSD="$LVSD_BUILD/lvsd"
tmp=$(mktemp -d /tmp/lvsd-ctl-options.XXXXXX)
cleanup_dir "$tmp"
NS="lvsd-opt$$"

help=$("$LVSD" --help)
for o in --fastpath --fastpath-min-pkts --xdp-tx --tun-dev --set --max-conns; do
	tap_check "--help lists $o" grep -qE -- "^ +$o [A-Z]" <<<"$help"
done
for v in LVSD_FASTPATH LVSD_FASTPATH_MIN_PKTS LVSD_XDP_TX LVSD_TUN_DEV LVSD_SETTINGS; do
	tap_check "--help names \$$v" grep -qE "\\\$$v([^A-Z_]|\$)" <<<"$help"
done

# usage errors: exit 2 and a message naming the option, nothing started
usage_error() {
	local want=$1 out rc
	shift
	out=$("$LVSD" -f -S "$tmp/never.sock" --backend none "$@" 2>&1)
	rc=$?
	[ $rc = 2 ] && grep -qF -- "$want" <<<"$out" && [ ! -e "$tmp/never.sock" ]
}
tap_check "--fastpath sideways: usage error" usage_error "--fastpath wants on, established or off" --fastpath sideways
tap_check "--fastpath-min-pkts 0: usage error" usage_error "--fastpath-min-pkts wants" --fastpath-min-pkts 0
tap_check "--xdp-tx zerocopy: usage error" usage_error "--xdp-tx wants xsk or afpacket" --xdp-tx zerocopy
tap_check "--max-conns 0: usage error" usage_error "--max-conns wants" --max-conns 0
tap_check "--set without '=': usage error" usage_error "missing '='" --set sloppy_tcp
tap_check "--set of an unknown setting: usage error" usage_error "no_such: unknown setting" --set no_such=1
tap_check "--set out of range: usage error" usage_error "expire_nodest_conn: invalid value (0..1)" \
	--set expire_nodest_conn=2
LVSD_SETTINGS="sloppy_tcp=1 conn_reuse_mode=9" usage_error "LVSD_SETTINGS: conn_reuse_mode: invalid value"
tap_check "LVSD_SETTINGS with a bad pair: usage error" test $? = 0

# --set: applied at start, after $LVSD_SETTINGS
setting() { awk -v k="$1" '$1 == k { print $2 }' <<<"$2"; }
LVSD_SETTINGS="sloppy_tcp=1,conn_reuse_mode=0 lblc_expiration=30" \
	lvsd_start --backend none --set expire_nodest_conn=1 --set lblcr_expiration=60 --set conn_reuse_mode=2 ||
	tap_fail "lvsd starts with --set and LVSD_SETTINGS"
s=$("$LVSD" --show settings)
tap_check "--set expire_nodest_conn=1 shows in the settings view" test "$(setting expire_nodest_conn "$s")" = 1
tap_check "--set lblcr_expiration=60 shows in the settings view" test "$(setting lblcr_expiration "$s")" = 60
tap_check "LVSD_SETTINGS still applies (sloppy_tcp 1, lblc_expiration 30)" \
	test "$(setting sloppy_tcp "$s")" = 1 -a "$(setting lblc_expiration "$s")" = 30
tap_check "--set wins over LVSD_SETTINGS (conn_reuse_mode 2)" test "$(setting conn_reuse_mode "$s")" = 2
tap_check "untouched settings keep the kernel's default (expire_quiescent_template 0)" \
	test "$(setting expire_quiescent_template "$s")" = 0
lvsd_stop
tap_check "no sanitizer report (settings)" bash -c "! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' '$LVSD_LOG'"

# the datapath's options, in a namespace of its own
ns_add "$NS" && ip -n "$NS" link add veth0 type veth peer name veth1 &&
	ip -n "$NS" link set veth0 up && ip -n "$NS" link set veth1 up ||
	{ tap_fail "namespace setup"; exit 1; }
sock="$tmp/dp.sock"
DP_PID=
# dp_run [ENV=VAL...] -- ARGS...: lvsd in the namespace, its datapath view
# in $view; stops it again and fails on a sanitizer report
dp_run() {
	local envs=() log="$tmp/dp.log" rc=0
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -f "$sock"
	env "${envs[@]}" ip netns exec "$NS" "$LVSD" -f -S "$sock" -w 1 "$@" >"$log" 2>&1 &
	DP_PID=$!
	cleanup_pid "$DP_PID"
	for _ in $(seq 200); do [ -S "$sock" ] && break; kill -0 "$DP_PID" 2>/dev/null || break; sleep 0.05; done
	view=$("$LVSD" -S "$sock" --show datapath 2>&1)
	kill "$DP_PID" 2>/dev/null
	wait "$DP_PID" 2>/dev/null || rc=1
	grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$log" && rc=1
	[ $rc = 0 ] || { echo "# lvsd log:"; tail -20 "$log" | sed 's/^/# /'; }
	return $rc
}
vnum() { awk -v k="$1" '$1 == k { print $2 }' <<<"$view"; }

dp_run -- --backend afpacket || tap_fail "afpacket, defaults: lvsd runs and stops cleanly"
tap_check "defaults: the TC fast path, from the SYN on, after 8 packets" \
	test "$(vnum fastpath)/$(vnum fastpath_takes)/$(vnum fastpath_min_pkts)" = tc/setup/8
dp_run -- --backend afpacket --fastpath off || tap_fail "--fastpath off: lvsd runs and stops cleanly"
tap_check "--fastpath off: the datapath says fastpath none" \
	test "$(vnum fastpath)/$(vnum fastpath_takes)" = none/nothing
dp_run LVSD_FASTPATH=off -- --backend afpacket || tap_fail "LVSD_FASTPATH=off: lvsd runs and stops cleanly"
tap_check "LVSD_FASTPATH=off still turns it off" test "$(vnum fastpath)" = none
dp_run LVSD_FASTPATH=off -- --backend afpacket --fastpath on || tap_fail "--fastpath on over LVSD_FASTPATH=off: lvsd runs"
tap_check "--fastpath on wins over LVSD_FASTPATH=off" test "$(vnum fastpath)" = tc
dp_run -- --backend afpacket --fastpath established --fastpath-min-pkts 3 ||
	tap_fail "--fastpath established: lvsd runs and stops cleanly"
tap_check "--fastpath established --fastpath-min-pkts 3: established flows after 3 packets" \
	test "$(vnum fastpath)/$(vnum fastpath_takes)/$(vnum fastpath_min_pkts)" = tc/established/3
dp_run LVSD_FASTPATH=established LVSD_FASTPATH_MIN_PKTS=5 -- --backend afpacket ||
	tap_fail "LVSD_FASTPATH=established: lvsd runs and stops cleanly"
tap_check "LVSD_FASTPATH=established LVSD_FASTPATH_MIN_PKTS=5 still apply" \
	test "$(vnum fastpath_takes)/$(vnum fastpath_min_pkts)" = established/5
dp_run -- --backend xdp --xdp-tx afpacket || tap_fail "--xdp-tx afpacket: lvsd runs and stops cleanly"
tap_check "--xdp-tx afpacket: the AF_XDP backend transmits through AF_PACKET" \
	grep -qE '^backend: afxdp.* tx=afpacket( |$)' <<<"$view"
dp_run LVSD_XDP_TX=afpacket -- --backend xdp --xdp-tx xsk || tap_fail "--xdp-tx xsk: lvsd runs and stops cleanly"
tap_check "--xdp-tx xsk wins over LVSD_XDP_TX=afpacket (XSK TX rings)" \
	grep -qE '^backend: afxdp.* tx=xsk( |$)' <<<"$view"
dp_run -- --backend afpacket --tun-dev /nonexistent/tun || tap_fail "--tun-dev: lvsd runs and stops cleanly"
tap_check "--tun-dev /nonexistent/tun: no local delivery, the datapath says why" \
	grep -qx 'local: unavailable (cannot create a TUN device: /nonexistent/tun: No such file or directory).*' <<<"$view"
dp_run LVSD_TUN_DEV=/nonexistent/tun -- --backend afpacket || tap_fail "LVSD_TUN_DEV: lvsd runs and stops cleanly"
tap_check "LVSD_TUN_DEV=/nonexistent/tun still applies" grep -q '^local: unavailable (cannot create a TUN device: /nonexistent/tun' <<<"$view"
dp_run LVSD_TUN_DEV=/nonexistent/tun -- --backend afpacket --tun-dev /dev/net/tun ||
	tap_fail "--tun-dev over LVSD_TUN_DEV: lvsd runs and stops cleanly"
tap_check "--tun-dev /dev/net/tun wins over LVSD_TUN_DEV (a TUN device)" grep -q '^local: tun lvsd' <<<"$view"
