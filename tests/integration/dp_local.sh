#!/bin/bash
# Real servers local to the director (src/datapath/io/local.h): the sorry
# server on the director itself and NAT to a local port.  DR lab (lab_lan):
# the director runs its own servers; what arrives for a local real server
# must reach them through lvsd's TUN device and, for NAT, their replies
# must come back out un-NATed.  The director's all.rp_filter is strict, as
# on many distributions, to show the device passes the reverse-path check.
#
#   1. data/seed-ldirectord-1.cf (an ldirectord.cf, its real servers moved
#      into the lab) with both real servers stopped: its fallback
#      127.0.0.1 gate answers through the VIP; RS1 back -> fallback gone
#   2. -m to 127.0.0.1:8080 and DIP:8080 (TCP: pages, 50 MB both ways,
#      -Lc, --stats), a direct client of DIP:8080 (no lvsd connection),
#      UDP -m to 127.0.0.1:8053 and UDP -g to the director
#   3. rr between the director (-g 127.0.0.1) and RS2: alternation,
#      --stats on both, -Lc, only RS2's connections in the fast path
#   4. keepalived.conf with sorry_server 127.0.0.1 80
#   5. no TUN device: one log line, drops counted LOCAL_NO_TUN
#   6. rules of a killed lvsd are removed by the next one; none left at exit
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=local
. "$(dirname "$0")/dp-lib.sh"

lab_lan "$DP_P" && lab_rs_dr "$DP_P" || { tap_fail "DR lab setup"; exit 1; }
D="${DP_P}d"
ip netns exec "$D" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1
head -c $((50 * 1024 * 1024)) /dev/urandom >"$LAB_TMP/bulk.bin"
echo "Test Ldirectord" >"$LAB_TMP/index.html"    # what the ldirectord.cf's check asks for

