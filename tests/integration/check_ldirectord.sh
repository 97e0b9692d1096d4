#!/bin/bash
# check_ldirectord.sh - Debian's REAL ldirectord (perl) drives OUR ipvsadm
# against lvsd (no built-in checker here): ldirectord's debug mode runs
# ./ipvsadm from its working directory, which is our
# binary in a private directory; it reaches lvsd through $LVSD_SOCKET.
# The system's /usr/sbin/ipvsadm is never touched.  A tutorial-style config;
# stop an RS's web server -> removed, stop both -> fallback, restart ->
# restored and fallback gone.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

[ -x /usr/sbin/ldirectord ] || { echo "1..0 # SKIP ldirectord not installed"; exit 0; }
hc_setup ld
hc_rs_pages "Test Ldirectord" "Test Ldirectord"

# lvsd alone (an empty config file: the built-in checker has nothing to do)
: >"$work/empty.cf"
hc_lvsd "$work/empty.cf" || { tap_fail "lvsd starts"; exit 1; }

cat >"$work/ld.cf" <<CFG
checktimeout=2
checkinterval=1
failurecount=2
quiescent=no
logfile="$work/ldirectord.log"
virtual=10.77.0.100:80
	real=192.168.77.11:80 masq 2
	real=192.168.78.12:80 masq 1
	fallback=127.0.0.1:80 masq
	service=http
	scheduler=wrr
	checktype=negotiate
	request="index.html"
	receive="Test Ldirectord"
CFG
bg_start ld ip netns exec lvsd-hc-dir env LVSD_SOCKET="$LVSD_SOCKET" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	bash -c "cd '$HC_BIN' && exec /usr/sbin/ldirectord -d '$work/ld.cf' start" >"$work/ld.out" 2>&1

svc="TCP  10.77.0.100:80 "
tap_check "ldirectord created the virtual service through our ipvsadm" wait_for 15 eval 'ipvsadm -L -n | grep -q "^TCP  10.77.0.100:80 wrr"'
tap_check "both real servers added with their weights" \
	wait_for 15 eval 'rs_has_weight "$svc" 192.168.77.11:80 2 && rs_has_weight "$svc" 192.168.78.12:80 1 && rs_absent "$svc" 127.0.0.1:80'
kill_wait "$rs1"
tap_check "RS1 web server stopped: ldirectord removed it" wait_for 15 rs_absent "$svc" 192.168.77.11:80
tap_check "RS2 still there" rs_has_weight "$svc" 192.168.78.12:80 1
kill_wait "$rs2"
tap_check "both stopped: fallback 127.0.0.1:80 added" wait_for 15 eval 'rs_has_weight "$svc" 127.0.0.1:80 1 && rs_absent "$svc" 192.168.78.12:80'
hc_rs_web 1
tap_check "RS1 back: restored, fallback removed" wait_for 15 eval 'rs_has_weight "$svc" 192.168.77.11:80 2 && rs_absent "$svc" 127.0.0.1:80'
tap_check "ldirectord logged no ipvsadm failure" eval '! grep -q "system(.*) failed\|Can not find ipvsadm" "$work/ld.out" "$work/ldirectord.log" 2>/dev/null'
kill "$ld" 2>/dev/null; wait "$ld" 2>/dev/null
tap_check "ldirectord's cleanstop removed the virtual service" wait_for 10 eval '! ipvsadm -L -n | grep -q "10.77.0.100:80"'
hc_lvsd_stop
echo "1..$_tap_n"
