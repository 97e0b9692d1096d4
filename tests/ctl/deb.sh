#!/bin/bash
# deb.sh - the Debian package: `make deb` builds it, lintian finds no error
# or warning, it holds what `make install` installs; then it is installed
# on this machine for real (replacing Debian's ipvsadm), installed again
# over itself, Debian's ldirectord in its normal daemon mode drives the
# packaged lvsd through the packaged /usr/sbin/ipvsadm (in a namespace),
# and the package is purged without a trace.  The machine ends as it
# began: a Debian ipvsadm that was installed is installed again, and a
# policy-rc.d this suite wrote (so that no service starts) is removed.
. "$(dirname "$0")/../lib/common.sh"
mktemp_dir work lvsd-deb

ver=$(cd "$LVSD_TOP" && dpkg-parsechangelog -S Version)
src_ver=$(sed -n 's/^#define LVSD_VERSION "\(.*\)"/\1/p' "$LVSD_TOP/src/daemon/daemon.h")
tap_check "debian/changelog's version is lvsd's ($src_ver)" [ "$ver" = "$src_ver" ]

make -s -C "$LVSD_TOP" deb >"$work/make.log" 2>&1
rc=$?
deb=$LVSD_TOP/build/deb/lvsd_${ver}_$(dpkg --print-architecture).deb
tap_check "make deb builds $(basename "$deb") into build/deb/" [ $rc = 0 -a -f "$deb" ]
[ $rc = 0 ] || tail -30 "$work/make.log" | sed 's/^/# /'
[ -f "$deb" ] || { echo "1..$_tap_n"; exit 1; }
tap_check "nothing written beside the tree" eval '! ls "$LVSD_TOP"/../lvsd_"$ver"_* >/dev/null 2>&1'
tap_check "the copy of the tree is removed" [ ! -e "$LVSD_TOP/build/deb/lvsd-src" ]

lintian --fail-on error,warning "$deb" >"$work/lintian.log" 2>&1
rc=$?
tap_check "lintian --fail-on error,warning: clean" [ $rc = 0 ]
grep -E '^[EW]:' "$work/lintian.log" | sed 's/^/# /'

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/sbin/lvsd /usr/sbin/ipvsadm /usr/sbin/ipvsadm-save /usr/sbin/ipvsadm-restore /usr/sbin/lvs-decap \
	/usr/lib/lvsd/ipvsadm-service /lib/systemd/system/lvsd.service /lib/systemd/system/ipvsadm.service \
	/usr/share/bash-completion/completions/ipvsadm /usr/share/bash-completion/completions/lvsd \
	/usr/share/man/man8/ipvsadm.8.gz /usr/share/man/man8/lvsd.8.gz /usr/share/doc/lvsd/README.Debian \
	/etc/default/lvsd /etc/default/ipvsadm; do
	tap_check "the package holds $f" grep -qxF "$f" "$work/contents"
done
dpkg-deb -e "$deb" "$work/control"
tap_check "/etc/default/lvsd and /etc/default/ipvsadm are conffiles" \
	eval '[ "$(sort "$work/control/conffiles" | tr "\n" " ")" = "/etc/default/ipvsadm /etc/default/lvsd " ]'
for fld in Provides Conflicts Replaces; do
	tap_check "$fld: ipvsadm" [ "$(dpkg-deb -f "$deb" "$fld")" = ipvsadm ]
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libbpf1 libxdp1 libnftables1 libmnl0 libcurl4 libpopt0 libmicrohttpd12 libc6; do
	tap_check "Depends names $lib" grep -q "\\b$lib\\b" <<<"$depends"
done
tap_check "the packaged lvsd.service runs /usr/sbin/lvsd" \
	eval 'dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/lvsd.service | grep -qx "ExecStart=/usr/sbin/lvsd \$LVSD_OPTS"'

# ---- installed for real
if dpkg-query -W -f='${Status}' lvsd 2>/dev/null | grep -q 'ok installed'; then
	echo "# lvsd is installed on this machine already: the install checks would replace it"
	echo "1..$_tap_n"
	exit 0
fi
had_ipvsadm=0
dpkg-query -W -f='${Status}' ipvsadm 2>/dev/null | grep -q '^install ok installed' && had_ipvsadm=1
echo "# Debian's ipvsadm installed before: $had_ipvsadm"
[ -f /etc/default/ipvsadm ] && cp /etc/default/ipvsadm "$work/default-ipvsadm.before"
# policy-rc.d: no service starts (another one, e.g. scripts/deps.sh's, is
# left alone, and this one is removed only while it is still this one)
policy_mark="# written by lvsd's tests/ctl/deb.sh $$"
wrote_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n%s\nexit 101\n' "$policy_mark" >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d &&
		wrote_policy=1
fi
export DEBIAN_FRONTEND=noninteractive

