#!/bin/bash
# check_ipv6.sh - IPv6 virtual services end to end outside the packet path:
# health checks over IPv6 (keepalived TCP_CHECK, HTTP_GET, PING_CHECK,
# UDP_CHECK, DNS_CHECK; ldirectord connect, negotiate http, ping and dns) bring
# IPv6 real servers up when they answer and take them out when they stop,
# and the datapath (afpacket on the director's veth) names every IPv6
# service it does not forward instead of dropping it silently.
# Namespaces are private to the run (lvsd-v6<pid>-*), so that other
# engineers' check suites can run at the same time.
. "$(dirname "$0")/../lib/common.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
P="lvsd-v6$$-"
D="${P}dir" R="${P}rs1"
PY=$(python3 -c "import sys; print(sys.executable)" 2>/dev/null || echo python3)

# private copies of lvsd/ipvsadm: other engineers relink build/ while we run
mktemp_dir BIN lvsd-v6-bin
cp "$LVSD_BUILD/lvsd" "$LVSD_BUILD/ipvsadm" "$BIN/"
mktemp_dir work lvsd-v6

topology() {
	ns_add "$D" && ns_add "$R" || return 1
	ip link add v6d1 netns "$D" type veth peer name eth0 netns "$R" || return 1
	ip -n "$D" link set lo up && ip -n "$R" link set lo up
	ip -n "$D" addr add fd00:77::1/64 dev v6d1 nodad
	ip -n "$R" addr add fd00:77::11/64 dev eth0 nodad
	ip -n "$D" link set v6d1 up && ip -n "$R" link set eth0 up
}
topology || { tap_fail "topology"; exit 1; }

ipv() { ip netns exec "$D" "$BIN/ipvsadm" "$@"; }
# rs_line SVC RS: the "  -> RS ..." line under the service line SVC
rs_line() {
	ipv -L -n | awk -v svc="$1" -v rs="$2" '
		/^[A-Z]/ { insvc = index($0, svc) == 1 }
		insvc && $2 == rs { print; exit }'
}
rs_up() { [ "$(rs_line "$1" "$2" | awk '{print $4}')" = "${3:-1}" ]; }
rs_absent() { ipv -L -n >/dev/null 2>&1 && [ -z "$(rs_line "$1" "$2")" ]; }

# rs_web: python's HTTP server on [fd00:77::11]:80; its PID in $WEB
rs_web() {
	mkdir -p "$work/www" && echo ok >"$work/www/index.html"
	bg_start WEB ip netns exec "$R" "$PY" -m http.server 80 --bind fd00:77::11 --directory "$work/www" \
		>/dev/null 2>&1
	ns_wait_tcp "$D" fd00:77::11 80 50
}
# UDP echo on [fd00:77::11]:5353
bg_start UDP ip netns exec "$R" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("fd00:77::11", 5353))
while True:
    d, a = s.recvfrom(2048); s.sendto(d, a)
'

# DNS on [fd00:77::11]:5300: www.example.test A 192.0.2.7, else NXDOMAIN
bg_start DNS ip netns exec "$R" "$PY" "$(dirname "$0")/dns-server.py" fd00:77::11

# lvsd_in_dir LOG ARGS...: lvsd -f in the director namespace on a private socket
lvsd_in_dir() {
	local log=$1
	shift
	export LVSD_SOCKET="$work/lvsd.sock"
	LOG=$log
	lvsd_run LVSD "$LOG" ip netns exec "$D" "$BIN/lvsd" -f -S "$LVSD_SOCKET" "$@"
}
lvsd_in_dir_stop() { lvsd_reap "$LVSD" "$LOG"; }

rs_web || { tap_fail "IPv6 web server on the real server"; exit 1; }

