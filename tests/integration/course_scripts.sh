#!/bin/bash
# The LVS-DR lab scripts that two courses hand out, run as printed against
# lvsd's ipvsadm: lvs_dr_rs.sh on each real server, lvs_dr_vs.sh on the
# director, `start` then `stop`.
#  1. The first course's pair on its lab (VIP 172.20.0.24, RS .16/.8 on
#     192.168.1.0/24 behind a router; the director's NIC is ens33, the
#     script puts the VIP on ens33:1).  The RS script installs and starts
#     httpd through rpm/yum/service and writes `hostname` into
#     /var/www/html/index.html: here rpm and service are small stand-ins
#     (service starts busybox httpd) and each RS runs in its own mount and
#     UTS namespace, so the page is the RS's own host name and nothing is
#     written outside the lab.
#  2. The second course's pair on a flat LAN 10.1.0.0/24 (VIP 10.1.0.5 on
#     eno16777736:0, RS .7/.8, the client on the same LAN), then its FWM
#     example (mark 5 on port 80 next to the TCP service: the fwmark service
#     takes the traffic) and its port-affinity example (mark 99 on 80 and
#     443, `-A -f 99 -s rr -p`: one RS for both ports, template 360 s).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=cscr
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/course-lib.sh"
P=$DP_P
S=$LAB_TMP/scripts
mkdir -p "$S/bin"

# package manager and init stand-ins for the scripts' rpm / service lines
cat >"$S/bin/rpm" <<'EOF'
#!/bin/sh
# rpm -q PKG: every package the scripts ask for is installed
exit 0
EOF
cat >"$S/bin/service" <<'EOF'
#!/bin/sh
# service httpd start: a web server on port 80 serving /var/www/html
[ "$1 $2" = "httpd start" ] && exec busybox httpd -p 80 -h /var/www/html
exit 1
EOF
chmod +x "$S/bin/rpm" "$S/bin/service"

cat >"$S/lvs_dr_rs.sh" <<'EOF'
#!/bin/bash
vip=172.20.0.24
mask='255.255.255.255'
dev=lo:1
rpm -q httpd &> /dev/null || yum -y install httpd &>/dev/null
service httpd start &> /dev/null && echo "The httpd Server is Ready!"
echo "`hostname`" > /var/www/html/index.html
case $1 in
start)
echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore
echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce
ifconfig $dev $vip netmask $mask
echo "The RS Server is Ready!"
;;
stop)
ifconfig $dev down
echo 0 > /proc/sys/net/ipv4/conf/all/arp_ignore
echo 0 > /proc/sys/net/ipv4/conf/lo/arp_ignore
echo 0 > /proc/sys/net/ipv4/conf/all/arp_announce
echo 0 > /proc/sys/net/ipv4/conf/lo/arp_announce
echo "The RS Server is Canceled!"
;;
*)
echo "Usage: $(basename $0) start|stop"
exit 1
;;
esac
EOF
cat >"$S/lvs_dr_vs.sh" <<'EOF'
#!/bin/bash
vip='172.20.0.24'
iface='ens33:1'
mask='255.255.255.255'
port='80'
rs1='192.168.1.16'
rs2='192.168.1.8'
scheduler='wrr'
type='-g'
rpm -q ipvsadm &> /dev/null || yum -y install ipvsadm &> /dev/null
case $1 in
start)
ifconfig $iface $vip netmask $mask #broadcast $vip up
iptables -F
ipvsadm -A -t ${vip}:${port} -s $scheduler
ipvsadm -a -t ${vip}:${port} -r ${rs1} $type -w 1
ipvsadm -a -t ${vip}:${port} -r ${rs2} $type -w 1
echo "The VS Server is Ready!"
;;
stop)
ipvsadm -C
ifconfig $iface down
echo "The VS Server is Canceled!"
;;
*)
echo "Usage: $(basename $0) start|stop"
exit 1
;;
esac
EOF

# rs_script N ARG: lvs_dr_rs.sh ARG on RS N in its own mount + UTS namespace
# (host name rsN, a private /var/www); the httpd it starts stays there
rs_script() {
	ip netns exec "${P}rs$1" unshare --mount --uts bash -c '
		mount -t tmpfs tmpfs /var/www 2>/dev/null || mount -t tmpfs tmpfs /var || exit 1
		mkdir -p /var/www/html && hostname "rs$1" && PATH="$2:$PATH" exec bash "$3" "$4"' \
		_ "$1" "$S/bin" "$S/lvs_dr_rs.sh" "$2"
}
# vs_script SCRIPT ARG: the director's script with our ipvsadm first in PATH
vs_script() { ind env PATH="$S/bin:$LVSD_BUILD:$PATH" LVSD_SOCKET="$LVSD_SOCKET" bash "$1" "$2"; }
alternates() {   # alternates A B: the words on stdin are A B A B ... or B A B A ...
	local got
	got=$(tr '\n' ' ')
	[ "$got" = "$(printf "$1 $2 %.0s" 1 2 3 4 5)" ] || [ "$got" = "$(printf "$2 $1 %.0s" 1 2 3 4 5)" ]
}

