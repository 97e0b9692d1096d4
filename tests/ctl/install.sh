#!/bin/bash
# install.sh - `make install` into a DESTDIR: binaries, scripts, man pages,
# systemd units with the sbin path substituted; the installed tools work
# together against a private daemon.
. "$(dirname "$0")/../lib/common.sh"
dest=$(mktemp -d /tmp/lvsd-ctl-inst.XXXXXX)
cleanup_dir "$dest"

# install what this run built (BUILD), without rebuilding other trees
make -s -C "$LVSD_TOP" install BUILD="$BUILD" SAN="$([ "$BUILD" = build-san ] && echo 1 || echo 0)" \
	DESTDIR="$dest" PREFIX=/usr >"$dest.log" 2>&1
rc=$?
tap_check "make install DESTDIR=... PREFIX=/usr succeeds" [ $rc = 0 ]
[ $rc = 0 ] || sed 's/^/# /' "$dest.log"
rm -f "$dest.log"
sbin=$dest/usr/sbin
for f in lvsd ipvsadm ipvsadm-save ipvsadm-restore lvs-decap; do
	tap_check "sbin/$f installed executable" [ -x "$sbin/$f" ]
done
for m in lvsd ipvsadm ipvsadm-save ipvsadm-restore lvs-decap; do
	tap_check "man page $m.8 installed" [ -f "$dest/usr/share/man/man8/$m.8" ]
done
# the installed lvs-decap is the real tool: its usage, and its options as
# the man page documents them
"$sbin/lvs-decap" -h >/dev/null 2>"$dest/decap.err"
rc=$?
tap_check "installed lvs-decap -h: usage, exit 2" \
	[ $rc = 2 -a "$(cat "$dest/decap.err")" = "usage: lvs-decap -t ipip|gue|gre [-p UDPPORT] [-d TUNDEV] [-v]" ]
"$sbin/lvs-decap" -t gue -d x >/dev/null 2>&1
tap_check "installed lvs-decap refuses gue without -p (exit 2)" [ $? = 2 ]
for opt in -t -p -d -v; do
	tap_check "lvs-decap.8 documents $opt" grep -q "^\\.BR* \\\\$opt" "$dest/usr/share/man/man8/lvs-decap.8"
done
unit=$dest/lib/systemd/system
tap_check "lvsd.service installed with the sbin path" grep -qx "ExecStart=/usr/sbin/lvsd \$LVSD_OPTS" "$unit/lvsd.service"
tap_check "ipvsadm.service runs the installed helper" grep -qx "ExecStart=/usr/lib/lvsd/ipvsadm-service start" "$unit/ipvsadm.service"
helper=$dest/usr/lib/lvsd/ipvsadm-service
tap_check "the helper is installed executable, with the sbin path" \
	eval '[ -x "$helper" ] && grep -qx "SBINDIR=/usr/sbin" "$helper"'
tap_check "no @...@ left in the units and the helper" bash -c "! grep -q @ '$unit/lvsd.service' '$unit/ipvsadm.service' '$helper'"
for c in ipvsadm lvsd; do
	tap_check "bash completion for $c installed" \
		cmp -s "$dest/usr/share/bash-completion/completions/$c" "$LVSD_TOP/packaging/bash-completion/$c"
done
if command -v systemd-analyze >/dev/null; then
	out=$(cd "$unit" && SYSTEMD_LOG_LEVEL=err systemd-analyze verify --man=no ./lvsd.service 2>&1 | grep -v -e "ipvsadm" -e "Cannot find" -e "No such file")
	tap_check "systemd-analyze verify lvsd.service" [ -z "$out" ]
fi

# the installed set works together
LVSD_BUILD=$sbin lvsd_start --backend none || tap_fail "installed lvsd starts"
printf -- '-A -t 10.7.7.7:80 -s rr\n-a -t 10.7.7.7:80 -r 10.7.7.8:80 -m -w 2\n' >"$dest/rules"
"$sbin/ipvsadm-restore" <"$dest/rules"
tap_check "installed ipvsadm-restore + ipvsadm-save round trip" \
	bash -c "'$sbin/ipvsadm-save' -n | cmp -s - '$dest/rules'"
tap_check "installed lvsd --show ip_vs" bash -c "'$sbin/lvsd' --show ip_vs | grep -q '^TCP  0A070707:0050 rr'"
lvsd_stop
