#!/bin/bash
# The fast path (src/datapath/io/fastpath.h): established TCP NAT flows are
# forwarded by lvsd's TC program instead of the workers, with both
# backends.  What must hold: the data arrives intact (veth offloads on and
# off), the workers no longer see those segments, FIN/RST still reach the
# state machine, the counters and the connection timer follow what the fast
# path carried, a deleted dest stops its flows, and LVSD_FASTPATH=off
# leaves everything to the workers.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=fast
. "$(dirname "$0")/dp-lib.sh"
DP_P="lvsd-dp-fast$$-"

dp_lab nat
# big enough that a rate-limited download still needs the network when its
# dest is deleted (socket buffers and GSO in flight hold several MB)
head -c $((48 * 1024 * 1024)) /dev/urandom >"$LAB_TMP/slow.bin"

view_num() { dp_view | awk -v k="$1" '$1 == k { print $2 }'; }
core_num() { dp_view | tr ' ' '\n' | awk -v k="$1" 'p { print; exit } $0 == k { p = 1 }'; }
bulk_ok() {
	local sum1 sum2
	incl curl -s -m 60 -o "$LAB_TMP/got.bin" "http://$LAB_VIP/bulk.bin"
	sum1=$(sha256sum <"$LAB_TMP/bulk.bin" | cut -d' ' -f1)
	sum2=$(sha256sum <"$LAB_TMP/got.bin" 2>/dev/null | cut -d' ' -f1)
	rm -f "$LAB_TMP/got.bin"
	[ "$sum1" = "$sum2" ]
}
# offloads on|off on every veth of the lab
offloads() {
	local ns dev
	for ns in c d sw rs1 rs2; do
		for dev in $(ip netns exec "$DP_P$ns" ls /sys/class/net); do
			[ "$dev" = lo ] || [ "$dev" = br0 ] && continue
			ip netns exec "$DP_P$ns" ethtool -K "$dev" tso "$1" gso "$1" gro "$1" tx "$1" rx "$1" >/dev/null 2>&1
		done
	done
}
# echo_client SECONDS GAP: one long-lived connection sending a line every
# GAP seconds; prints "echo N ok" or where it broke
echo_client() {
	incl python3 - "$LAB_VIP" "$1" "$2" <<'EOF'
import socket, sys, time
vip, secs, gap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
s = socket.create_connection((vip, 80), timeout=3)
f = s.makefile("rwb")
f.write(b"ECHO\n"); f.flush()
f.readline()
n, end = 0, time.time() + secs
try:
    while time.time() < end:
        f.write(b"line %d\n" % n); f.flush()
        if not f.readline().endswith(b"line %d\n" % n):
            print("echo %d bad" % n); sys.exit(0)
        n += 1
        time.sleep(gap)
except OSError as e:
    print("echo %d broke: %s" % (n, e)); sys.exit(0)
print("echo %d ok" % n)
EOF
}

