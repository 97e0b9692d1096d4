#!/bin/bash
# LVS-TUN through lvsd: the RSes decapsulate with tools/lvs-decap (this
# kernel has no ipip/gre/fou) and answer the client directly; every tunnel
# type: ipip, gue (with and without UDP checksum), gre (with and without
# checksum); then bursts that yield more tunnel frames than one flush's
# scratch memory, on both backends (AF_PACKET and AF_XDP).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=tun
. "$(dirname "$0")/dp-lib.sh"

dp_start tun

decap_pids=()
decap() {   # decap TYPE [PORT]: (re)start lvs-decap on both RSes
	local p n
	for p in "${decap_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	decap_pids=()
	for n in 1 2; do
		ip -n "${DP_P}rs$n" link del tunl0 2>/dev/null
		ip netns exec "${DP_P}rs$n" "$LVSD_BUILD/tools/lvs-decap" -t "$1" ${2:+-p "$2"} -d tunl0 \
			>>"$LAB_TMP/decap$n.log" 2>&1 &
		decap_pids+=("$!"); LAB_PIDS+=("$!")
	done
	for n in 1 2; do
		for _ in $(seq 50); do ip -n "${DP_P}rs$n" link show tunl0 >/dev/null 2>&1 && break; sleep 0.1; done
		ip netns exec "${DP_P}rs$n" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0
	done
}
for n in 1 2; do
	ip -n "${DP_P}rs$n" addr add "$LAB_VIP/32" dev lo label lo:1
	ip netns exec "${DP_P}rs$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
done

echo "# ipip"
decap ipip
dp_check_basic -i
dp_check_fragneeded
f0=$(dp_view | awk '$1 == "fragments" { print $2 }')
out=$(client udp "$LAB_VIP" 5 1472 nodf)
f1=$(dp_view | awk '$1 == "fragments" { print $2 }')
tap_check "full-size datagrams without DF: tunnel packets fragmented ($f0 -> $f1 fragments), all answered" \
	test "$(fail_of "$out")" = 0 -a "$((f1 - f0))" -ge 10
tb=$(dp_reason TOO_BIG)
tap_check "full-size DF packets got ICMP frag needed for the tunnel overhead (TOO_BIG=$tb)" test "${tb:-0}" -gt 0
tap_check "-Lc lists tunnelled connections" grep -qE '^TCP [0-9:]+ +FIN_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$(ipv -L -n -c)"

for spec in "gue 6080" "gue 6080 --tun-csum" "gre" "gre --tun-csum"; do
	set -- $spec
	echo "# $spec"
	type=$1; shift
	port=; [ "$type" = gue ] && { port=$1; shift; }
	decap "$type" $port
	ipv -C
	DP_QUICK=1
	[ "$*" = "--tun-csum" ] && [ "$type" = gre ] && DP_QUICK=
	DP_TAG="[$spec] "
	dp_check_basic -i --tun-type "$type" ${port:+--tun-port "$port"} "$@"
done
DP_QUICK=
DP_TAG=

# ---- bursts that outgrow one flush's scratch memory ----
# A receive burst can yield more tunnel frames than the worker's scratch
# memory holds until its flush; it then flushes in the middle of the burst,
# and no frame still queued may have its bytes overwritten by the packets
# after it.  For one full burst on purpose, lvsd is stopped (SIGSTOP) while
# the client sends: the frames wait in the backend's receive ring and come
# in as one burst when it continues.

# udp_burst N: N full-size datagrams without DF and without UDP checksum
# (SO_NO_CHECK: only the payload tells a corrupted one), sent while lvsd is
# stopped; each becomes a tunnel packet fragmented in two.  Prints "ok N"
# when every datagram came back from the RS exactly as sent.
udp_burst() {
	incl python3 - "$LAB_VIP" "$1" "$DP_LVSD_PID" <<'PY'
import os, signal, socket, sys, time
vip, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)          # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear
s.setsockopt(socket.SOL_SOCKET, 11, 1)          # SO_NO_CHECK: UDP checksum 0
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)    # SO_RCVBUFFORCE: room for every answer
s.connect((vip, 53))
sent = {}
os.kill(pid, signal.SIGSTOP)
try:
    for _ in range(100):                        # wait until it is stopped
        if open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] == "T":
            break
        time.sleep(0.01)
    for i in range(n):
        p = b"%06d" % i + os.urandom(1466)
        sent[p[:6]] = p
        s.send(p)
    time.sleep(0.2)
finally:
    os.kill(pid, signal.SIGCONT)
got, bad = set(), 0
s.settimeout(3)
try:
    while len(got) + bad < n:
        name, _, p = s.recv(65535).partition(b":")
        if sent.get(p[:6]) == p:
            got.add(p[:6])
        else:
            bad += 1
except socket.timeout:
    pass
print("ok %d" % n if len(got) == n and not bad else "%d of %d answered intact, %d corrupted" % (len(got), n, bad))
PY
}

# burst_checks BACKEND: the burst cases on the running lvsd (ipip to RS1)
burst_checks() {
	local t="[$1] " out f0 f1 s0 s1 sum1 sum2
	ipv -C
	ipv -A -u "$LAB_VIP:53" -s rr
	ipv -a -u "$LAB_VIP:53" -r "$LAB_RS1" -i
	ipv -A -t "$LAB_VIP:80" -s rr
	ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -i
	client udp "$LAB_VIP" 3 100 >/dev/null     # the RS's neighbour entry, resolved
	f0=$(dp_view | awk '$1 == "fragments" { print $2 }')
	out=$(udp_burst 64)
	f1=$(dp_view | awk '$1 == "fragments" { print $2 }')
	if [ "$out" = "ok 64" ] && [ "$((f1 - f0))" -ge 128 ]; then
		tap_ok "${t}64 datagrams without DF in one burst: 128 tunnel fragments, every datagram intact"
	else
		tap_fail "${t}64 datagrams without DF in one burst: 128 tunnel fragments, every datagram intact" \
			"$out; fragments $f0 -> $f1"
	fi

	# GSO frames mixed with other tunnel frames in one burst (the case a
	# bulk TCP transfer cannot force: AF_PACKET hands over one GSO frame
	# per burst) are checked byte for byte by tests/unit/test_xmit.c
}

echo "# bursts"
decap ipip
burst_checks "$DP_BACKEND"
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop

# the same on the other backend: both send from the same scratch memory
other=xdp
[ "$DP_BACKEND" = xdp ] && other=afpacket
if dp_lvsd -b "$other" -w "$DP_WORKERS"; then
	tap_ok "lvsd restarts with the $other backend"
	burst_checks "$other"
	tap_check "lvsd ($other) exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
else
	tap_fail "lvsd restarts with the $other backend"
fi
