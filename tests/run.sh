#!/bin/bash
# Runs every test suite and prints the closing line "N passed, N failed".
#
# A suite is an executable that prints TAP-style result lines
# ("ok N - name" / "not ok N - name"); cmocka unit tests do so with
# CMOCKA_MESSAGE_OUTPUT=TAP.  A suite that exits non-zero without
# reporting a failure counts as one failure, so a crash is never silent.
#
#   tests/run.sh            all suites
#   tests/run.sh unit       only the cmocka unit tests
#   tests/run.sh golden     only the ipvsadm golden cases
#   tests/run.sh integ      only the namespace integration tests
#   tests/run.sh fuzz       only the fuzz smoke (tests/fuzz/run.sh)
#   tests/run.sh FILE...    the given suite executables
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export LVSD_TOP=$top
export BUILD=${BUILD:-build-san}
export LVSD_BUILD=$top/$BUILD
export CMOCKA_MESSAGE_OUTPUT=TAP

suites=()
want=${1:-all}
case "$want" in
all|unit|golden|integ|fuzz)
	if [ "$want" = all ] || [ "$want" = unit ]; then
		for b in "$LVSD_BUILD"/tests/test_*; do [ -x "$b" ] && suites+=("$b"); done
	fi
	if [ "$want" = all ] || [ "$want" = golden ]; then
		for s in "$top"/tests/golden/run.sh "$top"/tests/tree/*.sh "$top"/tests/ctl/*.sh; do [ -x "$s" ] && suites+=("$s"); done
	fi
	if [ "$want" = all ] || [ "$want" = integ ]; then
		for s in "$top"/tests/integration/*.sh; do [ -x "$s" ] && suites+=("$s"); done
	fi
	if [ "$want" = all ] || [ "$want" = fuzz ]; then
		[ -x "$top"/tests/fuzz/run.sh ] && suites+=("$top"/tests/fuzz/run.sh)
	fi
	;;
*) suites=("$@") ;;
esac

passed=0 failed=0
logdir=$(mktemp -d /tmp/lvsd-test.XXXXXX)
for s in "${suites[@]}"; do
	name=${s#"$top"/}
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	echo "### $name"
	"$s" >"$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok ' "$log")
	f=$(grep -cE '^not ok ' "$log")
	grep -E '^(not ok|ok) ' "$log" | sed 's/^/  /'
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "  --- output of $name (rc=$rc) ---"
		grep -vE '^ok ' "$log" | tail -n 60 | sed 's/^/  | /'
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
rm -rf "$logdir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
