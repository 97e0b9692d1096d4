#!/bin/bash
# views.sh - text views and commands through the socket (lvsd --show /
# --cmd), SIGHUP, --restore at start, --start-daemon interface checks.
. "$(dirname "$0")/../lib/common.sh"
LVSD="$LVSD_BUILD/lvsd"
IPVSADM="$LVSD_BUILD/ipvsadm"
tmp=$(mktemp -d /tmp/lvsd-ctl-views.XXXXXX)
cleanup_dir "$tmp"

lvsd_start --backend none || { tap_fail "lvsd starts"; exit 1; }
"$IPVSADM" -A -t 172.20.0.24:80 -s wrr -p
"$IPVSADM" -a -t 172.20.0.24:80 -r 192.168.1.16 -m -w 3
"$IPVSADM" -a -t 172.20.0.24:80 -r 192.168.1.8 -m -w 1
"$IPVSADM" -A -f 7 -s wlc -p 3600
"$IPVSADM" -a -f 7 -r 10.0.0.7 -g
"$IPVSADM" -A -u 10.0.0.1:53 -s sh -b sh-port
"$IPVSADM" -A -t [2001:db8::1]:443 -s mh -b mh-fallback,mh-port
"$IPVSADM" -a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m

# kernel 6.1's /proc/net/ip_vs for the same commands.  The kernel orders
# the non-fwmark services by a hash that XORs in its netns pointer, so their
# relative order changes from boot to boot; only the fwmark services are always last.  Compare the text of
# each service block, the block set, and that FWM comes last.
cat >"$tmp/want" <<'X'
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
UDP  0A000001:0035 sh  
TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB mh 
  -> [2001:0db8:0000:0000:0000:0000:0000:0010]:20FB      Masq    1      0          0         
TCP  AC140018:0050 wrr  persistent 90000 FFFFFFFF
  -> C0A80108:0050      Masq    1      0          0         
  -> C0A80110:0050      Masq    3      0          0         
FWM  00000007 wlc persistent 900000 FFFFFFFF
  -> 0A000007:0000      Route   1      0          0         
X
"$LVSD" --show ip_vs >"$tmp/got"
# one line per service block (dest lines joined with '|'), sorted
blocks() { awk 'NR<=3{print; next} /^  ->/{b=b "|" $0; next} {if (b!="") print b; b=$0} END{if (b!="") print b}' "$1" | sort; }
tap_check "lvsd --show ip_vs is the kernel's text (per service block)" \
	cmp <(blocks "$tmp/want") <(blocks "$tmp/got")
tap_check "... fwmark services last" [ "$(sed -n 10p "$tmp/got")" = "FWM  00000007 wlc persistent 900000 FFFFFFFF" ]
"$LVSD" --show ip_vs_stats >"$tmp/stats"
tap_check "lvsd --show ip_vs_stats has the kernel's layout" \
	[ "$(sed -n 1p "$tmp/stats")" = "   Total Incoming Outgoing         Incoming         Outgoing" -a "$(wc -l <"$tmp/stats")" = 6 ]
"$LVSD" --show status >"$tmp/status"
tap_check "status names the socket" grep -qx "socket: $LVSD_SOCKET" "$tmp/status"
tap_check "status counts services" grep -qx "services: 4" "$tmp/status"
out=$("$LVSD" --show no_such_view 2>&1); rc=$?
tap_check "unknown view: exit 1 and a message" [ $rc = 1 ] && echo "$out" | grep -q "no such view"
tap_check "help lists reload" bash -c "'$LVSD' --cmd help | grep -q reload"
"$LVSD" --cmd frobnicate >/dev/null 2>&1
tap_check "unknown command: exit 1" [ $? = 1 ]
tap_check "version command" bash -c "'$LVSD' --cmd version | grep -q '^lvsd .*(IPVS 1.2.1)'"

# SIGHUP runs the reload hooks and the daemon carries on
kill -HUP "$LVSD_PID"
sleep 0.3
tap_check "SIGHUP: reload logged" grep -q "SIGHUP" "$LVSD_LOG"
tap_check "SIGHUP: still serving" bash -c "'$IPVSADM' -Ln >/dev/null"

# --start-daemon: the interface must exist in lvsd's namespace
out=$("$IPVSADM" --start-daemon master --mcast-interface lvsdnosuch0 2>&1); rc=$?
tap_check "sync daemon on a missing interface: ENODEV" [ $rc != 0 ] && [ "$out" = "No such device" ]
"$IPVSADM" --start-daemon master --mcast-interface lo --syncid 5
tap_check "sync daemon on lo accepted" [ $? = 0 ]
tap_check "... and listed" bash -c "'$IPVSADM' -L --daemon | grep -q '^master sync daemon (mcast=lo, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)$'"
# kernel 6.1 checks the interface first, then whether the role runs
out=$("$IPVSADM" --start-daemon master --mcast-interface lvsdnosuch0 2>&1)
tap_check "a running role on a missing interface: ENODEV first" [ "$out" = "No such device" ]
out=$("$IPVSADM" --start-daemon master --mcast-interface lo 2>&1); rc=$?
tap_check "a running role: EEXIST, exit 255" [ "$out" = "Daemon has already run" -a $rc = 255 ]
"$IPVSADM" -S -n >"$tmp/rules"
lvsd_stop

# --restore loads a rule file at start
lvsd_start --backend none --restore "$tmp/rules" || tap_fail "lvsd --restore starts"
for _ in $(seq 1 100); do "$IPVSADM" -S -n | cmp -s - "$tmp/rules" && break; sleep 0.1; done
tap_check "--restore loaded the saved rules" bash -c "'$IPVSADM' -S -n | cmp -s - '$tmp/rules'"
tap_check "--restore logged" grep -q "restore from .* done" "$LVSD_LOG"
lvsd_stop
tap_check "no sanitizer report from lvsd" bash -c "! grep -qE 'Sanitizer|runtime error' '$LVSD_LOG'"