# serve NAME NS TCPPORT UDPPORT ADDR: rs-server.py (page "/" = NAME)
serve() {
	ip netns exec "$2" python3 "$here/rs-server.py" "$1" "$LAB_TMP" "$3" "$4" "$5" \
		>"$LAB_TMP/srv-$1.log" 2>&1 &
	LAB_PIDS+=("$!")
	local a=$5
	[ "$a" = 0.0.0.0 ] && a=127.0.0.1
	for _ in $(seq 100); do
		ip netns exec "$2" bash -c "exec 3<>/dev/tcp/$a/$3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# the director's own servers: the sorry server on every address (80, 53),
# one on 127.0.0.1 only and one on the DIP only (8080, 8053)
serve DIRECTOR "$D" 80 53 0.0.0.0 && serve LOOPBACK "$D" 8080 8053 127.0.0.1 &&
	serve DIP "$D" 8080 8053 "$LAB_DIP" || { tap_fail "director's servers start"; exit 1; }

# rs_line SVC RS: the -L -n line of real server RS under service SVC
rs_line() { ipv -L -n | awk -v svc="$1" -v rs="$2" '/^[A-Z]/ { in_svc = index($0, svc) == 1 } in_svc && $2 == rs { print; exit }'; }
# stat_of RS FIELD: a real server's --stats column (1 Conns 2 InPkts 3 OutPkts)
stat_of() { ipv -L -n --stats | awk -v rs="$1" -v f="$2" '$1 == "->" && $2 == rs { print $(f + 2); exit }'; }
view_num() { dp_view | awk -v k="$1" '$1 == k { print $2 }'; }
page() { incl curl -s -m 5 "http://$1/"; }
# a fresh client port range per part: DR entries linger in FIN_WAIT and a
# reused port would follow its old connection (as with IPVS)
ports() { incl sysctl -qw net.ipv4.ip_local_port_range="$((10000 + $1 * 5000)) $((14999 + $1 * 5000))"; }
local_rules() { ip -n "$D" rule | grep -c 'proto 76'; }
bulk_both_ways() {
	local sum1 sum2 out
	incl curl -s -m 60 -o "$LAB_TMP/got.bin" "http://$LAB_VIP/bulk.bin"
	sum1=$(sha256sum <"$LAB_TMP/bulk.bin" | cut -d' ' -f1)
	sum2=$(sha256sum <"$LAB_TMP/got.bin" 2>/dev/null | cut -d' ' -f1)
	rm -f "$LAB_TMP/got.bin"
	tap_check "$1: 50 MB download, sha256 equal" test "$sum1" = "$sum2"
	out=$(client upload "$LAB_VIP" $((20 * 1024 * 1024)) 2>&1)
	tap_check "$1: 20 MB upload (GSO frames into the TUN device), sha256 equal" test "$out" = "upload ok"
}
T="[$DP_BACKEND] "

# ---- 1. ldirectord.cf, fallback=127.0.0.1 gate ------------------------------
sed "s|^logfile=.*|logfile=\"$LAB_TMP/ldirectord.log\"|" "$here/data/seed-ldirectord-1.cf" >"$LAB_TMP/ld.cf"
ports 1
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" -c "$LAB_TMP/ld.cf" || { tap_fail "${T}lvsd -c seed-ldirectord-1.cf starts"; exit 1; }
svc="TCP  $LAB_VIP:80 "
if wait_for 20 eval '[ -n "$(rs_line "$svc" 127.0.0.1:80)" ] && [ -z "$(rs_line "$svc" $LAB_RS1:80)" ]'; then
	tap_ok "${T}ldirectord.cf: real servers down -> fallback 127.0.0.1:80 in the table"
else
	tap_fail "${T}ldirectord.cf: real servers down -> fallback 127.0.0.1:80 in the table" "$(ipv -L -n | tr '\n' '|')"
fi
tap_check "${T}ldirectord.cf: the fallback is listed as the kernel lists it (Route)" eval 'rs_line "$svc" 127.0.0.1:80 | grep -q " Route "'
out=$(page "$LAB_VIP")
tap_check "${T}ldirectord.cf: the director's own web server answers through the VIP (got '$out')" test "$out" = DIRECTOR
out=$(client http "$LAB_VIP" 5)
tap_check "${T}ldirectord.cf: 5 of 5 requests answered by the director" test "$(count_of DIRECTOR "$out")" = 5 -a "$(fail_of "$out")" = 0
tap_check "${T}ldirectord.cf: -Lc lists the connections to 127.0.0.1:80" \
	eval 'ipv -L -n -c | grep -qE "^TCP .* $LAB_VIP:80 +127\.0\.0\.1:80"'
tap_check "${T}ldirectord.cf: delivered into the local stack (local_delivered > 0)" test "$(view_num local_delivered)" -gt 0
serve RS1 "${DP_P}rs1" 80 53 0.0.0.0 || tap_fail "RS1 server starts"
rs1_pid=${LAB_PIDS[-1]}
if wait_for 20 eval '[ -n "$(rs_line "$svc" $LAB_RS1:80)" ] && [ -z "$(rs_line "$svc" 127.0.0.1:80)" ]'; then
	tap_ok "${T}ldirectord.cf: RS1 back -> in the table, fallback removed"
else
	tap_fail "${T}ldirectord.cf: RS1 back -> in the table, fallback removed" "$(ipv -L -n | tr '\n' '|')"
fi
out=$(page "$LAB_VIP")
tap_check "${T}ldirectord.cf: RS1 answers through the VIP again (got '$out')" test "$out" = RS1
tap_check "${T}ldirectord.cf: lvsd exits cleanly" dp_lvsd_stop
tap_check "${T}TUN device and reply rules gone at exit" \
	eval '! ip -n "$D" link show lvsd0 >/dev/null 2>&1 && [ "$(local_rules)" = 0 ]'
kill "$rs1_pid" 2>/dev/null
wait "$rs1_pid" 2>/dev/null

# ---- 2. NAT to local ports, UDP ---------------------------------------------
ports 2
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "${T}lvsd starts"; exit 1; }
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r 127.0.0.1:8080 -m
tap_check "${T}-m 127.0.0.1:8080: reply rules for the local NAT server" \
	wait_for 3 eval 'ip -n "$D" rule | grep -q "from 127.0.0.1 ipproto tcp sport 8080 lookup [0-9]* proto 76"'
out=$(page "$LAB_VIP")
tap_check "${T}-m 127.0.0.1:8080: the server on 127.0.0.1 answers through VIP:80 (got '$out')" test "$out" = LOOPBACK
out=$(client http "$LAB_VIP" 5)
tap_check "${T}-m 127.0.0.1:8080: 5 of 5 requests" test "$(count_of LOOPBACK "$out")" = 5 -a "$(fail_of "$out")" = 0
bulk_both_ways "${T}-m 127.0.0.1:8080"
tap_check "${T}-m 127.0.0.1:8080: -Lc shows the closed NAT connections (both directions seen)" \
	eval 'ipv -L -n -c | grep -qE "^TCP .* TIME_WAIT +172\.20\.0\.100:[0-9]+ +$LAB_VIP:80 +127\.0\.0\.1:8080"'
