#!/bin/bash
# tests/golden/run.sh - replay the golden ipvsadm corpus against lvsd.
#
#   tests/golden/run.sh              every case (TAP on stdout)
#   tests/golden/run.sh 012 030-foo  only these (number prefix or name)
#   BUILD=build tests/golden/run.sh  use build/ instead of build-san/
#   GOLDEN_KEEP=1                    keep the per-case output in /tmp
#   GOLDEN_JOBS=2                    run two cases at a time
#   GOLDEN_LVSD_ARGS="..."           lvsd options (default: --backend none)
#
# Each case runs under dash in a fresh private lvsd (tests/lib/common.sh
# lvsd_start) with $LVSD_BUILD first in PATH, inside private network / mount
# / UTS namespaces that look like the reference VM: only `lo` (so e.g. eth0 is
# "No such device"), hostname `oracle`, the VM's /etc/hosts, an empty
# resolv.conf and no host.conf.  The transcript is compared byte for byte
# with the .expected file captured from the real ipvsadm by capture.sh; a
# mismatch prints a unified diff (as TAP comments).  Cases using cat_proc
# (the /proc/net text views) are skipped while no command for lvsd's text
# views is found.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export LVSD_TOP=$top
export BUILD=${BUILD:-build-san}
export LVSD_BUILD=${LVSD_BUILD:-$top/$BUILD}

# Re-exec inside private namespaces (root only; else run as is, with a note).
if [ -z "${GOLDEN_INNER:-}" ]; then
	if [ "$(id -u)" = 0 ] && unshare -n -m -u true 2>/dev/null; then
		GOLDEN_INNER=1 exec unshare -n -m -u --propagation private "$0" "$@"
	fi
	echo "# warning: cannot create private namespaces, running in the current ones"
else
	ip link set lo up
	hostname oracle
	mount --bind "$here/env/hosts" /etc/hosts
	[ -e /etc/resolv.conf ] && mount --bind /dev/null /etc/resolv.conf
	[ -e /etc/host.conf ] && mount --bind /dev/null /etc/host.conf    # the VM has none
fi

# shellcheck source=../lib/common.sh
. "$top/tests/lib/common.sh"

cases=()
if [ $# -eq 0 ]; then
	for f in "$here"/cases/*.sh; do [ -e "$f" ] && cases+=("$f"); done
else
	for a in "$@"; do
		a=${a##*/}; a=${a%.sh}; a=${a%.expected}
		for f in "$here"/cases/"$a"*.sh; do [ -e "$f" ] && cases+=("$f"); done
	done
fi

# The command that prints an lvsd text view ("ip_vs", "ip_vs_stats", ...).
proc_cmd=${GOLDEN_PROC:-}
if [ -z "$proc_cmd" ]; then
	for c in "$LVSD_BUILD/tools/lvsd-proc" "$LVSD_BUILD/lvsd-proc" "$LVSD_BUILD/tools/lvsdctl" "$LVSD_BUILD/lvsdctl"; do
		if [ -x "$c" ]; then proc_cmd=$c; break; fi
	done
fi
# lvsd's own client mode: `lvsd --show VIEW` (talks to $LVSD_SOCKET)
if [ -z "$proc_cmd" ] && [ -x "$LVSD_BUILD/lvsd" ] &&
	"$LVSD_BUILD/lvsd" --help 2>&1 | grep -q -- '--show'; then
	proc_cmd="$LVSD_BUILD/lvsd --show"
fi

shell=dash
command -v dash >/dev/null || shell=sh

have_bins=1
for b in lvsd ipvsadm; do
	[ -x "$LVSD_BUILD/$b" ] || { have_bins=0; echo "# $LVSD_BUILD/$b is missing"; }
done

if [ -n "${GOLDEN_RESDIR:-}" ]; then
	keep=$GOLDEN_RESDIR    # a worker of a parallel run: verdicts only
else
	keep=$(mktemp -d /tmp/lvsd-golden.XXXXXX)
	[ -n "${GOLDEN_KEEP:-}" ] || cleanup_dir "$keep"
fi

# The corpus checks the control plane (the VM sees no traffic either), so
# lvsd runs without a datapath backend: no workers to wait for, and no
# datapath trouble can hide control-plane results.  GOLDEN_LVSD_ARGS
# overrides (e.g. GOLDEN_LVSD_ARGS="--backend auto").
lvsd_args=${GOLDEN_LVSD_ARGS-"--backend none"}

