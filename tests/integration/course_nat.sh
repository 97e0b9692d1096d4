#!/bin/bash
# LVS-NAT as two courses teach it, typed into lvsd's ipvsadm with real
# traffic.
#  1. Director set up with ifconfig (eth0 172.20.0.16/16, alias eth0:0 =
#     VIP 172.20.0.24/16, eth1 = DIP 192.168.1.1/24); rr service listed
#     empty, two NAT dests; 15 requests = 8 + 7 in -L -n --stats; -Z;
#     --rate; rr -> wrr with -E, one weight 3 with -e, the other re-edited
#     without -w (back to 1): wrr 3:1; -L -c with names; -L --timeout.
#     Save with ipvsadm-save and -S, clear, restore with ipvsadm-restore and
#     -R: the restored table forwards as before.  The packaged
#     ipvsadm.service's stop (save + clear) and start (restore) lines, with
#     the rule file moved to RHEL's place through RULES.
#  2. The other course's addresses (VIP = the director's outside address
#     10.1.19.11, DIP 192.168.25.135, RS .129/.130) with
#     net.ipv4.ip_forward=1 as it tells the reader to set: lvsd still owns
#     the replies, the kernel forwards none of them itself.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=cnat
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/course-lib.sh"

lab_nat "$DP_P" || { tap_fail "NAT lab setup"; exit 1; }
ind ip addr flush dev eth0
ind ip addr flush dev eth1
ind sh -c 'ifconfig eth0 172.20.0.16/16 up && ifconfig eth0:0 172.20.0.24/16 up && ifconfig eth1 192.168.1.1/24 up'
tap_check "director set up with the course's ifconfig lines" \
	bash -c "ip -n ${DP_P}d -4 addr show eth0 | grep -q 'inet 172.20.0.24/16 .* eth0:0'"
web_up 1 && web_up 2 || { tap_fail "web servers on the real servers"; exit 1; }
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts in the director namespace"; exit 1; }

# stats_of ADDR: "conns inpkts outpkts inbytes outbytes" of the service or dest line
stats_of() { ipv -L -n --stats | awk -v a="$1" '$2 == a { print $3, $4, $5, $6, $7 }'; }
stats_are() { [ "$(stats_of "$1" | cut -d' ' -f"$2")" = "$3" ]; }
VS=172.20.0.24:80

ipv -A -t $VS -s rr
out=$(ipv -L -n)
tap_check "-L -n: the new service without destinations" test "$(tail -1 <<<"$out")" = "TCP  $VS rr"
ipv -a -t $VS -r 192.168.1.16 -m
ipv -a -t $VS -r 192.168.1.8 -m
r=$(curls 15 "http://172.20.0.24/" | tally)
tcheck "15 requests through the VIP: rr 8 + 7, none failed" 'echo "$r"' test "$r" = "RS1=7 RS2=8 "
tcheck "-L -n --stats: 15 connections, 8 to .8 and 7 to .16" 'ipv -L -n --stats' \
	wait_for 10 eval 'stats_are $VS 1 15 && stats_are 192.168.1.8:80 1 8 && stats_are 192.168.1.16:80 1 7'
st=$(stats_of $VS)
read -r _ inp outp inb outb <<<"$st"
tcheck "-L -n --stats: packets and bytes both ways (NAT replies pass the director)" 'echo "$st"' \
	test "$inp" -gt 15 -a "$outp" -gt 15 -a "$inb" -gt 0 -a "$outb" -gt "$inb"
tcheck "-L -n --rate: the estimator saw the traffic" 'ipv -L -n --rate' \
	wait_for 6 eval '[ "$(ipv -L -n --rate | awk -v a=$VS '\''$2 == a { print $4 }'\'')" -gt 0 ]'

ipv -Z
tcheck "-Z: every counter of the service and its dests is 0" 'ipv -L -n --stats' \
	eval '[ "$(stats_of $VS)" = "0 0 0 0 0" ] && [ "$(stats_of 192.168.1.8:80)" = "0 0 0 0 0" ] && [ "$(stats_of 192.168.1.16:80)" = "0 0 0 0 0" ]'
tcheck "-Z: the rates are 0 too" 'ipv -L -n --rate' \
	eval '[ "$(ipv -L -n --rate | awk -v a=$VS '\''$2 == a { print $3 $4 $5 $6 $7 }'\'')" = 00000 ]'

ipv -E -t $VS -s wrr
ipv -e -t $VS -r 192.168.1.16 -m -w 3
ipv -e -t $VS -r 192.168.1.8 -m
out=$(ipv -L -n)
tcheck "-E to wrr, -e .16 -w 3, -e .8 without -w: weights 3 and 1" 'echo "$out"' \
	eval 'grep -q "^TCP  $VS wrr$" <<<"$out" && grep -qE "^  -> 192.168.1.16:80 +Masq +3 " <<<"$out" && grep -qE "^  -> 192.168.1.8:80 +Masq +1 " <<<"$out"'
r=$(curls 8 "http://172.20.0.24/" | tally)
tcheck "wrr 3:1 over 8 requests: 6 + 2" 'echo "$r"' test "$r" = "RS1=6 RS2=2 "
tcheck "-L -n --stats counts from the -Z: 8 = 6 + 2" 'ipv -L -n --stats' \
	wait_for 10 eval 'stats_are $VS 1 8 && stats_are 192.168.1.16:80 1 6 && stats_are 192.168.1.8:80 1 2'
out=$(ipv -L -c)
tcheck "-L -c: TIME_WAIT entries with service names (172.20.0.24:http -> RS:http)" 'echo "$out"' \
	grep -qE '^TCP +[0-9:]+ +TIME_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:http +192\.168\.1\.(16|8):http$' <<<"$out"
