#!/bin/bash
# Firewall-mark services over LVS-NAT: the mark comes from the user's
# iptables rule, the real servers' replies are owned (and un-NATed) by lvsd
# for TCP and UDP alike.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=fwnat
. "$(dirname "$0")/dp-lib.sh"
DP_P="lvsd-fw-n$$-"     # this suite's netns prefix (dp-lib cleans up $DP_P)

dp_lab nat
ind() { ip netns exec "${DP_P}d" "$@"; }
tally() { sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' '; }

ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p tcp --dport 80 -j MARK --set-mark 5
ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p udp --dport 53 -j MARK --set-mark 5
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts"; exit 1; }
tap_ok "lvsd starts (AF_PACKET, 2 workers)"
ipv -A -f 5 -s rr
ipv -a -f 5 -r "$LAB_RS1" -m
ipv -a -f 5 -r "$LAB_RS2" -m

r=$(for i in 1 2 3 4; do incl curl -s -m 3 "http://$LAB_VIP/"; done | tally)
tap_check "NAT FWM 5: HTTP balanced 2+2" test "$r" = "RS1=2 RS2=2 "
[ "$r" = "RS1=2 RS2=2 " ] || { echo "# $r"; dp_view fwmark | sed 's/^/# /'; }
out=$(client udp "$LAB_VIP" 20 100)
tap_check "NAT FWM 5: UDP answered (20 datagrams, replies un-NATed by lvsd)" \
	test "$(fail_of "$out")" = 0 -a "$(( $(count_of RS1 "$out")0 / 10 + $(count_of RS2 "$out")0 / 10 ))" = 20
[ "$(fail_of "$out")" = 0 ] || echo "# $(tr '\n' ' ' <<<"$out")"
tap_check "replies came back through lvsd (outbound counted)" test "$(dp_view | awk '$1 == "outbound" { print $2 }')" -gt 0
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
