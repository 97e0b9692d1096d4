#!/bin/bash
# readiness.sh - the control socket (and pid file) appear only once lvsd is
# ready: its modules started and a --restore file loaded, so whoever waits
# for the socket (tests, scripts, ldirectord) meets a working daemon.  A
# failed start says so in one line, exits non-zero and leaves nothing
# behind; a refused reload prints its message once.
. "$(dirname "$0")/../lib/common.sh"
LVSD="$LVSD_BUILD/lvsd"
dir=$(mktemp -d /tmp/lvsd-ctl-ready.XXXXXX)
cleanup_dir "$dir"

wait_sock() { for _ in $(seq 1 200); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_gone() { for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }
# files lvsd left in $dir besides the test's own inputs
leftovers() { (cd "$dir" && ls -A | grep -vE '^(in\.|.*\.log$|.*\.err$)' | tr '\n' ' '); }

# --- start-up held back: --restore from a FIFO nobody writes yet -------------
# (open() of the FIFO blocks until the test writes: lvsd is not ready until
# its rules are in, so no socket and no pid file may exist meanwhile)
mkfifo "$dir/in.rules"
"$LVSD" -f --backend none -S "$dir/r.sock" -r "$dir/in.rules" >"$dir/r.log" 2>&1 &
r=$!; cleanup_pid $r
sleep 1
tap_check "lvsd still starting while its --restore file is pending" kill -0 $r
tap_check "... and no socket yet" [ ! -e "$dir/r.sock" ]
# a second lvsd on the same path fails at once, even before the socket exists
"$LVSD" -f --backend none -S "$dir/r.sock" >"$dir/r2.log" 2>&1
rc=$?
tap_check "a second lvsd on a starting daemon's path exits non-zero" [ $rc -ne 0 ]
tap_check "... saying another lvsd is running or starting there" grep -q "another lvsd is already running (or starting)" "$dir/r2.log"
printf -- '-A -t 10.9.9.9:80 -s wlc\n-a -t 10.9.9.9:80 -r 10.9.9.10:80 -m -w 3\n' >"$dir/in.rules"
wait_sock "$dir/r.sock"
# read at once: the first look at the socket must already see the rules
out=$(LVSD_SOCKET="$dir/r.sock" "$LVSD_BUILD/ipvsadm" -Ln 2>&1)
tap_check "when the socket appears the --restore rules are in" grep -q '^  -> 10.9.9.10:80 *Masq *3 ' <<<"$out"
status=$(LVSD_SOCKET="$dir/r.sock" "$LVSD" --show status 2>&1)
mods=$(sed -n 's/^modules: *//p' <<<"$status")
tap_check "... and every module has started ($mods)" [ "$mods" = "check sync http datapath" ]
tap_check "the log says restore done, then started" \
	awk '/restore from .* done/ { r = NR } / started: socket / { s = NR } END { exit !(r && s && r < s) }' "$dir/r.log"
kill -TERM $r; wait_gone $r
tap_check "stopped: socket and lock file removed" [ -z "$(leftovers)" ]
[ -z "$(leftovers)" ] || echo "# left: $(leftovers)"
rm -f "$dir/in.rules"

# --- a bad configuration: one line, non-zero, nothing left behind ------------
printf 'checktimeout=3\nfoo=bar\n' >"$dir/in.bad.cf"
want="cannot start: config $dir/in.bad.cf:2: unknown directive 'foo'; exiting"
"$LVSD" -f --backend none -S "$dir/b.sock" -c "$dir/in.bad.cf" >"$dir/b.log" 2>&1
rc=$?
tap_check "-f with a bad -c file exits non-zero (rc=$rc)" [ $rc -ne 0 ]
last=$(tail -n 1 "$dir/b.log")
tap_check "... its last line says what failed and that lvsd exits" [ "${last#lvsd\[*\]: error: }" = "$want" -a "${last%%\[*}" = lvsd ]
[ "${last#lvsd\[*\]: error: }" = "$want" ] || echo "# last line: $last"
tap_check "... in one line (no second error line)" [ "$(grep -c ': error: ' "$dir/b.log")" = 1 ]
tap_check "... and leaves no socket, tmp socket or lock file" [ -z "$(leftovers)" ]
[ -z "$(leftovers)" ] || { echo "# left: $(leftovers)"; sed 's/^/# /' "$dir/b.log"; }

# daemon mode: the shell that started it gets the same line, after clean-up
"$LVSD" --backend none -S "$dir/d.sock" -c "$dir/in.bad.cf" >"$dir/d.log" 2>"$dir/d.err"
rc=$?
tap_check "daemon mode with a bad -c file: exit 1 (rc=$rc)" [ $rc = 1 ]
tap_check "... stderr is the one line" [ "$(cat "$dir/d.err")" = "lvsd: $want" ]
[ "$(cat "$dir/d.err")" = "lvsd: $want" ] || sed 's/^/# /' "$dir/d.err"
tap_check "... no socket, pid file or lock file behind" [ -z "$(leftovers)" ]
[ -z "$(leftovers)" ] || echo "# left: $(leftovers)"

# daemon mode, good start: the pid file is there when the parent returns
"$LVSD" --backend none -S "$dir/g.sock" 2>"$dir/g.err"
rc=$?
gpid=$(cat "$dir/g.pid" 2>/dev/null)
[ -n "$gpid" ] && cleanup_pid "$gpid"
tap_check "daemon mode: socket and pid file exist when the parent returns" [ $rc = 0 -a -S "$dir/g.sock" -a -n "$gpid" ]
# --- reload of a broken file: the file:line message, once ------------------
printf 'checktimeout=3\n' >"$dir/in.ok.cf"
"$LVSD" -f --backend none -S "$dir/c.sock" -c "$dir/in.ok.cf" >"$dir/c.log" 2>&1 &
c=$!; cleanup_pid $c
wait_sock "$dir/c.sock"
printf 'checktimeout=3\nfoo=bar\n' >"$dir/in.ok.cf"
LVSD_SOCKET="$dir/c.sock" "$LVSD" --cmd reload >"$dir/reload-out.log" 2>"$dir/reload.err"
rc=$?
tap_check "reload of a bad file exits 1" [ $rc = 1 ]
tap_check "... printing its message once, and nothing else" \
	[ "$(cat "$dir/reload.err")" = "check: $dir/in.ok.cf:2: unknown directive 'foo'" -a ! -s "$dir/reload-out.log" ]
[ "$(cat "$dir/reload.err")" = "check: $dir/in.ok.cf:2: unknown directive 'foo'" ] || sed 's/^/# /' "$dir/reload.err"
tap_check "... and the daemon keeps running" kill -0 $c
kill -TERM $c; wait_gone $c
[ -n "$gpid" ] && kill -TERM "$gpid" && wait_gone "$gpid"
tap_check "all daemons gone: nothing of theirs left" [ -z "$(leftovers)" ]
[ -z "$(leftovers)" ] || echo "# left: $(leftovers)"
