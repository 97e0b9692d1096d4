#!/bin/bash
# drain.sh - taking a real server out gracefully: lvsd --cmd drain / maint
# / ready / wait and lvsd --wait, on the NAT lab with lvsd's datapath and
# its health checker (ldirectord.cf, connect checks, quiescent=no).
#  1. A rate-limited 50 MB transfer runs to one real server (A); A is
#     drained under it: weight 0 in ipvsadm -L -n, "drain" in --show
#     status, the transfer completes with the right sha256, 20 new
#     connections all reach the other server (B); --wait 1 fails while
#     the transfer is open, --wait 30 returns once A has no connections.
#  2. A stays drained across a SIGHUP reload that changes its configured
#     weight, across B's server stopping and starting (B removed and
#     re-added by its check) and across A's own server stopping and
#     starting (A removed and re-added: it comes back drained).
#  3. ready puts A back with the reloaded weight; maint cuts A's open
#     connection and sends A nothing; ready again restores it.
#  4. Bad input (unknown service or server, malformed addresses, stray
#     arguments): a message, a non-zero exit, the table unchanged.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=drain
. "$(dirname "$0")/dp-lib.sh"
P=$DP_P
VIP=$LAB_VIP

lvsc() { ip netns exec "${P}d" "$LVSD_BUILD/lvsd" -S "$LVSD_SOCKET" "$@"; }
# weight RS: its weight in ipvsadm -L -n (empty when absent)
weight() { ipv -L -n | awk -v rs="$1:80" '$2 == rs { print $4 }'; }
has_weight() { [ "$(weight "$1")" = "$2" ]; }
absent() { ipv -L -n >/dev/null && [ -z "$(weight "$1")" ]; }
conns() { ipv -L -n | awk -v rs="$1:80" '$2 == rs { print $5 + $6 }'; }
# new20: 20 new HTTP connections through the VIP, "count RSn k" lines
new20() { client http "$VIP" 20; }
rs_server() {
	ip netns exec "${P}rs$1" python3 "$here/rs-server.py" "RS$1" "$LAB_TMP" >>"$LAB_TMP/rs$1.log" 2>&1 &
	LAB_PIDS[$1 - 1]=$!
	cleanup_pid "$!"
	ns_wait_tcp "${P}rs$1" 127.0.0.1 80
}

cfg=$LAB_TMP/ld.cf
cat >"$cfg" <<CFG
checktimeout=1
checkinterval=1
failurecount=1
quiescent=no
virtual=$VIP:80
	real=$LAB_RS1:80 masq 1
	real=$LAB_RS2:80 masq 1
	scheduler=rr
	protocol=tcp
	checktype=connect
CFG

dp_lab nat
dp_lvsd -b "$DP_BACKEND" -w "$DP_WORKERS" -c "$cfg" || { tap_fail "lvsd starts with the checker config"; exit 1; }
tap_check "both real servers up after their checks" \
	wait_for 10 eval "has_weight $LAB_RS1 1 && has_weight $LAB_RS2 1"

# ---- 1. drain under a transfer
sum=$(sha256sum <"$LAB_TMP/bulk.bin" | cut -d' ' -f1)
incl python3 "$here/drain-client.py" get "$VIP" /bulk.bin $((8 * 1024 * 1024)) "$LAB_TMP/got.bin" \
	>"$LAB_TMP/get.out" 2>&1 &
getpid=$!
cleanup_pid "$getpid"
est() { ipv -L -n -c | awk '$3 == "ESTABLISHED" { print $6 }' | head -1; }
wait_for 5 eval '[ -n "$(est)" ]'
a=$(est); a=${a%:80}
if [ "$a" = "$LAB_RS1" ]; then an=1 b=$LAB_RS2 bn=2; else an=2 b=$LAB_RS1 bn=1; fi
tap_check "the transfer is running to one real server (A = ${a:-none})" test -n "$a"

out=$(lvsc --cmd "drain tcp:$VIP:80 $a:80" 2>&1)
tap_check "drain A succeeds and says so ($out)" grep -q "  drain  weight 0 (configured 1)" <<<"$out"
tap_check "the transfer was still running when A was drained" kill -0 "$getpid"
tap_check "ipvsadm -L -n shows A with weight 0" has_weight "$a" 0
tap_check "lvsd --show status marks A drained" \
	eval "lvsc --show status | grep -qE '^  TCP  $VIP:80  $a:80  drain'"
