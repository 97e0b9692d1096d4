# check-lib.sh - helpers for the health-check integration suites (source
# after tests/lib/common.sh).  Namespaces are named lvsd-hc-*.
#
#   hc_setup NAME      the start of a suite: skip without root, private
#                      binaries, the topology, a scratch dir in $work
#   hc_topology        director ns lvsd-hc-dir + real-server namespaces
#                      lvsd-hc-rs1 (192.168.77.11) and lvsd-hc-rs2
#                      (192.168.78.12), one veth pair each
#   hc_web NS IP DIR   python http.server on IP:80 serving DIR; sets HC_WEB_PID
#   hc_rs_web N        real server N's web server on $work/rsN; PID in $rsN
#   hc_rs_pages T1 T2  both real servers serve index.html pages T1 and T2
#   hc_lvsd CFG [ARGS] lvsd -f -b none -c CFG inside lvsd-hc-dir on a
#                      private socket (exports LVSD_SOCKET, sets HC_LVSD_PID)
#   wait_for SECS CMD  poll CMD every 0.2 s until it succeeds or SECS pass

# private copies of lvsd/ipvsadm: other engineers relink build/ while we run
hc_bins() {
	local bin
	mktemp_dir bin lvsd-hc-bin
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

# hc_setup NAME: skips the suite (TAP plan 1..0) unless run as root, then
# private binaries, the topology (or the suite fails), and $work: a
# scratch directory /tmp/lvsd-hc-NAME.*
hc_setup() {
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
	hc_bins
	hc_topology || { tap_fail "topology"; exit 1; }
	mktemp_dir work "lvsd-hc-$1"
}

hc_web() {
	local ns=$1 ip=$2 dir=$3
	bg_start HC_WEB_PID ip netns exec "$ns" "$HC_PY" -m http.server 80 --bind "$ip" --directory "$dir" \
		>/dev/null 2>&1
	# ready when it accepts
	ns_wait_tcp "$ns" "$ip" 80 50
}

# hc_rs_web N: (re)start real server N's web server (rs1 192.168.77.11,
# rs2 192.168.78.12) on the directory $work/rsN; its PID in $rsN
hc_rs_web() {
	local ip=192.168.77.11
	[ "$1" = 2 ] && ip=192.168.78.12
	mkdir -p "$work/rs$1"
	hc_web "lvsd-hc-rs$1" "$ip" "$work/rs$1"
	printf -v "rs$1" %s "$HC_WEB_PID"
}

# hc_rs_pages TEXT1 TEXT2: both real servers' web servers, serving an
# index.html of TEXT1 (rs1) and TEXT2 (rs2)
hc_rs_pages() {
	mkdir -p "$work/rs1" "$work/rs2"
	echo "$1" >"$work/rs1/index.html"
	echo "$2" >"$work/rs2/index.html"
	hc_rs_web 1
	hc_rs_web 2
}

hc_lvsd() {
	local cfg=$1 dir
	shift
	mktemp_dir dir lvsd-hc || return 1
	export LVSD_SOCKET="$dir/lvsd.sock"
	HC_LVSD_LOG="$dir/lvsd.log"
	lvsd_run HC_LVSD_PID "$HC_LVSD_LOG" ip netns exec lvsd-hc-dir "${HC_BIN:-$LVSD_BUILD}/lvsd" -f -b none \
		-S "$LVSD_SOCKET" -c "$cfg" "$@"
}

# hc_lvsd_stop: stop it; when it died under the suite (or a sanitizer
# spoke) its log's tail says how, for the next engineer
hc_lvsd_stop() {
	[ -n "${HC_LVSD_PID:-}" ] || return 0
	lvsd_reap "$HC_LVSD_PID" "$HC_LVSD_LOG"
	HC_LVSD_PID=
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
