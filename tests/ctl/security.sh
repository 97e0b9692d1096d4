#!/bin/bash
# security.sh - only root may use the control socket: the socket is 0600,
# and even when its mode is opened up, SO_PEERCRED makes lvsd answer
# -EPERM to every request of a non-root peer.
. "$(dirname "$0")/../lib/common.sh"
CT="$LVSD_BUILD/tools/lvsd-ctltest"

lvsd_start --backend none || { tap_fail "lvsd starts"; exit 1; }
"$CT" fill 1 1 >/dev/null
# the nobody user needs to reach the binaries and the socket's directory
chmod 755 "$(dirname "$LVSD_SOCKET")"
bins=$(mktemp -d /tmp/lvsd-ctl-bin.XXXXXX)
cleanup_dir "$bins"
chmod 755 "$bins"
cp "$CT" "$LVSD_BUILD/ipvsadm" "$bins/"
chmod 755 "$bins"/*
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

out=$(as_nobody env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$bins/lvsd-ctltest" info 2>&1)
tap_check "non-root connect to the 0600 socket is refused" [ "$out" = "connect $LVSD_SOCKET: Permission denied" ]

chmod 666 "$LVSD_SOCKET"
out=$(as_nobody env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$bins/lvsd-ctltest" info 2>&1)
tap_check "non-root request gets -EPERM (SO_PEERCRED)" [ "$out" = "info: Operation not permitted" ]
out=$(as_nobody env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$bins/lvsd-ctltest" writer 9 3 2>&1)
tap_check "non-root mutation refused" bash -c "echo '$out' | grep -q 'Operation not permitted'"
tap_check "non-root changed nothing" [ "$("$CT" count)" = "services 1 dests 1" ]
out=$(as_nobody env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$bins/ipvsadm" -A -t 10.9.9.9:80 2>&1)
rc=$?
# the real ipvsadm 1.31 run by a non-root user on kernel 6.1: this text, exit 2
want="Can't initialize ipvs: Permission denied (you must be root)
Are you sure that IP Virtual Server is built in the kernel or as module?"
tap_check "non-root ipvsadm exits 2" [ $rc -eq 2 ]
tap_check "non-root ipvsadm says what the real one says" [ "$out" = "$want" ]
chmod 600 "$LVSD_SOCKET"
out=$(as_nobody env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$bins/ipvsadm" -L -n 2>&1)
rc=$?
tap_check "non-root ipvsadm on the 0600 socket: same message, exit 2" [ "$rc" -eq 2 -a "$out" = "$want" ]
tap_check "root still served" bash -c "'$CT' count >/dev/null"
tap_check "refusal logged" grep -q "is not root" "$LVSD_LOG"
lvsd_stop