# ---- keepalived.conf ---------------------------------------------------------
# ka_vs KEY METHOD PROTO: a virtual_server's head, checked every second;
# ka_rs ADDR PORT CHECKER [LINES]: a real_server with one checker (its
# extra LINES, backslash escapes expanded), 1 s timeout, no retry
ka_vs() { printf 'virtual_server %s {\n delay_loop 1\n lvs_sched rr\n lvs_method %s\n protocol %s\n alpha\n' "$@"; }
ka_rs() { printf ' real_server %s %s {\n  %s {\n%b   connect_timeout 1\n   retry 0\n  }\n }\n' "$1" "$2" "$3" "${4:-}"; }
{
	printf 'virtual_server_group V6R {\n 2001:db8::1 80\n 2001:db8::a-c 80\n}\n'
	ka_vs "group V6R" NAT TCP
	ka_rs fd00:77::11 80 TCP_CHECK
	echo "}"
	ka_vs "2001:db8::1 81" NAT TCP
	ka_rs fd00:77::11 80 HTTP_GET "   url {\n    path /index.html\n    status_code 200\n   }\n"
	echo "}"
	ka_vs "2001:db8::1 82" DR TCP
	ka_rs fd00:77::11 82 PING_CHECK
	ka_rs fd00:77::99 82 PING_CHECK
	echo "}"
	ka_vs "2001:db8::1 53" NAT UDP
	ka_rs fd00:77::11 5353 UDP_CHECK
	ka_rs fd00:77::11 5354 UDP_CHECK
	echo "}"
	ka_vs "2001:db8::1 54" NAT UDP
	ka_rs fd00:77::11 5300 DNS_CHECK "   type A\n   name www.example.test\n"
	ka_rs fd00:77::11 5301 DNS_CHECK "   type A\n   name www.example.test\n"
	echo "}"
} >"$work/ka.conf"
lvsd_in_dir "$work/ka.log" -b none -c "$work/ka.conf" || { tap_fail "lvsd starts with keepalived.conf"; exit 1; }
tap_check "keepalived TCP_CHECK over IPv6: listening -> up" \
	wait_for 6 rs_up "TCP  [2001:db8::1]:80 " "[fd00:77::11]:80"
tap_check "keepalived virtual_server_group IPv6 range: one service per address" bash -c \
	"ip netns exec $D $BIN/ipvsadm -L -n | grep -c '^TCP  \[2001:db8::[abc]\]:80 rr' | grep -qx 3"
tap_check "keepalived IPv6 range: the checked real server is in each" \
	wait_for 6 rs_up "TCP  [2001:db8::c]:80 " "[fd00:77::11]:80"
tap_check "keepalived HTTP_GET over IPv6: 200 -> up" \
	wait_for 6 rs_up "TCP  [2001:db8::1]:81 " "[fd00:77::11]:80"
tap_check "keepalived PING_CHECK over IPv6: reachable -> up" \
	wait_for 6 rs_up "TCP  [2001:db8::1]:82 " "[fd00:77::11]:82"
tap_check "keepalived PING_CHECK over IPv6: no such host -> not added" \
	rs_absent "TCP  [2001:db8::1]:82 " "[fd00:77::99]:82"
tap_check "keepalived UDP_CHECK over IPv6: echo server -> up" \
	wait_for 6 rs_up "UDP  [2001:db8::1]:53 " "[fd00:77::11]:5353"
tap_check "keepalived UDP_CHECK over IPv6: port unreachable -> not added" \
	rs_absent "UDP  [2001:db8::1]:53 " "[fd00:77::11]:5354"
tap_check "keepalived DNS_CHECK over IPv6: answer -> up" \
	wait_for 6 rs_up "UDP  [2001:db8::1]:54 " "[fd00:77::11]:5300"
tap_check "keepalived DNS_CHECK over IPv6: no server -> not added" \
	rs_absent "UDP  [2001:db8::1]:54 " "[fd00:77::11]:5301"
kill_wait "$WEB"
tap_check "keepalived TCP_CHECK over IPv6: stopped -> removed" \
	wait_for 6 rs_absent "TCP  [2001:db8::1]:80 " "[fd00:77::11]:80"
tap_check "keepalived HTTP_GET over IPv6: stopped -> removed" \
	wait_for 6 rs_absent "TCP  [2001:db8::1]:81 " "[fd00:77::11]:80"
tap_check "lvsd (keepalived.conf) exits cleanly" lvsd_in_dir_stop

# ---- ldirectord.cf -------------------------------------------------------------
rs_web || tap_fail "IPv6 web server restarts"
cat >"$work/ld.cf" <<'CFG'
checkinterval=1
checktimeout=2
quiescent=yes
virtual6=[2001:db8::2]:80
	real6=[fd00:77::11]:80 masq
	checktype=connect
	scheduler=rr
	protocol=tcp
virtual6=[2001:db8::2]:81
	real6=[fd00:77::11]:80 masq
	service=http
	checktype=negotiate
	request="index.html"
	receive="ok"
	scheduler=rr
	protocol=tcp
virtual6=[2001:db8::2]:82
	real6=[fd00:77::11]:82 gate
	real6=[fd00:77::99]:82 gate
	checktype=ping
	scheduler=rr
	protocol=tcp
virtual6=[2001:db8::2]:53
	real6=[fd00:77::11]:5300 masq
	protocol=udp
	service=dns
	request="www.example.test"
	receive="^192\.0\.2\.7$"
