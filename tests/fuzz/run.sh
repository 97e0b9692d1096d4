#!/bin/bash
# The fuzz harnesses (tests/fuzz/fuzz_*.c) as a test suite printing TAP.
#
#   tests/fuzz/run.sh                      the smoke (make test): builds the
#                                          harnesses, then each one replays its
#                                          seed corpus and fuzzes for
#                                          FUZZ_SMOKE_SECONDS (9)
#   tests/fuzz/run.sh --seconds N [NAME...]  `make fuzz`: each (or each NAME,
#                                          e.g. pkt) fuzzes N seconds, keeping
#                                          what it learns in build-fuzz/corpus/
#
# A harness that crashes, leaks, times out (FUZZ_TIMEOUT, 10 s, per input)
# or runs out of memory fails its line, and the line names the reproducer
# that libFuzzer wrote (build-fuzz/artifacts/NAME/) with the command that
# replays it.  A fixed bug's reproducer belongs in tests/fuzz/corpus/NAME/
# so that every smoke replays it.
#
# Environment: FUZZ_BUILD (build-fuzz), FUZZ_SMOKE_SECONDS (9), FUZZ_NICE
# (10: the fuzzers yield to everything else on the machine), FUZZ_TIMEOUT.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
build=${FUZZ_BUILD:-build-fuzz}
nice_level=${FUZZ_NICE:-10}
timeout=${FUZZ_TIMEOUT:-10}
seconds=${FUZZ_SMOKE_SECONDS:-9}
long=0
if [ "${1:-}" = --seconds ]; then
	long=1
	seconds=${2:?--seconds needs a number}
	shift 2
fi

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

names=()
if [ $# -gt 0 ]; then
	for a in "$@"; do names+=("${a#fuzz_}"); done
else
	for src in tests/fuzz/fuzz_*.c; do
		b=${src##*/fuzz_}
		names+=("${b%.c}")
	done
fi

# known leaks that are reported but not fixed yet (see the file)
export LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}

log=$(mktemp /tmp/lvsd-fuzz.XXXXXX)
work=$(mktemp -d /tmp/lvsd-fuzz-corpus.XXXXXX)
trap 'rm -rf "$log" "$work"' EXIT

if [ "$long" = 0 ]; then
	# the build is part of the suite: a harness that no longer compiles
	# against the code it fuzzes is a failure like any other
	if nice -n "$nice_level" make -s --no-print-directory -C "$top" FUZZ_BUILD="$build" fuzz-build >"$log" 2>&1; then
		ok "fuzz harnesses build ($build/fuzz/)"
	else
		not_ok "fuzz harnesses build ($build/fuzz/)"
		sed 's/^/# /' "$log" | tail -n 40
		echo "1..$n"
		exit 1
	fi
fi

# libFuzzer's report: the "==ERROR"/"SUMMARY" lines and the artifact
report() {
	grep -E '^(==[0-9]+==ERROR|SUMMARY|INFO: a leak|artifact_prefix|Test unit written|ERROR: libFuzzer)' "$log" |
		head -n 8 | sed 's/^/# /'
	grep -A12 -m1 -E '^==[0-9]+==ERROR' "$log" | tail -n +2 | sed 's/^/# /'
}

# the newest file libFuzzer wrote into $1 (crash-*, leak-*, timeout-*, oom-*)
artifact() {
	ls -t "$1" 2>/dev/null | head -n 1 | sed "s|^|$1/|"
}

for name in "${names[@]}"; do
	bin=$build/fuzz/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	art=$build/artifacts/$name
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$name: no harness $bin (make fuzz-build)"
		continue
	fi
	mkdir -p "$art" "$seeds"
	opts=(-timeout="$timeout" -rss_limit_mb=2048 -artifact_prefix="$art/")
	[ -f "tests/fuzz/$name.dict" ] && opts+=(-dict="tests/fuzz/$name.dict")

	# every seed once: the corpus holds the reproducers of fixed bugs
	nseeds=$(find "$seeds" -type f | wc -l)
	if [ "$nseeds" -gt 0 ]; then
		if find "$seeds" -type f -print0 | sort -z |
			xargs -0 timeout -k 10 600 nice -n "$nice_level" "$bin" "${opts[@]}" >"$log" 2>&1; then
			ok "fuzz_$name: replays its $nseeds corpus inputs"
		else
			# libFuzzer names each file before it runs it
			rep=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
			not_ok "fuzz_$name: a corpus input fails; reproducer: ${rep:-?} (replay: $bin ${rep:-FILE})"
			report
		fi
	fi

	if [ "$long" = 1 ]; then
		corpus=$build/corpus/$name
		mkdir -p "$corpus"
	else
		corpus=$work/$name
		mkdir -p "$corpus"
	fi
	before=$(ls "$art" | wc -l)
	# timeout: a harness that hangs outside any one input (libFuzzer's own
	# -timeout covers those) must fail the line, not stall the suite
	if timeout -k 10 $((seconds + 120)) nice -n "$nice_level" "$bin" "${opts[@]}" \
		-max_total_time="$seconds" -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ok "fuzz_$name: ${seconds} s of fuzzing, ${execs:-?} inputs, coverage ${cov:-?}"
	else
		rep=$(artifact "$art")
		[ "$(ls "$art" | wc -l)" -gt "$before" ] || rep="(none written, see the log)"
		not_ok "fuzz_$name: fuzzing found a failure; reproducer: $rep (replay: $bin $rep)"
		report
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
