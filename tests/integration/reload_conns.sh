#!/bin/bash
# reload_conns.sh - a reload changes only what differs: a long-lived TCP
# connection through the NAT datapath to a service the reload leaves
# alone keeps working, its connection entry and the service's counters
# stay, after a successful reload that changes another service and after
# a refused one (unknown scheduler).  NAT lab of scripts/lab.sh.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=rld
. "$(dirname "$0")/dp-lib.sh"

dp_lab nat
K=$LAB_TMP/keepalived.conf
conf() {   # conf SCHED_OF_PORT_81 [EXTRA_SERVICE_PORT]
	local p
	for p in 80 81 $2; do
		printf 'virtual_server %s %s {\n    lvs_sched %s\n    lvs_method NAT\n    protocol TCP\n' \
			"$LAB_VIP" "$p" "$([ "$p" = 81 ] && echo "$1" || echo rr)"
		# the format is used once for each real server
		printf '    real_server %s 80 {\n        weight 1\n    }\n' "$LAB_RS1" "$LAB_RS2"
		echo '}'
	done
}
reload() { OUT=$(ip netns exec "${DP_P}d" "$LVSD_BUILD/lvsd" -S "$LVSD_SOCKET" --cmd reload 2>&1); RC=$?; }
conns80() { ipv -L -n --stats | awk -v s="$LAB_VIP:80" '$1 == "TCP" && $2 == s { print $3 }'; }

conf rr >"$K"
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" -c "$K" || { tap_fail "lvsd starts with $K"; exit 1; }
tap_ok "lvsd starts with a keepalived.conf"
coproc HOLD { ip netns exec "${DP_P}c" python3 "$here/dp-client.py" hold "$LAB_VIP"; }
read -r -t 20 greet <&"${HOLD[0]}"
held=${greet%% *}
tap_check "long-lived connection opened ($greet)" test -n "$held"
tap_check "service :80 counted it" wait_for 5 eval '[ "$(conns80)" -ge 1 ]'
c0=$(conns80)

conf wlc 82 >"$K"
reload
tap_check "a reload changing :81 and adding :82: rc 0" test "$RC" = 0
tap_check "... applied" eval 'ipv -S -n | grep -q "^-A -t $LAB_VIP:81 -s wlc" && ipv -S -n | grep -q "^-A -t $LAB_VIP:82 "'
echo ping >&"${HOLD[1]}"; read -r -t 20 ans <&"${HOLD[0]}"
tap_check "the open connection to :80 keeps working" test "$ans" = "$held ping"
tap_check "its connection entry is still there" eval 'ipv -L -n -c | grep -q "ESTABLISHED .*$LAB_VIP:80"'
tap_check "service :80's counters kept (conns $(conns80) >= $c0)" test "$(conns80)" -ge "$c0"

before=$(ipv -S -n)
conf nosuch 82 >"$K"
reload
tap_check "a refused reload (unknown scheduler): rc != 0" test "$RC" != 0
tap_check "... table byte-identical" test "$(ipv -S -n)" = "$before"
echo pong >&"${HOLD[1]}"; read -r -t 20 ans <&"${HOLD[0]}"
tap_check "the open connection still works" test "$ans" = "$held pong"
exec {HOLD[1]}>&-
tap_check "lvsd exits cleanly" dp_lvsd_stop
echo "1..$_tap_n"
