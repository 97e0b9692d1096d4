#!/bin/bash
# bench/run.sh - lvsd against the kernel and HAProxy, side by side (`make bench`),
# and the core micro-benchmarks (`make bench-micro`).
#
#   bench/run.sh [--smoke] [--rounds N] [--duration S] [--configs LIST]
#                [--nat-only | --dr-only] [--with-micro] [--perf] [--out DIR]
#                [--metrics LIST]   (udp conn ka ka1 tput; default all)
#   bench/run.sh --micro-only [--smoke] [--out DIR]
#
# Macro benchmark (NAT lab of scripts/lab.sh, namespaces lvsd-bn-*):
#   every configuration gets a FRESH lab for every round (no TIME_WAIT or
#   conntrack state leaks from one measurement into the next), and rounds
#   are INTERLEAVED (round 1 of every configuration, then round 2, ...) so
#   that slow drifts of the shared machine hit every configuration alike.
#   Configurations: kernel-fwd (director = plain IPv4 router, the client
#   talks to the RS addresses), nft-dnat (nftables DNAT, numgen round robin),
#   haproxy (mode tcp, roundrobin), lvsd-afpacket-w1/-w2, lvsd-xdp-w1/-w2
#   ("n/a: reason" when lvsd says the backend is not available).
#   A/B runs: alt-<backend>-w<N> runs the lvsd binary $BENCH_LVSD_ALT (say
#   a build of the previous commit) the same way, in the same interleaving
#   (alt2-... $BENCH_LVSD_ALT2, and so on);
#   lvsd-<backend>-w<N>-nopin leaves the workers of a multi-worker lvsd
#   unpinned (by default worker i is pinned with --cpus 0,1,...).
#   Metrics per configuration and round: UDP 64-byte packets/s counted at the
#   real servers' UDP MIB, new TCP connections/s (wrk, Connection: close),
#   keep-alive requests/s and latency p50/p99 (wrk --latency), the same
#   requests/s with all connections sent to RS1 (ka1: the server work of
#   kernel-fwd, so only the directors differ; NAT lab), one-stream TCP
#   throughput (iperf3) with veth offloads on and off, CPU per delivered UDP
#   packet (whole machine: /proc/stat busy time minus the second before the
#   flood, i.e. other users of the box; and the director's own utime+stime,
#   n/a for in-kernel directors, whose softirq time belongs to no process).
#   ka1 exists because the balanced keep-alive test is not only the
#   director's: two nginx sharing CPU 0 take turns in scheduler slices, so
#   the closed-loop client has fewer requests in flight than with one.
#   Report: bench/results/YYYY-MM-DD.md (+ .png chart, + .tsv raw samples).
#   --dr-only / default also runs the DR lab (kernel-fwd, nft-netdev-fwd,
#   lvsd-dr-afpacket, lvsd-dr-xdp; lvsd-dr = --backend auto) into the same file.
#
# Micro benchmark: bench/results/micro-YYYY-MM-DD.md (connection table,
# schedulers, control plane restore/list of 10,000 services x 10 dests).
#
# CPU pinning (the machine has 2 cores): traffic generators (udpflood, wrk,
# iperf3 client) run on CPU 1; the director's user-space processes (lvsd with
# one worker, haproxy) on CPU 0; lvsd with two workers gets both CPUs (there
# is no third core).  In-kernel directors run in softirq wherever the packet
# arrives: with veth that is the SENDER's CPU, so kernel-fwd/nft-dnat forward
# on the generator's core.  The real servers' nginx run on CPU 0 too
# ($RS_CPUS): left to the scheduler, kernel-fwd's single busy nginx lands
# beside wrk in some rounds and alone in others (its keep-alive rate then
# varies by half), while the balancers' two busy nginx always share a core
# with something; pinned,
# every configuration gets the same server capacity, one core.
set -u
LVSD_TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=build}"
LVSD_BUILD="$LVSD_TOP/$BUILD"
export LVSD_BUILD LVSD_TOP

