#!/bin/bash
# Firewall-mark services fed by the user's own iptables/nftables rules
# lvsd reads mangle PREROUTING, classifies packets itself (its
# datapath runs before netfilter) and follows rule changes at run time.
# The textbook flow (mark 7 on TCP 80 and 443 to the VIP) over LVS-DR, UDP marks, native nft rules,
# unsupported rules reported, marks without services and vice versa.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=fw
. "$(dirname "$0")/dp-lib.sh"
DP_P="lvsd-fw-$$-"      # this suite's netns prefix (dp-lib cleans up $DP_P)

dp_lab dr
# HTTPS-port listener on both real servers (plain HTTP answering its name)
dp_named_servers 443

ind() { ip netns exec "${DP_P}d" "$@"; }
fwview() { dp_view fwmark; }
# curls N PORT: the RS names answering N requests to VIP:PORT, one per line
curls() { local i; for i in $(seq "$1"); do incl curl -s -m 3 "http://$LAB_VIP:$2/"; done; }

# the textbook mark rule, in place before lvsd starts
ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p tcp -m multiport --dports 80,443 -j MARK --set-mark 7
dp_lvsd -b "${DP_BACKEND:-afpacket}" -w 2 || { tap_fail "lvsd starts in the director namespace"; exit 1; }
tap_ok "lvsd starts (AF_PACKET, 2 workers)"

ipv -A -f 7 -s rr
ipv -a -f 7 -r "$LAB_RS1" -g
ipv -a -f 7 -r "$LAB_RS2" -g
out=$(fwview)
tap_check "view fwmark: the seeds' multiport rule compiled" grep -q '^rule 1 \[iptables mangle PREROUTING prio -150\]: -A PREROUTING -d 172.20.0.24/32 -p tcp -m multiport --dports 80,443 -j MARK --set-xmark 0x7/0xffffffff' <<<"$out"
tap_check "view fwmark: service fwmark 7 has a rule" grep -q '^service fwmark 7: 1 rule(s) set this mark$' <<<"$out"
tap_check "guard installed for mark 7" grep -q '^guard: nftables table ip lvsd_fw_<pid>, marks 7$' <<<"$out"

