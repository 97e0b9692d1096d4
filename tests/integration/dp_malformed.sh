#!/bin/bash
# Hostile and malformed packets (>= 50 kinds, scapy) through an LVS-NAT
# director while legitimate HTTP traffic runs: lvsd must not crash, every
# kind must be counted under its reason in the "datapath" view, and the
# legitimate requests must all succeed.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=bad
. "$(dirname "$0")/dp-lib.sh"

/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "1..0 # SKIP python3-scapy not installed"; exit 0; }
# AF_PACKET: the per-reason counters below need the tap that sees every
# frame; the AF_XDP program hands what is not owned to the kernel uncounted
dp_start nat
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS2" -m
ipv -A -u "$LAB_VIP:53" -s rr
ipv -a -u "$LAB_VIP:53" -r "$LAB_RS1" -m

# legitimate traffic in the background for the whole run.  Its source
# ports must not be the crafted packets' 40000-40010: a real connection on
# 40002 once turned the "RST without a connection" probe into an RST of
# that connection (counted elsewhere), and one on the ICMP error's inner
# port made "ICMP error without a connection" a relayed one
ip netns exec "${DP_P}c" sysctl -qw net.ipv4.ip_local_reserved_ports=40000-40010
client http "$LAB_VIP" 400 2 >"$LAB_TMP/legit.out" 2>&1 &
legit=$!

mac=$(ip -n "${DP_P}d" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
icmp0=$(dp_view | awk '$1 == "icmp_sent" { print $2 }')
ip netns exec "${DP_P}c" /usr/bin/python3 "$here/dp-malformed.py" eth0 "$mac" \
	"ip netns exec ${DP_P}d $LVSD_BUILD/lvsd -S $LVSD_SOCKET --show datapath" >"$LAB_TMP/bad.out" 2>&1
while read -r tag name verdict rest; do
	[ "$tag" = kind ] || continue
	if [ "$verdict" = ok ]; then tap_ok "malformed $name counted ($rest)"
	else tap_fail "malformed $name counted" "$rest"; fi
done <"$LAB_TMP/bad.out"
kinds=$(awk '$1 == "kinds" { print $2 }' "$LAB_TMP/bad.out")
tap_check "at least 50 kinds sent (${kinds:-0})" test "${kinds:-0}" -ge 50
[ -n "$kinds" ] || sed 's/^/# /' "$LAB_TMP/bad.out" | tail -20
icmp1=$(dp_view | awk '$1 == "icmp_sent" { print $2 }')
tap_check "TTL <= 1 answered with ICMP time exceeded ($icmp0 -> $icmp1)" test "$((icmp1 - icmp0))" -ge 10

rst=$(dp_view | awk '$1 == "rst_sent" { print $2 }')
tap_check "ACK to the VIP without a connection answered with RST like the local stack ($rst)" test "${rst:-0}" -ge 5

wait "$legit"
out=$(cat "$LAB_TMP/legit.out")
if [ "$(fail_of "$out")" = 0 ] && [ $(( $(count_of RS1 "$out") + $(count_of RS2 "$out") )) = 400 ]; then
	tap_ok "400 legitimate requests during the attack all answered"
else tap_fail "400 legitimate requests during the attack all answered" "$(tr '\n' ' ' <<<"$out")"; fi
tap_check "lvsd still answers ipvsadm" ipv -L -n
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