ROUNDS=3
DUR=5
SMOKE=0
MICRO_ONLY=0
WITH_MICRO=0
DO_NAT=1
DO_DR=1
PERF=0
OUT="$LVSD_TOP/bench/results"
CONFIGS="kernel-fwd nft-dnat haproxy lvsd-afpacket-w1 lvsd-afpacket-w2 lvsd-xdp-w1 lvsd-xdp-w2"
DR_CONFIGS="kernel-fwd nft-netdev-fwd lvsd-dr-afpacket-w1 lvsd-dr-xdp-w1"
METRICS="udp conn ka ka1 tput"
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1; ROUNDS=1; DUR=1 ;;
	--micro-only) MICRO_ONLY=1 ;;
	--with-micro) WITH_MICRO=1 ;;
	--nat-only) DO_DR=0 ;;
	--dr-only) DO_NAT=0 ;;
	--perf) PERF=1 ;;
	--rounds) ROUNDS=${2:-}; shift ;;
	--duration) DUR=${2:-}; shift ;;
	--configs) CONFIGS=${2:-}; shift ;;
	--dr-configs) DR_CONFIGS=${2:-}; shift ;;
	--metrics) METRICS=${2:-}; shift ;;
	--out) OUT=${2:-}; shift ;;
	-h|--help) usage ;;
	*) echo "bench: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
case "$ROUNDS$DUR" in *[!0-9]*|'') echo "bench: --rounds/--duration need numbers" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 1 ] && [ "$DUR" -ge 1 ] || { echo "bench: --rounds/--duration must be >= 1" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
mkdir -p "$OUT"
DAY=$(date -u +%F)

# namespace prefix (the smoke test uses its own so that it cannot collide
# with a `make bench` running at the same time)
: "${RS_CPUS:=0}"   # the real servers' nginx (see the top)
P=${BENCH_NS_PREFIX:-lvsd-bn-}
case $P in lvsd-bn-*) ;; *) echo "bench: BENCH_NS_PREFIX must start with lvsd-bn-" >&2; exit 2 ;; esac
BT=$(mktemp -d /tmp/lvsd-bench.XXXXXX)
LAB_TMP=$BT
LAB_PIDS=()
BG_PIDS=()
. "$LVSD_TOP/scripts/lab.sh"

cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	lab_down "$P"
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$BT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
# run in a lab namespace (background daemons call ip netns exec directly so
# that $! is the daemon itself, not a subshell: its CPU time is measured)
inns() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }

# ---------------------------------------------------------------- micro ---

run_micro() {
	local f="$OUT/micro-$DAY.md" raw="$BT/micro.txt" sizes="10000 1000000 10000000"
	local mc="$LVSD_BUILD/bench/micro_core"
	[ -x "$mc" ] || { log "$mc missing: run make"; return 1; }
	[ "$SMOKE" = 1 ] && sizes="10000 100000"
	log "micro: connection table at $sizes entries"
	: >"$raw"
	local n
	for n in $sizes; do taskset -c 1 "$mc" conn "$n" >>"$raw" || return 1; done
	log "micro: 14 schedulers at 10, 100, 1000 destinations"
	taskset -c 1 "$mc" sched 10 100 1000 >>"$raw" || return 1
	run_ctl_bench "$raw"
	python3 "$LVSD_TOP/bench/report.py" micro "$raw" "$f" "$(uname -r)" "$(nproc)" || return 1
	log "micro report: $f"
}

