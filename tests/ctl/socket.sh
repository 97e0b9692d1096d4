#!/bin/bash
# socket.sh - where the control socket lives and who owns it: $LVSD_SOCKET,
# -S, two daemons side by side, stale and live sockets, SIGTERM cleanup,
# daemon mode with its pid file, permissions.
. "$(dirname "$0")/../lib/common.sh"
CT="$LVSD_BUILD/tools/lvsd-ctltest"
LVSD="$LVSD_BUILD/lvsd"
dir=$(mktemp -d /tmp/lvsd-ctl-sock.XXXXXX)
cleanup_dir "$dir"

wait_sock() { for _ in $(seq 1 200); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }
quiet() { "$@" >/dev/null; }
wait_gone() { for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }

# $LVSD_SOCKET picks the socket, in a directory lvsd creates 0755
LVSD_SOCKET="$dir/env/sub/a.sock" "$LVSD" -f --backend none >"$dir/a.log" 2>&1 &
a=$!; cleanup_pid $a
wait_sock "$dir/env/sub/a.sock"
tap_check "socket from \$LVSD_SOCKET" [ -S "$dir/env/sub/a.sock" ]
tap_check "socket mode 0600" [ "$(stat -c %a "$dir/env/sub/a.sock")" = 600 ]
tap_check "socket directory mode 0755" [ "$(stat -c %a "$dir/env/sub")" = 755 ]

# -S wins over $LVSD_SOCKET
LVSD_SOCKET="$dir/ignored.sock" "$LVSD" -f --backend none -S "$dir/b.sock" >"$dir/b.log" 2>&1 &
b=$!; cleanup_pid $b
wait_sock "$dir/b.sock"
tap_check "socket from -S (over \$LVSD_SOCKET)" [ -S "$dir/b.sock" -a ! -e "$dir/ignored.sock" ]

# two daemons side by side keep separate tables
LVSD_SOCKET="$dir/env/sub/a.sock" "$CT" fill 3 2 >/dev/null
LVSD_SOCKET="$dir/b.sock" "$CT" fill 1 5 >/dev/null
tap_check "daemon A has its own table" [ "$(LVSD_SOCKET="$dir/env/sub/a.sock" "$CT" count)" = "services 3 dests 6" ]
tap_check "daemon B has its own table" [ "$(LVSD_SOCKET="$dir/b.sock" "$CT" count)" = "services 1 dests 5" ]
tap_check "ipvsadm follows \$LVSD_SOCKET" \
	[ "$(LVSD_SOCKET="$dir/b.sock" "$LVSD_BUILD/ipvsadm" -Ln | grep -c -- '->.*Masq')" = 5 ]

# a live socket is refused, and left alone
"$LVSD" -f --backend none -S "$dir/b.sock" >"$dir/b2.log" 2>&1
rc=$?
tap_check "second daemon on a live socket exits non-zero" [ $rc -ne 0 ]
if grep -q "already running" "$dir/b2.log"; then tap_ok "... saying another lvsd is running"
else tap_fail "... saying another lvsd is running"; sed 's/^/# /' "$dir/b2.log"; fi
tap_check "... and the first daemon still serves" quiet env LVSD_SOCKET="$dir/b.sock" "$CT" count

# SIGTERM: clean exit, socket removed
kill -TERM $b
wait_gone $b
wait $b; rc=$?
tap_check "SIGTERM exits 0" [ $rc = 0 ]
tap_check "SIGTERM removes the socket" [ ! -e "$dir/b.sock" ]

# a stale socket (bound, nobody listening) is replaced
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$dir/stale.sock"
tap_check "stale socket prepared" [ -S "$dir/stale.sock" ]
"$LVSD" -f --backend none -S "$dir/stale.sock" >"$dir/s.log" 2>&1 &
s=$!; cleanup_pid $s
sleep 0.2
ok=1; for _ in $(seq 1 100); do LVSD_SOCKET="$dir/stale.sock" "$CT" info >/dev/null 2>&1 && break; ok=0; sleep 0.05; done
tap_check "stale socket replaced by a live daemon" quiet env LVSD_SOCKET="$dir/stale.sock" "$CT" count
kill -INT $s; wait_gone $s

# a non-socket file at the path is never clobbered
echo precious >"$dir/file.sock"
"$LVSD" -f --backend none -S "$dir/file.sock" >"$dir/f.log" 2>&1
rc=$?
tap_check "a regular file at the socket path is refused" [ $rc -ne 0 -a "$(cat "$dir/file.sock")" = precious ]

# no daemon: the client reports it
out=$(LVSD_SOCKET="$dir/none.sock" "$CT" info 2>&1)
tap_check "no daemon: client says so" [ "$out" = "connect $dir/none.sock: No such file or directory" ]

# daemon mode: returns once ready, writes the pid file, SIGTERM cleans up
"$LVSD" --backend none -S "$dir/d.sock"
rc=$?
tap_check "daemon mode: parent exits 0 when ready" [ $rc = 0 -a -S "$dir/d.sock" ]
dpid=$(cat "$dir/d.pid" 2>/dev/null)
[ -n "$dpid" ] && cleanup_pid "$dpid"
tap_check "daemon mode: pid file names a live lvsd" kill -0 "${dpid:-999999999}"
tap_check "daemon mode: serves" quiet env LVSD_SOCKET="$dir/d.sock" "$CT" count
[ -n "$dpid" ] && kill -TERM "$dpid" && wait_gone "$dpid"
tap_check "daemon mode: SIGTERM removes socket and pid file" [ ! -e "$dir/d.sock" -a ! -e "$dir/d.pid" ]

# option errors
"$LVSD" -f --backend none -S "$dir/x.sock" --backend bogus >/dev/null 2>&1
tap_check "unknown backend refused (exit 2)" [ $? = 2 ]
"$LVSD" -f --backend none -S "$dir/x.sock" --workers -3 >/dev/null 2>&1
tap_check "bad --workers refused (exit 2)" [ $? = 2 ]
tap_check "lvsd -V" bash -c "'$LVSD' -V | grep -q '^lvsd [0-9]'"
tap_check "lvsd -h" bash -c "'$LVSD' -h | grep -q -- '--socket PATH'"

kill -TERM $a; wait_gone $a
tap_check "daemon A removed its socket" [ ! -e "$dir/env/sub/a.sock" ]
