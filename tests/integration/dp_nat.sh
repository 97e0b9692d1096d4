#!/bin/bash
# LVS-NAT through lvsd in namespaces: the NAT lab of scripts/lab.sh (client 172.20.0.100,
# VIP 172.20.0.24, RS 192.168.1.16 / .8 behind DIP 192.168.1.1).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=nat
. "$(dirname "$0")/dp-lib.sh"

dp_start nat

dp_check_basic -m
tap_check "nft prerouting guard installed for the VIP and the NAT real servers" \
	bash -c "ip netns exec ${DP_P}d nft list table ip lvsd_$DP_LVSD_PID | grep -q '172.20.0.24 . tcp . 80'"

# -Lc shows the connections we made, with their states
out=$(ipv -L -n -c)
tap_check "-Lc lists TIME_WAIT connections with ~2 minutes left" grep -qE '^TCP 0?1:5[0-9]  TIME_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$out"
tap_check "-Lc lists UDP entries" grep -qE '^UDP [0-9:]+ +UDP +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:53' <<<"$out"

# links are followed: a link created after start is guarded too
ip -n "${DP_P}d" link add eth9 type veth peer name eth9p
ip -n "${DP_P}d" link set eth9 up
ok=0
for _ in $(seq 30); do
	ip netns exec "${DP_P}d" nft list set ip "lvsd_$DP_LVSD_PID" served 2>/dev/null | grep -qw eth9 && { ok=1; break; }
	sleep 0.1
done
tap_check "a link added after start is served and guarded" test $ok = 1
ip -n "${DP_P}d" link del eth9

# ICMP errors are relayed and translated both ways (ip_vs_in_icmp / ip_vs_out_icmp)
out=$(ip netns exec "${DP_P}c" /usr/bin/python3 "$here/dp-icmp.py" fragneeded "$LAB_VIP" 2>&1)
sleep 0.3
# the UDP service is rr from a fresh round: this connection went to RS2 or RS1
mtu=$(for n in 1 2; do ip -n "${DP_P}rs$n" route get "$LAB_CIP" 2>/dev/null; done | grep -o 'mtu 1200')
tap_check "client's ICMP frag-needed about a VIP reply reaches the RS translated (RS learns mtu 1200)" test "$mtu" = "mtu 1200"
ipv -A -u "$LAB_VIP:54" -s rr
ipv -a -u "$LAB_VIP:54" -r "$LAB_RS1" -m
out=$(incl python3 "$here/dp-icmp.py" refused "$LAB_VIP" 54)
tap_check "RS's ICMP port unreachable comes back as from the VIP (ECONNREFUSED: $out)" test "$out" = refused

# SCTP (no SCTP stack here: a raw socket on the RS checks what arrives):
# DNAT with a port map 9999 -> 7777 and a recomputed CRC32c
ipv -A --sctp-service "$LAB_VIP:9999" -s rr
ipv -a --sctp-service "$LAB_VIP:9999" -r "$LAB_RS1:7777" -m
ip netns exec "${DP_P}rs1" /usr/bin/python3 "$here/dp-sctp.py" recv 7777 >"$LAB_TMP/sctp.out" 2>&1 &
sctp_rx=$!
sleep 0.5
ip netns exec "${DP_P}c" /usr/bin/python3 "$here/dp-sctp.py" send "$LAB_VIP" 9999 >/dev/null 2>&1
wait "$sctp_rx"
out=$(cat "$LAB_TMP/sctp.out")
tap_check "SCTP INIT DNATed to RS1:7777 with a valid CRC32c ($out)" test "$out" = "got dport=7777 src=$LAB_CIP crc_ok=1 chunk=1"
tap_check "-Lc lists the SCTP connection" grep -qE "^SCTP .*$LAB_VIP:9999 +$LAB_RS1:7777" <<<"$(ipv -L -n -c)"

# wrr 3:1 over 1000 connections
ipv -C
ipv -A -t "$LAB_VIP:80" -s wrr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m -w 3
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS2" -m -w 1
out=$(client http "$LAB_VIP" 1000 8)
r1=$(count_of RS1 "$out"); r2=$(count_of RS2 "$out")
if [ "$(fail_of "$out")" = 0 ] && [ $((r1 + r2)) = 1000 ] && [ "$r1" -ge 730 ] && [ "$r1" -le 770 ]; then
	tap_ok "wrr 3:1 gives 75/25 +- 2% over 1000 connections ($r1/$r2)"
else tap_fail "wrr 3:1 gives 75/25 +- 2% over 1000 connections" "$(tr '\n' ' ' <<<"$out")"; fi

