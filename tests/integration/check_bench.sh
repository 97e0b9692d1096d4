#!/bin/bash
# check_bench.sh - 1,000 real servers TCP-checked every second by lvsd's
# checker thread: every probe must start on time (late = started more than
# 100 ms after it was due) and every server must be seen up.  The servers
# are 1,000 loopback addresses 127.1.x.y in namespace lvsd-hc-bench, all
# answered by one listener on 0.0.0.0:80.
#   BENCH_SECS=60 tests/integration/check_bench.sh   (default 8 s)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
secs=${BENCH_SECS:-8}
# strict deadline assertion only when run as a benchmark (BENCH_SECS set):
# in the everyday suite a 2-core box loaded by others stalls the thread
strict=${BENCH_SECS:+1}
n=${BENCH_REALS:-1000}
# a benchmark measures the optimized build when there is one (make test
# builds both; sanitizers slow the loop down several times)
[ -x "$LVSD_TOP/build/lvsd" ] && LVSD_BUILD=$LVSD_TOP/build
hc_bins
ns_add lvsd-hc-bench || { tap_fail "namespace"; exit 1; }
ip -n lvsd-hc-bench link set lo up
mktemp_dir work lvsd-hc-bench

bg_start srv ip netns exec lvsd-hc-bench "$HC_PY" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()
'
ns_wait_tcp lvsd-hc-bench 127.1.0.1 80 100

{
	echo "checkinterval=1"
	echo "checktimeout=1"
	echo "failurecount=3"
	for ((v = 0; v < n / 100; v++)); do
		echo "virtual=10.99.0.$((v + 1)):80"
		echo "	checktype=connect"
		echo "	scheduler=wlc"
		for ((r = 0; r < 100; r++)); do
			i=$((v * 100 + r))
			echo "	real=127.1.$((i / 250)).$((i % 250 + 1)):80 masq 1"
		done
	done
} >"$work/bench.cf"

export LVSD_SOCKET=$work/lvsd.sock
lvsd_run lp "$work/lvsd.log" ip netns exec lvsd-hc-bench "$HC_BIN/lvsd" -f -b none -S "$LVSD_SOCKET" -c "$work/bench.cf"
cpu() { awk '{print $14 + $15}' /proc/$lp/stat; }
sleep 3   # first round spread over a second, all up
h0=$(lvsd --show checks | sed -n 2p)
c0=$(cpu); r0=$(echo "$h0" | sed -n 's/.*probes run \([0-9]*\).*/\1/p'); t0=$(date +%s.%N)
l0=$(echo "$h0" | sed -n 's/.*late \([0-9]*\) .*/\1/p')
sleep "$secs"
c1=$(cpu)
head=$(lvsd --show checks | sed -n 2p)
t1=$(date +%s.%N)
r1=$(echo "$head" | sed -n 's/.*probes run \([0-9]*\).*/\1/p')
late=$(echo "$head" | sed -n 's/.*late \([0-9]*\) (max \([0-9]*\) ms).*/\1 \2/p')
up=$(echo "$head" | sed -n 's/.*, up \([0-9]*\),.*/\1/p')
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
rate=$(awk -v a="$r0" -v b="$r1" -v el="$el" 'BEGIN { printf "%d", (b - a) / el }')
cpu_pct=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" -v el="$el" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / el }')
echo "# $n TCP checks every 1 s for ${el%.*} s: $rate probes/s, late (>100 ms) ${late% *} (max ${late#* } ms) since start, all up: $up/$n, lvsd CPU $cpu_pct%"
echo "# $head"
tap_check "all $n real servers up" [ "$up" = "$n" ]
tap_check "probe rate >= 0.9 x $n per second ($rate/s)" [ "$rate" -ge $((n * 90 / 100)) ]
grep -c "Soft failure" "$work/lvsd.log" | sed 's/^/# soft failures: /'
wl=$((${late% *} - l0))
echo "# late during the measured window: $wl of $((r1 - r0))"
# 0 on a quiet machine; on a 2-core box loaded by others a scheduler
# stall can delay a burst of probes, so the suite tolerates 1 %
if [ -n "$strict" ]; then
	tap_check "deadlines kept: $wl of $((r1 - r0)) probes started > 100 ms late (<= 1 %)" [ "$wl" -le $(((r1 - r0) / 100)) ]
else
	echo "# (deadline figure not asserted outside BENCH_SECS runs; load: $(cut -d' ' -f1-3 /proc/loadavg))"
fi
tap_check "every table entry present" eval '[ "$(ipvsadm -L -n | grep -c "127\.1\.")" = "$n" ]'
kill_wait "$lp"
echo "1..$_tap_n"