wait_for 5 eval '[ "$(stat_of 127.0.0.1:8080 1)" = 8 ]'
c=$(stat_of 127.0.0.1:8080 1); o=$(stat_of 127.0.0.1:8080 3)
tap_check "${T}-m 127.0.0.1:8080: --stats counts 8 connections and the replies (conns $c, outpkts $o)" \
	test "$c" = 8 -a "${o:-0}" -gt 1000
ipv -d -t "$LAB_VIP:80" -r 127.0.0.1:8080
ipv -a -t "$LAB_VIP:80" -r "$LAB_DIP:8080" -m
out=$(page "$LAB_VIP")
tap_check "${T}-m DIP:8080: the server on the DIP answers through VIP:80 (got '$out')" test "$out" = DIP
tap_check "${T}-m DIP:8080: its replies are marked on output (nftables), not matched by address" \
	wait_for 3 eval 'ip netns exec "$D" nft list ruleset | grep -q "$LAB_DIP . tcp . 8080" &&
	      ip netns exec "$D" nft list ruleset | grep -q "meta mark set 0x4c565344" &&
	      ! ip -n "$D" rule | grep -q "from $LAB_DIP"'
tap_check "${T}-d 127.0.0.1:8080: its rules removed" \
	wait_for 3 eval '! ip -n "$D" rule | grep -q "from 127.0.0.1 ipproto tcp sport 8080"'
passed0=$(view_num local_passed)
out=$(page "$LAB_DIP:8080")
tap_check "${T}a direct client of DIP:8080 (no lvsd connection) is still answered (got '$out')" test "$out" = DIP
tap_check "${T}... its replies sent on unchanged (local_passed grew)" test "$(view_num local_passed)" -gt "$passed0"
ipv -A -u "$LAB_VIP:53" -s rr
ipv -a -u "$LAB_VIP:53" -r 127.0.0.1:8053 -m
out=$(client udp "$LAB_VIP" 20 100)
tap_check "${T}UDP -m 127.0.0.1:8053: 20 datagrams answered by the loopback server" \
	test "$(count_of LOOPBACK "$out")" = 20 -a "$(fail_of "$out")" = 0
# nothing listens on 127.0.0.1:8054: the stack's port unreachable (from
# 127.0.0.1, through its ICMP rule) reaches the client translated
ipv -a -u "$LAB_VIP:54" -r 127.0.0.1:8054 -m
wait_for 3 eval 'ip -n "$D" rule | grep -q "sport 8054"'
out=$(incl python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect((sys.argv[1], 54))
s.send(b"x")
try:
    s.recv(100)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")' "$LAB_VIP" 2>&1)
tap_check "${T}UDP -m 127.0.0.1:8054 (no listener): the client gets the port unreachable (got '$out')" test "$out" = refused
ipv -D -u "$LAB_VIP:54"
ipv -d -u "$LAB_VIP:53" -r 127.0.0.1:8053
ipv -a -u "$LAB_VIP:53" -r 127.0.0.1 -g
out=$(client udp "$LAB_VIP" 20 100)
tap_check "${T}UDP -g 127.0.0.1: 20 datagrams answered by the director (from the VIP)" \
	test "$(count_of DIRECTOR "$out")" = 20 -a "$(fail_of "$out")" = 0
# (the estimator sums the workers' counters every 2 s)
wait_for 5 eval '[ "$(stat_of 127.0.0.1:53 2)" = 20 ]'
c=$(stat_of 127.0.0.1:53 1); i=$(stat_of 127.0.0.1:53 2)
tap_check "${T}UDP -g 127.0.0.1: --stats (conns $c, inpkts $i)" test "$c" = 1 -a "$i" = 20
tap_check "${T}local real servers never went to the fast path" \
	test "$(view_num fastpath_installed)" = 0 -a "$(view_num fastpath_setup)" = 0
tap_check "${T}the datapath view says so" eval 'dp_view | grep -q "^local: tun lvsd0, .*stay in the workers (no fast path)"'
tap_check "${T}lvsd exits cleanly" dp_lvsd_stop

# ---- 3. rr between the director and RS2 ---------------------------------
ports 3
serve RS2 "${DP_P}rs2" 80 53 0.0.0.0 || tap_fail "RS2 server starts"
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "${T}lvsd starts"; exit 1; }
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r 127.0.0.1:80 -g
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS2:80" -g
out=$(client http "$LAB_VIP" 6)
order=$(awk '$1 == "order" { $1 = ""; print substr($0, 2) }' <<<"$out")
tap_check "${T}rr: RS2 and the director alternate (got '$order')" test "$order" = "RS2 DIRECTOR RS2 DIRECTOR RS2 DIRECTOR"
wait_for 5 eval '[ "$(stat_of 127.0.0.1:80 1)" = 3 ] && [ "$(stat_of "$LAB_RS2:80" 1)" = 3 ]'
c1=$(stat_of 127.0.0.1:80 1); c2=$(stat_of "$LAB_RS2:80" 1)
tap_check "${T}rr: --stats counts 3 connections on each (director $c1, RS2 $c2)" test "$c1" = 3 -a "$c2" = 3
i1=$(stat_of 127.0.0.1:80 2)
tap_check "${T}rr: --stats counts the director's inbound packets ($i1)" test "${i1:-0}" -ge 15
tap_check "${T}rr: -Lc lists the local connections" \
	eval 'test "$(ipv -L -n -c | grep -cE "^TCP .* $LAB_VIP:80 +127\.0\.0\.1:80")" = 3'