CFG
lvsd_in_dir "$work/ld.log" -b none -c "$work/ld.cf" || { tap_fail "lvsd starts with ldirectord.cf"; exit 1; }
tap_check "ldirectord checktype=connect over IPv6: listening -> weight 1" \
	wait_for 6 rs_up "TCP  [2001:db8::2]:80 " "[fd00:77::11]:80"
tap_check "ldirectord negotiate http over IPv6: body matches -> weight 1" \
	wait_for 6 rs_up "TCP  [2001:db8::2]:81 " "[fd00:77::11]:80"
tap_check "ldirectord checktype=ping over IPv6: reachable -> weight 1" \
	wait_for 6 rs_up "TCP  [2001:db8::2]:82 " "[fd00:77::11]:82"
tap_check "ldirectord checktype=ping over IPv6: no such host -> quiesced" \
	wait_for 6 rs_up "TCP  [2001:db8::2]:82 " "[fd00:77::99]:82" 0
tap_check "ldirectord service=dns over IPv6: answer matches -> weight 1" \
	wait_for 6 rs_up "UDP  [2001:db8::2]:53 " "[fd00:77::11]:5300"
kill_wait "$WEB"
kill_wait "$DNS"
tap_check "ldirectord service=dns over IPv6: stopped -> quiesced" \
	wait_for 8 rs_up "UDP  [2001:db8::2]:53 " "[fd00:77::11]:5300" 0
tap_check "ldirectord checktype=connect over IPv6: stopped -> quiesced" \
	wait_for 8 rs_up "TCP  [2001:db8::2]:80 " "[fd00:77::11]:80" 0
tap_check "ldirectord negotiate http over IPv6: stopped -> quiesced" \
	wait_for 8 rs_up "TCP  [2001:db8::2]:81 " "[fd00:77::11]:80" 0
tap_check "lvsd (ldirectord.cf) exits cleanly" lvsd_in_dir_stop

# ---- the datapath names what it does not forward -------------------------------
ip -n "$D" addr add 10.77.0.1/24 dev v6d1
lvsd_in_dir "$work/dp.log" -b afpacket -w 1 -i v6d1 || { tap_fail "lvsd starts with --backend afpacket"; exit 1; }
dpv() { ip netns exec "$D" "$BIN/lvsd" -S "$LVSD_SOCKET" --show datapath; }
ipv -A -t 10.77.0.1:80 -s rr
ipv -A -t [2001:db8::1]:80 -s rr
ipv -A -u [2001:db8::1]:53 -s rr
ipv -a -t [2001:db8::1]:80 -r [fd00:77::11]:80 -m
tap_check "ipvsadm lists the IPv6 service exactly" bash -c \
	"ip netns exec $D $BIN/ipvsadm -L -n | grep -qx 'TCP  \[2001:db8::1\]:80 rr'"
sleep 0.5
view=$(dpv)
tap_check "datapath view: unforwarded count" grep -qx "unforwarded: 2 virtual services" <<<"$view"
tap_check "datapath view: the TCP IPv6 service and why" \
	grep -qx "  TCP \[2001:db8::1\]:80: IPv6 is not forwarded by this datapath yet" <<<"$view"
tap_check "datapath view: the UDP IPv6 service" grep -qx "  UDP \[2001:db8::1\]:53: IPv6 .*" <<<"$view"
tap_check "datapath view: the IPv4 service is owned" grep -q "^owned: 1 virtual services" <<<"$view"
# a real server added, a weight changed: the set is rebuilt, the warning is not repeated
ipv -a -t [2001:db8::1]:80 -r [fd00:77::12]:80 -m
ipv -e -t [2001:db8::1]:80 -r [fd00:77::12]:80 -m -w 3
sleep 0.5
tap_check "one warning per unforwarded service, not one per rebuild" \
	test "$(grep -c 'TCP \[2001:db8::1\]:80: IPv6 is not forwarded' "$work/dp.log")" = 1
ipv -D -u [2001:db8::1]:53
sleep 0.5
tap_check "a deleted service leaves the list" grep -qx "unforwarded: 1 virtual services" <<<"$(dpv)"
ipv -A -u [2001:db8::1]:53 -s rr
sleep 0.5
tap_check "a service added again is warned about again" \
	test "$(grep -c 'UDP \[2001:db8::1\]:53: IPv6 is not forwarded' "$work/dp.log")" = 2
tap_check "lvsd (afpacket) exits cleanly" lvsd_in_dir_stop

echo "1..$_tap_n"