# control plane: restore 10,000 services x 10 dests, list them
run_ctl_bench() {
	local raw=$1 nsvc=10000 ndst=10 rules="$BT/rules.txt" sock="$BT/ctl.sock" pid t0 t1 t2 lines
	[ "$SMOKE" = 1 ] && nsvc=1000
	python3 - "$nsvc" "$ndst" >"$rules" <<'EOF'
import sys
nsvc, ndst = int(sys.argv[1]), int(sys.argv[2])
out = []
for s in range(nsvc):
    vip = "10.%d.%d.%d" % (100 + s // 65536, (s // 256) % 256, s % 256)
    out.append("-A -t %s:80 -s wlc" % vip)
    for d in range(ndst):
        out.append("-a -t %s:80 -r 192.168.%d.%d:80 -m -w 1" % (vip, d // 250, 1 + d % 250))
print("\n".join(out))
EOF
	"$LVSD_BUILD/lvsd" -f -S "$sock" --backend none >"$BT/ctl-lvsd.log" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	t0=$(date +%s%N)
	LVSD_SOCKET=$sock "$LVSD_BUILD/ipvsadm" -R <"$rules" >"$BT/restore.out" 2>&1
	local rc_r=$?
	t1=$(date +%s%N)
	lines=$(LVSD_SOCKET=$sock "$LVSD_BUILD/ipvsadm" -L -n 2>&1 | wc -l)
	t2=$(date +%s%N)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "ctl services=$nsvc dests_per_service=$ndst restore_rc=$rc_r restore_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}') list_lines=$lines list_s=$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.3f", (b-a)/1e9}')" >>"$raw"
}

if [ "$MICRO_ONLY" = 1 ]; then
	run_micro
	exit $?
fi

# ------------------------------------------------------------- the labs ---

for t in wrk iperf3 nginx nft; do
	command -v "$t" >/dev/null || { log "$t missing (scripts/deps.sh bench)"; exit 1; }
done
for b in lvsd ipvsadm tools/udpflood; do
	[ -x "$LVSD_BUILD/$b" ] || { log "$LVSD_BUILD/$b missing: run make"; exit 1; }
done
FLOOD="$LVSD_BUILD/tools/udpflood"
RAW="$OUT/$DAY.tsv"
: >"$RAW"
lab_down "$P"   # leftovers of an interrupted run

# record CONFIG ROUND METRIC VALUE (VALUE may be "n/a: reason")
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$LAB_KIND" "$1" "$2" "$3" "$(tr '\t\n' '  ' <<<"$4" | sed 's/ *$//')" >>"$RAW"; }

# servers on both RSes: nginx (keep-alive capable) on :80, iperf3 on RS1
# :5201, a UDP sink on :9
start_servers() {
	local n dir
	for n in 1 2; do
		dir="$BT/rs$n"
		mkdir -p "$dir/www" "$dir/tmp"
		echo "RS$n" >"$dir/www/index.html"
		cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx.err warn;
events { worker_connections 16384; }
http {
	access_log off;
	keepalive_requests 10000000;
	keepalive_timeout 120s;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	server { listen 80 backlog=65535; root $dir/www; }
}
EOF
		inns "rs$n" sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
		ip netns exec "${P}rs$n" taskset -c "$RS_CPUS" nginx -c "$dir/nginx.conf" >"$dir/nginx.out" 2>&1 &
		LAB_PIDS+=("$!")
		ip netns exec "${P}rs$n" "$FLOOD" recv -p 9 -t 3600 >"$dir/sink.out" 2>&1 &
		LAB_PIDS+=("$!")
	done
	ip netns exec "${P}rs1" iperf3 -s -p 5201 >"$BT/rs1/iperf.out" 2>&1 &
	LAB_PIDS+=("$!")
	for n in 1 2; do
		for _ in $(seq 100); do
			inns "rs$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/80" 2>/dev/null && break
			sleep 0.05
		done
	done
	for _ in $(seq 100); do
		inns rs1 bash -c "exec 3<>/dev/tcp/127.0.0.1/5201" 2>/dev/null && break
		sleep 0.05
	done
	inns c sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
}

# UDP datagrams that reached the RSes' UDP layer (delivered + no port + errors)
rs_udp_in() {
	local n sum=0 v
	for n in 1 2; do
		v=$(inns "rs$n" cat /proc/net/snmp | awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $2 + $3 + $4 }')
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}
# whole-machine busy CPU time in clock ticks
cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# user+system ticks of the given processes (all their threads)
proc_ticks() {
	local p sum=0 v
	for p in "$@"; do
		v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# ---- director configurations: set up in ${P}d, set TARGET_* and DIR_PIDS
# TARGET_HTTP: address wrk talks to; TARGET_UDP: list for udpflood;
# TARGET_TCP1: address of the iperf3 service (RS1 behind it)

dir_kernel_fwd() {
	inns d sysctl -qw net.ipv4.ip_forward=1
	inns c ip route add 192.168.1.0/24 via "$LAB_VIP"
	TARGET_HTTP=$LAB_RS1 TARGET_UDP="$LAB_RS1 $LAB_RS2" TARGET_TCP1=$LAB_RS1
	TARGET_HTTP1=$LAB_RS1
}

dir_nft_dnat() {
	inns d sysctl -qw net.ipv4.ip_forward=1
	inns d nft -f - <<EOF || return 1
table ip lvsd_bench {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $LAB_VIP tcp dport 80 dnat to numgen inc mod 2 map { 0 : $LAB_RS1, 1 : $LAB_RS2 }
		ip daddr $LAB_VIP udp dport 9 dnat to numgen inc mod 2 map { 0 : $LAB_RS1, 1 : $LAB_RS2 }
		ip daddr $LAB_VIP tcp dport 5201 dnat to $LAB_RS1
		ip daddr $LAB_VIP tcp dport 8080 dnat to $LAB_RS1:80
	}
}
EOF
	TARGET_HTTP=$LAB_VIP TARGET_UDP=$LAB_VIP TARGET_TCP1=$LAB_VIP
	TARGET_HTTP1=$LAB_VIP:8080
}

dir_haproxy() {
	command -v haproxy >/dev/null || { NA="haproxy not installed"; return 1; }
	cat >"$BT/haproxy.cfg" <<EOF
global
	nbthread 1
	# 2 fds per proxied connection must fit the fd limit (often 20000 here)
	maxconn 8000
defaults
	mode tcp
	timeout connect 5s
	timeout client 120s
	timeout server 120s
frontend web
	bind $LAB_VIP:80
	default_backend rs
backend rs
	balance roundrobin
	server rs1 $LAB_RS1:80
	server rs2 $LAB_RS2:80
frontend bulk
	bind $LAB_VIP:5201
	default_backend rs1
backend rs1
	server rs1 $LAB_RS1:5201
frontend web1
	bind $LAB_VIP:8080
	default_backend rs1web
backend rs1web
	server rs1 $LAB_RS1:80
EOF
	inns d sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
	ip netns exec "${P}d" taskset -c 0 haproxy -f "$BT/haproxy.cfg" -db >"$BT/haproxy.log" 2>&1 &
	local pid=$!
	LAB_PIDS+=("$pid")
	DIR_PIDS="$pid"
	for _ in $(seq 100); do
		inns c bash -c "exec 3<>/dev/tcp/$LAB_VIP/80" 2>/dev/null && break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null || { NA="haproxy did not start: $(head -c 200 "$BT/haproxy.log")"; return 1; }
	TARGET_HTTP=$LAB_VIP TARGET_UDP="" TARGET_TCP1=$LAB_VIP TARGET_HTTP1=$LAB_VIP:8080
	NA_UDP="haproxy does not balance UDP"
}

# dir_lvsd BACKEND WORKERS [METHOD-FLAG [BINARY [NOPIN]]]
dir_lvsd() {
	local backend=$1 workers=$2 flag=${3:--m} bin=${4:-$LVSD_BUILD/lvsd} nopin=${5:-} pin=0 pid sock="$BT/lvsd.sock"
	local cpus=()
	[ "$workers" -gt 1 ] && pin=0-1
	# the process's taskset is inherited by the worker threads, which may
	# then wander onto the generator's core: give each its own (--cpus),
	# when the binary knows the option
	if [ "$workers" -gt 1 ] && [ -z "$nopin" ] && "$bin" -h 2>/dev/null | grep -q -- --cpus; then
		cpus=(--cpus "$(seq -s, 0 $((workers - 1)))")
	fi
	[ -x "$bin" ] || { NA="no lvsd binary $bin"; return 1; }
	rm -f "$sock"
	ip netns exec "${P}d" taskset -c "$pin" "$bin" -f -S "$sock" --backend "$backend" --workers "$workers" "${cpus[@]}" \
		>"$BT/lvsd.log" 2>&1 &
	pid=$!
	LAB_PIDS+=("$pid")
	DIR_PIDS="$pid"
	for _ in $(seq 200); do [ -S "$sock" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	[ -S "$sock" ] || { NA="lvsd did not start: $(tail -c 200 "$BT/lvsd.log" | tr '\n' ' ')"; return 1; }
	sleep 0.3
	# lvsd logs when it cannot give the requested backend; that is "n/a"
	local why
	why=$(grep -E "backend $backend is not available|running without a datapath|unusable|open failed|falling back" "$BT/lvsd.log" | head -1)
	[ -n "$why" ] && { NA=$(sed 's/.*datapath: //' <<<"$why"); return 1; }
	# what lvsd says it runs ("datapath: AF_PACKET ... (why)") goes into the report
	BACKEND_INFO=$(grep -m1 -E "datapath: .*\(" "$BT/lvsd.log" | sed 's/.*datapath: //')
	# and whether established flows take the in-kernel fast path
	if grep -q "fast path: TC program" "$BT/lvsd.log"; then
		BACKEND_INFO="$BACKEND_INFO; fast path: TC"
	elif grep -qE "fast path (off|unavailable)" "$BT/lvsd.log"; then
		BACKEND_INFO="$BACKEND_INFO; $(grep -m1 -oE "fast path (off|unavailable).*" "$BT/lvsd.log")"
	fi
	local ipv="$LVSD_BUILD/ipvsadm" vip=$LAB_VIP
	[ "$LAB_KIND" = dr ] || vip=$LAB_VIP
	{
		LVSD_SOCKET=$sock inns d "$ipv" -A -t "$vip:80" -s rr &&
		LVSD_SOCKET=$sock inns d "$ipv" -a -t "$vip:80" -r "$LAB_RS1" "$flag" &&
		LVSD_SOCKET=$sock inns d "$ipv" -a -t "$vip:80" -r "$LAB_RS2" "$flag" &&
		LVSD_SOCKET=$sock inns d "$ipv" -A -u "$vip:9" -s rr &&
		LVSD_SOCKET=$sock inns d "$ipv" -a -u "$vip:9" -r "$LAB_RS1" "$flag" &&
		LVSD_SOCKET=$sock inns d "$ipv" -a -u "$vip:9" -r "$LAB_RS2" "$flag" &&
		LVSD_SOCKET=$sock inns d "$ipv" -A -t "$vip:5201" -s rr &&
		LVSD_SOCKET=$sock inns d "$ipv" -a -t "$vip:5201" -r "$LAB_RS1" "$flag" &&
		# the one-real-server service (keep-alive diagnostic): NAT maps the
		# port; DR cannot, so it has none
		if [ "$flag" = -m ]; then
			LVSD_SOCKET=$sock inns d "$ipv" -A -t "$vip:8080" -s rr &&
			LVSD_SOCKET=$sock inns d "$ipv" -a -t "$vip:8080" -r "$LAB_RS1:80" "$flag"
		fi
	} >"$BT/ipvsadm.out" 2>&1 || { NA="ipvsadm failed: $(head -c 200 "$BT/ipvsadm.out")"; return 1; }
	TARGET_HTTP=$vip TARGET_UDP=$vip TARGET_TCP1=$vip
	if [ "$flag" = -m ]; then TARGET_HTTP1=$vip:8080; fi
}

# nftables netdev fwd for DR: rewrite the destination MAC to an RS chosen by
# a hash of the flow (stateless, so per-flow, not per-packet round robin);
# the source MAC becomes the director's so the switch does not learn the
# router's MAC on the director's port
dir_nft_netdev_fwd() {
	local m1 m2 md
	m1=$(inns rs1 cat /sys/class/net/eth0/address)
	m2=$(inns rs2 cat /sys/class/net/eth0/address)
	md=$(inns d cat /sys/class/net/eth0/address)
	inns d nft -f - <<EOF || { NA="nft netdev fwd rules rejected"; return 1; }
table netdev lvsd_bench {
	chain ingress {
		type filter hook ingress device eth0 priority 0; policy accept;
		ip daddr $LAB_VIP tcp dport 5201 ether saddr set $md ether daddr set $m1 fwd to eth0
		ip daddr $LAB_VIP meta l4proto { tcp, udp } ether saddr set $md ether daddr set jhash ip saddr . th sport mod 2 map { 0 : $m1, 1 : $m2 } fwd to eth0
	}
}
EOF
	# iperf3's two connections must meet one server: port 5201 always goes to RS1
	TARGET_HTTP=$LAB_VIP TARGET_UDP=$LAB_VIP TARGET_TCP1=$LAB_VIP
}

# DR kernel-fwd: the router sends the RS addresses through the director,
# which forwards them as a plain router (one direction, like DR)
dir_dr_kernel_fwd() {
	inns d sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0
	inns rt ip route add "$LAB_RS1/32" via "$LAB_DIP"
	inns rt ip route add "$LAB_RS2/32" via "$LAB_DIP"
	TARGET_HTTP=$LAB_RS1 TARGET_UDP="$LAB_RS1 $LAB_RS2" TARGET_TCP1=$LAB_RS1
}

setup_config() {
	local cfg=$1
	NA="" NA_UDP="" NA_TCP1="" DIR_PIDS="" BACKEND_INFO="" TARGET_HTTP1=""
	case "$LAB_KIND:$cfg" in
	nat:kernel-fwd) dir_kernel_fwd ;;
	nat:nft-dnat) dir_nft_dnat ;;
	nat:haproxy) dir_haproxy ;;
	nat:lvsd-*-w[0-9]*-nopin) local b=${cfg#lvsd-} n=${cfg%-nopin}; dir_lvsd "${b%%-*}" "${n##*-w}" -m "" nopin ;;
	nat:lvsd-afpacket-w[0-9]*) dir_lvsd afpacket "${cfg##*-w}" -m ;;
	nat:lvsd-xdp-w[0-9]*) dir_lvsd xdp "${cfg##*-w}" -m ;;
	nat:alt*-afpacket-w[0-9]*|nat:alt*-xdp-w[0-9]*)
		# altN-...: the binary in $BENCH_LVSD_ALTN
		local tag=${cfg%%-*} b=${cfg#*-} var
		var=BENCH_LVSD_${tag^^}
		[ -n "${!var:-}" ] || { NA="$var not set"; return 1; }
		dir_lvsd "${b%%-*}" "${cfg##*-w}" -m "${!var}" ;;
	dr:kernel-fwd) dir_dr_kernel_fwd ;;
	dr:nft-netdev-fwd) dir_nft_netdev_fwd ;;
	dr:lvsd-dr-w[0-9]*) dir_lvsd auto "${cfg##*-w}" -g ;;
	dr:lvsd-dr-afpacket-w[0-9]*) dir_lvsd afpacket "${cfg##*-w}" -g ;;
	dr:lvsd-dr-xdp-w[0-9]*) dir_lvsd xdp "${cfg##*-w}" -g ;;
	*) NA="unknown configuration"; return 1 ;;
	esac
}