r80=$(curls 6 80 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
r443=$(curls 6 443 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
tap_check "port 80 balanced over both RSes by FWM 7 (rr: 3+3)" test "$r80" = "RS1=3 RS2=3 "
tap_check "port 443 balanced over both RSes by FWM 7 (rr: 3+3)" test "$r443" = "RS1=3 RS2=3 "
[ "$r80$r443" = "RS1=3 RS2=3 RS1=3 RS2=3 " ] || { echo "# 80: $r80 443: $r443"; fwview | sed 's/^/# /'; dp_view | sed 's/^/# /'; }
# the counters reach -L --stats with the estimator's lag (like the kernel's)
for _ in $(seq 40); do
	out=$(ipv -L -n --stats)
	grep -qE '^FWM  7 +12 ' <<<"$out" && break
	sleep 0.25
done
tap_check "-L --stats: FWM 7 counted 12 connections" grep -qE '^FWM  7 +12 ' <<<"$out"
grep -qE '^FWM  7 +12 ' <<<"$out" || sed 's/^/# /' <<<"$out"
tap_check "-L -c: connections of FWM 7 on ports 80 and 443" \
	bash -c "ip netns exec ${DP_P}d $LVSD_BUILD/ipvsadm -L -n -c | grep -q ':443 ' && ip netns exec ${DP_P}d $LVSD_BUILD/ipvsadm -L -n -c | grep -q ':80 '"
out=$(incl curl -s -m 2 "http://$LAB_VIP:8080/" 2>&1; echo "rc=$?")
tap_check "unmarked port 8080 is not forwarded (kernel answers RST)" grep -q 'rc=7' <<<"$out"

# --- UDP marks, rule added at run time (hex form, 0x63) ---
ipv -A -f 99 -s rr
ipv -a -f 99 -r "$LAB_RS1" -g
ipv -a -f 99 -r "$LAB_RS2" -g
out=$(client udp "$LAB_VIP" 3 50)
tap_check "before the UDP rule: nothing answers VIP:53" test "$(count_of RS1 "$out")$(count_of RS2 "$out")" = ""
ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p udp --dport 53 -j MARK --set-mark 0x63
sleep 1
out=$(client udp "$LAB_VIP" 20 100)
tap_check "UDP rule added at run time is live within 1 s (20 datagrams answered)" \
	test "$(fail_of "$out")" = 0 -a "$(( $(count_of RS1 "$out" || true)0 / 10 + $(count_of RS2 "$out" || true)0 / 10 ))" = 20
tap_check "the change is logged" grep -q 'fwmark: firewall changed: 2 mark rules compiled' "$DP_LVSD_LOG"
ind iptables -t mangle -D PREROUTING -d "$LAB_VIP" -p udp --dport 53 -j MARK --set-mark 0x63
sleep 1
tap_check "rule deleted at run time: gone from the view within 1 s" bash -c "! ip netns exec ${DP_P}d $LVSD_BUILD/lvsd -S $LVSD_SOCKET --show fwmark | grep -q 'dport 53'"
out=$(client udp "$LAB_VIP" 3 50)
tap_check "rule deleted: VIP:53 no longer forwarded" test "$(count_of RS1 "$out")$(count_of RS2 "$out")" = ""

# --- native nftables rule replaces the iptables one ---
ind iptables -t mangle -D PREROUTING -d "$LAB_VIP" -p tcp -m multiport --dports 80,443 -j MARK --set-mark 7
ind nft -f - <<NFT
table inet lbfw {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		ip daddr $LAB_VIP tcp dport { 80, 443 } meta mark set 0x7
	}
}
NFT
sleep 1
out=$(fwview)
tap_check "native nft rule compiled (nft inet lbfw pre)" grep -q 'nft inet lbfw pre prio -150\]: ip daddr 172.20.0.24 tcp dport { 80, 443 } meta mark set 0x00000007' <<<"$out"
r=$(curls 4 443 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
tap_check "nft-marked 443 balanced by FWM 7 (2+2)" test "$r" = "RS1=2 RS2=2 "

# --- unsupported rules are reported, never silently ignored ---
ind iptables -t mangle -N MYCHAIN
# (they only touch traffic the test does not send: an unsupported rule that
# marks the test's packets would make the kernel and lvsd disagree, which
# is exactly why they are reported)
ind iptables -t mangle -A PREROUTING -p udp --dport 9999 -m conntrack --ctstate NEW -j MARK --set-mark 9
ind iptables -t mangle -A PREROUTING -j MYCHAIN
ind nft add rule inet lbfw pre udp dport 9999 ct state new meta mark set 0x9
sleep 1
out=$(fwview)
tap_check "unsupported: conntrack match reported" grep -q '^unsupported: iptables: .*conntrack.* -- match "conntrack" is not supported' <<<"$out"
tap_check "unsupported: jump to a user chain reported" grep -q '^unsupported: iptables: -A PREROUTING -j MYCHAIN -- target "MYCHAIN" is not followed' <<<"$out"
tap_check "unsupported: nft ct state reported" grep -q '^unsupported: nft inet lbfw pre: udp dport 9999 ct state new .* -- expression "ct state" is not supported' <<<"$out"
tap_check "unsupported rules logged" grep -q 'fwmark: rule not evaluated by lvsd: iptables: -A PREROUTING -j MYCHAIN' "$DP_LVSD_LOG"
r=$(curls 2 80 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
tap_check "supported rules still work next to unsupported ones" test "$r" = "RS1=1 RS2=1 "

# --- marks with no service, services with no marks ---
ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p tcp --dport 81 -j MARK --set-mark 42
ipv -A -f 77 -s wlc
sleep 1
out=$(incl curl -s -m 2 "http://$LAB_VIP:81/" 2>&1; echo "rc=$?")
tap_check "mark 42 without a service: not forwarded, no crash" grep -q 'rc=7' <<<"$out"
tap_check "service fwmark 77 without rules reported" bash -c "ip netns exec ${DP_P}d $LVSD_BUILD/lvsd -S $LVSD_SOCKET --show fwmark | grep -q '^service fwmark 77: 0 rule(s) set this mark (no traffic will be marked for it)'"
ipv -D -f 7
sleep 0.3
out=$(incl curl -s -m 2 "http://$LAB_VIP:80/" 2>&1; echo "rc=$?")
tap_check "service FWM 7 deleted: marked traffic goes back to the kernel (RST)" grep -q 'rc=7' <<<"$out"
tap_check "guard follows the services (marks 99, 77)" bash -c "ip netns exec ${DP_P}d $LVSD_BUILD/lvsd -S $LVSD_SOCKET --show fwmark | grep -qE '^guard: .*marks (99, 77|77, 99)$'"

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
tap_check "guard table removed on exit" bash -c "! ip netns exec ${DP_P}d nft list tables | grep -q lvsd_fw_"