# weight 0: no new connections, an open one keeps working; --set timeouts
ipv -C
ipv --set 30 20 10
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS2" -m
coproc HOLD { ip netns exec "${DP_P}c" python3 "$here/dp-client.py" hold "$LAB_VIP"; }
read -r -t 20 greet <&"${HOLD[0]}"
held=${greet%% *}          # RS1 or RS2 (rr: RS2 first)
other=RS1; oaddr=$LAB_RS1; haddr=$LAB_RS2
[ "$held" = RS1 ] && { other=RS2; oaddr=$LAB_RS2; haddr=$LAB_RS1; }
tap_check "long-lived connection opened ($greet)" test -n "$held"
out=$(ipv -L -n -c)
tap_check "--set 30: ESTABLISHED entry expires within 30 s" grep -qE "^TCP 00:(2[0-9]|30)  ESTABLISHED .*$haddr:80" <<<"$out"
ipv -e -t "$LAB_VIP:80" -r "$haddr" -m -w 0
out=$(client http "$LAB_VIP" 6)
tap_check "weight 0: 6 new connections all go to the other RS" test "$(count_of "$other" "$out")" = 6
echo ping >&"${HOLD[1]}"; read -r -t 20 ans <&"${HOLD[0]}"
tap_check "weight 0: the open connection keeps working" test "$ans" = "$held ping"
ipv -d -t "$LAB_VIP:80" -r "$oaddr"
ipv -e -t "$LAB_VIP:80" -r "$haddr" -m -w 1
out=$(client http "$LAB_VIP" 4)
tap_check "-d of a dest: new connections go only to the remaining one" test "$(count_of "$held" "$out")" = 4
exec {HOLD[1]}>&-
wait "$HOLD_PID" 2>/dev/null

# UDP entry expiry with --set udp 10; exact counters on a fresh service
ipv -C
ipv -A -u "$LAB_VIP:53" -s rr
ipv -a -u "$LAB_VIP:53" -r "$LAB_RS1" -m
uout=$(client udp "$LAB_VIP" 25 100)
got=$(count_of RS1 "$uout")
got=${got:-0}
out=$(ipv -L -n -c)
tap_check "--set udp 10: UDP entry expires within 10 s" grep -qE '^UDP 00:(0[0-9]|10)  UDP ' <<<"$out"
# 25 datagrams of 20+8+100 bytes in; a reply of 20+8+104 ("RS1:" + 100) out
# for each one the client got back.  lvsd counts a reply when it reaches the
# director, so the out counters must equal what the client received: a
# datagram lost on the way to or from the RS is the lab's loss, reported
# by the first check below, never a reason for the counters to differ.
want="1 25 $got 3200 $((got * 132))"
tap_check "UDP: every datagram answered by RS1 ($(tr '\n' ' ' <<<"$uout"))" test "$got" = 25 -a "$(fail_of "$uout")" = 0
[ "$got" = 25 ] || dp_view datapath | grep -E 'inbound|outbound|neigh|tx_error|no_route' | sed 's/^/# /'
# the estimator snapshots counters every 2 s: poll (bounded) for the final numbers
for _ in $(seq 12); do
	sleep 0.5
	st=$(ipv -L -n --stats -u "$LAB_VIP:53")
	line=$(awk '$1 == "UDP" { print $3, $4, $5, $6, $7 }' <<<"$st")
	[ "$line" = "$want" ] && break
done
tap_check "stats equal what went through: conns, in/out pkts, in/out bytes = $want ($line)" test "$line" = "$want"
sleep 10.5
n=$(ipv -L -n -c | grep -c '^UDP 00:')   # older entries (300 s, before --set) stay
tap_check "UDP entry gone after its timeout" test "$n" = 0

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
tap_check "the guard table is removed at exit" bash -c "! ip netns exec ${DP_P}d nft list tables | grep -q 'lvsd_[0-9]'"

# --max-conns: the connection table holds that many entries (TIME_WAIT
# ones included); a connection beyond them is dropped (drop_table_full).
# One worker: ids cached by a second worker would sit unused by the first.
dp_lvsd -w 1 --backend "$DP_BACKEND" --max-conns 16 || tap_fail "lvsd starts with --max-conns 16"
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
out=$(client http "$LAB_VIP" 24 8)
n=$(ipv -L -n -c | grep -c '^TCP ')
full=$(dp_view | tr ' ' '\n' | awk 'p { print; exit } $0 == "drop_table_full" { p = 1 }')
tap_check "--max-conns 16: 16 of 24 connections answered, one entry each ($(count_of RS1 "$out") answered, $n entries)" \
	test "$(count_of RS1 "$out")" = 16 -a "$n" = 16
tap_check "--max-conns 16: the other 8 dropped as table full ($(fail_of "$out") failed, drop_table_full ${full:-?})" \
	test "$(fail_of "$out")" = 8 -a "${full:-0}" -gt 0
tap_check "--max-conns 16: lvsd exits cleanly" dp_lvsd_stop
