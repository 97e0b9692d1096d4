#!/bin/bash
# ctlsock_limits.sh - nobody can lock root out of the control socket or
# flood the log through it, the pid file is never written through a link,
# and ipvsadm never hangs on, nor allocates for, a daemon that misbehaves.
. "$(dirname "$0")/../lib/common.sh"
here=$(dirname "$0")
mktemp_dir work lvsd-lim || exit 1

lvsd_start --backend none || { tap_fail "lvsd starts"; exit 1; }

# 300 idle root clients: more than the 256 slots
"$here/idleclients.py" "$LVSD_SOCKET" 300 16 >"$work/idle.out" 2>&1 &
idle_pid=$!
cleanup_pid $idle_pid
wait_for 10 grep -q "^held 300" "$work/idle.out"
tap_check "300 idle clients connected" grep -q "^held 300" "$work/idle.out"
t0=$(date +%s%N)
out=$(timeout 2 ipvsadm -L -n 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
tap_check "ipvsadm -L -n answers within 2 s despite them (${ms} ms)" \
	[ $rc = 0 -a "${out%%$'\n'*}" = "IP Virtual Server version 1.2.1 (size=4096)" ]
# a client that sits idle past the daemon's limit goes on (it reconnects)
( echo "-A -t 10.1.1.1:80 -s rr"; sleep 11; echo "-A -t 10.1.1.2:80 -s rr" ) | ipvsadm -R >"$work/slow.out" 2>&1 &
slow_pid=$!

# the idle ones go after 10 s without a request
wait "$idle_pid"
early=$(sed -n 's/^early //p' "$work/idle.out")
read -r closed first < <(sed -n 's/^closed \([0-9]*\) first \(.*\)/\1 \2/p' "$work/idle.out")
tap_check "the clients evicted to make room were few ($early)" [ -n "$early" ] && [ "$early" -ge 1 -a "$early" -le 50 ]
tap_check "all 300 idle clients closed by the daemon (got ${closed:-none})" [ "${closed:-0}" = 300 ]
tap_check "... the idle ones after 10-12 s (first at ${first:-?} s)" \
	awk -v f="${first:--1}" 'BEGIN { exit !(f >= 9.5 && f <= 12.5) }'
idle_lines=$(grep -c "control client .*: idle; closing" "$LVSD_LOG")
tap_check "~250 idle closings logged in at most 3 lines (got $idle_lines)" [ "$idle_lines" -ge 1 -a "$idle_lines" -le 3 ]
evict=$(grep -c "making room for a root client" "$LVSD_LOG")
tap_check "evictions for root logged in at most 2 lines (got $evict)" [ "$evict" -ge 1 -a "$evict" -le 2 ]
# (the count rides on the next line logged: an eviction's or an idle close's)
tap_check "... the skipped ones counted" grep -qE "closing \([1-9][0-9]* more closings not logged\)" "$LVSD_LOG"

# non-root peers: their own small share, refusals rate-limited
chmod 755 "$(dirname "$LVSD_SOCKET")"
chmod 666 "$LVSD_SOCKET"
setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 -c '
import socket, sys, time
held = []
for _ in range(40):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1]); held.append(s)
# one more a second later: its refusal line carries the count of the rest
time.sleep(1.2)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
time.sleep(0.3)
gone = 0
for s in held:
    s.settimeout(0.01)
    try:
        gone += s.recv(1) == b""
    except socket.timeout:
        pass
print("kept %d" % (len(held) - gone))' "$LVSD_SOCKET" >"$work/nobody.out" 2>&1
chmod 600 "$LVSD_SOCKET"
tap_check "a non-root uid keeps at most 16 connections" grep -qx "kept 16" "$work/nobody.out"
tap_check "root still served after the non-root flood" bash -c "timeout 2 ipvsadm -L -n >/dev/null"

# the log: one line per second at most for each kind, with the count
refusals=$(grep -c "control socket: refusing" "$LVSD_LOG")
tap_check "25 refusals logged in at most 2 lines (got $refusals)" [ "$refusals" -ge 1 -a "$refusals" -le 2 ]
tap_check "... the skipped ones counted" grep -qE "\([1-9][0-9]* more refusals not logged\)" "$LVSD_LOG"
wait "$slow_pid"
tap_check "ipvsadm -R idle for 11 s mid-input still applies all its lines" \
	bash -c "[ ! -s '$work/slow.out' ] && [ \$(ipvsadm -L -n | grep -c '^TCP  10.1.1.[12]:80 rr') = 2 ]"
lvsd_stop
tap_check "no sanitizer report from lvsd" bash -c "! grep -qE 'Sanitizer|runtime error' '$LVSD_LOG'"

# the pid file: a symlink planted at its path is replaced, never followed
echo precious >"$work/target"
ln -s "$work/target" "$work/d.pid"
"$LVSD_BUILD/lvsd" -S "$work/d.sock" -P "$work/d.pid" --backend none --log-file "$work/d.log" 2>"$work/d.err"
rc=$?
tap_check "daemon mode with a symlink at the pid path starts" [ $rc = 0 ]
dpid=$(cat "$work/d.pid" 2>/dev/null)
[ -n "$dpid" ] && cleanup_pid "$dpid"
tap_check "the link's target is untouched" [ "$(cat "$work/target")" = precious ]
tap_check "the pid file is a regular file now, naming lvsd" \
	bash -c "[ ! -L '$work/d.pid' ] && [ -f '$work/d.pid' ] && grep -q lvsd /proc/$dpid/comm"
tap_check "no temporary pid file left" bash -c "! ls '$work' | grep -q 'd.pid.*tmp'"
kill "$dpid" 2>/dev/null
wait_for 5 bash -c "! kill -0 $dpid 2>/dev/null"

# a daemon that never answers: ipvsadm gives up after its timeout
export LVSD_SOCKET="$work/fake.sock"
python3 "$here/fakeserver.py" "$LVSD_SOCKET" silent >"$work/fake.out" 2>&1 &
cleanup_pid $!
fake=$!
wait_for 5 grep -q ready "$work/fake.out"
t0=$(date +%s%N)
out=$(ipvsadm -L -n 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
tap_check "silent daemon: ipvsadm exits 2" [ $rc = 2 ]
tap_check "... saying so" [ "$out" = "ipvsadm: lvsd did not answer within 10 s" ]
tap_check "... after 10-11 s (${ms} ms)" [ $ms -ge 9800 -a $ms -le 11500 ]
out=$(LVSD_TIMEOUT=2 ipvsadm -L -n 2>&1)
tap_check "LVSD_TIMEOUT=2 shortens it" [ "$out" = "ipvsadm: lvsd did not answer within 2 s" ]
kill_wait $fake

# a daemon announcing a 1 GiB reply, then closing: a clean error, no 1 GiB
python3 "$here/fakeserver.py" "$LVSD_SOCKET" huge >"$work/fake.out" 2>&1 &
cleanup_pid $!
fake=$!
wait_for 5 grep -q ready "$work/fake.out"
/usr/bin/time -f "maxrss %M" -o "$work/rss" ipvsadm -L -n >"$work/huge.out" 2>&1
rc=$?
rss=$(sed -n 's/^maxrss //p' "$work/rss")
tap_check "1 GiB announced then EOF: ipvsadm exits 2 (not a crash)" [ $rc = 2 ]
tap_check "... with a clear message" grep -q "^ipvsadm: cannot reach lvsd at .*: Connection reset by peer" "$work/huge.out"
tap_check "... without allocating it (max RSS ${rss} KiB < 200 MiB)" [ -n "$rss" ] && [ "$rss" -lt 204800 ]
kill_wait $fake
true