rsjson() { lvsc --show status --json | jq -r --arg a "$1" '[.services[].real_servers[] | select(.address == $a)][0] | "\(.state) \(.admin) \(.weight)"'; }
tap_check "status.json: A is DRAIN, admin drain, weight 0 ($(rsjson "$a"))" test "$(rsjson "$a")" = "DRAIN drain 0"
# metric VALUE of family NAME for real server A
ametric() { lvsc --show metrics | awk -v f="$1" -v a="remote_address=\"$a\"" 'index($0, f "{") == 1 && index($0, a) { print $NF }'; }
tap_check "metrics: A drained 1, maintenance 0, weight 0" \
	test "$(ametric lvsd_real_server_drained) $(ametric lvsd_real_server_maintenance) $(ametric lvsd_real_server_weight)" = "1 0 0"
lvsc --cmd "wait tcp:$VIP:80 $a:80" --wait 1 >/dev/null 2>"$LAB_TMP/wait1.err"
rc=$?
tap_check "--wait 1 exits non-zero while A's transfer is open (rc $rc)" test "$rc" != 0
tap_check "... and says how many connections are left" grep -q "connections left after 1 s" "$LAB_TMP/wait1.err"
out=$(new20)
tap_check "20 new connections all reach B while A is drained" test "$(count_of "RS$bn" "$out")" = 20
wait "$getpid"
got=$(awk '{ print $2 }' "$LAB_TMP/get.out")
tap_check "the transfer to the drained server completes, sha256 equal ($(cat "$LAB_TMP/get.out"))" \
	test "$got" = "$sum"
t0=$(date +%s)
lvsc --cmd "wait tcp:$VIP:80 $a:80" --wait 40 >"$LAB_TMP/wait.out" 2>&1
rc=$?
t1=$(date +%s)
tap_check "--wait 40 returns 0 once A's connections are gone ($((t1 - t0)) s)" test "$rc" = 0
tap_check "... and A has no connections left in ipvsadm -L -n" test "$(conns "$a")" = 0
tap_check "drain + --wait in one call returns at once when nothing is open" \
	lvsc --cmd "drain $VIP:80 $a" --wait 5

# ---- 2. the drain survives a reload, B's flap and A's own flap
sed -i "s/^\treal=$a:80 masq 1/\treal=$a:80 masq 3/" "$cfg"
kill -HUP "$DP_LVSD_PID"
tap_check "SIGHUP reload applied (A configured with weight 3)" \
	wait_for 5 eval "lvsc --show status | grep -q '$a:80  drain  weight 0 (configured 3)'"
tap_check "A still weight 0 after the reload" has_weight "$a" 0
tap_check "the checks view shows A up, configured 3, held by the operator" \
	eval "lvsc --show checks | grep -qE '^  -> $a:80 +up +weight 3 \(operator: drain\)'"
out=$(new20)
tap_check "after the reload 20 new connections all reach B" test "$(count_of "RS$bn" "$out")" = 20

kill_wait "${LAB_PIDS[$bn - 1]}"
tap_check "B's server stopped: B removed by its check" wait_for 8 absent "$b"
tap_check "A stays drained (weight 0) while B is down" has_weight "$a" 0
rs_server "$bn"
tap_check "B's server back: B re-added" wait_for 8 has_weight "$b" 1
tap_check "A still drained after B's flap" has_weight "$a" 0
out=$(new20)
tap_check "after B's flap 20 new connections all reach B" test "$(count_of "RS$bn" "$out")" = 20

kill_wait "${LAB_PIDS[$an - 1]}"
tap_check "A's server stopped: A removed by its check" wait_for 8 absent "$a"
tap_check "status still lists A as drained (not in the service)" \
	eval "lvsc --show status | grep -q '$a:80  drain (not in the service now)'"
rs_server "$an"
tap_check "A's server back: A re-added, still drained (weight 0)" \
	wait_for 8 eval "[ -n \"\$(weight $a)\" ]"
tap_check "... weight 0, not its configured 3" has_weight "$a" 0
tap_check "the checker logged that the operator holds it" grep -q "held by the operator's drain" "$DP_LVSD_LOG"
out=$(new20)
tap_check "after A's flap 20 new connections all reach B" test "$(count_of "RS$bn" "$out")" = 20

# ---- 3. ready, maint
tap_check "ready A succeeds" lvsc --cmd "ready -t $VIP:80 $a:80"
tap_check "A back with its reloaded weight 3" has_weight "$a" 3
out=$(new20)
ca=$(count_of "RS$an" "$out"); cb=$(count_of "RS$bn" "$out")
tap_check "A back in rotation: 20 new connections split ($ca A, $cb B)" \
	test "${ca:-0}" -gt 0 -a "${cb:-0}" -gt 0 -a $((ca + cb)) = 20
