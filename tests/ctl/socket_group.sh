#!/bin/bash
# socket_group.sh - `lvsd --socket-group GROUP`: a monitoring user in GROUP
# reads everything over the control socket (ipvsadm -L, lvsd --show) and
# changes nothing; users outside GROUP cannot even connect.
. "$(dirname "$0")/../lib/common.sh"

# nobody's own group (65534) stands for the monitoring group
grp=$(getent group 65534 | cut -d: -f1)
[ -n "$grp" ] || { tap_fail "a group with gid 65534 exists"; exit 1; }

out=$("$LVSD_BUILD/lvsd" --socket-group no-such-group-lvsd -f 2>&1)
rc=$?
tap_check "an unknown group is a usage error (rc $rc)" [ "$rc" = 2 ]
tap_check "  and says so" grep -q "socket-group" <<<"$out"

lvsd_start --backend none --socket-group "$grp" || { tap_fail "lvsd starts"; exit 1; }
chmod 755 "$(dirname "$LVSD_SOCKET")"
bins=$(mktemp -d /tmp/lvsd-ctl-bin.XXXXXX)
cleanup_dir "$bins"
cp "$LVSD_BUILD/ipvsadm" "$LVSD_BUILD/lvsd" "$bins/"
chmod 755 "$bins" "$bins"/*
ipv() { "$LVSD_BUILD/ipvsadm" "$@"; }
ipv -A -t 10.9.9.1:80 -s wrr
ipv -a -t 10.9.9.1:80 -r 10.9.9.11:80 -m -w 2
before=$(ipv -S -n)

mode=$(stat -c '%a %G' "$LVSD_SOCKET")
tap_check "the socket is 0660 for $grp ($mode)" [ "$mode" = "660 $grp" ]

as_member() { setpriv --reuid 65534 --regid 65534 --clear-groups env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$@"; }
as_outsider() { setpriv --reuid 65534 --regid 1 --clear-groups env LVSD_SOCKET="$LVSD_SOCKET" ASAN_OPTIONS=detect_leaks=0 "$@"; }

out=$(as_member "$bins/ipvsadm" -L -n 2>&1)
tap_check "a member lists the table with ipvsadm -L -n" grep -q "10.9.9.11:80 *Masq *2" <<<"$out"
tap_check "  the same listing root gets" [ "$out" = "$(ipv -L -n)" ]
out=$(as_member "$bins/ipvsadm" -L -n --stats 2>&1)
tap_check "a member reads --stats" grep -q "10.9.9.1:80" <<<"$out"
out=$(as_member "$bins/lvsd" --show status 2>&1)
tap_check "a member reads lvsd --show status" grep -q "^lvsd" <<<"$out"
out=$(as_member "$bins/lvsd" --show status --json 2>&1)
tap_check "a member reads the JSON" grep -q '"services"' <<<"$out"

as_member "$bins/ipvsadm" -A -t 10.9.9.2:80 >/dev/null 2>&1
tap_check "a member cannot add a service (rc $?)" [ $? -ne 0 ]
as_member "$bins/ipvsadm" -e -t 10.9.9.1:80 -r 10.9.9.11:80 -m -w 0 >/dev/null 2>&1
tap_check "a member cannot edit a real server" [ $? -ne 0 ]
as_member "$bins/ipvsadm" -C >/dev/null 2>&1
tap_check "a member cannot clear the table" [ $? -ne 0 ]
out=$(as_member "$bins/lvsd" --cmd "drain -t 10.9.9.1:80 10.9.9.11:80" 2>&1)
tap_check "a member cannot drain ($out)" [ $? -ne 0 ]
as_member "$bins/lvsd" --cmd reload >/dev/null 2>&1
tap_check "a member cannot reload" [ $? -ne 0 ]
tap_check "the table is unchanged" [ "$(ipv -S -n)" = "$before" ]

out=$(as_outsider "$bins/ipvsadm" -L -n 2>&1)
rc=$?
tap_check "a user outside the group cannot list (rc $rc)" [ "$rc" -ne 0 ]
tap_check "  refused at connect" grep -q "Permission denied" <<<"$out"
tap_check "root still changes the table" ipv -A -t 10.9.9.3:80
lvsd_stop
