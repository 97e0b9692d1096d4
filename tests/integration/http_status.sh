#!/bin/bash
# lvsd's HTTP endpoint (--http): /status.json against ipvsadm's own numbers,
# the status page in headless Chromium with a failed real server, and bad
# clients (malformed requests, huge headers, a stalled client, 1000
# parallel scrapes) while the control socket keeps answering.
#
# The NAT lab of scripts/lab.sh (client 172.20.0.100, VIP 172.20.0.24, RS
# 192.168.1.16 / .8 behind DIP 192.168.1.1); lvsd checks both real servers
# with keepalived's TCP_CHECK and serves HTTP on 127.0.0.1 inside the
# director's namespace.  The screenshot goes to $HTTP_OUT (default
# $BUILD/test-out/http).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=http
. "$(dirname "$0")/dp-lib.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
for t in jq curl python3; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t missing (scripts/deps.sh test)"; exit 0; }
done

HTTP_OUT=${HTTP_OUT:-$LVSD_BUILD/test-out/http}
mkdir -p "$HTTP_OUT"
PORT=8089
URL="http://127.0.0.1:$PORT"
d() { ip netns exec "${DP_P}d" "$@"; }
get() { d curl -s -m 5 "$@"; }
code() { d curl -s -m 5 -o /dev/null -w '%{http_code}' "$@"; }

cat >"$LAB_TMP/keepalived.conf" <<EOF
virtual_server $LAB_VIP 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server $LAB_RS1 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
    real_server $LAB_RS2 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
}
EOF

dp_lab nat
dp_lvsd -b afpacket -w 1 -c "$LAB_TMP/keepalived.conf" --http "127.0.0.1:$PORT" ||
	{ tap_fail "lvsd starts with --http"; exit 1; }
tap_ok "lvsd starts with --http 127.0.0.1:$PORT and a keepalived.conf"

both_in() { [ "$(ipv -L -n | grep -c -- '->.*Masq')" = 2 ]; }
wait_for 10 both_in
tap_check "the checker put both real servers in the table" both_in

# traffic through the VIP so that every counter moves
for _ in $(seq 20); do incl curl -s -m 2 -o /dev/null "http://$LAB_VIP/"; done
sleep 4.5   # two estimator rounds: the rates are not zero