# want METRIC: is METRIC (udp, conn, ka, tput) selected by --metrics
want() { case " $METRICS " in *" $1 "*) return 0 ;; esac; return 1; }

# the metrics of one configuration in its fresh lab
measure() {
	local cfg=$1 round=$2 out v

	[ -n "$BACKEND_INFO" ] && record "$cfg" "$round" backend "info: $BACKEND_INFO"
	# sanity: one HTTP request must go through, or nothing below is meaningful
	if ! inns c curl -s -m 3 -o /dev/null "http://$TARGET_HTTP/"; then
		record "$cfg" "$round" all "n/a: no HTTP answer through the director"
		return
	fi

	# UDP 64-byte flood, counted at the RSes
	if ! want udp; then
		:
	elif [ -n "$NA_UDP" ]; then
		for v in udp_pps cpu_ns_pkt dir_ns_pkt; do record "$cfg" "$round" "$v" "n/a: $NA_UDP"; done
	else
		local args="" a in0 in1 c0 c1 p0 p1 secs perfpid="" b0 b1
		for a in $TARGET_UDP; do args="$args -d $a"; done
		# the machine is shared: what it burns without our load for 1 s
		# is subtracted from the flood's CPU time (scaled to its length)
		local idle=1
		[ "$SMOKE" = 1 ] && idle=0.3
		b0=$(cpu_busy); sleep "$idle"; b1=$(cpu_busy)
		in0=$(rs_udp_in); c0=$(cpu_busy); p0=$(proc_ticks $DIR_PIDS)
		if [ "$PERF" = 1 ] && [ "$round" = 1 ] && [ -n "$DIR_PIDS" ] && command -v perf >/dev/null; then
			perf record -q -g -o "$BT/perf-$cfg.data" -p "${DIR_PIDS%% *}" -- sleep "$DUR" >/dev/null 2>&1 &
			perfpid=$!
		fi
		out=$(inns c taskset -c 1 "$FLOOD" send $args -p 9 -t "$DUR" 2>&1)
		sleep 0.5   # let the queues drain into the counters
		in1=$(rs_udp_in); c1=$(cpu_busy); p1=$(proc_ticks $DIR_PIDS)
		secs=$(awk '{ for (i = 1; i < NF; i++) if ($i == "seconds") print $(i + 1) }' <<<"$out")
		if [ -n "$perfpid" ]; then
			wait "$perfpid"
			perf report -i "$BT/perf-$cfg.data" --stdio --no-children --percent-limit 1 --sort dso,symbol 2>/dev/null |
				grep -E '^ +[0-9.]+%' | sed 's/[ -]*$//' | head -20 >"$OUT/$DAY-perf-$cfg.txt"
		fi
		if [ -n "$secs" ] && [ $((in1 - in0)) -gt 0 ]; then
			local pk=$((in1 - in0)) hz
			hz=$(getconf CLK_TCK)
			record "$cfg" "$round" udp_pps "$(awk -v p="$pk" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')"
			record "$cfg" "$round" cpu_ns_pkt "$(awk -v c=$((c1 - c0)) -v b=$((b1 - b0)) -v i="$idle" -v s="$secs" -v h="$hz" -v p="$pk" \
				'BEGIN { c -= b / i * (s + 0.5); if (c < 0) c = 0; printf "%.0f", c / h * 1e9 / p }')"
			if [ -n "$DIR_PIDS" ]; then
				record "$cfg" "$round" dir_ns_pkt "$(awk -v c=$((p1 - p0)) -v h="$hz" -v p="$pk" 'BEGIN { printf "%.0f", c / h * 1e9 / p }')"
			else
				record "$cfg" "$round" dir_ns_pkt "n/a: in-kernel director (softirq, see cpu_ns_pkt)"
			fi
		else
			for v in udp_pps cpu_ns_pkt dir_ns_pkt; do record "$cfg" "$round" "$v" "n/a: no UDP delivered ($out)"; done
		fi
	fi

	# new TCP connections/s: HTTP with Connection: close
	if want conn; then
		out=$(inns c taskset -c 1 wrk -t1 -c32 -d"${DUR}s" -H "Connection: close" "http://$TARGET_HTTP/" 2>&1)
		v=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
		record "$cfg" "$round" conn_s "${v:-n/a: wrk failed}"
	fi

	# keep-alive requests/s and latency
	if want ka; then
		out=$(inns c taskset -c 1 wrk -t1 -c32 -d"${DUR}s" --latency "http://$TARGET_HTTP/" 2>&1)
		v=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
		record "$cfg" "$round" ka_rps "${v:-n/a: wrk failed}"
		record "$cfg" "$round" lat_p50_ms "$(wrk_pct 50% <<<"$out")"
		record "$cfg" "$round" lat_p99_ms "$(wrk_pct 99% <<<"$out")"
	fi

	# the same with every director sending all 32 connections to RS1, as
	# kernel-fwd does: the real servers then do the same work in every
	# configuration (in the balanced test two nginx share CPU 0 and take
	# turns, which the client's closed loop feels), so this compares the
	# directors alone (NAT lab only: DR cannot map a second port)
	if ! want ka1; then
		:
	elif [ -z "$TARGET_HTTP1" ]; then
		record "$cfg" "$round" ka1_rps "n/a: no one-server service in the $LAB_KIND lab"
	else
		out=$(inns c taskset -c 1 wrk -t1 -c32 -d"${DUR}s" "http://$TARGET_HTTP1/" 2>&1)
		v=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
		record "$cfg" "$round" ka1_rps "${v:-n/a: wrk failed}"
	fi

	# one TCP stream, offloads on, then off on every veth of the lab
	if ! want tput; then
		:
	elif [ -n "$NA_TCP1" ]; then
		record "$cfg" "$round" tput_on_gbps "n/a: $NA_TCP1"
		record "$cfg" "$round" tput_off_gbps "n/a: $NA_TCP1"
	else
		record "$cfg" "$round" tput_on_gbps "$(iperf_gbps)"
		if command -v ethtool >/dev/null; then
			offloads off
			record "$cfg" "$round" tput_off_gbps "$(iperf_gbps)"
		else
			record "$cfg" "$round" tput_off_gbps "n/a: ethtool not installed"
		fi
	fi
}

