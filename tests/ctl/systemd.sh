#!/bin/bash
# systemd.sh - lvsd under a service manager: `lvsd -t` checks a
# configuration without touching a daemon (exit 0 / 1 with file:line:
# message / 2 usage / 3 unreadable); the sd_notify protocol seen by a
# stand-in notify socket (READY=1 only once the control socket answers,
# STATUS=, RELOADING=1 then READY=1 around each reload, WATCHDOG=1 pings,
# STOPPING=1, all from the process it started: no fork); the unit's
# ExecStartPre/ExecReload lines on a good and a broken file; the syslog
# facility (--syslog-facility, ldirectord logfile=local5) seen by a
# stand-in /dev/log in a private mount namespace.
. "$(dirname "$0")/../lib/common.sh"
LVSD="$LVSD_BUILD/lvsd"
LISTEN="python3 $(dirname "$0")/notify-listen.py"
UNIT="$LVSD_TOP/packaging/lvsd.service.in"
mktemp_dir dir lvsd-ctl-systemd

wait_gone() { for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }
# listen VAR OUT ADDR [-- PROBE...]: a stand-in datagram socket (notify or
# syslog), bound before this returns
listen() {
	local var=$1 out=$2
	shift 2
	bg_start "$var" $LISTEN "$1" "$out" "${@:2}"
	wait_for 20 grep -qs '^LISTENING$' "$out"
}
# the datagrams in OUT from PID, without the listener's pid and time
msgs() { awk -v p="$2" '$1 == p { $1 = ""; $2 = ""; sub(/^  /, ""); print }' "$1"; }
count() { msgs "$1" "$2" | grep -cx "$3"; }
# has OUT PID LINE [N]: at least N (default 1) datagrams from PID are LINE
has() { [ "$(count "$1" "$2" "$3")" -ge "${4:-1}" ]; }

# --- lvsd -t on the configurations other suites load ------------------------
cfgs=("$LVSD_TOP"/tests/data/spec/seed-ldirectord-*.cf "$LVSD_TOP"/tests/integration/data/seed-ldirectord-1.cf)
sed -n "/^cat >\"\$work\/keepalived.conf\" <<'CFG'/,/^CFG\$/p" "$LVSD_TOP/tests/integration/check_config.sh" |
	sed '1d;$d' >"$dir/keepalived.conf"
cfgs+=("$dir/keepalived.conf")
awk -v d="$dir" "/<<'CFG_EOF'/ { n++; f = d \"/course-\" n \".cf\"; next } /^CFG_EOF\$/ { f = \"\"; next } f { print > f }" \
	"$LVSD_TOP/tests/integration/course_ldirectord.sh"