# ---- 1 ----
lab_lan "$P" || { tap_fail "DR lab setup"; exit 1; }
ind ip addr del "$LAB_VIP/32" dev eth0
ind ip link set eth0 down
ind ip link set eth0 name ens33
ind ip link set ens33 up
ind ip route add default via 192.168.1.254
for n in 1 2; do
	out=$(rs_script $n start 2>&1)
	tcheck "RS$n: lvs_dr_rs.sh start" 'echo "$out"' test "$out" = "The httpd Server is Ready!
The RS Server is Ready!"
done
tap_check "RS1: VIP on lo:1, arp_ignore=1, arp_announce=2" bash -c "
	ip -n ${P}rs1 -4 addr show lo | grep -q 'inet 172.20.0.24/32 scope global lo:1' &&
	[ \$(ip netns exec ${P}rs1 cat /proc/sys/net/ipv4/conf/all/arp_ignore) = 1 ] &&
	[ \$(ip netns exec ${P}rs1 cat /proc/sys/net/ipv4/conf/all/arp_announce) = 2 ]"
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts in the director namespace"; exit 1; }
out=$(vs_script "$S/lvs_dr_vs.sh" start 2>&1)
tcheck "director: lvs_dr_vs.sh start" 'echo "$out"' test "$out" = "The VS Server is Ready!"
out=$(ipv -L -n)
tcheck "the script's service: wrr, .16 and .8 Route weight 1" 'echo "$out"' \
	eval 'grep -qx "TCP  172.20.0.24:80 wrr" <<<"$out" && [ "$(grep -cE "^  -> 192\.168\.1\.(16|8):80 +Route +1 " <<<"$out")" = 2 ]'
r=$(curls 10 "http://172.20.0.24/")
tcheck "10 requests: the two RSes' host names alternate" 'echo "$r"' alternates rs1 rs2 <<<"$r"
tap_check "the RSes answered directly (the director forwarded no replies)" \
	test "$(dp_view | awk '$1 == "outbound" { print $2 }')" = 0
out=$(vs_script "$S/lvs_dr_vs.sh" stop 2>&1)
tcheck "director: lvs_dr_vs.sh stop" 'echo "$out"' test "$out" = "The VS Server is Canceled!"
tcheck "stop: table empty, VIP gone from ens33" 'ipv -L -n; ip -n ${P}d addr' \
	eval '[ -z "$(ipv -S -n)" ] && ! ip -n ${P}d -4 addr show ens33 | grep -q 172.20.0.24'
out=$(incl curl -s -m 2 "http://172.20.0.24/"; echo "rc=$?")
tcheck "stop: the VIP is no longer served" 'echo "$out"' test "${out#rc=}" != 0 -a "${out#rc=}" != "$out"
for n in 1 2; do
	out=$(rs_script $n stop 2>&1)
	tcheck "RS$n: lvs_dr_rs.sh stop" 'echo "$out"' \
		eval '[ "$(tail -1 <<<"$out")" = "The RS Server is Canceled!" ] && ! ip -n ${P}rs$n addr show lo | grep -q 172.20.0.24'
done
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
lab_down "$P"

# ---- 2 ----
cat >"$S/rs.sh" <<'EOF'
#!/bin/bash
#
vip=10.1.0.5
mask='255.255.255.255'

case $1 in
start)
    echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
    echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore
    echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
    echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce

    ifconfig lo:0 $vip netmask $mask broadcast $vip up
    route add -host $vip dev lo:0
    ;;
stop)
    ifconfig lo:0 down

    echo 0 > /proc/sys/net/ipv4/conf/all/arp_ignore
    echo 0 > /proc/sys/net/ipv4/conf/lo/arp_ignore
    echo 0 > /proc/sys/net/ipv4/conf/all/arp_announce
    echo 0 > /proc/sys/net/ipv4/conf/lo/arp_announce

    ;;
*) 
    echo "Usage $(basename $0) start|stop"
    exit 1
    ;;
esac
EOF
cat >"$S/vs.sh" <<'EOF'
#!/bin/bash
#
vip='10.1.0.5'
iface='eno16777736:0'
mask='255.255.255.255'
port='80'
rs1='10.1.0.7'
rs2='10.1.0.8'
scheduler='wrr'
type='-g'

case $1 in
start)
    ifconfig $iface $vip netmask $mask broadcast $vip up
    iptables -F

    ipvsadm -A -t ${vip}:${port} -s $scheduler
    ipvsadm -a -t ${vip}:${port} -r ${rs1} $type -w 1
    ipvsadm -a -t ${vip}:${port} -r ${rs2} $type -w 1
    ;;
stop)
    ipvsadm -C
    ifconfig $iface down
    ;;