# dpkg CMD...: dpkg, waiting (2 minutes at most) while another dpkg or apt
# holds its lock; its output in $work/dpkg.log
dpkg_w() {
	local i rc
	for ((i = 0; i < 60; i++)); do
		dpkg "$@" >"$work/dpkg.log" 2>&1 </dev/null
		rc=$?
		grep -q 'lock' "$work/dpkg.log" && [ $rc != 0 ] || return $rc
		sleep 2
	done
	return $rc
}
apt_w() { apt-get -y -q -o DPkg::Lock::Timeout=120 "$@" >"$work/apt.log" 2>&1 </dev/null; }

# the machine back as it was, also when the suite stops half-way
restored=0
restore_machine() {
	[ $restored = 1 ] && return 0
	restored=1
	if dpkg-query -W -f='${Status}' lvsd 2>/dev/null | grep -q 'ok installed'; then
		if [ $had_ipvsadm = 1 ]; then
			apt_w install --purge ipvsadm lvsd-
		else
			dpkg_w --purge lvsd
		fi
	fi
	[ $wrote_policy = 1 ] && grep -qxF "$policy_mark" /usr/sbin/policy-rc.d 2>/dev/null && rm -f /usr/sbin/policy-rc.d
	return 0
}
trap 'restore_machine; _common_cleanup' EXIT

dpkg_w -i "$deb"
rc=$?
tap_check "dpkg -i installs the package" [ $rc = 0 ]
[ $rc = 0 ] || sed 's/^/# /' "$work/dpkg.log"
tap_check "dpkg -S /usr/sbin/ipvsadm names lvsd" eval '[ "$(dpkg -S /usr/sbin/ipvsadm 2>/dev/null)" = "lvsd: /usr/sbin/ipvsadm" ]'
if [ $had_ipvsadm = 1 ]; then
	tap_check "Debian's ipvsadm was removed in favour of lvsd" \
		eval '! dpkg-query -W -f="\${Status}" ipvsadm | grep -q "ok installed"'
fi
for f in ipvsadm ipvsadm-save ipvsadm-restore; do
	# with a merged /usr the removed ipvsadm's /sbin/$f was this very file
	tap_check "/usr/sbin/$f survived the removal of ipvsadm" \
		eval 'dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/sbin/'$f' | cmp -s - /usr/sbin/'$f
done
tap_check "no diversion left behind" eval '! dpkg-divert --list | grep -q lvsd'
tap_check "ldirectord's /sbin/ipvsadm is lvsd's (or absent, then /usr/sbin/ipvsadm)" \
	eval '[ ! -e /sbin/ipvsadm ] || [ /sbin/ipvsadm -ef /usr/sbin/ipvsadm ]'
/usr/sbin/ipvsadm -h >"$work/h.out" 2>&1
tap_check "/usr/sbin/ipvsadm -h runs" grep -q "^Usage:" "$work/h.out"
tap_check "/usr/sbin/lvsd --version: $ver" [ "$(/usr/sbin/lvsd --version)" = "lvsd $ver" ]
tap_check "the installed completion registers" \
	eval "bash -c '. /usr/share/bash-completion/completions/ipvsadm; complete -p ipvsadm' | grep -q _ipvsadm"
tap_check "/etc/default/lvsd installed" [ -f /etc/default/lvsd ]

dpkg_w -i "$deb"
rc=$?
tap_check "dpkg -i again (upgrade over itself): maintainer scripts succeed" [ $rc = 0 ]
[ $rc = 0 ] || sed 's/^/# /' "$work/dpkg.log"
tap_check "... still installed, /usr/sbin/ipvsadm still lvsd's" \
	eval 'dpkg-query -W -f="\${Status}" lvsd | grep -q "install ok installed" && [ "$(dpkg -S /usr/sbin/ipvsadm)" = "lvsd: /usr/sbin/ipvsadm" ]'