# ---- /status.json equals ipvsadm's numbers.  ipvsadm is asked before and
# after the scrape; a pair that differs straddled a counter update: retry.
jq_rows() {   # the JSON as ipvsadm's rows: "ADDR:PORT a b c d e" per service and real server
	jq -r --arg k "$1" '.services[] | ("\(.protocol) \(.address):\(.port) " + ([.[$k][]] | map(tostring) | join(" "))),
		(.real_servers[] | select(.in_table) | ("-> \(.address):\(.port) " + ([.[$k][]] | map(tostring) | join(" "))))'
}
ipv_rows() {  # ipvsadm -L -n --exact OPTION as the same rows
	ipv -L -n --exact "$1" | awk '/^(TCP|UDP|SCTP|FWM) / { $1 = $1; print $1, $2, $3, $4, $5, $6, $7 }
		/^  -> / && $2 != "RemoteAddress:Port" { print "->", $2, $3, $4, $5, $6, $7 }' | sort
}
compare_view() {   # compare_view OPTION JSONKEY
	local a b j
	for _ in $(seq 15); do
		a=$(ipv_rows "$1")
		j=$(get "$URL/status.json" | jq_rows "$2" | sort)
		b=$(ipv_rows "$1")
		[ "$a" = "$b" ] && break
	done
	echo "$j" >"$HTTP_OUT/json-$2.txt"
	echo "$a" >"$HTTP_OUT/ipvsadm-$2.txt"
	[ -n "$a" ] && [ "$a" = "$j" ] || { diff <(echo "$a") <(echo "$j") | sed 's/^/# /'; return 1; }
}
tap_check "/status.json counters equal ipvsadm -L -n --stats --exact" compare_view --stats stats
tap_check "/status.json rates equal ipvsadm -L -n --rate --exact" compare_view --rate rates
rates_moved() { get "$URL/status.json" | jq -e '[.services[].rates.inbps] | add > 0' >/dev/null; }
tap_check "the rates compared are not all zero" rates_moved
conns_rows() {
	local a j
	a=$(ipv -L -n | awk '/^  -> / && $3 != "Forward" { print $2, $3, $4, $5, $6 }' | sort)
	j=$(get "$URL/status.json" | jq -r '.services[].real_servers[] | select(.in_table) |
		"\(.address):\(.port) \(.forward) \(.weight) \(.active_conns) \(.inactive_conns)"' | sort)
	[ -n "$a" ] && [ "$a" = "$j" ] || { diff <(echo "$a") <(echo "$j") | sed 's/^/# /'; return 1; }
}
tap_check "/status.json forward, weight and connections equal ipvsadm -L -n" conns_rows
tap_check "lvsd --show status --json is the same document" \
	bash -c "ip netns exec ${DP_P}d $LVSD_BUILD/lvsd -S $LVSD_SOCKET --show status --json | jq -e '.services[0].real_servers | length == 2' >/dev/null"
tap_check "/status.json carries the datapath's and sync's state" \
	bash -c "$(declare -f get d); DP_P=$DP_P; get $URL/status.json | jq -e '.datapath.backend != null and .sync.master == \"stopped\" and (.datapath.rx_frames | type) == \"number\"' >/dev/null"
tap_check "/status.json has the checker's message and latency for each real server" \
	bash -c "$(declare -f get d); DP_P=$DP_P; get $URL/status.json | jq -e '[.services[].real_servers[] | .state == \"UP\" and (.check.latency_ms | type) == \"number\" and (.check.message | length) > 0] | all' >/dev/null"

# ---- paths and methods
tap_check "/nope is 404" test "$(code "$URL/nope")" = 404
tap_check "/metrics is the metrics view as Prometheus text 0.0.4" \
	bash -c "$(declare -f get d); DP_P=$DP_P; get -i $URL/metrics | grep -qi '^content-type: text/plain; version=0.0.4' && get $URL/metrics | grep -q '^lvsd_build_info{'"
tap_check "POST is 405" test "$(code -X POST -d x=1 "$URL/status.json")" = 405
tap_check "HEAD / is 200 with no body" bash -c "$(declare -f d); DP_P=$DP_P; d curl -s -m 5 -I $URL/ | grep -q '^HTTP/1.1 200'"
tap_check "/ is text/html with a 5 s refresh" \
	bash -c "$(declare -f get d); DP_P=$DP_P; get -i $URL/ | grep -qi '^content-type: text/html' && get $URL/ | grep -q 'http-equiv=\"refresh\" content=\"5\"'"

# ---- one real server fails its check: the page shows it DOWN
kill "${LAB_PIDS[1]}"
rs2_gone() { ! ipv -L -n | grep -q -- "-> $LAB_RS2:80"; }
wait_for 15 rs2_gone
tap_check "the checker removed the stopped real server $LAB_RS2" rs2_gone
tap_check "/status.json: $LAB_RS2 DOWN (not in the table), $LAB_RS1 UP" \
	bash -c "$(declare -f get d); DP_P=$DP_P; get $URL/status.json | jq -e '.services[0].real_servers | (map(select(.address == \"$LAB_RS2\"))[0] | .state == \"DOWN\" and .in_table == false) and (map(select(.address == \"$LAB_RS1\"))[0].state == \"UP\")' >/dev/null"

if command -v chromium >/dev/null; then
	rm -f "$HTTP_OUT/status.png"
	# a private profile and no sandbox: root inside the director namespace
	d timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$LAB_TMP/chromium" --window-size=1500,480 \
		--screenshot="$HTTP_OUT/status.png" "$URL/" >/dev/null 2>&1
	d timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$LAB_TMP/chromium" --dump-dom "$URL/" >"$HTTP_OUT/status.dom" 2>/dev/null
	tap_check "headless Chromium took a screenshot of the page" test -s "$HTTP_OUT/status.png"
	rs_row() { grep -o "<tr class=\"rs state-[a-z]*\" data-rs=\"$1:80\">.*</tr>" "$HTTP_OUT/status.dom" | head -1; }
	tap_check "Chromium's DOM shows $LAB_RS2 DOWN" \
		bash -c "$(declare -f rs_row); HTTP_OUT=$HTTP_OUT; rs_row $LAB_RS2 | grep -q 'state-down.*<td class=\"state\">DOWN'"
	tap_check "Chromium's DOM shows $LAB_RS1 UP" \
		bash -c "$(declare -f rs_row); HTTP_OUT=$HTTP_OUT; rs_row $LAB_RS1 | grep -q 'state-up.*<td class=\"state\">UP'"
else
	tap_ok "Chromium checks # SKIP chromium missing (scripts/deps.sh test)"
fi

# ---- bad clients
raw() {   # raw BYTES-AS-PYTHON-EXPR: the first line the server answers, or "closed"
	d python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(eval(sys.argv[2]))
try:
    d = s.recv(200)
except OSError:
    d = b""
print(d.split(b"\r\n")[0].decode("latin1") if d else "closed")' "$PORT" "$1"
}
r=$(raw 'b"\x00\xff GARBAGE\r\n\r\n"')
tap_check "a malformed request line gets 400 or a close ($r)" bash -c "[[ '$r' == *' 400 '* || '$r' == closed ]]"
r=$(raw 'b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"')
tap_check "a negative Content-Length gets 400 or a close ($r)" bash -c "[[ '$r' == *' 400 '* || '$r' == closed ]]"
r=$(raw 'b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"')
tap_check "a 64 KiB header is refused ($r)" bash -c "[[ '$r' == *' 431 '* || '$r' == *' 413 '* || '$r' == *' 400 '* || '$r' == closed ]]"
r=$(raw 'b"GET /status.json HTTP/1.0\r\n\r\n"')
tap_check "HTTP/1.0 is served ($r)" bash -c "[[ '$r' == *' 200 '* ]]"

# a stalled client: half a request, then silence; lvsd drops it after its
# 10 s idle timeout and answers everyone else meanwhile
d python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
t = time.time()
s.settimeout(30)
try:
    d = s.recv(100)
except OSError:
    d = b"error"
print("%.0f %s" % (time.time() - t, "closed" if not d else "data"))' "$PORT" >"$LAB_TMP/loris" 2>&1 &
loris=$!
cleanup_pid $loris
sleep 1
tap_check "a stalled client does not block /status.json" test "$(code "$URL/status.json")" = 200
wait $loris
read -r secs how <"$LAB_TMP/loris"
tap_check "the stalled client was dropped after the idle timeout (${secs}s, $how)" \
	bash -c "[ '$how' = closed ] && [ '${secs:-99}' -ge 8 ] && [ '${secs:-99}' -le 20 ]"

# 1000 parallel scrapes (10 curls of 100 parallel transfers each) while the
# control socket is asked in a loop inside the namespace: ipvsadm -L -n must
# answer every time, and the same request (lvsd-ctltest dump: the time from
# request to reply, without the process start that a loaded machine
# stretches) within a second
for i in $(seq 100); do printf 'url = "%s/status.json?n=%d"\noutput = "/dev/null"\n' "$URL" "$i"; done \
	>"$LAB_TMP/scrape.cfg"
ulimit -n 8192
seq 10 | d xargs -P 10 -I{} curl -s -m 60 --parallel --parallel-immediate --parallel-max 100 \
	-K "$LAB_TMP/scrape.cfg" -w '%{http_code}\n' >"$LAB_TMP/scrapes" 2>/dev/null &
scrapes=$!
cleanup_pid $scrapes
d env LVSD_SOCKET="$LVSD_SOCKET" bash -c 'max=0 n=0 bad=0 wall=0
	while kill -0 '"$scrapes"' 2>/dev/null; do
		t0=$(date +%s%N)
		'"$LVSD_BUILD"'/ipvsadm -L -n >/dev/null || bad=$((bad + 1))
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ $ms -gt $wall ] && wall=$ms
		ms=$('"$LVSD_BUILD"'/tools/lvsd-ctltest dump | awk "{ printf \"%d\", \$6 }")
		[ -n "$ms" ] || { bad=$((bad + 1)); ms=0; }
		n=$((n + 1)); [ $ms -gt $max ] && max=$ms
		sleep 0.05
	done
	echo $n $max $bad $wall' >"$LAB_TMP/ctl-times"
wait $scrapes
read -r asked maxms failed wall <"$LAB_TMP/ctl-times"
ok=$(grep -c '^200$' "$LAB_TMP/scrapes")
tap_check "1000 parallel scrapes all got 200 ($ok)" test "$ok" = 1000
tap_check "ipvsadm -L -n answered every time meanwhile ($asked asked, slowest ${wall} ms with its start)" \
	test "${asked:-0}" -gt 0 -a "${failed:-1}" = 0
tap_check "the control socket answered within 1 s meanwhile (slowest ${maxms} ms)" test "${maxms:-9999}" -le 1000
tap_check "lvsd's http view counts the requests" bash -c "$(declare -f dp_view); DP_P=$DP_P; LVSD_SOCKET=$LVSD_SOCKET; LVSD_BUILD=$LVSD_BUILD; dp_view http | awk '\$1 == \"requests\" && \$2 >= 1000 { ok = 1 } END { exit !ok }'"

tap_check "lvsd stops cleanly (no sanitizer report)" dp_lvsd_stop
echo "1..$_tap_n"