# run_case FILE: runs one case and leaves its verdict in $keep/NAME.res
# (first line "ok", "skip REASON" or "fail REASON", then diff lines).
run_case() {
	local f=$1 name exp got res gt
	name=$(basename "$f" .sh)
	exp="$here/cases/$name.expected"
	got="$keep/$name.got"
	res="$keep/$name.res"
	if [ ! -f "$exp" ]; then
		echo "fail no expected output (run tests/golden/capture.sh $name)" >"$res"; return
	fi
	if grep -q 'cat_proc' "$f" && [ -z "$proc_cmd" ]; then
		echo "skip no command for lvsd text views yet" >"$res"; return
	fi
	if [ $have_bins = 0 ]; then
		echo "fail lvsd/ipvsadm not built in $LVSD_BUILD" >"$res"; return
	fi
	# shellcheck disable=SC2086  # word splitting of the argument list wanted
	if ! lvsd_start $lvsd_args 2>"$keep/$name.lvsd-start"; then
		{ echo "fail lvsd did not start"; cat "$keep/$name.lvsd-start"; } >"$res"; return
	fi
	gt=$(mktemp -d /tmp/lvsd-gt.XXXXXX)
	(cd "$gt" && GT=$gt GOLDEN_PROC=$proc_cmd timeout 60 \
		"$shell" -c '. "$1" && . "$2"' sh "$here/prelude.sh" "$f" ) >"$got" 2>&1 </dev/null
	local died=
	kill -0 "$LVSD_PID" 2>/dev/null || died=1
	[ -S "$LVSD_SOCKET" ] || died="${died:-1}"
	lvsd_stop
	rm -rf "$gt"
	if cmp -s "$exp" "$got"; then
		echo ok >"$res"
	else
		{
			echo fail
			diff -u --label "expected/$name" --label "lvsd/$name" "$exp" "$got" | head -n 80
			if [ -n "$died" ]; then
				echo "lvsd exited or lost its socket during the case"
			fi
			if [ -n "$died" ] || { [ -s "$LVSD_LOG" ] && grep -qiE 'sanitizer|runtime error|abort' "$LVSD_LOG"; }; then
				echo "lvsd log:"; tail -n 20 "$LVSD_LOG"
			fi
		} >"$res"
	fi
}

# GOLDEN_JOBS=N runs N cases at a time (default 1: the machine is shared).
jobs=${GOLDEN_JOBS:-1}
case "$jobs" in ''|*[!0-9]*|0) jobs=1 ;; esac
if [ -n "${GOLDEN_RESDIR:-}" ]; then
	for f in "${cases[@]}"; do run_case "$f"; done
	exit 0
elif [ "$jobs" -gt 1 ]; then
	# each worker is this script again, in its own namespaces (the sync
	# daemon cases must not share a loopback)
	for ((w = 0; w < jobs; w++)); do
		part=()
		for ((i = w; i < ${#cases[@]}; i += jobs)); do part+=("$(basename "${cases[$i]}")"); done
		[ ${#part[@]} -gt 0 ] || continue
		GOLDEN_INNER= GOLDEN_RESDIR=$keep GOLDEN_PROC=${GOLDEN_PROC:-} "$0" "${part[@]}" >/dev/null 2>&1 &
	done
	wait
else
	for f in "${cases[@]}"; do run_case "$f"; done
fi

echo "1..${#cases[@]}"
npass=0 nfail=0 nskip=0
for f in "${cases[@]}"; do
	name=$(basename "$f" .sh)
	res="$keep/$name.res"
	verdict=$(head -n 1 "$res" 2>/dev/null)
	case "$verdict" in
	ok) tap_ok "$name"; npass=$((npass + 1)) ;;
	skip*) tap_ok "$name # SKIP ${verdict#skip }"; nskip=$((nskip + 1)) ;;
	*)
		why=${verdict#fail}; why=${why# }
		tap_fail "$name" "$why"; nfail=$((nfail + 1))
		tail -n +2 "$res" | sed 's/^/#   /'
		;;
	esac
done
echo "# golden: $npass passed, $nfail failed, $nskip skipped (of ${#cases[@]})"
[ -n "${GOLDEN_KEEP:-}" ] && echo "# outputs kept in $keep"
[ $nfail -eq 0 ]
