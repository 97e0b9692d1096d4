#!/bin/bash
# LVS-DR as a course builds it, every host configured with the course's own
# ifconfig/route/echo lines, then driven with real traffic:
#   router   eth0 192.168.0.254/24 (client side), eth1 172.20.0.1/16 and
#            eth2 192.168.1.254/24 on the LAN, ip_forward=1
#   director eth0 192.168.1.7/24, alias eth0:0 = VIP 172.20.0.24/16, a
#            host route to the VIP, `iptables -t filter -F`
#   RS1 .16, RS2 .8: default gw .254, arp_ignore/arp_announce by echo, the
#            VIP on lo:0 (the course prints "lo0:0", which no system has)
#   client   192.168.0.10/24, default gw 192.168.0.254
# 1. rr with .8 added before .16: `for i in {1..10}; do curl VIP; done`
#    prints RS1 RS2 RS1 ... exactly as the course shows; the RSes answer
#    directly.
# 2. Another course's FWM session on this lab: mark 7 on ports 80 and 443
#    (-m multiport), FWM 7 rr over both RSes, then -E -f 7 -p (wlc,
#    persistent 360) pins the client to one RS on both ports, -p 3600;
#    -Lnc and the /proc/net/ip_vs_conn text (lvsd --show ip_vs_conn) list
#    the FIN_WAIT connections and the fwmark template.
# 3. A firewall-mark service over LVS-TUN (`ipvsadm -a -f N -r RS -i`).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=cdr
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/course-lib.sh"
P=$DP_P

# the course's physical layout: one switch for the LAN, the client behind
# the router; nothing configured yet
_lab_ports=()
_lab_ns "${P}c" && _lab_ns "${P}rt" && _lab_ns "${P}d" && _lab_ns "${P}rs1" && _lab_ns "${P}rs2" &&
	_lab_switch "$P" && _lab_link "${P}c" eth0 "${P}rt" eth0 &&
	_lab_port "$P" "${P}rt" eth1 && _lab_port "$P" "${P}rt" eth2 && _lab_port "$P" "${P}d" eth0 &&
	_lab_port "$P" "${P}rs1" eth0 && _lab_port "$P" "${P}rs2" eth0 || { tap_fail "lab links"; exit 1; }
ip netns exec "${P}rt" sh -c '
	echo 1 > /proc/sys/net/ipv4/ip_forward
	ifconfig eth2 192.168.1.254/24 up
	ifconfig eth1 172.20.0.1/16 up
	ifconfig eth0 192.168.0.254/24 up' &&
ip netns exec "${P}d" sh -c '
	iptables -t filter -F
	ifconfig eth0 192.168.1.7/24 up
	ifconfig eth0:0 172.20.0.24/16 up
	route add -host 172.20.0.24 dev eth0:0' &&
for n in 1 2; do
	rip=192.168.1.16; [ $n = 2 ] && rip=192.168.1.8
	ip netns exec "${P}rs$n" sh -c "
		ifconfig eth0 $rip/24 up
		route add default gw 192.168.1.254
		echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore
		echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
		echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce
		echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
		ifconfig lo:0 172.20.0.24 netmask 255.255.255.255 broadcast 172.20.0.24 up
		route add -host 172.20.0.24 dev lo:0" || { tap_fail "RS$n configured"; exit 1; }
done &&
ip netns exec "${P}c" sh -c '
	ifconfig eth0 192.168.0.10/24 up
	route add default gw 192.168.0.254 dev eth0' ||
	{ tap_fail "hosts configured with the course's lines"; exit 1; }
tap_ok "router, director, RSes and client configured with the course's lines"
web_up 1 && web_up 2 || { tap_fail "web servers on the real servers"; exit 1; }
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts in the director namespace"; exit 1; }
# port_range N: a fresh client port range per part (a SYN from a port of a
# FIN_WAIT entry would follow that old connection, as with IPVS)
port_range() { incl sysctl -qw net.ipv4.ip_local_port_range="$((10000 + $1 * 9000)) $((18999 + $1 * 9000))"; }

# ---- 1 ----
port_range 1
ipv -A -t 172.20.0.24:80 -s rr
ipv -a -t 172.20.0.24:80 -r 192.168.1.8 -g
ipv -a -t 172.20.0.24:80 -r 192.168.1.16 -g
out=$(incl bash -c 'for i in {1..10};do curl -s -m 3 172.20.0.24 ;done' | tr '\n' ' ')
tcheck "for i in {1..10}; do curl VIP: RS1 RS2 RS1 ... as the course prints" 'echo "$out"; dp_view' \
	test "$out" = "RS1 RS2 RS1 RS2 RS1 RS2 RS1 RS2 RS1 RS2 "
out=$(ipv -L -n -c)
tcheck "-L -n -c: the client half of each connection (FIN_WAIT)" 'echo "$out"' \
	test "$(grep -cE '^TCP +[0-9:]+ +FIN_WAIT +192\.168\.0\.10:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80$' <<<"$out")" = 10
tap_check "the RSes answered the client directly (the director forwarded no replies)" \
	test "$(dp_view | awk '$1 == "outbound" { print $2 }')" = 0

