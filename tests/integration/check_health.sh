#!/bin/bash
# check_health.sh - lvsd's built-in checker (ldirectord.cf syntax) against
# real web servers in namespaces: failure detection within failurecount x
# interval + timeout, quiescent vs removed, fallback in/out, wrong body,
# hung server, bad reload keeps the running config, autoreload, the view.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

hc_setup web
hc_rs_pages "Test Ldirectord rs1" "Test Ldirectord rs2"

cfg=$work/ld.cf
cat >"$cfg" <<CFG
checktimeout=1
checkinterval=1
failurecount=3
autoreload=yes
logfile="$work/ldirectord.log"
quiescent=no
# the layout of tutorial ldirectord.cf files: nothing indented, notes
# after values
virtual=10.77.0.100:80 # VIP
real=192.168.77.11 gate 2
real=192.168.78.12 gate 1 trailing note
fallback=127.0.0.1 gate #sorry server
service=http
scheduler=wrr
checktype=negotiate
checkport=80
request="index.html"
receive="Test Ldirectord"

virtual=10.77.0.100:8080
	real=192.168.77.11:80 masq 3
	real=192.168.78.12:80 masq 1
	checktype=connect
	quiescent=yes
	scheduler=rr
CFG

hc_lvsd "$cfg" || { tap_fail "lvsd starts with the config"; exit 1; }
tap_ok "lvsd starts with an ldirectord.cf (seed layout)"
tap_check "warnings for the trailing note" wait_for 3 grep -q "real: ignoring trailing text 'trailing'" "$HC_LVSD_LOG"

svc="TCP  10.77.0.100:80 "
svc2="TCP  10.77.0.100:8080 "
tap_check "both real servers up after the first checks" \
	wait_for 4 eval 'rs_has_weight "$svc" 192.168.77.11:80 2 && rs_has_weight "$svc" 192.168.78.12:80 1 && rs_absent "$svc" 127.0.0.1:80'
tap_check "connect-checked service up with its weights" \
	wait_for 3 eval 'rs_has_weight "$svc2" 192.168.77.11:80 3 && rs_has_weight "$svc2" 192.168.78.12:80 1'
tap_check "one probe per (server, check): 4 checks for 4 RS entries" \
	eval 'lvsd --show checks | grep -q "^Checks: 4,"'

# RS1's web server dies: down within 3 x 1 s + 1 s timeout (+ slack)
t0=$(date +%s.%N)
kill_wait "$rs1"
if wait_for 7 rs_absent "$svc" 192.168.77.11:80; then
	t1=$(date +%s.%N)
	el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	tap_ok "RS1 removed (quiescent=no) $el s after its server stopped"
	tap_check "within failurecount x interval + timeout (+0.5 s)" awk -v el="$el" 'BEGIN { exit !(el < 5.5) }'
else
	tap_fail "RS1 removed after its server stopped"; tap_fail "timing"
fi
tap_check "RS1 quiesced (weight 0) in the quiescent=yes service" wait_for 2 rs_has_weight "$svc2" 192.168.77.11:80 0
tap_check "soft failures logged before the transition" grep -q "Soft failure of check http 192.168.77.11:80/index.html" "$HC_LVSD_LOG"
tap_check "transition logged to the ldirectord logfile with a timestamp" \
	grep -qE '^\[[0-9-]+ [0-9:]+\|lvsd\|[0-9]+\] Check http 192.168.77.11:80/index.html is DOWN' "$work/ldirectord.log"
tap_check "RS2 untouched" rs_has_weight "$svc" 192.168.78.12:80 1

# RS2 dies too: the fallback comes in
kill_wait "$rs2"
tap_check "all down: fallback 127.0.0.1:80 added" wait_for 7 eval 'rs_absent "$svc" 192.168.78.12:80 && [ -n "$(rs_line "$svc" 127.0.0.1:80)" ]'
tap_check "fallback weight 1" rs_has_weight "$svc" 127.0.0.1:80 1
tap_check "no fallback configured on :8080: both quiesced" wait_for 5 rs_has_weight "$svc2" 192.168.78.12:80 0

# RS1 returns: restored, fallback removed
hc_rs_web 1
tap_check "RS1 back: restored with weight 2" wait_for 4 rs_has_weight "$svc" 192.168.77.11:80 2
tap_check "fallback removed" rs_absent "$svc" 127.0.0.1:80
tap_check "quiesced RS1 restored to weight 3" wait_for 3 rs_has_weight "$svc2" 192.168.77.11:80 3

