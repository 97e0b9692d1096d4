# check-lib.sh - helpers for the health-check integration suites (source
# after tests/lib/common.sh).  Namespaces are named lvsd-hc-*.
#
#   hc_topology        director ns lvsd-hc-dir + real-server namespaces
#                      lvsd-hc-rs1 (192.168.77.11) and lvsd-hc-rs2
#                      (192.168.78.12), one veth pair each
#   hc_web NS IP DIR   python http.server on IP:80 serving DIR; sets HC_WEB_PID
#   hc_lvsd CFG [ARGS] lvsd -f -b none -c CFG inside lvsd-hc-dir on a
#                      private socket (exports LVSD_SOCKET, sets HC_LVSD_PID)
#   wait_for SECS CMD  poll CMD every 0.2 s until it succeeds or SECS pass

# private copies of lvsd/ipvsadm: other engineers relink build/ while we run
hc_bins() {
	local bin
	bin=$(mktemp -d /tmp/lvsd-hc-bin.XXXXXX)
	cleanup_dir "$bin"
	for _ in 1 2 3 4 5; do
		cp "$LVSD_BUILD/lvsd" "$LVSD_BUILD/ipvsadm" "$bin/" 2>/dev/null &&
			"$bin/ipvsadm" -v >/dev/null 2>&1 && "$bin/lvsd" -V >/dev/null 2>&1 && break
		sleep 1
	done
	HC_BIN=$bin
	export PATH="$bin:$PATH"
}

# the interpreter itself, not pyenv's shim (a shell script): faster, and
# the PID we kill is python's
HC_PY=$(python3 -c "import sys; print(sys.executable)" 2>/dev/null || echo python3)

hc_topology() {
	local n
	for n in dir rs1 rs2; do
		ns_add "lvsd-hc-$n" || return 1
		ip -n "lvsd-hc-$n" link set lo up
	done
	ip link add hc-d1 netns lvsd-hc-dir type veth peer name eth0 netns lvsd-hc-rs1 || return 1
	ip link add hc-d2 netns lvsd-hc-dir type veth peer name eth0 netns lvsd-hc-rs2 || return 1
	ip -n lvsd-hc-dir addr add 192.168.77.1/24 dev hc-d1
	ip -n lvsd-hc-dir addr add 192.168.78.1/24 dev hc-d2
	ip -n lvsd-hc-rs1 addr add 192.168.77.11/24 dev eth0
	ip -n lvsd-hc-rs2 addr add 192.168.78.12/24 dev eth0
	for n in dir rs1 rs2; do
		ip -n "lvsd-hc-$n" link set dev lo up
	done
	ip -n lvsd-hc-dir link set hc-d1 up
	ip -n lvsd-hc-dir link set hc-d2 up
	ip -n lvsd-hc-rs1 link set eth0 up
	ip -n lvsd-hc-rs2 link set eth0 up
}

hc_web() {
	local ns=$1 ip=$2 dir=$3
	ip netns exec "$ns" "$HC_PY" -m http.server 80 --bind "$ip" --directory "$dir" >/dev/null 2>&1 &
	local pid=$!
	cleanup_pid "$pid"
	# ready when it accepts
	for _ in $(seq 1 50); do
		ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/$ip/80" 2>/dev/null && break
		sleep 0.1
	done
	HC_WEB_PID=$pid
}

hc_lvsd() {
	local cfg=$1 dir
	shift
	dir=$(mktemp -d /tmp/lvsd-hc.XXXXXX)
	cleanup_dir "$dir"
	export LVSD_SOCKET="$dir/lvsd.sock"
	HC_LVSD_LOG="$dir/lvsd.log"
	ip netns exec lvsd-hc-dir "${HC_BIN:-$LVSD_BUILD}/lvsd" -f -b none -S "$LVSD_SOCKET" -c "$cfg" "$@" >"$HC_LVSD_LOG" 2>&1 &
	HC_LVSD_PID=$!
	cleanup_pid "$HC_LVSD_PID"
	for _ in $(seq 1 100); do
		[ -S "$LVSD_SOCKET" ] && return 0
		kill -0 "$HC_LVSD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "lvsd did not start; log:" >&2
	cat "$HC_LVSD_LOG" >&2
	return 1
}

hc_lvsd_stop() {
	[ -n "${HC_LVSD_PID:-}" ] || return 0
	if ! kill -0 "$HC_LVSD_PID" 2>/dev/null; then
		# it died under the suite: say how, for the next engineer
		wait "$HC_LVSD_PID" 2>/dev/null
		echo "# lvsd (pid $HC_LVSD_PID) exited before the suite stopped it (status $?); last log lines:"
		tail -30 "$HC_LVSD_LOG" | sed 's/^/# /'
	fi
	kill "$HC_LVSD_PID" 2>/dev/null
	wait "$HC_LVSD_PID" 2>/dev/null
	HC_LVSD_PID=
}

wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# rs_line SVC_PATTERN RS: the "  -> RS ..." line under the service line
rs_line() {
	"${HC_BIN:-$LVSD_BUILD}/ipvsadm" -L -n | awk -v svc="$1" -v rs="$2" '
		/^[A-Z]/ { insvc = index($0, svc) == 1 }
		insvc && $2 == rs { print; exit }'
}
rs_weight() { rs_line "$1" "$2" | awk '{print $4}'; }
rs_absent() { "${HC_BIN:-$LVSD_BUILD}/ipvsadm" -L -n >/dev/null 2>&1 && [ -z "$(rs_line "$1" "$2")" ]; }
rs_has_weight() { [ "$(rs_weight "$1" "$2")" = "$3" ]; }
