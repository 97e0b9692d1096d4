#!/bin/bash
# The two ldirectord.cf files of an LVS course, loaded unmodified by lvsd
# (-c) with its datapath running, so that the health checks drive real
# traffic.  As printed they lost ldirectord's indentation, carry inline
# notes and say protocol=fwm beside an ip:port virtual (served as tcp).
#  1. The DR lab file (VIP 172.20.0.24:80, RS .16 weight 1 and .8 weight
#     3 "gate", wrr, negotiate GET index.html expecting "test"): both up,
#     wrr 1:3 on the wire and in -L -n --stats; an RS's httpd stopped ->
#     removed (quiescent=no) and the traffic goes to the other; started ->
#     back with its weight.
#  2. The annotated file (RS 172.16.0.7 weight 2 and .8 weight 1 "gate",
#     checkinterval 1, checktimeout 3, logfile /var/log/ldirectord.log,
#     fallback 127.0.0.1 gate) next to the course's mark rule: wrr 2:1, a
#     dead RS leaves within seconds and the logfile says so (lvsd runs in
#     its own mount namespace with a private /var/log); all dead -> the
#     fallback is in the table and the director's own web server answers
#     through the VIP.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=cld
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/course-lib.sh"
P=$DP_P

cat >"$LAB_TMP/ldirectord-dr.cf" <<'CFG_EOF'
# Sample for an http virtual service
virtual=172.20.0.24:80
real=192.168.1.16 gate 1 不用写端口号
real=192.168.1.8 gate 3 不用写端口号
# fallback=127.0.0.1:80 gate
service=http
scheduler=wrr
#persistent=600 持久连接,启用后就会一直往一个服务器上调度了
#netmask=255.255.255.255
protocol=fwm #这个加不加都可以
checktype=negotiate
checkport=80
request="index.html"
receive="test"
# virtualhost=www.x.y.z
CFG_EOF
cat >"$LAB_TMP/ldirectord.cf" <<'CFG_EOF'
checktimeout=3
checkinterval=1
autoreload=yes #自动加载已经更改的配置
logfile="/var/log/ldirectord.log" #日志文件
quiescent=no #down时yes权重为0,no为删除
virtual=172.20.0.24:80 #指定VS的FWM或IP:port
real=172.16.0.7 gate 2 #gate(DR模型) 1(权重)
real=172.16.0.8 gate 1
fallback=127.0.0.1 gate #sorry server
service=http
scheduler=wrr
protocol=fwm
checktype=negotiate #测试的类型(健康性检查的方式)
checkport=80
request="index.html" #要探测的页面(准备一个测试页比较好)
receive="Test Ldirectord"
CFG_EOF

lab_lan "$P" && lab_rs_dr "$P" || { tap_fail "DR lab setup"; exit 1; }
# both files' receive strings ("test", "Test Ldirectord") are on the pages
web_up 1 "RS1 test page: Test Ldirectord" && web_up 2 "RS2 test page: Test Ldirectord" ||
	{ tap_fail "web servers on the real servers"; exit 1; }
VS=172.20.0.24:80
# dest_is ADDR FWD WEIGHT: ADDR is a destination of the VIP with FWD/WEIGHT
dest_is() { ipv -L -n | grep -qE "^  -> ${1//./\\.} +$2 +$3 "; }
dest_out() { ! ipv -L -n | grep -q " $1 "; }
conns() { ipv -L -n --stats | awk -v a="$1" '$2 == a { print $3 }'; }

# ---- 1 ----
dp_lvsd -b afpacket -w 2 -c "$LAB_TMP/ldirectord-dr.cf" || { tap_fail "lvsd starts with the DR lab's ldirectord.cf"; exit 1; }
tap_ok "lvsd loads the DR lab's ldirectord.cf unmodified, datapath on"
tcheck "both real servers checked up: .16 Route 1, .8 Route 3" 'ipv -L -n; dp_view checks' \
	wait_for 10 eval 'dest_is 192.168.1.16:80 Route 1 && dest_is 192.168.1.8:80 Route 3'