# ---- Debian's ldirectord, normal (daemon) mode, drives the packaged lvsd
ldirectord_checks() {
	ns_dir=lvsd-deb-d$$ ns_rs=lvsd-deb-r$$
	ns_add "$ns_dir" && ns_add "$ns_rs" || tap_fail "namespaces"
	ip link add deb$$a netns "$ns_dir" type veth peer name deb$$b netns "$ns_rs"
	ip -n "$ns_dir" addr add 10.66.0.1/24 dev deb$$a
	ip -n "$ns_rs" addr add 10.66.0.2/24 dev deb$$b
	for n in "$ns_dir" "$ns_rs"; do ip -n "$n" link set lo up; done
	ip -n "$ns_dir" link set deb$$a up
	ip -n "$ns_rs" link set deb$$b up
	mkdir -p "$work/www" && echo "lvsd-deb real server" >"$work/www/index.html"
	bg_start rs ip netns exec "$ns_rs" python3 -m http.server 80 --bind 10.66.0.2 --directory "$work/www"
	ns_wait_tcp "$ns_dir" 10.66.0.2 80 || tap_fail "the real server answers"

	export LVSD_SOCKET=$work/lvsd.sock
	lvsd_run lvsd_pid "$work/lvsd.log" ip netns exec "$ns_dir" /usr/sbin/lvsd -f -b none -S "$LVSD_SOCKET" ||
		tap_fail "the packaged lvsd starts"
	cf=$work/lvsd-deb-$$.cf
	cat >"$cf" <<CFG
checktimeout=3
checkinterval=1
quiescent=no
logfile="$work/ldirectord.log"
virtual=10.66.1.100:80
	real=10.66.0.2:80 masq 2
	service=http
	scheduler=wrr
	checktype=negotiate
	request="index.html"
	receive="lvsd-deb real server"
CFG
	ld_pidfile=/var/run/ldirectord.$(basename "$cf").pid
	# from a directory without ./ipvsadm: the normal mode uses /sbin or /usr/sbin
	(cd "$work/www" && ip netns exec "$ns_dir" env LVSD_SOCKET="$LVSD_SOCKET" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		/usr/sbin/ldirectord "$cf" start) >"$work/ld.out" 2>&1
	rc=$?
	tap_check "ldirectord CONFIG start (daemon mode) succeeds" [ $rc = 0 ]
	wait_for 10 test -s "$ld_pidfile" && cleanup_pid "$(cat "$ld_pidfile")"
	tap_check "ldirectord runs as a daemon (pid file)" eval 'kill -0 "$(cat "$ld_pidfile" 2>/dev/null)" 2>/dev/null'
	tap_check "ipvsadm -L -n lists the service ldirectord added" \
		wait_for 15 eval '/usr/sbin/ipvsadm -L -n | grep -q "^TCP  10.66.1.100:80 wrr"'
	tap_check "... with the real server it checked (Masq, weight 2)" \
		wait_for 15 eval '/usr/sbin/ipvsadm -L -n | grep -Eq "^  -> 10.66.0.2:80 +Masq +2 "'
	ip netns exec "$ns_dir" env LVSD_SOCKET="$LVSD_SOCKET" /usr/sbin/ldirectord "$cf" stop >>"$work/ld.out" 2>&1
	tap_check "ldirectord CONFIG stop removes the service again" \
		wait_for 10 eval '! /usr/sbin/ipvsadm -L -n | grep -q "10.66.1.100:80"'
	tap_check "ldirectord logged no ipvsadm failure" \
		eval '! grep -q "system(.*) failed\|Can not find ipvsadm" "$work/ld.out" "$work/ldirectord.log" 2>/dev/null'
	lvsd_reap "$lvsd_pid" "$work/lvsd.log"
	tap_check "the packaged lvsd exits cleanly" [ $? = 0 ]
	kill_wait "$rs"
}
if [ -x /usr/sbin/ldirectord ]; then
	ldirectord_checks
else
	echo "# ldirectord is not installed: its checks are left out"
fi

# ---- purge: nothing of lvsd stays
# ldirectord depends on ipvsadm, which lvsd provides: Debian's ipvsadm
# comes back first (apt removes lvsd for it), then lvsd's configuration
# files are purged
if [ $had_ipvsadm = 1 ]; then
	apt_w install ipvsadm
	rc=$?
	tap_check "apt-get install ipvsadm: Debian's ipvsadm back, lvsd removed" [ $rc = 0 ]
	[ $rc = 0 ] || tail -20 "$work/apt.log" | sed 's/^/# /'
fi
dpkg_w --purge lvsd
rc=$?
tap_check "dpkg --purge lvsd" [ $rc = 0 ]
[ $rc = 0 ] || sed 's/^/# /' "$work/dpkg.log"
tap_check "dpkg -L lvsd: gone" eval '! dpkg -L lvsd >/dev/null 2>&1'
tap_check "/etc/default/lvsd: gone" [ ! -e /etc/default/lvsd ]
left=()
while read -r f; do
	[ -z "$f" ] || [ "${f%/}" != "$f" ] && continue
	[ -e "$f" ] || continue
	# a path Debian's ipvsadm (back again) owns is its own now, also as
	# the /usr/sbin alias of its /sbin file on a merged /usr; its content
	# is then ipvsadm's, not lvsd's
	if dpkg -S "$f" "/sbin/${f#/usr/sbin/}" 2>/dev/null | grep -q '^ipvsadm: ' &&
		! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ".$f" | cmp -s - "$f"; then
		continue
	fi
	left+=("$f")
done <"$work/contents"
tap_check "no file of the package is left" [ ${#left[@]} = 0 ]
[ ${#left[@]} = 0 ] || echo "# left: ${left[*]}"
tap_check "the units' enablement links are gone" \
	eval '! ls /etc/systemd/system/*/lvsd.service /etc/systemd/system/*/ipvsadm.service 2>/dev/null | grep -q .'
if [ $had_ipvsadm = 1 ]; then
	tap_check "Debian's ipvsadm installed again, owning /usr/sbin/ipvsadm or /sbin/ipvsadm" \
		eval 'dpkg-query -W -f="\${Status}" ipvsadm | grep -q "install ok installed" && dpkg -S /sbin/ipvsadm /usr/sbin/ipvsadm 2>/dev/null | grep -q "^ipvsadm:"'
	tap_check "and its /etc/default/ipvsadm as before" cmp -s /etc/default/ipvsadm "$work/default-ipvsadm.before"
fi
restore_machine
echo "1..$_tap_n"
