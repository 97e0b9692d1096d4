# tests/golden/prelude.sh - sourced (by dash) before every golden case, both
# in the reference VM (capture.sh) and in the replay against lvsd (run.sh).
#
# Contract for a case script (cases/NNN-topic.sh):
#  - starts from an EMPTY table (default timeouts, no sync daemon);
#  - calls  t 'shell command'  for every command whose output matters; t
#    prints "$ command", the command's stdout, then "[stderr]" and its
#    stderr (only if non-empty), then "[rc=N]".  stdout and stderr go to
#    separate temp files so the transcript order never depends on buffering;
#  - writes scratch files only under "$GT" (a private temp dir);
#  - uses  cat_proc ip_vs  instead of  cat /proc/net/ip_vs  (the replay maps
#    it onto lvsd's text views).
# $GT must be set by the caller.  GOLDEN_VM=1 selects the VM flavour of
# cat_proc; otherwise GOLDEN_PROC names a command that prints a text view.

t() {
	printf '$ %s\n' "$1"
	( eval "$1" ) >"$GT/t.out" 2>"$GT/t.err" </dev/null
	_t_rc=$?
	cat "$GT/t.out"
	if [ -s "$GT/t.err" ]; then
		echo '[stderr]'
		cat "$GT/t.err"
	fi
	echo "[rc=$_t_rc]"
}

# like t, but feeds the here-document/stdin given as $2 to the command
ti() {
	printf '$ %s <<EOF\n%sEOF\n' "$1" "$2"
	printf '%s' "$2" >"$GT/t.in"
	( eval "$1" ) >"$GT/t.out" 2>"$GT/t.err" <"$GT/t.in"
	_t_rc=$?
	cat "$GT/t.out"
	if [ -s "$GT/t.err" ]; then
		echo '[stderr]'
		cat "$GT/t.err"
	fi
	echo "[rc=$_t_rc]"
}

if [ -n "${GOLDEN_VM:-}" ]; then
	cat_proc() { cat "/proc/net/$1"; }
else
	cat_proc() { $GOLDEN_PROC "$1"; }
fi