# ---- 2 ----
for n in 1 2; do
	ip netns exec "${P}rs$n" busybox httpd -f -p 443 -h "$LAB_TMP/web$n" &
	LAB_PIDS+=("$!")
done
for n in 1 2; do
	wait_for 5 ip netns exec "${P}rs$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/443" 2>/dev/null
done
port_range 2
ind iptables -t mangle -A PREROUTING -d 172.20.0.24 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 7
ipv -C
ipv -A -f 7 -s rr
ipv -a -f 7 -r 192.168.1.16 -g
ipv -a -f 7 -r 192.168.1.8 -g
sleep 1      # the mark rule reaches lvsd's classifier within its 100 ms re-read
both() { local i; for i in $(seq "$1"); do curls 1 "http://172.20.0.24/"; curls 1 "http://172.20.0.24:443/"; done; }
r=$(both 2 | tally)
tcheck "FWM 7 (rr): ports 80 and 443 balanced over both RSes (2 + 2)" 'echo "$r"; dp_view fwmark' test "$r" = "RS1=2 RS2=2 "
ipv -E -f 7 -p
out=$(ipv -Ln)
tcheck "-E -f 7 -p: FWM 7 wlc persistent 360" 'echo "$out"' grep -qx 'FWM  7 wlc persistent 360' <<<"$out"
r=$(both 3 | tally)
tcheck "persistent FWM 7: 80 and 443 from one client go to one RS (6 requests)" 'echo "$r"' grep -qE '^RS[12]=6 $' <<<"$r"
ipv -E -f 7 -p 3600
tap_check "-E -f 7 -p 3600: FWM 7 wlc persistent 3600" bash -c "ip netns exec ${P}d $LVSD_BUILD/ipvsadm -Ln | grep -qx 'FWM  7 wlc persistent 3600'"
rip=192.168.1.16; [ "$r" = "RS2=6 " ] && rip=192.168.1.8
out=$(ipv -Lnc)
n80=$(grep -cE "^TCP +[0-9:]+ +FIN_WAIT +192\.168\.0\.10:[0-9]+ +172\.20\.0\.24:80 +$rip:80$" <<<"$out")
n443=$(grep -cE "^TCP +[0-9:]+ +FIN_WAIT +192\.168\.0\.10:[0-9]+ +172\.20\.0\.24:443 +$rip:443$" <<<"$out")
tcheck "-Lnc: the pinned connections on :80 and :443 (FIN_WAIT, same RS)" 'echo "$out"' test "$n80" -ge 3 -a "$n443" -ge 3
tcheck "-Lnc: the fwmark template (IP, client port 0, 0.0.0.7:0 -> RS:0)" 'echo "$out"' \
	grep -qE "^IP +[0-9:]+ +(NONE|ASSURED) +192\.168\.0\.10:0 +0\.0\.0\.7:0 +$rip:0$" <<<"$out"
hex=$(printf '%02X' ${rip//./ })
pv=$(dp_view ip_vs_conn)
tcheck "/proc/net/ip_vs_conn text: the kernel's header" 'echo "$pv" | head -3' \
	test "$(head -1 <<<"$pv")" = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData"
tcheck "/proc/net/ip_vs_conn text: the :443 connections in hex (C0A8000A ... AC140018 01BB $hex 01BB FIN_WAIT)" 'echo "$pv"' \
	test "$(grep -cE "^TCP C0A8000A [0-9A-F]{4} AC140018 01BB $hex 01BB FIN_WAIT +[0-9]+$" <<<"$pv")" = "$n443"
tcheck "/proc/net/ip_vs_conn text: one line per -Lnc entry" 'echo "$pv"' \
	test "$(($(wc -l <<<"$pv") - 1))" = "$(($(wc -l <<<"$out") - 2))"

# ---- 3 ----
for n in 1 2; do
	ip netns exec "${P}rs$n" "$LVSD_BUILD/tools/lvs-decap" -t ipip -d tunl0 >"$LAB_TMP/decap$n.log" 2>&1 &
	LAB_PIDS+=("$!")
done
for n in 1 2; do
	wait_for 5 ip -n "${P}rs$n" link show tunl0 >/dev/null 2>&1
	ip netns exec "${P}rs$n" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0
done
port_range 3
ind iptables -t mangle -F PREROUTING
ind iptables -t mangle -A PREROUTING -d 172.20.0.24 -p tcp --dport 80 -j MARK --set-mark 3
ipv -C
ipv -A -f 3 -s rr
ipv -a -f 3 -r 192.168.1.16 -i -w 1
ipv -a -f 3 -r 192.168.1.8 -i -w 1
sleep 1
r=$(curls 4 "http://172.20.0.24/" | tally)
tcheck "FWM 3 over LVS-TUN (-i): 4 requests, 2 + 2 through ipip" 'echo "$r"; ipv -Lnc; cat "$LAB_TMP"/decap*.log' test "$r" = "RS1=2 RS2=2 "
out=$(ipv -L -n)
tap_check "-L -n: FWM 3 dests listed as Tunnel" test "$(grep -cE '^  -> 192\.168\.1\.(16|8):0 +Tunnel +1 ' <<<"$out")" = 2
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
