# tests/lib/common.sh - shared helpers for shell test suites (source it).
#
# TAP output:  tap_ok NAME | tap_fail NAME [why] | tap_check NAME CMD...
# Daemons:     lvsd_start [ARGS...]  starts $LVSD_BUILD/lvsd -f on a private
#              socket (exports LVSD_SOCKET, sets LVSD_PID); lvsd_stop stops
#              exactly that PID.  Put $LVSD_BUILD first in PATH so "ipvsadm"
#              is ours.
# Namespaces:  ns_add NAME registers a namespace for deletion at exit; the
#              EXIT trap kills registered PIDs and deletes registered
#              namespaces even when the test fails.
# Helpers:     mktemp_dir VAR NAME, bg_start VAR CMD..., kill_wait PID,
#              ns_wait_tcp NS IP PORT [TENTHS], lvsd_run / lvsd_wait /
#              lvsd_reap for any lvsd a suite starts (see each below).
: "${LVSD_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BUILD:=build-san}"
: "${LVSD_BUILD:=$LVSD_TOP/$BUILD}"
export PATH="$LVSD_BUILD:$PATH"

_tap_n=0
_cleanup_pids=()
_cleanup_ns=()
_cleanup_dirs=()

tap_ok()   { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
tap_fail() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $1${2:+ # $2}"; }
tap_check() { local name=$1; shift; if "$@"; then tap_ok "$name"; else tap_fail "$name"; fi; }

cleanup_pid() { _cleanup_pids+=("$1"); }
cleanup_dir() { _cleanup_dirs+=("$1"); }
ns_add() { ip netns add "$1" && _cleanup_ns+=("$1"); }

_common_cleanup() {
	local p n d
	for p in "${_cleanup_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_cleanup_pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	for n in "${_cleanup_ns[@]}"; do ip netns del "$n" 2>/dev/null; done
	for d in "${_cleanup_dirs[@]}"; do rm -rf "$d"; done
}
trap _common_cleanup EXIT

# mktemp_dir VAR NAME: a fresh directory /tmp/NAME.XXXXXX in $VAR, removed at exit
mktemp_dir() {
	local d
	d=$(mktemp -d "/tmp/$2.XXXXXX") || return 1
	cleanup_dir "$d"
	printf -v "$1" %s "$d"
}

# bg_start VAR CMD...: CMD in the background, killed at exit; its PID in $VAR
bg_start() {
	local var=$1
	shift
	"$@" &
	printf -v "$var" %s "$!"
	cleanup_pid "$!"
}

# wait_for SECS CMD...: run CMD every 0.2 s until it succeeds; after SECS,
# its last try decides
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# kill_wait PID: stop a process this suite started and reap it
kill_wait() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# ns_wait_tcp NS IP PORT [TENTHS]: until IP:PORT accepts a TCP connection
# inside namespace NS, for at most TENTHS tenths of a second (default 100)
ns_wait_tcp() {
	local i
	for ((i = 0; i < ${4:-100}; i++)); do
		ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# lvsd_wait PID SOCK LOG: until the lvsd PID listens on SOCK (10 s at most);
# when it dies first or never does, its LOG goes to stderr
lvsd_wait() {
	for _ in $(seq 1 200); do
		[ -S "$2" ] && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	echo "lvsd did not start; log:" >&2
	cat "$3" >&2
	return 1
}

# lvsd_run VAR LOG CMD...: CMD (an lvsd -f serving $LVSD_SOCKET, possibly
# behind ip netns exec) in the background with its output in LOG, its PID
# in $VAR and killed at exit; then lvsd_wait for its socket
lvsd_run() {
	local var=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 &
	printf -v "$var" %s "$!"
	cleanup_pid "$!"
	lvsd_wait "$!" "$LVSD_SOCKET" "$log"
}

# lvsd_reap PID LOG: stop lvsd PID and wait for it.  Fails, with the tail of
# its LOG as TAP comments, when it had died before, did not exit cleanly,
# or a sanitizer reported something.
lvsd_reap() {
	local pid=$1 log=$2 rc=0
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		echo "# lvsd (pid $pid) exited before it was stopped (status $?)"
		rc=1
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || rc=1
	grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$log" && rc=1
	[ $rc = 0 ] || { echo "# lvsd log:"; tail -40 "$log" | sed 's/^/# /'; }
	return $rc
}

# lvsd_start [ARGS...]: foreground daemon on a private socket
lvsd_start() {
	local dir
	mktemp_dir dir lvsd-t || return 1
	export LVSD_SOCKET="$dir/lvsd.sock"
	LVSD_LOG="$dir/lvsd.log"
	lvsd_run LVSD_PID "$LVSD_LOG" "$LVSD_BUILD/lvsd" -f "$@"
}
lvsd_stop() {
	[ -n "${LVSD_PID:-}" ] || return 0
	kill_wait "$LVSD_PID"
	LVSD_PID=
}