if [ "$(dp_view | awk '$1 == "fastpath" { print $2 }')" = tc ]; then
	tap_check "${T}rr: only RS2's 3 connections went to the fast path (fastpath_setup $(view_num fastpath_setup))" \
		test "$(view_num fastpath_setup)" = 3
else
	tap_ok "${T}rr: no fast path here # SKIP"
fi
tap_check "${T}lvsd exits cleanly" dp_lvsd_stop

# ---- 4. keepalived sorry_server ---------------------------------------------
ports 4
cat >"$LAB_TMP/keepalived.conf" <<CFG
virtual_server $LAB_VIP 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method DR
    protocol TCP
    sorry_server 127.0.0.1 80
    real_server $LAB_RS1 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
CFG
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" -c "$LAB_TMP/keepalived.conf" || { tap_fail "${T}lvsd -c keepalived.conf starts"; exit 1; }
tap_check "${T}keepalived: RS1 down -> sorry_server 127.0.0.1:80 in the table" \
	wait_for 20 eval '[ -n "$(rs_line "$svc" 127.0.0.1:80)" ]'
out=$(page "$LAB_VIP")
tap_check "${T}keepalived: the director answers through the VIP (got '$out')" test "$out" = DIRECTOR
tap_check "${T}lvsd exits cleanly" dp_lvsd_stop

# ---- 5. no TUN device ----------------------------------------------------
ports 5
LVSD_TUN_DEV=/nonexistent/tun dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "${T}lvsd starts without a TUN device"; exit 1; }
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r 127.0.0.1:80 -g
out=$(incl curl -s -m 2 "http://$LAB_VIP/")
tap_check "${T}no TUN device: no answer" test -z "$out"
tap_check "${T}no TUN device: one log line says why" \
	test "$(grep -c 'no local delivery (cannot create a TUN device: /nonexistent/tun: No such file or directory)' "$DP_LVSD_LOG")" = 1
tap_check "${T}no TUN device: the drops are counted as LOCAL_NO_TUN" test "$(dp_reason LOCAL_NO_TUN)" -gt 0
tap_check "${T}lvsd exits cleanly" dp_lvsd_stop

# ---- 6. rules of a killed lvsd ----------------------------------------------
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "${T}lvsd starts"; exit 1; }
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r 127.0.0.1:8080 -m
tap_check "${T}three rules (output mark; TCP and ICMP from 127.0.0.1:8080)" test "$(local_rules)" = 3
dead=$(ip -n "$D" rule | awk '/proto 76/ { for (i = 1; i < NF; i++) if ($i == "lookup") print $(i + 1) }' | sort -u)
kill -9 "$DP_LVSD_PID"
wait "$DP_LVSD_PID" 2>/dev/null
DP_LVSD_PID=
tap_check "${T}after kill -9 its rules are left behind (table $dead)" test "$(ip -n "$D" rule | grep -c "lookup $dead ")" = 3
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" || { tap_fail "${T}lvsd starts"; exit 1; }
# (the socket is there before the datapath has started: wait for it)
if wait_for 5 eval '[ "$(ip -n "$D" rule | grep -c "lookup $dead ")" = 0 ] && [ "$(local_rules)" = 1 ]'; then
	tap_ok "${T}the next lvsd removes them, keeps its own"
else
	tap_fail "${T}the next lvsd removes them, keeps its own" "$(ip -n "$D" rule | tr '\n\t' '| ')"
fi
tap_check "${T}lvsd exits cleanly" dp_lvsd_stop
tap_check "${T}no rule left at exit" test "$(local_rules)" = 0