tap_check "-L --timeout: the kernel's defaults" test "$(ipv -L --timeout)" = "Timeout (tcp tcpfin udp): 900 120 300"

# ---- save and restore as the courses type them ----
T=$LAB_TMP
ind env PATH="$LVSD_BUILD:$PATH" sh -c "ipvsadm-save > $T/ipvsadm && ipvsadm -S > $T/ipvsadm.S"
tcheck "ipvsadm-save and ipvsadm -S write the same rules, with names" 'cat $T/ipvsadm $T/ipvsadm.S' \
	eval 'cmp -s $T/ipvsadm $T/ipvsadm.S && grep -qx -- "-A -t 172.20.0.24:http -s wrr" $T/ipvsadm'
ipv -C
out=$(incl curl -s -m 3 "http://172.20.0.24/"; echo "rc=$?")
tcheck "-C: the VIP no longer forwards (the director's kernel refuses)" 'echo "$out"' grep -q 'rc=7' <<<"$out"
ind env PATH="$LVSD_BUILD:$PATH" sh -c "ipvsadm-restore < $T/ipvsadm"
tcheck "ipvsadm-restore < file: the same table" 'ipv -S' eval '[ "$(ipv -S)" = "$(cat $T/ipvsadm)" ]'
r=$(curls 4 "http://172.20.0.24/" | tally)
tcheck "restored table forwards: wrr 3:1 over 4 requests" 'echo "$r"' test "$r" = "RS1=3 RS2=1 "
ipv -C
ind env PATH="$LVSD_BUILD:$PATH" sh -c "ipvsadm -R < $T/ipvsadm.S"
r=$(curls 4 "http://172.20.0.24/" | tally)
tcheck "ipvsadm -R < file: the table forwards again (3:1)" 'echo "$r"; ipv -L -n' test "$r" = "RS1=3 RS2=1 "

# systemctl stop/restart ipvsadm.service: the unit's own lines and its
# helper, with a defaults file as /etc/default/ipvsadm would be written by
# an operator who wants the RHEL behaviour (load at start, save at stop)
sed "s|@SBINDIR@|$LVSD_BUILD|g" "$LVSD_TOP/packaging/ipvsadm-service.in" >"$T/ipvsadm-service"
chmod +x "$T/ipvsadm-service"
printf 'AUTO="true"\nSAVE_ON_STOP="true"\nRULES="%s"\n' "$T/sysconfig-ipvsadm" >"$T/default-ipvsadm"
unit_run() {   # unit_run Start|Stop: every Exec$1= line of the unit, in order
	local line
	sed -n "s/^Exec$1=//p" "$LVSD_TOP/packaging/ipvsadm.service.in" |
		sed -e "s|@SBINDIR@|$LVSD_BUILD|g" -e "s|@LIBEXECDIR@|$T|g" |
	while IFS= read -r line; do
		ind env IPVSADM_DEFAULTS="$T/default-ipvsadm" LVSD_SOCKET="$LVSD_SOCKET" sh -c "$line" || return 1
	done
}
saved() { grep -v '^#' "$T/sysconfig-ipvsadm"; }
before=$(ipv -S -n)
unit_run Stop
tcheck "ipvsadm.service stop: rules saved to RULES, table cleared" 'saved; ipv -L -n' \
	eval '[ "$(saved)" = "$before" ] && [ -z "$(ipv -S -n)" ]'
# restart of the stopped (inactive) unit only starts it
unit_run Start
tcheck "ipvsadm.service restart after stop: the saved rules are back" 'ipv -S -n' test "$(ipv -S -n)" = "$before"
# restart of the active unit: stop (save, clear), then start (restore)
unit_run Stop && unit_run Start
tcheck "ipvsadm.service restart while active: the same rules again" 'ipv -S -n' test "$(ipv -S -n)" = "$before"
r=$(curls 4 "http://172.20.0.24/" | tally)
tcheck "... and forward (3:1)" 'echo "$r"' test "$r" = "RS1=3 RS2=1 "
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop

# ---- 2: the other course's lab, ip_forward=1 ----
lab_down "$DP_P"
LAB_VIP=10.1.19.11 LAB_CIP=10.1.19.100 LAB_DIP=192.168.25.135 LAB_RS1=192.168.25.129 LAB_RS2=192.168.25.130
lab_nat "$DP_P" || { tap_fail "second NAT lab setup"; exit 1; }
web_up 1 && web_up 2 || { tap_fail "web servers on the real servers"; exit 1; }
ind sysctl -w net.ipv4.ip_forward=1 >/dev/null
tap_check "director: ip_forward = 1" test "$(ind cat /proc/sys/net/ipv4/ip_forward)" = 1
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts in the second lab"; exit 1; }
ipv -A -t 10.1.19.11:80 -s rr
ipv -a -t 10.1.19.11:80 -r 192.168.25.129 -m
ipv -a -t 10.1.19.11:80 -r 192.168.25.130 -m
fwd() { ind awk '$1 == "Ip:" && $3 ~ /^[0-9]+$/ { print $7 }' /proc/net/snmp; }
f0=$(fwd)
r=$(curls 6 "http://10.1.19.11/" | tr '\n' ' ')
tcheck "ip_forward=1: rr alternates .130, .129, ... (newest first)" 'echo "$r"' test "$r" = "RS2 RS1 RS2 RS1 RS2 RS1 "
f1=$(fwd)
tcheck "the kernel forwarded none of the real servers' replies itself (ForwDatagrams $f0 -> $f1)" 'echo "$f0 $f1"' test "$f0" = "$f1"
tap_check "lvsd exits cleanly in the second lab" dp_lvsd_stop
