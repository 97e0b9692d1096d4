#!/bin/bash
# LVS-NAT through lvsd's AF_XDP backend (--backend xdp): the NAT suite's
# core cases (rr order, HTTP, UDP, 50 MB bulk + 20 MB upload with sha256,
# wrk) on the NAT lab of scripts/lab.sh with default veth offloads, plus what is specific
# to XDP: the program is attached natively, owned frames are stolen from
# the kernel, partial checksums from the veth peers are completed, health
# check replies to the director still reach the kernel.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=xnat
. "$(dirname "$0")/dp-lib.sh"
DP_P="lvsd-xdp-nat$$-"          # this suite's namespace prefix (dp-lib's trap reads it at exit)
DP_TAG="xdp: "

dp_start_xdp nat eth0 eth1

dp_check_basic -m

n=$(dp_view | sed -n 's/^backend: afxdp.* csum_completed=\([0-9]*\).*/\1/p')
tap_check "the veth peers' partial checksums were completed in place ($n frames)" test "${n:-0}" -gt 0
n=$(dp_view | sed -n 's/^backend: afxdp.* xdp_redirect=\([0-9]*\).*/\1/p')
tap_check "the XDP program redirected the owned frames ($n)" test "${n:-0}" -gt 50

# transmit goes through the egress interface's XSK TX ring: what the workers
# forwarded (UDP, the TCP handshakes' SYNs; setup offload leaves the rest
# of each TCP connection to the fast path) went that way; GSO super-frames,
# if any, through AF_PACKET
tap_check "the backend line says tx=xsk" grep -qE '^backend: afxdp.* tx=xsk( |$)' <<<"$(dp_view)"
n=$(dp_view | sed -n 's/^backend: afxdp.* tx_xsk=\([0-9]*\).*/\1/p')
tap_check "frames left through the XSK TX rings ($n)" test "${n:-0}" -gt 1000
grep -q 'datapath: afxdp: eth1: .*tx=xsk' "$DP_LVSD_LOG"
tap_check "the log says eth1 transmits through XSK" test $? = 0

# health-check style traffic from the director to a real server: the
# replies come from RIP:80 to a local address and must reach the kernel
out=$(ip netns exec "${DP_P}d" curl -s -m 5 "http://$LAB_RS1/")
tap_check "director's own HTTP to a NAT real server still works (reply XDP_PASSed)" test "${out#RS1}" != "$out"

# the kernel never sees owned frames: no RST from the VIP even without the guard
out=$(ipv -L -n -c)
tap_check "-Lc lists TIME_WAIT connections" grep -qE '^TCP 0?1:5[0-9]  TIME_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$out"

# links are followed: a link created after start gets the program and a socket
ip -n "${DP_P}d" link add eth9 type veth peer name eth9p
ip -n "${DP_P}d" link set eth9 up
ok=0
for _ in $(seq 30); do
	ip -n "${DP_P}d" -d link show eth9 2>/dev/null | grep -q 'prog/xdp' && { ok=1; break; }
	sleep 0.1
done
tap_check "a link added after start gets the XDP program" test $ok = 1
ip -n "${DP_P}d" link del eth9
tap_check "lvsd survives the link's removal" kill -0 "$DP_LVSD_PID"

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
for dev in eth0 eth1; do
	tap_check "XDP program detached from $dev at exit" \
		bash -c "! ip -n ${DP_P}d -d link show $dev | grep -q 'prog/xdp'"
done

# without XSK TX (LVSD_XDP_TX=afpacket: what an interface that refuses a
# TX ring gets) traffic still flows, through AF_PACKET
# (and --cpus: worker i on the i-th CPU of the list, here in reverse order)
cpus=0; [ "$(nproc)" -ge 2 ] && cpus=1,0
LVSD_XDP_TX=afpacket dp_lvsd -w "$DP_WORKERS" --backend xdp --cpus "$cpus" || tap_fail "lvsd restarts with LVSD_XDP_TX=afpacket"
pinned=ok
for i in $(seq 0 $((DP_WORKERS - 1))); do
	want=$(tr ',' '\n' <<<"$cpus" | sed -n "$(( i % $(tr ',' '\n' <<<"$cpus" | wc -l) + 1 ))p")
	got=""
	# the control socket may be up before the datapath has named its
	# threads: give them a moment
	for _ in $(seq 50); do
		for t in /proc/"$DP_LVSD_PID"/task/*; do
			[ "$(cat "$t/comm" 2>/dev/null)" = "lvsd-dp$i" ] && got=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "$t/status")
		done
		[ -n "$got" ] && break
		sleep 0.1
	done
	[ "$got" = "$want" ] || pinned="worker $i: thread on CPUs '$got', want $want"
done
tap_check "--cpus $cpus pins worker threads in list order ($pinned)" test "$pinned" = ok
ipv -C
DP_QUICK=1 DP_TAG="xdp, tx=afpacket: " dp_check_basic -m
tap_check "the backend line says tx=afpacket" grep -qE '^backend: afxdp.* tx=afpacket( |$)' <<<"$(dp_view)"
n=$(dp_view | sed -n 's/^backend: afxdp.* tx_xsk=\([0-9]*\) tx_afpacket=\([0-9]*\).*/\1 \2/p')
tap_check "no frame used XSK TX, some used AF_PACKET ($n)" test "${n%% *}" = 0 -a "${n##* }" -gt 10
tap_check "lvsd (tx=afpacket) exits cleanly" dp_lvsd_stop