# wrk's latency distribution line "  99%  1.23ms" -> milliseconds
wrk_pct() {
	awk -v k="$1" '$1 == k {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
		if (f > 0) { printf "%.3f", v * f; found = 1 } }
		END { if (!found) print "n/a: no latency from wrk" }'
}

iperf_gbps() {
	local out
	out=$(inns c taskset -c 1 iperf3 -c "$TARGET_TCP1" -p 5201 -t "$DUR" -f m 2>&1)
	awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
		END { if (v != "") printf "%.3f", v / 1000; else print "n/a: iperf3 failed" }' <<<"$out"
}

# offloads on|off: TSO/GSO/GRO and checksum offload on every lab veth
offloads() {
	local st=$1 ns dev
	for ns in c d sw rt rs1 rs2; do
		ip netns list | grep -qw "^$P$ns" || continue
		for dev in $(inns "$ns" ls /sys/class/net); do
			[ "$dev" = lo ] || [ "$dev" = br0 ] && continue
			inns "$ns" ethtool -K "$dev" tso "$st" gso "$st" gro "$st" tx "$st" rx "$st" >/dev/null 2>&1
		done
	done
}

build_lab() {
	LAB_PIDS=()   # the previous lab was torn down by run_lab
	if [ "$LAB_KIND" = nat ]; then
		lab_nat "$P"
	else
		lab_lan "$P" && lab_rs_dr "$P"
	fi
}