tap_check "status: nothing out of rotation" eval "lvsc --show status | grep -q 'out of rotation: none'"

# an open connection to A (rr: at most a few tries), then maint
hold_open() {
	rm -f "$LAB_TMP/hold.in" "$LAB_TMP/hold.out"
	mkfifo "$LAB_TMP/hold.in"
	ip netns exec "${P}c" python3 "$here/dp-client.py" hold "$VIP" <"$LAB_TMP/hold.in" >"$LAB_TMP/hold.out" 2>&1 &
	hpid=$!
	cleanup_pid "$hpid"
	exec {hin}>"$LAB_TMP/hold.in"
	wait_for 5 test -s "$LAB_TMP/hold.out"
	greet=$(head -1 "$LAB_TMP/hold.out")
}
hold_close() { exec {hin}>&-; wait "$hpid" 2>/dev/null; }
# hold_say LINE: send LINE, the answer (line n of the output) or ""
hold_say() {
	local n=$(($(wc -l <"$LAB_TMP/hold.out") + 1))
	echo "$1" >&"$hin"
	wait_for 8 eval "[ \$(wc -l <'$LAB_TMP/hold.out') -ge $n ]"
	sed -n "${n}p" "$LAB_TMP/hold.out"
}
held=
for _ in 1 2 3 4; do
	hold_open
	[ "${greet%% *}" = "RS$an" ] && { held=1; break; }
	hold_close
done
tap_check "a long-lived connection open to A ($greet)" test -n "$held"
ans=$(hold_say ping)
tap_check "it answers before maint ($ans)" test "$ans" = "RS$an ping"
tap_check "maint A succeeds" lvsc --cmd "maint $VIP:80 $a:80"
tap_check "A weight 0 in maintenance" has_weight "$a" 0
tap_check "A's open connection is expired at once (no connections left)" wait_for 3 eval "[ \"\$(conns $a)\" = 0 ]"
ans=$(hold_say ping2)
tap_check "A's open connection gets nothing through any more ($ans)" test "${ans%% *}" = ERROR
hold_close
out=$(new20)
tap_check "maint: 20 new connections all reach B" test "$(count_of "RS$bn" "$out")" = 20
tap_check "status marks A maint" eval "lvsc --show status | grep -q '$a:80  maint'"
tap_check "status.json: A is MAINT ($(rsjson "$a"))" test "$(rsjson "$a")" = "MAINT maint 0"
tap_check "metrics: A drained 1, maintenance 1" \
	test "$(ametric lvsd_real_server_drained) $(ametric lvsd_real_server_maintenance)" = "1 1"
tap_check "ready again" lvsc --cmd "ready $VIP:80"
tap_check "metrics: A drained 0 after ready" test "$(ametric lvsd_real_server_drained)" = 0
out=$(new20)
ca=$(count_of "RS$an" "$out")
tap_check "A serves again after ready ($ca of 20)" test "${ca:-0}" -gt 0

# ---- 4. bad input
before=$(ipv -S -n)
bad() {
	local err rc
	err=$(lvsc "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != 0 ] && [ -n "$err" ]; then tap_ok "rejected: lvsd ${*} ($err)"
	else tap_fail "rejected: lvsd ${*}" "rc $rc, message '$err'"; fi
}
bad --cmd "drain tcp:172.20.0.99:80 $a:80"
bad --cmd "drain udp:$VIP:80"
bad --cmd "drain tcp:$VIP:80 192.168.1.99:80"
bad --cmd "maint tcp:$VIP:80 $a:81"
bad --cmd "drain tcp:$VIP:8x0 $a:80"
bad --cmd "drain $VIP:80 192.168.1.300:80"
bad --cmd "drain -q $VIP:80"
bad --cmd "drain fwm:0"
bad --cmd "drain"
bad --cmd "ready $VIP:80 $a:80 extra"
bad --cmd "wait $VIP:80 192.168.1.99"
bad --cmd "drain www.example.com:80"
bad --cmd "ready $VIP:80" --wait 5
bad --wait 5
tap_check "the table is unchanged by the rejected commands" test "$(ipv -S -n)" = "$before"
tap_check "both servers ready" eval "has_weight $a 3 && has_weight $b 1"

tap_check "lvsd stops cleanly (no sanitizer report)" dp_lvsd_stop
