#!/bin/bash
# makedeps.sh - plain `make` on a machine without the build dependencies
# stops at once with one line naming the installer (instead of a compiler
# error deep in the build).  The missing packages are simulated by pointing
# the check's header directories / compiler elsewhere; -n keeps make from
# building anything.
. "$(dirname "$0")/../lib/common.sh"

out=$(make -n -C "$LVSD_TOP" all DEP_INCDIRS=/nonexistent 2>&1)
rc=$?
tap_check "missing headers: make stops (rc=$rc)" [ $rc -ne 0 ]
line=$(grep -c 'missing build dependencies' <<<"$out")
tap_check "... with one line" [ "$line" = 1 ]
tap_check "... naming the packages and the installer" \
	grep -qE 'lvsd: missing build dependencies \(libbpf-dev, libxdp-dev, .*linux-libc-dev.*libpopt-dev\): run `scripts/deps.sh build` as root' <<<"$out"
tap_check "... before any compile command" bash -c "! grep -qE '(^| )(cc|gcc|clang) ' <<<'$out'"
[ "$line" = 1 ] || sed 's/^/# /' <<<"$out" | head -5

out=$(make -n -C "$LVSD_TOP" install CC=/nonexistent/cc 2>&1)
tap_check "no compiler: make install stops naming build-essential" \
	grep -q 'missing build dependencies (build-essential)' <<<"$out"

make -n -C "$LVSD_TOP" clean DEP_INCDIRS=/nonexistent >/dev/null 2>&1
tap_check "make clean needs no build dependencies" [ $? = 0 ]
make -n -C "$LVSD_TOP" all >/dev/null 2>&1
tap_check "with the dependencies installed the check passes" [ $? = 0 ]