# RS2 answers 200 but without the expected text: stays down
echo "maintenance" >"$work/rs2/index.html"
hc_rs_web 2
sleep 2.5
tap_check "body without the receive text = down" rs_absent "$svc" 192.168.78.12:80
tap_check "the view says why" eval 'lvsd --show checks | grep "http 192.168.78.12:80" | grep -q "does not match"'
tap_check "connect check of the same RS is up meanwhile" wait_for 3 rs_has_weight "$svc2" 192.168.78.12:80 1
echo "Test Ldirectord rs2" >"$work/rs2/index.html"
tap_check "body fixed: RS2 up" wait_for 3 rs_has_weight "$svc" 192.168.78.12:80 1

# RS2 hangs: accepts and never answers -> timeout -> down
kill_wait "$rs2"
bg_start hung ip netns exec lvsd-hc-rs2 "$HC_PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.78.12", 80)); s.listen(128)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
'
ns_wait_tcp lvsd-hc-dir 192.168.78.12 80 50
tap_check "hung server (accepts, never answers) times out: down" wait_for 7 rs_absent "$svc" 192.168.78.12:80
tap_check "the view shows the timeout" wait_for 5 eval 'lvsd --show checks | grep "http 192.168.78.12:80" | grep -qi "timeout\|timed out"'
tap_check "still down while the server hangs" rs_absent "$svc" 192.168.78.12:80
kill_wait "$hung"

# a broken file: reload refused with file:line, running config kept
# (first let the health changes of the hung-server episode settle)
wait_for 6 rs_has_weight "$svc2" 192.168.78.12:80 0
before=$(ipvsadm -L -n)
cp "$cfg" "$work/good.cf"
badline=$(($(wc -l <"$cfg") + 3))
printf 'virtual=10.77.0.100:9090\n\treal=192.168.77.11:80 masq\n\tchecktype=bogus\n' >>"$cfg"
reload_err=$(lvsd --cmd reload 2>&1 >/dev/null); reload_rc=$?
tap_check "bad reload (lvsd --cmd reload) refused" [ "$reload_rc" -ne 0 ]
echo "# lvsd --cmd reload said: $reload_err"
tap_check "the refusing client is told file:line: message" \
	eval 'echo "$reload_err" | grep -q "ld.cf:$badline: checktype: expected connect"'
tap_check "refusal logged as file:line: message" \
	grep -q "reload of module check failed: .*ld.cf:$badline: checktype: expected connect" "$HC_LVSD_LOG"
tap_check "bad autoreload logged as well" wait_for 3 grep -q "ld.cf:$badline: checktype.*keeping the running configuration" "$HC_LVSD_LOG"
tap_check "running configuration kept" eval '[ "$(ipvsadm -L -n)" = "$before" ]'

# autoreload of a good change: a new virtual appears, the others stay
cp "$work/good.cf" "$cfg"
printf 'virtual=10.77.0.101:80\n\treal=192.168.77.11:80 masq 4\n\tchecktype=on\n' >>"$cfg"
tap_check "autoreload: new virtual added" wait_for 4 rs_has_weight "TCP  10.77.0.101:80 " 192.168.77.11:80 4
tap_check "autoreload: RS1 of the old virtual not flapped" grep -q "Restored\|Added real server 192.168.77.11:80 to tcp:10.77.0.100:80" "$HC_LVSD_LOG"
n_before=$(grep -c "Added virtual service tcp:10.77.0.100:80 " "$HC_LVSD_LOG")
tap_check "unchanged virtual not re-added" [ "$n_before" = 1 ]
# remove the 8080 virtual by reload
grep -v "8080\|masq 3\|masq 1\|quiescent=yes\|scheduler=rr\|checktype=connect" "$cfg" >"$work/smaller.cf"
cp "$work/smaller.cf" "$cfg"
tap_check "reload: a virtual that left the file is deleted" wait_for 4 eval '! ipvsadm -L -n | grep -q "10.77.0.100:8080"'

hc_lvsd_stop
tap_check "lvsd exits cleanly" eval '! kill -0 $HC_LVSD_PID 2>/dev/null'
echo "1..$_tap_n"
