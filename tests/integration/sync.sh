#!/bin/bash
# sync.sh - connection sync between two directors (ipvsadm --start-daemon)
# and a fail-over that keeps established connections.
#
# LVS-DR LAN lab (scripts/lab.sh) plus a second director d2 (192.168.1.2)
# on the same switch.  d runs the sync master, d2 the backup, both with
# the same service.  A connection opened before the master started is the
# control (never synced: it must break at fail-over); one opened after it
# must show up on d2 (Origin SYNC, same real server) and keep working when
# the router moves the VIP to d2.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=sync
. "$(dirname "$0")/dp-lib.sh"

D2="${DP_P}d2"   # lab_down removes it with the rest
D2_PID=
_sync_cleanup() {
	[ -n "$D2_PID" ] && kill "$D2_PID" 2>/dev/null
	for fd in 7 8; do eval "exec $fd>&-" 2>/dev/null; done
	_dp_cleanup
}
trap _sync_cleanup EXIT

lab_lan "$DP_P" && lab_rs_dr "$DP_P" || { tap_fail "DR lab setup"; exit 1; }
{
	_lab_ns "$D2" && _lab_port "$DP_P" "$D2" eth0 &&
		ip -n "$D2" addr add 192.168.1.2/24 dev eth0 &&
		ip -n "$D2" route add default via 192.168.1.254
} || { tap_fail "second director setup"; exit 1; }
dp_servers
dp_lvsd -b afpacket -w 1 || { tap_fail "lvsd starts in d"; exit 1; }
D2_SOCK="$LAB_TMP/lvsd2.sock"
D2_LOG="$LAB_TMP/lvsd2.log"
ip netns exec "$D2" "$LVSD_BUILD/lvsd" -f -S "$D2_SOCK" -b afpacket -w 1 >"$D2_LOG" 2>&1 &
D2_PID=$!
for _ in $(seq 200); do [ -S "$D2_SOCK" ] && break; sleep 0.05; done
tap_check "lvsd starts in d2" test -S "$D2_SOCK"
ipv2() { LVSD_SOCKET=$D2_SOCK ip netns exec "$D2" "$LVSD_BUILD/ipvsadm" "$@"; }
view2() { ip netns exec "$D2" "$LVSD_BUILD/lvsd" -S "$D2_SOCK" --show "$1"; }
counter() { awk -v k="$2" '$1 == k { print $2 }' <<<"$1"; }

for f in ipv ipv2; do
	$f -A -t "$LAB_VIP:80" -s rr &&
		$f -a -t "$LAB_VIP:80" -r "$LAB_RS1" -g &&
		$f -a -t "$LAB_VIP:80" -r "$LAB_RS2" -g || tap_fail "$f: service setup"
done

# the control: established before any sync daemon runs
# hold N FD WORD: a long-lived ECHO connection from client port 4000N whose
# input is file descriptor FD (one client port each, so that the tables can
# be searched); sends WORD and waits for the answer
hold() {
	mkfifo "$LAB_TMP/in$1"
	incl sysctl -qw net.ipv4.ip_local_port_range="4000$1 4000$1"
	client hold "$LAB_VIP" <"$LAB_TMP/in$1" >"$LAB_TMP/out$1" 2>&1 &
	LAB_PIDS+=("$!")
	eval "exec $2>\"\$LAB_TMP/in$1\""
	say "$1" "$2" "$3"
}
# say N FD WORD: send WORD on connection N, wait for its answer line
say() {
	local lines
	lines=$(($(wc -l <"$LAB_TMP/out$1") + 1))
	echo "$3" >&"$2"
	for _ in $(seq 60); do [ "$(wc -l <"$LAB_TMP/out$1")" -ge "$lines" ] && break; sleep 0.1; done
}

hold 1 7 one
rs_ctl=$(sed -n 2p "$LAB_TMP/out1" | awk '{ print $1 }')
tap_check "control connection answered before the fail-over ($rs_ctl)" grep -qE '^RS[12] one$' <(sed -n 2p "$LAB_TMP/out1")

# start the daemons; -L --daemon as ipvsadm prints it
ipv --start-daemon master --mcast-interface eth0 --syncid 7
ipv2 --start-daemon backup --mcast-interface eth0 --syncid 7
tap_check "d: -L --daemon lists the master" grep -q '^master sync daemon (mcast=eth0, syncid=7' <(ipv -L --daemon)
tap_check "d2: -L --daemon lists the backup" grep -q '^backup sync daemon (mcast=eth0, syncid=7' <(ipv2 -L --daemon)
tap_check "d: sync view says master running" grep -q '^master running' <(dp_view sync)
tap_check "d2: sync view says backup running" grep -q '^backup running' <(view2 sync)

# the connection that must survive
hold 2 8 two
rs_b=$(sed -n 2p "$LAB_TMP/out2" | awk '{ print $1 }')
tap_check "synced connection answered before the fail-over ($rs_b)" grep -qE '^RS[12] two$' <(sed -n 2p "$LAB_TMP/out2")
# short HTTP connections too: their FIN_WAIT state changes are sent at once
incl sysctl -qw net.ipv4.ip_local_port_range="30000 30999"
out=$(client http "$LAB_VIP" 4)
tap_check "4 HTTP requests through d" test "$(fail_of "$out")" = 0

# the backup learns the connection: same client port, same RS, ESTABLISHED
cport=40002
rs_b_addr=$LAB_RS1; [ "$rs_b" = RS2 ] && rs_b_addr=$LAB_RS2
for _ in $(seq 30); do
	out=$(ipv2 -L -n -c)
	grep -q "ESTABLISHED.*:$cport .*$rs_b_addr:80" <<<"$out" &&
		[ "$(grep -cE "FIN_WAIT +$LAB_CIP:30[0-9]{3} " <<<"$out")" -ge 4 ] && break
	sleep 0.1
