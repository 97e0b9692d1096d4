# tests/integration/course-lib.sh - helpers for the suites that replay LVS
# course material (the command lines, scripts and files that LVS users copy)
# against lvsd.  Source it after dp-lib.sh; every process it starts lives in
# one of the lab's namespaces and is listed in LAB_PIDS, so dp-lib's exit
# trap stops it even when a test fails.
#
#   web_up N [PAGE]     busybox httpd on port 80 of ${DP_P}rsN, serving
#                       $LAB_TMP/webN whose index.html is PAGE (default "RSN");
#                       waits until it accepts
#   web_down N          stop that server (by its PID) and wait for it
#   ind CMD...          run CMD in the director namespace
#   curls N URL         N curl requests from the client, one body per line
#                       ("FAIL" for a request that got nothing)
#   tally               "NAME=count " per distinct stdin line, sorted
#   wait_for SECS CMD   (tests/lib/common.sh) poll CMD until it succeeds or SECS pass
#   tcheck NAME DEBUG CMD...  tap_check that prints DEBUG's output on failure

. "$(dirname "${BASH_SOURCE[0]}")/check-lib.sh"

declare -A WEB_PID=()

web_up() {
	local n=$1 page=${2:-RS$1} dir="$LAB_TMP/web$1"
	mkdir -p "$dir"
	printf '%s\n' "$page" >"$dir/index.html"
	ip netns exec "${DP_P}rs$n" busybox httpd -f -p 80 -h "$dir" &
	WEB_PID[$n]=$!
	LAB_PIDS+=("$!")
	for _ in $(seq 50); do
		ip netns exec "${DP_P}rs$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/80" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

web_down() {
	[ -n "${WEB_PID[$1]:-}" ] || return 0
	kill "${WEB_PID[$1]}" 2>/dev/null
	wait "${WEB_PID[$1]}" 2>/dev/null
	WEB_PID[$1]=
}

ind() { ip netns exec "${DP_P}d" "$@"; }

curls() {
	local i out
	for i in $(seq "$1"); do
		out=$(incl curl -s -m 3 "$2")
		echo "${out:-FAIL}"
	done
}

tally() { sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' '; }

tcheck() {
	local name=$1 dbg=$2
	shift 2
	if "$@"; then tap_ok "$name"
	else tap_fail "$name"; eval "$dbg" 2>&1 | head -30 | sed 's/^/# /'; fi
}
