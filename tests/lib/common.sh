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

# lvsd_start [ARGS...]: foreground daemon on a private socket
lvsd_start() {
	local dir
	dir=$(mktemp -d /tmp/lvsd-t.XXXXXX)
	cleanup_dir "$dir"
	export LVSD_SOCKET="$dir/lvsd.sock"
	"$LVSD_BUILD/lvsd" -f "$@" >"$dir/lvsd.log" 2>&1 &
	LVSD_PID=$!
	LVSD_LOG="$dir/lvsd.log"
	cleanup_pid "$LVSD_PID"
	for _ in $(seq 1 100); do
		[ -S "$LVSD_SOCKET" ] && return 0
		kill -0 "$LVSD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "lvsd did not start; log:" >&2
	cat "$dir/lvsd.log" >&2
	return 1
}
lvsd_stop() {
	[ -n "${LVSD_PID:-}" ] || return 0
	kill "$LVSD_PID" 2>/dev/null
	wait "$LVSD_PID" 2>/dev/null
	LVSD_PID=
}