r=$(curls 8 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "wrr 1:3 on the wire: 8 requests = 2 + 6" 'echo "$r"' test "$r" = "RS1=2 RS2=6 "
tcheck "-L -n --stats: 8 connections, 2 to .16 and 6 to .8" 'ipv -L -n --stats' \
	wait_for 10 eval '[ "$(conns $VS)" = 8 ] && [ "$(conns 192.168.1.16:80)" = 2 ] && [ "$(conns 192.168.1.8:80)" = 6 ]'
web_down 2
tcheck "RS2's httpd stopped: .8 removed from the table" 'ipv -L -n; dp_view checks' wait_for 25 dest_out 192.168.1.8:80
r=$(curls 4 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "every request now goes to RS1, none fails" 'echo "$r"' test "$r" = "RS1=4 "
tap_check "the removal is logged" grep -q "Deleted real server 192.168.1.8:80" "$DP_LVSD_LOG"
web_up 2 "RS2 test page: Test Ldirectord"
tcheck "RS2's httpd started: .8 back with weight 3" 'ipv -L -n; dp_view checks' wait_for 25 dest_is 192.168.1.8:80 Route 3
r=$(curls 4 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "wrr 1:3 again: 4 requests = 1 + 3" 'echo "$r"' test "$r" = "RS1=1 RS2=3 "
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop

# ---- 2 ----
ip -n "${P}d" addr add 172.16.0.1/24 dev eth0
ip -n "${P}rs1" addr add 172.16.0.7/24 dev eth0
ip -n "${P}rs2" addr add 172.16.0.8/24 dev eth0
ind iptables -t mangle -A PREROUTING -d 172.20.0.24 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 5
# lvsd in its own mount namespace: the file's logfile=/var/log/ldirectord.log
# lands on a private tmpfs (same PID: ip netns exec, unshare and sh exec)
export LVSD_SOCKET="$LAB_TMP/lvsd2.sock"
DP_LVSD_LOG="$LAB_TMP/lvsd2.log"
ip netns exec "${P}d" unshare --mount sh -c 'mount -t tmpfs tmpfs /var/log && exec "$0" "$@"' \
	"$LVSD_BUILD/lvsd" -f -S "$LVSD_SOCKET" -b afpacket -w 2 -c "$LAB_TMP/ldirectord.cf" >"$DP_LVSD_LOG" 2>&1 &
DP_LVSD_PID=$!
wait_for 10 test -S "$LVSD_SOCKET" || { tap_fail "lvsd starts with the annotated ldirectord.cf"; sed 's/^/# /' "$DP_LVSD_LOG"; exit 1; }
ldlog() { nsenter -t "$DP_LVSD_PID" -m cat /var/log/ldirectord.log; }
tcheck "protocol=fwm beside ip:port: warned with its line, served as tcp" 'grep warning "$DP_LVSD_LOG"; ipv -L -n' \
	wait_for 5 eval 'grep -q "ldirectord.cf:12: warning: protocol=fwm" "$DP_LVSD_LOG" && ipv -L -n | grep -qx "TCP  $VS wrr"'
tcheck "both real servers checked up: .7 Route 2, .8 Route 1" 'ipv -L -n; dp_view checks' \
	wait_for 10 eval 'dest_is 172.16.0.7:80 Route 2 && dest_is 172.16.0.8:80 Route 1'
r=$(curls 6 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "marked traffic, no fwmark service: the tcp virtual serves it, wrr 2:1 = 4 + 2" 'echo "$r"' test "$r" = "RS1=4 RS2=2 "
web_down 1
t0=$SECONDS
tcheck "RS1 dead: removed within checkinterval + checktimeout (+2 s)" 'ipv -L -n' wait_for 6 dest_out 172.16.0.7:80
echo "# removed after $((SECONDS - t0)) s"
r=$(curls 3 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "every request goes to RS2" 'echo "$r"' test "$r" = "RS2=3 "
tcheck "/var/log/ldirectord.log: the removal, ldirectord-style" 'ldlog' \
	eval 'ldlog | grep -qE "^\[[0-9-]+ [0-9:]+\|lvsd\|[0-9]+\] .*172\.16\.0\.7:80"'
web_down 2
tcheck "all dead: fallback 127.0.0.1:80 in (Local, weight 1), the reals out" 'ipv -L -n' \
	wait_for 8 eval 'dest_out 172.16.0.8:80 && ipv -L -n | grep -qE "^  -> 127\.0\.0\.1:80 +(Local|Route) +1 "'
mkdir -p "$LAB_TMP/sorry"
echo "Sorry server" >"$LAB_TMP/sorry/index.html"
ind busybox httpd -f -p 80 -h "$LAB_TMP/sorry" &
LAB_PIDS+=("$!")
sleep 0.5
r=$(curls 2 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "all dead: the fallback on the director answers" 'echo "$r"' test "$r" = "Sorry=2 "
web_up 1 "RS1 test page: Test Ldirectord"
tcheck "RS1 back: restored with weight 2, fallback out" 'ipv -L -n' \
	wait_for 8 eval 'dest_is 172.16.0.7:80 Route 2 && dest_out 127.0.0.1:80'
r=$(curls 2 "http://172.20.0.24/" | awk '{ print $1 }' | tally)
tcheck "RS1 serves again" 'echo "$r"' test "$r" = "RS1=2 "
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