cfgs+=("$dir"/course-*.cf)
tap_check "the seed configurations were found (${#cfgs[@]})" [ ${#cfgs[@]} -ge 5 -a -s "$dir/keepalived.conf" ]
for f in "${cfgs[@]}"; do
	out=$("$LVSD" -t -c "$f" 2>"$dir/t.err")
	rc=$?
	tap_check "lvsd -t -c $(basename "$f"): exit 0, 'configuration ok'" \
		[ $rc = 0 -a "${out#"$f": configuration ok (}" != "$out" ]
	[ $rc = 0 ] || sed 's/^/# /' "$dir/t.err"
done
out=$("$LVSD" --config-test -c "$dir/keepalived.conf" 2>/dev/null)
tap_check "--config-test: keepalived.conf, 1 virtual service, 2 real servers" \
	[ "$out" = "$dir/keepalived.conf: configuration ok (keepalived.conf, 1 virtual service, 2 real servers)" ]
"$LVSD" -t -c "${cfgs[0]}" >/dev/null 2>"$dir/t.err"
tap_check "... warnings go to stderr as file:line: warning:" grep -q "seed-ldirectord-1.cf:12: warning: protocol=fwm" "$dir/t.err"

# --- lvsd -t on broken files: the first error as file:line: message ----------
# bad NAME CONTENT RC MESSAGE: printf CONTENT into NAME, lvsd -t must exit
# RC with MESSAGE (the path prefixed) as its stderr's last line
bad() {
	printf "$2" >"$dir/$1"
	"$LVSD" -t -c "$dir/$1" >"$dir/t.out" 2>"$dir/t.err"
	local rc=$? last
	last=$(tail -n 1 "$dir/t.err")
	tap_check "lvsd -t, $1: exit $3, '${4:0:60}'" [ $rc = "$3" -a "$last" = "$dir/$1$4" -a ! -s "$dir/t.out" ]
	[ "$last" = "$dir/$1$4" ] || echo "# rc=$rc: $last"
}
bad unknown.cf 'checktimeout=3\nfoo=bar\n' 1 ":2: unknown directive 'foo'"
bad address.cf 'virtual=10.0.0.1:80\n\treal=10.0.0.300 gate\n' 1 ":2: real: bad address '10.0.0.300'"
bad checktype.cf 'virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tchecktype=bogus\n' 1 \
	":3: checktype: expected connect, negotiate, ping, external, off, on or a number, got 'bogus'"
# the parser accepts any scheduler name; the scratch table refuses it
bad sched.cf 'virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tscheduler=bogus\n' 1 \
	":1: virtual service tcp:10.0.0.1:80: unknown scheduler 'bogus'"
bad method.conf 'virtual_server 10.0.0.1 80 {\n  lvs_sched rr\n  lvs_method BOGUS\n}\n' 1 \
	":3: lvs_method: expected NAT, DR or TUN, got 'BOGUS'"
bad brace.conf 'virtual_server 10.0.0.1 80 {\n  lvs_sched rr\n  real_server 10.0.0.2 80 {\n    weight 1\n' 1 \
	":3: '{' is never closed"
bad nul.cf 'checktimeout=3\n\0\n' 1 ": binary data (NUL byte) in a configuration file"
"$LVSD" -t -c "$dir/missing.cf" >"$dir/t.out" 2>"$dir/t.err"
rc=$?
tap_check "lvsd -t, a missing file: exit 3, 'No such file or directory'" \
	[ $rc = 3 -a "$(cat "$dir/t.err")" = "$dir/missing.cf: No such file or directory" ]
out=$("$LVSD" -t -b none 2>&1)
rc=$?
tap_check "lvsd -t without -c: the options alone, exit 0" [ $rc = 0 -a "$out" = "lvsd: options ok; no configuration file (-c FILE) to test" ]
"$LVSD" -t -c "$dir/keepalived.conf" --backend bogus >/dev/null 2>&1
tap_check "lvsd -t with a bad option: exit 2" [ $? = 2 ]
"$LVSD" -t --cmd reload >/dev/null 2>&1
tap_check "lvsd -t --cmd: exit 2" [ $? = 2 ]

# -t touches no daemon: nothing created at -S, a running one unaffected
mkdir "$dir/empty"
"$LVSD" -t -S "$dir/empty/t.sock" -c "$dir/keepalived.conf" >/dev/null 2>&1
tap_check "lvsd -t -S PATH creates no socket, lock or pid file" [ -z "$(ls -A "$dir/empty")" ]
printf 'virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tchecktype=on\n' >"$dir/run.cf"
LVSD_SOCKET=$dir/run.sock lvsd_run rp "$dir/run.log" "$LVSD" -f -b none -S "$dir/run.sock" -c "$dir/run.cf"
"$LVSD" -t -S "$dir/run.sock" -c "$dir/unknown.cf" >/dev/null 2>&1
rc=$?
tap_check "lvsd -t on a running daemon's socket and a broken file: exit 1" [ $rc = 1 ]
tap_check "... the daemon still answers with its table" \
	bash -c "LVSD_SOCKET='$dir/run.sock' '$LVSD_BUILD/ipvsadm' -L -n | grep -q '^TCP  10.0.0.1:80 '"
tap_check "... and did not reload (reloads: 0)" \
	bash -c "LVSD_SOCKET='$dir/run.sock' '$LVSD' --show checks | grep -q 'reloads 0'"
lvsd_reap "$rp" "$dir/run.log"

# --- sd_notify: READY, STATUS, RELOADING, WATCHDOG, STOPPING -----------------
cat >"$dir/n.cf" <<'EOF'
checktype=on
virtual=10.1.0.1:80
	real=10.1.0.11:80 masq
	real=10.1.0.12:80 masq
virtual=10.1.0.2:53
	protocol=udp
	real=10.1.0.21:53 masq
EOF
listen lp "$dir/n.out" "$dir/notify.sock" -- env LVSD_SOCKET="$dir/n.sock" "$LVSD" --show status
# no -f: under a service manager lvsd must not fork
NOTIFY_SOCKET=$dir/notify.sock WATCHDOG_USEC=400000 "$LVSD" -b none -S "$dir/n.sock" -c "$dir/n.cf" \
	>"$dir/n.log" 2>&1 &
np=$!; cleanup_pid $np
wait_for 20 grep -q "^$np [0-9]* READY=1\$" "$dir/n.out"
tap_check "READY=1 from the pid that was started (no fork, NotifyAccess=main)" \
	[ "$(count "$dir/n.out" $np READY=1)" = 1 ]
tap_check "... which is still running, with no pid file" [ -n "$(kill -0 $np && echo y)" -a ! -e "$dir/n.pid" ]
wait_for 10 grep -q '^PROBE rc=' "$dir/n.out"
probe=$(grep -A1 " READY=1\$" "$dir/n.out" | sed -n 2p)
tap_check "... the control socket answered as soon as READY=1 came ($probe)" [ "$probe" = "PROBE rc=0" ]
tap_check "... and STATUS= came first: 2 services, 3 real servers, datapath none" \
	[ "$(msgs "$dir/n.out" $np | head -n 2 | tr '\n' '/')" = "STATUS=2 services, 3 real servers, datapath none/READY=1/" ]
sleep 1.2
tap_check "WATCHDOG=1 every WATCHDOG_USEC/2 (>= 4 in 1.2 s: $(count "$dir/n.out" $np WATCHDOG=1))" \
	[ "$(count "$dir/n.out" $np WATCHDOG=1)" -ge 4 ]
# after:  the messages after the first N (not watchdog pings)
after() { msgs "$dir/n.out" $np | grep -v '^WATCHDOG=1$' | tail -n +$(($1 + 1)); }
seen=$(msgs "$dir/n.out" $np | grep -vc '^WATCHDOG=1$')
kill -HUP $np
wait_for 10 has "$dir/n.out" $np READY=1 2
got=$(after "$seen")
tap_check "SIGHUP: RELOADING=1 with MONOTONIC_USEC, then STATUS=, then READY=1" \
	[ "$(sed 's/MONOTONIC_USEC=[0-9]*/MONOTONIC_USEC=N/' <<<"$got" | tr '\n' '/')" = \
	  "RELOADING=1|MONOTONIC_USEC=N/STATUS=2 services, 3 real servers, datapath none/READY=1/" ]
line=$(grep " RELOADING=1|" "$dir/n.out" | tail -n 1)
recv=$(cut -d' ' -f2 <<<"$line")
mono=$(sed 's/.*MONOTONIC_USEC=//' <<<"$line")
tap_check "... MONOTONIC_USEC is CLOCK_MONOTONIC now (off by $(( (recv - mono) / 1000 )) ms)" \
	[ $(( recv - mono )) -ge 0 -a $(( recv - mono )) -lt 2000000 ]
# a new service: --cmd reload, and the status counts it
printf 'virtual=10.1.0.3:443\n\treal=10.1.0.31:443 masq\n' >>"$dir/n.cf"
seen=$(msgs "$dir/n.out" $np | grep -vc '^WATCHDOG=1$')
LVSD_SOCKET=$dir/n.sock "$LVSD" --cmd reload >/dev/null 2>&1
tap_check "lvsd --cmd reload: exit 0" [ $? = 0 ]
wait_for 10 has "$dir/n.out" $np "STATUS=3 services, 4 real servers, datapath none"
got=$(after "$seen")
tap_check "... RELOADING=1 then READY=1" \
	[ "$(grep -E '^(RELOADING|READY)' <<<"$got" | sed 's/|.*//' | tr '\n' '/')" = "RELOADING=1/READY=1/" ]
tap_check "... and STATUS= follows the table: 3 services, 4 real servers" \
	grep -qx "STATUS=3 services, 4 real servers, datapath none" <<<"$got"

# --- the unit's ExecStartPre and ExecReload ---------------------------------
# as systemd runs them: $LVSD_OPTS from /etc/default/lvsd, split on blanks
unit_cmd() { sed -n "s/^$1=//p" "$UNIT" | sed "s|@SBINDIR@|$LVSD_BUILD|g"; }
opts="-b none -S $dir/n.sock -c $dir/n.cf"
pre=$(unit_cmd ExecStartPre)
reload=$(unit_cmd ExecReload)
tap_check "the unit: Type=notify, NotifyAccess=main, WatchdogSec=, no PIDFile" \
	bash -c "grep -qx Type=notify '$UNIT' && grep -qx NotifyAccess=main '$UNIT' && grep -q '^WatchdogSec=' '$UNIT' && ! grep -q PIDFile '$UNIT'"
LVSD_OPTS=$opts bash -c "$pre" >/dev/null 2>&1
tap_check "ExecStartPre ($pre) on the good file: exit 0" [ $? = 0 ]
LVSD_OPTS="-b none" bash -c "$pre" >/dev/null 2>&1
tap_check "... with no -c in LVSD_OPTS: exit 0" [ $? = 0 ]
cp "$dir/n.cf" "$dir/n.cf.good"
printf 'virtual=10.1.0.4:80\n\treal=10.1.0.41:80 masq\n\tnosuchthing=1\n' >>"$dir/n.cf"
bl=$(wc -l <"$dir/n.cf")
LVSD_OPTS=$opts bash -c "$pre" >/dev/null 2>"$dir/pre.err"
tap_check "... on a broken file: exit 1 with file:line: message" \
	[ $? = 1 -a "$(cat "$dir/pre.err")" = "$dir/n.cf:$bl: unknown directive 'nosuchthing'" ]
before=$(LVSD_SOCKET=$dir/n.sock "$LVSD_BUILD/ipvsadm" -L -n)
seen=$(msgs "$dir/n.out" $np | grep -vc '^WATCHDOG=1$')
LVSD_OPTS=$opts bash -c "$reload" >"$dir/reload.out" 2>"$dir/reload.err"
rc=$?
tap_check "ExecReload ($reload) on a broken file: exit non-zero ($rc)" [ $rc != 0 ]
tap_check "... saying why" [ "$(cat "$dir/reload.err")" = "check: $dir/n.cf:$bl: unknown directive 'nosuchthing'" ]
sleep 1.2   # a configuration, had one been taken, is applied by then
after=$(LVSD_SOCKET=$dir/n.sock "$LVSD_BUILD/ipvsadm" -L -n)
tap_check "... ipvsadm -L -n: the running table unchanged (3 services)" \
	[ "$after" = "$before" -a "$(grep -c '^[TU][CD]P ' <<<"$after")" = 3 ]
got=$(after "$seen")
tap_check "... STATUS= says the reload failed, then READY=1" \
	[ "$(grep -v '^STATUS=[0-9]' <<<"$got" | sed 's/|.*//' | tr '\n' '/')" = \
	  "RELOADING=1/STATUS=reload failed, running configuration kept: check: $dir/n.cf:$bl: unknown directive 'nosuchthing'/READY=1/" ]
cp "$dir/n.cf.good" "$dir/n.cf"
LVSD_OPTS=$opts bash -c "$reload" >/dev/null 2>&1
tap_check "ExecReload on the repaired file: exit 0" [ $? = 0 ]

# --- STOPPING=1 on SIGTERM ---------------------------------------------------
kill -TERM $np
wait_gone $np
wait $np
rc=$?
tap_check "SIGTERM: exit 0 ($rc)" [ $rc = 0 ]
tap_check "... STOPPING=1 is the last message" [ "$(msgs "$dir/n.out" $np | tail -n 1)" = STOPPING=1 ]
tap_check "... no socket left" [ ! -e "$dir/n.sock" ]

# --- an abstract notify socket; WATCHDOG_PID for another process -------------
abs="@lvsd-test-notify-$$"
listen ap "$dir/a.out" "$abs"
NOTIFY_SOCKET=$abs WATCHDOG_USEC=200000 WATCHDOG_PID=1 "$LVSD" -b none -S "$dir/a.sock" >"$dir/a.log" 2>&1 &
apid=$!; cleanup_pid $apid
wait_for 20 grep -q "^$apid [0-9]* READY=1\$" "$dir/a.out"
tap_check "NOTIFY_SOCKET=@name (abstract): READY=1 arrives" [ "$(count "$dir/a.out" $apid READY=1)" = 1 ]
sleep 0.5
tap_check "... no WATCHDOG=1 when WATCHDOG_PID names another process" [ "$(count "$dir/a.out" $apid WATCHDOG=1)" = 0 ]
kill -TERM $apid; wait_gone $apid
tap_check "... STOPPING=1" [ "$(msgs "$dir/a.out" $apid | tail -n 1)" = STOPPING=1 ]

# a start held back by a --restore FIFO nobody writes yet: a SIGHUP then
# is part of the start, so no RELOADING=1 / READY=1 before the rules are in
listen hp "$dir/h.out" "$dir/h.notify" -- env LVSD_SOCKET="$dir/h.sock" "$LVSD_BUILD/ipvsadm" -L -n -t 10.3.0.1:80
mkfifo "$dir/h.rules"
NOTIFY_SOCKET=$dir/h.notify "$LVSD" -b none -S "$dir/h.sock" -r "$dir/h.rules" >"$dir/h.log" 2>&1 &
hpid=$!; cleanup_pid $hpid
# SIGHUP only once lvsd takes it through its signalfd (not its default action)
hup_blocked() { local m; m=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status" 2>/dev/null); [ -n "$m" ] && (( 0x$m & 1 )); }
wait_for 20 hup_blocked $hpid
kill -HUP $hpid
sleep 0.5
tap_check "SIGHUP while --restore is pending: no message to the manager yet" [ -z "$(msgs "$dir/h.out" $hpid)" ]
printf -- '-A -t 10.3.0.1:80 -s rr\n-a -t 10.3.0.1:80 -r 10.3.0.2:80 -m\n' >"$dir/h.rules"
wait_for 20 grep -q '^PROBE rc=' "$dir/h.out"
tap_check "... READY=1 once the rules are in (ipvsadm -L -t VIP answered: $(grep PROBE "$dir/h.out"))" \
	[ "$(msgs "$dir/h.out" $hpid | grep -v WATCHDOG | tr '\n' '/')" = "STATUS=1 service, 1 real server, datapath none/READY=1/" -a \
	  "$(grep PROBE "$dir/h.out")" = "PROBE rc=0" ]
grep -q '^PROBE rc=0' "$dir/h.out" || sed 's/^/# /' "$dir/h.out"
kill -TERM $hpid; wait_gone $hpid

# a start that fails says why in STATUS=, and never READY=1
listen fp "$dir/f.out" "$dir/f.notify"
NOTIFY_SOCKET=$dir/f.notify "$LVSD" -b none -S "$dir/f.sock" -c "$dir/unknown.cf" >/dev/null 2>&1
rc=$?
tap_check "a failed start under a manager: exit 1, STATUS=cannot start: ..., no READY=1" \
	[ $rc = 1 -a -n "$(grep -F " STATUS=cannot start: config $dir/unknown.cf:2: unknown directive 'foo'; exiting" "$dir/f.out")" \
	  -a -z "$(grep READY "$dir/f.out")" ]

# --- syslog facility, through a stand-in /dev/log ----------------------------
# lvsd runs in a private mount namespace whose /dev is a tmpfs holding the
# real null/zero/urandom and a /dev/log that leads to the test's socket
in_logns() {
	unshare -m --propagation private bash -c '
		d=$1; shift
		mkdir -p "$d/olddev" && mount --bind /dev "$d/olddev" && mount -t tmpfs tmpfs /dev || exit 99
		for n in null zero random urandom; do touch /dev/$n; mount --bind "$d/olddev/$n" /dev/$n; done
		ln -s "$d/log.sock" /dev/log
		exec "$@"' in_logns "$dir" "$@"
}
if ! unshare -m --propagation private true 2>/dev/null; then
	tap_ok "syslog facility # SKIP no mount namespaces here"
else
	listen sp "$dir/log.out" "$dir/log.sock"
	printf 'logfile="local5"\ncheckinterval=1\nvirtual=10.2.0.1:80\n\treal=10.2.0.2:80 masq\n\tchecktype=on\n' >"$dir/s.cf"
	in_logns "$LVSD" -f -b none -S "$dir/s.sock" --syslog-facility local3 -c "$dir/s.cf" >"$dir/s.log" 2>&1 &
	spid=$!; cleanup_pid $spid
	wait_for 20 grep -q "lvsd.*started: socket" "$dir/log.out"
	wait_for 10 grep -q "check: configuration .* active" "$dir/log.out"
	# <PRI> = facility * 8 + level: local3 = 19, local5 = 21, notice = 5
	tap_check "--syslog-facility local3: lvsd's lines are <157> (local3.notice)" \
		grep -q "<157>.*lvsd\[[0-9]*\]: lvsd .* started: socket" "$dir/log.out"
	tap_check "ldirectord logfile=\"local5\": the checker's lines are <173> (local5.notice)" \
		grep -q "<173>.*lvsd\[[0-9]*\]: check: configuration .* active" "$dir/log.out"
	tap_check "... and logfile=local5 is no warning" bash -c "! grep -q 'logfile' '$dir/s.log'"
	kill -TERM $spid; wait_gone $spid
	: >"$dir/log.out.2"
	in_logns "$LVSD" -f -b none -S "$dir/s2.sock" >"$dir/s2.log" 2>&1 &
	spid=$!; cleanup_pid $spid
	wait_for 20 grep -q "<29>.*started: socket" "$dir/log.out"
	tap_check "without the option: daemon (<29> = daemon.notice)" grep -q "<29>.*lvsd .* started: socket" "$dir/log.out"
	kill -TERM $spid; wait_gone $spid
fi
"$LVSD" -f -b none -S "$dir/x.sock" --syslog-facility bogus >/dev/null 2>"$dir/x.err"
rc=$?
tap_check "--syslog-facility bogus: exit 2, saying what it wants" \
	[ $rc = 2 -a "$(cat "$dir/x.err")" = "lvsd: --syslog-facility wants a syslog facility (daemon, local0..local7, ...), not 'bogus'" ]
printf 'logfile="ldirectord.log"\nvirtual=10.2.0.1:80\n\treal=10.2.0.2:80 masq\n' >"$dir/w.cf"
"$LVSD" -t -c "$dir/w.cf" >/dev/null 2>"$dir/w.err"
tap_check "logfile=relative-name: still a warning" \
	grep -qx "$dir/w.cf:1: warning: logfile=ldirectord.log: neither an absolute path nor a syslog facility; using lvsd's log" "$dir/w.err"