*)
    echo "Usage $(basename $0) start|stop"
    exit 1
    ;;
esac
EOF
# one LAN: director 10.1.0.6, RS1 .7, RS2 .8, client .100
_lab_ports=()
_lab_ns "${P}c" && _lab_ns "${P}d" && _lab_ns "${P}rs1" && _lab_ns "${P}rs2" && _lab_switch "$P" &&
	_lab_port "$P" "${P}c" eth0 && _lab_port "$P" "${P}d" eno16777736 &&
	_lab_port "$P" "${P}rs1" eth0 && _lab_port "$P" "${P}rs2" eth0 || { tap_fail "flat LAN setup"; exit 1; }
ip -n "${P}c" addr add 10.1.0.100/24 dev eth0
ip -n "${P}d" addr add 10.1.0.6/24 dev eno16777736
ip -n "${P}rs1" addr add 10.1.0.7/24 dev eth0
ip -n "${P}rs2" addr add 10.1.0.8/24 dev eth0
web_up 1 && web_up 2 || { tap_fail "web servers on the real servers"; exit 1; }
for n in 1 2; do
	ip netns exec "${P}rs$n" busybox httpd -f -p 443 -h "$LAB_TMP/web$n" &
	LAB_PIDS+=("$!")
done
ok=1
for n in 1 2; do ip netns exec "${P}rs$n" bash "$S/rs.sh" start || ok=0; done
tap_check "RS pre-configuration script start on both RSes" test $ok = 1
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts on the flat LAN"; exit 1; }
vs_script "$S/vs.sh" start
tap_check "director script start: VIP on eno16777736:0" \
	bash -c "ip -n ${P}d -4 addr show eno16777736 | grep -q 'inet 10.1.0.5/32 brd 10.1.0.5 scope global eno16777736:0'"
r=$(curls 10 "http://10.1.0.5/")
tcheck "a client on the same LAN: 10 requests alternate RS1/RS2" 'echo "$r"; ipv -L -n' alternates RS1 RS2 <<<"$r"

ind iptables -t mangle -A PREROUTING -d 10.1.0.5 -p tcp --dport 80 -j MARK --set-mark 5
ipv -A -f 5 -s rr
ipv -a -f 5 -r 10.1.0.7 -g
ipv -a -f 5 -r 10.1.0.8 -g
sleep 1
ipv -Z
r=$(curls 4 "http://10.1.0.5/" | tally)
tcheck "FWM 5 next to TCP 10.1.0.5:80: 4 requests, 2 + 2" 'echo "$r"' test "$r" = "RS1=2 RS2=2 "
conns() { ipv -L -n --stats | awk -v s="$1" '$1 " " $2 == s { print $3 }'; }
tcheck "the fwmark service took them (FWM 5: 4 connections, TCP service: 0)" 'ipv -L -n --stats' \
	wait_for 10 eval '[ "$(conns "FWM 5")" = 4 ] && [ "$(conns "TCP 10.1.0.5:80")" = 0 ]'

ind iptables -t mangle -A PREROUTING -d 10.1.0.5 -p tcp --dport 80 -j MARK --set-mark 99
ind iptables -t mangle -A PREROUTING -d 10.1.0.5 -p tcp --dport 443 -j MARK --set-mark 99
ipv -A -f 99 -s rr -p
ipv -a -f 99 -r 10.1.0.7 -g
ipv -a -f 99 -r 10.1.0.8 -g
sleep 1
r=$(for i in 1 2 3; do curls 1 "http://10.1.0.5/"; curls 1 "http://10.1.0.5:443/"; done | tally)
tcheck "FWM 99 -p (port affinity): 80 and 443 from one client -> one RS" 'echo "$r"; ipv -Lnc' grep -qE '^RS[12]=6 $' <<<"$r"
out=$(ipv -Lnc)
tcheck "-Lnc: the FWM 99 template, 360 s by default" 'echo "$out"' \
	grep -qE '^IP +0[56]:[0-9]{2} +(NONE|ASSURED) +10\.1\.0\.100:0 +0\.0\.0\.99:0 +10\.1\.0\.[78]:0$' <<<"$out"

vs_script "$S/vs.sh" stop
tcheck "director script stop: every service cleared, VIP gone" 'ipv -L -n' \
	eval '[ -z "$(ipv -S -n)" ] && ! ip -n ${P}d addr show eno16777736 | grep -q 10.1.0.5'
ok=1
for n in 1 2; do ip netns exec "${P}rs$n" bash "$S/rs.sh" stop || ok=0; done
tap_check "RS script stop: VIP gone from lo, arp_ignore back to 0" bash -c "
	[ $ok = 1 ] && ! ip -n ${P}rs1 addr show lo | grep -q 10.1.0.5 &&
	[ \$(ip netns exec ${P}rs2 cat /proc/sys/net/ipv4/conf/all/arp_ignore) = 0 ]"
tap_check "lvsd exits cleanly on the flat LAN" dp_lvsd_stop