done
out=$(ipv2 -L -n -c)
tap_check "d2 -Lc: the synced connection, ESTABLISHED, to $rs_b_addr" \
	grep -qE "^TCP [0-9:]+ +ESTABLISHED +$LAB_CIP:$cport +$LAB_VIP:80 +$rs_b_addr:80" <<<"$out"
if [ "$(grep -cE "FIN_WAIT +$LAB_CIP:30[0-9]{3} " <<<"$out")" -ge 4 ]; then
	tap_ok "d2 -Lc: the HTTP connections in FIN_WAIT"
else
	tap_fail "d2 -Lc: the HTTP connections in FIN_WAIT"; echo "$out" | sed 's/^/# /'
fi
tap_check "d2 ip_vs_conn_sync: Origin SYNC" grep -qE "^TCP .* SYNC " <(view2 ip_vs_conn_sync)
v=$(view2 sync)
tap_check "d2 imported entries, none malformed ($(counter "$v" conns_imported) imported)" \
	test "$(counter "$v" conns_imported)" -ge 5 -a "$(counter "$v" malformed)" = 0
v=$(dp_view sync)
tap_check "d sent them ($(counter "$v" msgs_sent) messages, no send error)" \
	test "$(counter "$v" msgs_sent)" -ge 1 -a "$(counter "$v" send_errors)" = 0
if grep -q "$LAB_CIP:40001 " <<<"$out"; then tap_fail "the control connection is not on d2"
else tap_ok "the control connection is not on d2"; fi

# bad input: garbage and a wrong syncid to the group, from the router
ip netns exec "${DP_P}rt" python3 - <<'EOF'
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.168.1.254"))
g = ("224.0.0.81", 8848)
s.sendto(b"\x00\x07\x00\x30garbage", g)                      # size field lies
s.sendto(b"\x00\x07\x00\x0c\x01\x01\x00\x00" + b"\x00\x06\x00\x40", g)  # entry overruns
s.sendto(struct.pack("!BBHBBH", 0, 9, 8, 0, 1, 0), g)       # syncid 9: not ours
EOF
sleep 0.3
v=$(view2 sync)
tap_check "d2 counted 2 malformed messages and 1 for another syncid" \
	test "$(counter "$v" malformed)" = 2 -a "$(counter "$v" other_syncid)" = 1
quiet() { "$@" >/dev/null 2>&1; }
tap_check "d2 still answers" quiet ipv2 -L -n

# forged but well-formed entries (syncid 7, v1, DR, ESTABLISHED, 31 days):
# one for a real server the service does not have, one for a real one
ip netns exec "${DP_P}rt" python3 - "$LAB_CIP" "$LAB_VIP" "$LAB_RS1" <<'EOF'
import socket, struct, sys
cip, vip, rs = (socket.inet_aton(a) for a in sys.argv[1:4])
def entry(cport, daddr):
    return struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 3, 1, cport, 80, 80, 0, 31 * 86400, cip, vip, daddr)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.168.1.254"))
for cport, daddr in ((45601, socket.inet_aton("10.9.9.9")), (45602, rs)):
    s.sendto(struct.pack("!BBHBbH", 0, 7, 8 + 36, 1, 1, 0) + entry(cport, daddr), ("224.0.0.81", 8848))
EOF
sleep 0.3
v=$(view2 sync)
out=$(ipv2 -L -n -c)
tap_check "d2 refused the entry for an unknown real server (import_no_dest $(counter "$v" import_no_dest))" \
	eval 'test "$(counter "$v" import_no_dest)" = 1 && ! grep -q "10.9.9.9" <<<"$out"'
tap_check "d2 cut the 31-day timeout to its own ESTABLISHED one (import_timeout_capped $(counter "$v" import_timeout_capped))" \
	eval 'test "$(counter "$v" import_timeout_capped)" -ge 1 && grep -qE "^TCP (1[0-4]|0[0-9]):[0-9]{2} +ESTABLISHED +$LAB_CIP:45602 " <<<"$out"'

# fail-over: the router sends the VIP to d2, d loses it
ip -n "$D2" addr add "$LAB_VIP/32" dev eth0
ip -n "${DP_P}d" addr del "$LAB_VIP/32" dev eth0
ip -n "${DP_P}rt" route replace "$LAB_VIP/32" via 192.168.1.2
ip -n "${DP_P}rt" neigh flush dev eth1 2>/dev/null
say 2 8 three
tap_check "after the fail-over the synced connection goes on, same RS ($rs_b three)" \
	grep -qx "$rs_b three" <(sed -n 3p "$LAB_TMP/out2")
say 1 7 three
tap_check "the control connection (never synced) broke" bash -c "! grep -q 'three' '$LAB_TMP/out1'"
[ -s "$LAB_TMP/out1" ] && sed 's/^/# control: /' "$LAB_TMP/out1"

ipv --stop-daemon master
tap_check "d: --stop-daemon master, -L --daemon empty" test -z "$(ipv -L --daemon)"
tap_check "d: sync view says master stopped" grep -q '^master stopped' <(dp_view sync)

kill "$D2_PID"; wait "$D2_PID"; rc=$?; D2_PID=
tap_check "lvsd d2 exits cleanly" test "$rc" = 0 -a -z "$(grep -E 'AddressSanitizer|runtime error' "$D2_LOG")"
tap_check "lvsd d exits cleanly" dp_lvsd_stop
