#!/bin/bash
# bench_smoke.sh - `make bench` still runs: bench/run.sh --smoke (one round of
# one second per metric, every configuration, NAT and DR labs) and
# --micro-only --smoke, into a private directory.  No performance target is
# asserted here (the shared CI machine is far too noisy); the suite checks
# that every configuration produced a number or an explicit "n/a: reason"
# for every metric, that the reference configurations really measured
# something, and that the reports and the chart were written.
set -u
. "$(dirname "$0")/../lib/common.sh"

out=$(mktemp -d /tmp/lvsd-bench-smoke.XXXXXX)
cleanup_dir "$out"
export BENCH_NS_PREFIX="lvsd-bn-t$$-"
day=$(date -u +%F)

"$LVSD_TOP/bench/run.sh" --smoke --out "$out" >"$out/run.log" 2>&1
rc=$?
tap_check "bench/run.sh --smoke exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$out/run.log" | tail -30

tsv="$out/$day.tsv"
tap_check "raw samples written" test -s "$tsv"

# every configuration: each metric is a number or "n/a: reason"
bad=$(awk -F'\t' 'NF != 5 || ($5 !~ /^[0-9.]+$/ && $5 !~ /^(n\/a|info): ./) { print }' "$tsv" 2>/dev/null | head -3)
tap_check "every sample is a number, n/a with a reason, or info" test -z "$bad"
[ -z "$bad" ] || echo "# $bad"

for cfg in kernel-fwd nft-dnat haproxy lvsd-afpacket-w1 lvsd-afpacket-w2 lvsd-xdp-w1 lvsd-xdp-w2; do
	tap_check "nat $cfg reported" grep -q "^nat	$cfg	1	" "$tsv"
done
for cfg in kernel-fwd nft-netdev-fwd lvsd-dr-afpacket-w1 lvsd-dr-xdp-w1; do
	tap_check "dr $cfg reported" grep -q "^dr	$cfg	1	" "$tsv"
done
# the references must really measure: UDP delivered and HTTP answered
for m in udp_pps conn_s ka_rps tput_on_gbps; do
	v=$(awk -F'\t' -v m="$m" '$1 == "nat" && $2 == "kernel-fwd" && $4 == m { print $5 }' "$tsv")
	tap_check "kernel-fwd $m measured (got '$v')" awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0) }'
done
v=$(awk -F'\t' '$1 == "nat" && $2 == "nft-dnat" && $4 == "udp_pps" { print $5 }' "$tsv")
tap_check "nft-dnat udp_pps measured (got '$v')" awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0) }'
# the keep-alive diagnostic's one-server service answers through each
# kind of director (its own VIP:8080 -> RS1:80 port mapping)
for cfg in kernel-fwd nft-dnat haproxy lvsd-afpacket-w1; do
	v=$(awk -F'\t' -v c="$cfg" '$1 == "nat" && $2 == c && $4 == "ka1_rps" { print $5 }' "$tsv")
	tap_check "$cfg ka1_rps measured (got '$v')" awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0) }'
done

md="$out/$day.md"
tap_check "report has the NAT table" grep -q '^| UDP 64 B delivered to the RS | kpps |' "$md"
tap_check "report has ratios to nft-dnat" grep -q 'Ratio of medians to \*\*nft-dnat\*\*' "$md"
tap_check "report has the targets table" grep -q '^| UDP 64 B pps | ≥ 2.0 × nft-dnat' "$md"
tap_check "report has the keep-alive diagnostic" grep -q '^Diagnostic for the keep-alive target' "$md"
tap_check "report has the DR table" grep -q '^## LVS-DR lab' "$md"
if command -v gnuplot >/dev/null; then
	tap_check "PNG chart written" bash -c "head -c 8 '$out/$day.png' | od -An -c | grep -q 'P   N   G'"
fi

"$LVSD_TOP/bench/run.sh" --micro-only --smoke --out "$out" >"$out/micro.log" 2>&1
rc=$?
tap_check "bench/run.sh --micro-only --smoke exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$out/micro.log" | tail -30
micro="$out/micro-$day.md"
n=$(grep -cE '^\| (rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos) \| [0-9]' "$micro" 2>/dev/null)
tap_check "micro report: 14 schedulers timed (got ${n:-0})" test "${n:-0}" = 14
tap_check "micro report: connection table rows" grep -qE '^\| [0-9]+ \| [0-9]+ B \|' "$micro"
tap_check "micro report: control plane restore timed" grep -q 'ipvsadm -R. of 1000 services' "$micro"
# nothing of ours is left behind
left=$(ip netns list | grep -c "^$BENCH_NS_PREFIX")
tap_check "no namespaces left behind" test "$left" = 0