for be in afpacket xdp; do
	T="$be: "
	dp_lvsd -w 2 --backend "$be" || { tap_fail "${T}lvsd starts"; continue; }
	ipv -A -t "$LAB_VIP:80" -s rr
	ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
	tap_check "${T}the datapath has the fast path" test "$(view_num fastpath)" = tc
	tap_check "${T}TC program attached at eth0 ingress" \
		bash -c "tc -n ${DP_P}d filter show dev eth0 ingress | grep -q lvsd_tc_fast"

	rx0=$(view_num rx_frames)
	tap_check "${T}bulk TCP transfer of 50 MB (offloads on), sha256 equal" bulk_ok
	fwd=$(view_num fastpath_forwarded)
	rx=$(( $(view_num rx_frames) - rx0 ))
	# (GSO: a segment here may be a 64 KB super-frame)
	tap_check "${T}the fast path forwarded the bulk of it ($fwd segments; workers saw $rx frames)" \
		test "${fwd:-0}" -gt 500 -a "$((rx * 4))" -lt "${fwd:-0}"
	tap_check "${T}one flow installed, stopped by its FIN" \
		test "$(view_num fastpath_installed)" -ge 1 -a "$(view_num fastpath_stopped)" -ge 1
	out=$(ipv -L -n -c)
	tap_check "${T}the state machine saw the close (TIME_WAIT entry)" \
		grep -qE "^TCP [0-9:]+ +TIME_WAIT +172\.20\.0\.100:[0-9]+ +$LAB_VIP:80 +$LAB_RS1:80" <<<"$out"
	sleep 1.2
	tap_check "${T}the stopped flow is released at the next harvest" test "$(view_num fastpath_flows)" = 0
	outbytes=$(ipv -L -n --stats --exact | awk -v rs="$LAB_RS1:80" '$2 == rs { print $7 }')
	tap_check "${T}the RS's OutBytes count what the fast path carried (${outbytes:-?} >= 50 MB)" \
		test "${outbytes:-0}" -ge $((50 * 1024 * 1024))

	# the connection timer follows fast-path traffic: with a 2 s TCP
	# timeout, a connection talking every 0.2 s for 4 s must live on
	ipv --set 2 2 2
	out=$(echo_client 4 0.2)
	tap_check "${T}a 4 s conversation outlives a 2 s timeout on the fast path ($out)" \
		grep -qE '^echo [0-9]+ ok$' <<<"$out"
	ipv --set 900 120 300

	offloads off
	tap_check "${T}bulk TCP transfer of 50 MB (offloads off), sha256 equal" bulk_ok
	offloads on

	# setup offload: short connections are the fast path's from their
	# SYN; the workers forward the SYNs only, the core learns every state
	# change from the replayed reports, and every packet is counted once
	# (the listed stats are the estimator's 2 s snapshot, like the
	# kernel's: wait for a harvest and a tick before each reading)
	rs_stats() { ipv -L -n --stats --exact | awk -v rs="$LAB_RS1:80" '$2 == rs { print $3, $4, $5 }'; }
	sleep 3
	read -r conns0 inp0 outp0 < <(rs_stats)
	in0=$(view_num inbound) out0=$(view_num outbound)
	fwd0=$(view_num fastpath_forwarded) rep0=$(view_num fastpath_replayed) set0=$(view_num fastpath_setup)
	# client ports of their own per backend: both backends run in one lab,
	# and the real server keeps the first run's connections in TIME_WAIT
	pfx=410; [ "$be" = xdp ] && pfx=420
	ok=0
	for port in $(seq ${pfx}01 ${pfx}20); do
		code=$(incl curl -s -m 3 --local-port "$port" -o /dev/null -w '%{http_code}' "http://$LAB_VIP/")
		if [ "$code" = 200 ]; then ok=$((ok + 1)); else echo "# port $port: curl answered '$code'"; fi
	done
	tap_check "${T}20 short HTTP connections ($ok answered)" test "$ok" = 20
	sleep 3
	din=$(( $(view_num inbound) - in0 )) dout=$(( $(view_num outbound) - out0 ))
	dfwd=$(( $(view_num fastpath_forwarded) - fwd0 )) drep=$(( $(view_num fastpath_replayed) - rep0 ))
	tap_check "${T}all 20 were set up on the fast path ($(( $(view_num fastpath_setup) - set0 )))" \
		test "$(( $(view_num fastpath_setup) - set0 ))" = 20
	tap_check "${T}the workers forwarded little more than the SYNs (in +$din, out +$dout; fast path +$dfwd)" \
		test "$din" -ge 20 -a "$din" -le 24 -a "$dout" -le 4 -a "$dfwd" -ge 100
	tap_check "${T}the handshakes and closes were replayed to the core (+$drep)" test "$drep" -ge 60
	read -r conns inp outp < <(rs_stats)
	conns=$((conns - conns0)) inp=$((inp - inp0)) outp=$((outp - outp0))
	tap_check "${T}each packet counted once (InPkts $inp + OutPkts $outp = $din + $dout + $dfwd), $conns conns" \
		test "$conns" = 20 -a "$((inp + outp))" = "$((din + dout + dfwd))"
	out=$(ipv -L -n -c)
	n=$(grep -cE "^TCP [0-9:]+ +(TIME_WAIT|CLOSE) +172\.20\.0\.100:${pfx}(0[1-9]|1[0-9]|20) +$LAB_VIP:80 +$LAB_RS1:80" <<<"$out")
	tap_check "${T}the state machine saw every close ($n of 20 in TIME_WAIT/CLOSE)" test "$n" = 20
	tap_check "${T}and handed every flow back (fastpath_flows $(view_num fastpath_flows))" \
		test "$(view_num fastpath_flows)" = 0

	# malformed segments of an offloaded flow: the TC program (and on
	# AF_XDP the XDP program, which passes it the segments) forwards only
	# what the workers' parser accepts; the rest goes to the workers, which
	# drop it under its reason, and never reaches the real server
	fport=43001; [ "$be" = xdp ] && fport=43002
	incl python3 "$here/fp-inject.py" hold "$LAB_VIP" "$fport" 15 >"$LAB_TMP/hold.out" 2>&1 &
	hpid=$!
	ok=0
	for _ in $(seq 50); do
		grep -q held "$LAB_TMP/hold.out" && [ "$(view_num fastpath_flows)" -ge 1 ] && { ok=1; break; }
		sleep 0.1
	done
	tap_check "${T}a held connection is on the fast path" test $ok = 1
	ip netns exec "${DP_P}rs1" python3 "$here/fp-inject.py" capture 4 >"$LAB_TMP/cap.out" 2>&1 &
	cpid=$!
	for _ in $(seq 50); do grep -q ready "$LAB_TMP/cap.out" && break; sleep 0.1; done
	v0=$(dp_view)
	mac=$(ip -n "${DP_P}d" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
	incl /usr/bin/python3 "$here/fp-inject.py" send eth0 "$mac" "$LAB_VIP" "$fport" >"$LAB_TMP/inj.out" 2>&1
	wait "$cpid"
	v1=$(dp_view)
	kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null
	for _ in $(seq 30); do [ "$(view_num fastpath_flows)" = 0 ] && break; sleep 0.1; done
	seen() { awk -v k="$1" '$1 == "seen" && $2 == k { n = $3 } END { print n + 0 }' "$LAB_TMP/cap.out"; }
	delta() { echo $(( $(awk -v k="$1" '$1 == k { print $2 }' <<<"$v1") - $(awk -v k="$1" '$1 == k { print $2 }' <<<"$v0") )); }
	tap_check "${T}injected well-formed segments reach the RS ($(seen good) of 5)" test "$(seen good)" -ge 5
	declare -A want=()
	while read -r tag kind reason; do
		[ "$tag" = sent ] && [ "$kind" != good ] || continue
		tap_check "${T}malformed ($kind) never reaches the RS ($(seen "$kind") seen)" test "$(seen "$kind")" = 0
		# IHL < 5: the XDP program cannot find the ports, so it does
		# not claim the frame; the kernel drops it uncounted
		[ "$kind" = ihl4 ] && [ "$be" = xdp ] && continue
		want[$reason]=$(( ${want[$reason]:-0} + 5 ))
	done <"$LAB_TMP/inj.out"
	tap_check "${T}all kinds were sent" test "$(grep -c '^sent ' "$LAB_TMP/inj.out")" = 9
	for reason in "${!want[@]}"; do
		d=$(delta "$reason")
		tap_check "${T}the workers counted them under $reason (+$d, want ${want[$reason]})" \
			test "$d" -ge "${want[$reason]}"
	done
	unset want

	# a deleted dest: its flows are taken back at once and their packets
	# dropped by the core, as the kernel drops them
	drop0=$(core_num drop_dest_unavailable)
	incl curl -s -m 6 --limit-rate 1M -o /dev/null "http://$LAB_VIP/slow.bin" &
	cpid=$!
	ok=0
	for _ in $(seq 40); do [ "$(view_num fastpath_flows)" = 1 ] && { ok=1; break; }; sleep 0.1; done
	tap_check "${T}a slow transfer is on the fast path" test $ok = 1
	ipv -d -t "$LAB_VIP:80" -r "$LAB_RS1"
	sleep 1
	tap_check "${T}deleting its dest takes the flow back" test "$(view_num fastpath_flows)" = 0
	wait "$cpid"
	rc=$?
	drop=$(( $(core_num drop_dest_unavailable) - drop0 ))
	tap_check "${T}its later packets are dropped (drop_dest_unavailable +$drop, curl rc $rc)" \
		test "$drop" -gt 0 -a "$rc" != 0

	ipv -C
	tap_check "${T}lvsd exits cleanly" dp_lvsd_stop
	tap_check "${T}the TC program is gone after exit" \
		bash -c "! tc -n ${DP_P}d filter show dev eth0 ingress 2>/dev/null | grep -q lvsd_tc_fast"
done

# LVSD_FASTPATH=off: every segment through the workers, nothing installed
LVSD_FASTPATH=off dp_lvsd -w 2 --backend xdp || tap_fail "lvsd starts with LVSD_FASTPATH=off"
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
tap_check "LVSD_FASTPATH=off: the datapath says so" test "$(view_num fastpath)" = none
tap_check "LVSD_FASTPATH=off: bulk transfer, sha256 equal" bulk_ok
tap_check "LVSD_FASTPATH=off: nothing installed" test "$(view_num fastpath_installed)" = 0
tap_check "LVSD_FASTPATH=off: no TC program" \
	bash -c "! tc -n ${DP_P}d filter show dev eth0 ingress 2>/dev/null | grep -q lvsd_tc_fast"
tap_check "LVSD_FASTPATH=off: lvsd exits cleanly" dp_lvsd_stop

# the same through AF_PACKET: veth hands over GSO super-frames, larger than a
# ring slot, which must come whole through the socket's queue (copied=N)
LVSD_FASTPATH=off dp_lvsd -w 2 --backend afpacket || tap_fail "lvsd (afpacket) starts with LVSD_FASTPATH=off"
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -m
tap_check "LVSD_FASTPATH=off, afpacket: bulk transfer, sha256 equal" bulk_ok
copied=$(dp_view | sed -n 's/^backend: .* copied=\([0-9]*\).*/\1/p')
tap_check "LVSD_FASTPATH=off, afpacket: super-frames came through recvmsg (copied=${copied:-?})" \
	test "${copied:-0}" -gt 10
tap_check "LVSD_FASTPATH=off, afpacket: lvsd exits cleanly" dp_lvsd_stop

# LVS-DR: the director sees the client's side only; once ESTABLISHED those
# segments go to the real server's MAC from the TC program (addresses kept)
lab_down "$DP_P"
lab_lan "$DP_P" && lab_rs_dr "$DP_P" || { tap_fail "DR lab setup"; exit 1; }
dp_servers
dp_lvsd -w 2 --backend afpacket || tap_fail "DR: lvsd starts"
ipv -A -t "$LAB_VIP:80" -s rr
ipv -a -t "$LAB_VIP:80" -r "$LAB_RS1" -g
out=$(client upload "$LAB_VIP" $((20 * 1024 * 1024)) 2>&1)
tap_check "DR: upload of 20 MB through the VIP, sha256 equal" test "$out" = "upload ok"
fwd=$(view_num fastpath_forwarded)
tap_check "DR: the fast path carried the upload ($fwd segments)" test "${fwd:-0}" -gt 100
tap_check "DR: the flow was installed and stopped" \
	test "$(view_num fastpath_installed)" -ge 1 -a "$(view_num fastpath_stopped)" -ge 1
tap_check "DR: lvsd exits cleanly" dp_lvsd_stop
