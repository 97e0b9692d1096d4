#!/bin/bash
# robust.sh - garbage, truncated, oversized and stalled control clients get
# an error reply (or are dropped) and never stop lvsd serving others.
. "$(dirname "$0")/../lib/common.sh"
RAW="python3 $(dirname "$0")/rawframe.py"
CT="$LVSD_BUILD/tools/lvsd-ctltest"

lvsd_start --backend none || { tap_fail "lvsd starts"; exit 1; }
alive() { kill -0 "$LVSD_PID" 2>/dev/null && "$CT" info >/dev/null; }

out=$($RAW "$LVSD_SOCKET" garbage)
tap_check "garbage gets -EPROTO then close" [ "$out" = "$(printf 'reply op=0 seq=0 result=-71 len=4\neof')" ]
tap_check "daemon serves after garbage" alive

out=$($RAW "$LVSD_SOCKET" badversion)
tap_check "wrong version gets -EPROTO" [ "$out" = "$(printf 'reply op=0 seq=0 result=-71 len=4\neof')" ]

out=$($RAW "$LVSD_SOCKET" oversized)
tap_check "oversized frame gets -EMSGSIZE" [ "$out" = "$(printf 'reply op=0 seq=0 result=-90 len=4\neof')" ]
tap_check "daemon serves after oversized" alive

out=$($RAW "$LVSD_SOCKET" truncated)
tap_check "truncated frame gets -EPROTO at EOF" [ "$out" = "$(printf 'reply op=0 seq=0 result=-71 len=4\neof')" ]

out=$($RAW "$LVSD_SOCKET" shortpayload)
tap_check "short payload: -EINVAL, connection kept" \
	[ "$out" = "$(printf 'reply op=2 seq=5 result=-22 len=4\nreply op=1 seq=6 result=0 len=16')" ]

out=$($RAW "$LVSD_SOCKET" badop)
tap_check "unknown op: -EOPNOTSUPP, connection kept" \
	[ "$out" = "$(printf 'reply op=4242 seq=8 result=-95 len=4\nreply op=1 seq=9 result=0 len=16')" ]

out=$($RAW "$LVSD_SOCKET" badbatch)
tap_check "malformed batch: -EINVAL" [ "$out" = "reply op=19 seq=3 result=-22 len=4" ]
tap_check "malformed batch changed nothing" [ "$("$CT" count)" = "services 0 dests 0" ]

out=$($RAW "$LVSD_SOCKET" reply-flag)
tap_check "reply-flagged request: -EPROTO" [ "$out" = "reply op=1 seq=4 result=-71 len=4" ]

out=$($RAW "$LVSD_SOCKET" pipeline)
tap_check "1000 pipelined requests answered in order" [ "$out" = "pipeline ok" ]

# a client stalled mid-frame must not block anyone else: the others finish
# while it is still connected
$RAW "$LVSD_SOCKET" stall 120 >/dev/null &
stall_pid=$!
cleanup_pid $stall_pid
sleep 0.3
ok=1
for i in 1 2 3 4 5; do timeout 20 "$CT" info >/dev/null || ok=0; done
kill -0 $stall_pid 2>/dev/null || ok=0
tap_check "others are served while a client stalls mid-frame" [ $ok = 1 ]
kill $stall_pid 2>/dev/null

out=$($RAW "$LVSD_SOCKET" fuzz 7)
tap_check "3000 random well-framed requests each get a reply" [ "$out" = "fuzz ok" ]
"$LVSD_BUILD/ipvsadm" -C
tap_check "daemon serves after the fuzz" alive

$RAW "$LVSD_SOCKET" flood >/dev/null
tap_check "daemon serves after a garbage flood" alive

# 50 clients at once that connect and vanish without a word
pids=()
for i in $(seq 1 50); do
	python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$LVSD_SOCKET" &
	pids+=($!)
done
wait "${pids[@]}"
tap_check "daemon serves after 50 hit-and-run clients" alive

grep -q "garbage frame" "$LVSD_LOG"
tap_check "bad frames are logged" [ $? = 0 ]

lvsd_stop
tap_check "no sanitizer report from lvsd" bash -c "! grep -qE 'Sanitizer|runtime error' '$LVSD_LOG'"