run_lab() {
	local kind=$1 configs=$2 round cfg
	LAB_KIND=$kind
	for round in $(seq 1 "$ROUNDS"); do
		for cfg in $configs; do
			log "$kind round $round/$ROUNDS: $cfg"
			if ! build_lab >"$BT/lab.log" 2>&1; then
				record "$cfg" "$round" all "n/a: lab setup failed: $(tail -c 200 "$BT/lab.log" | tr '\n' ' ')"
				lab_down "$P"
				continue
			fi
			start_servers
			if setup_config "$cfg"; then
				measure "$cfg" "$round"
			else
				record "$cfg" "$round" all "n/a: ${NA:-setup failed (no reason given)}"
			fi
			lab_down "$P"
		done
	done
}

START=$(date -u +%s)
[ "$DO_NAT" = 1 ] && run_lab nat "$CONFIGS"
[ "$DO_DR" = 1 ] && run_lab dr "$DR_CONFIGS"
ELAPSED=$(( $(date -u +%s) - START ))

REPORT="$OUT/$DAY.md"
python3 "$LVSD_TOP/bench/report.py" macro "$RAW" "$REPORT" "$ROUNDS" "$DUR" "$SMOKE" "$ELAPSED" "$(uname -r)" "$(nproc)" ||
	{ log "report failed"; exit 1; }
log "report: $REPORT"
[ "$WITH_MICRO" = 1 ] && run_micro
exit 0
