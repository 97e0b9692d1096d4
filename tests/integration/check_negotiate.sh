#!/bin/bash
# check_negotiate.sh - ldirectord's negotiate checks for line-based
# protocols (smtp, pop, imap, ftp, simpletcp) against small scripted
# servers in a real-server namespace: a correct dialogue brings the real
# server up, a wrong greeting / refused login / missing reply line / a
# server that greets halfway and hangs keeps it out, and a server that
# goes away is removed.  Also ldirectord's fallbackcommand and
# maintenancedir, and keepalived's SMTP_CHECK and notify/quorum scripts.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

hc_setup neg

# one asyncio process, one port per scripted behaviour
cat >"$work/servers.py" <<'PY'
import asyncio

async def lines(r):
    while True:
        l = await r.readline()
        if not l:
            return
        yield l.decode(errors="replace").rstrip("\r\n")

async def smtp(r, w):
    w.write(b"220-mail.example.test ESMTP\r\n220 ready\r\n")
    async for l in lines(r):
        if l.upper().startswith("EHLO"):
            w.write(b"250-mail.example.test\r\n250 OK\r\n")
        elif l.upper().startswith("HELO"):
            w.write(b"550 go away\r\n" if "spammer" in l else b"250 hello " + l[5:].encode() + b"\r\n")
        elif l.upper() == "QUIT":
            w.write(b"221 bye\r\n"); break
    w.close()

async def smtp_refuse(r, w):
    w.write(b"554 no service here\r\n"); await w.drain(); w.close()

async def smtp_hang(r, w):
    w.write(b"220-first line of a greeting that never ends\r\n")
    await asyncio.sleep(3600)

async def pop(r, w):
    w.write(b"+OK POP3 ready\r\n")
    user = None
    async for l in lines(r):
        cmd, _, arg = l.partition(" ")
        if cmd == "USER":
            user = arg; w.write(b"+OK\r\n")
        elif cmd == "PASS":
            w.write(b"+OK logged in\r\n" if (user, arg) == ("alice", "secret") else b"-ERR denied\r\n")
        elif cmd == "QUIT":
            w.write(b"+OK bye\r\n"); break
    w.close()

async def imap(r, w):
    w.write(b"* OK IMAP4rev1 ready\r\n")
    async for l in lines(r):
        tag, _, rest = l.partition(" ")
        if rest.upper().startswith("LOGIN"):
            ok = rest.split(" ")[1:] == ['"alice"', '"secret"']
            w.write((tag + (" OK done\r\n" if ok else " NO denied\r\n")).encode())
        elif rest.upper() == "LOGOUT":
            w.write(b"* BYE\r\n" + tag.encode() + b" OK\r\n"); break
    w.close()

async def ftp(r, w):
    w.write(b"220 FTP ready\r\n")
    async for l in lines(r):
        cmd, _, arg = l.partition(" ")
        if cmd == "USER":
            w.write(b"331 password please\r\n")
        elif cmd == "PASS":
            w.write(b"230 logged in\r\n")
        elif cmd == "QUIT":
            w.write(b"221 bye\r\n"); break
    w.close()

async def simpletcp(r, w):
    async for l in lines(r):
        if l == "ping":
            w.write(b"hello\r\npong\r\n"); await w.drain()
    w.close()

async def main():
    servers = [await asyncio.start_server(f, "192.168.77.11", port) for f, port in
               ((smtp, 2525), (smtp_refuse, 2526), (smtp_hang, 2527), (pop, 1110),
                (imap, 1143), (ftp, 2121), (simpletcp, 7000))]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))

asyncio.run(main())
PY
start_servers() {
	: >"$work/servers.log"
	bg_start srv ip netns exec lvsd-hc-rs1 "$HC_PY" "$work/servers.py" >"$work/servers.log" 2>&1
	wait_for 10 grep -q ready "$work/servers.log"
}
start_servers

cat >"$work/neg.cf" <<'CFG'
checkinterval=1
negotiatetimeout=2
quiescent=no
fallbackcommand="FBCMD"
maintenancedir="MAINTDIR"
virtual=10.79.0.1:25
	real=192.168.77.11:2525 masq
	service=smtp
virtual=10.79.0.2:25
	real=192.168.77.11:2526 masq
	service=smtp
virtual=10.79.0.3:25
	real=192.168.77.11:2527 masq
	service=smtp
virtual=10.79.0.1:110
	real=192.168.77.11:1110 masq
	service=pop
	login="alice"
	passwd="secret"
virtual=10.79.0.2:110
	real=192.168.77.11:1110 masq
	service=pop
	login="alice"
	passwd="guess"
virtual=10.79.0.1:143
	real=192.168.77.11:1143 masq
	service=imap
	login="alice"
	passwd="secret"
virtual=10.79.0.2:143
	real=192.168.77.11:1143 masq
	service=imap
	login="alice"
	passwd="guess"
virtual=10.79.0.1:21
	real=192.168.77.11:2121 masq
	service=ftp
virtual=10.79.0.1:7000
	real=192.168.77.11:7000 masq
	service=simpletcp
	request="ping\n"
	receive="^pong$"
virtual=10.79.0.2:7000
	real=192.168.77.11:7000 masq
	service=simpletcp
	request="ping\n"
	receive="^pang$"
CFG
# ldirectord's fallbackcommand: "start|stop VIP:port proto"
printf '#!/bin/sh\necho "$@" >>%s/fb.log\n' "$work" >"$work/fb.sh"
chmod +x "$work/fb.sh"
sed -i "s|FBCMD|$work/fb.sh|; s|MAINTDIR|$work/maint|" "$work/neg.cf"
mkdir "$work/maint"
hc_lvsd "$work/neg.cf" || { tap_fail "lvsd starts"; exit 1; }
tap_check "no 'not implemented' fallback warning for these services" \
	bash -c "! grep -q 'not implemented' '$HC_LVSD_LOG'"
tap_check "smtp: multi-line greeting, EHLO, QUIT -> up" wait_for 5 rs_has_weight "TCP  10.79.0.1:25 " 192.168.77.11:2525 1
tap_check "pop: USER/PASS accepted -> up" wait_for 3 rs_has_weight "TCP  10.79.0.1:110 " 192.168.77.11:1110 1
tap_check "imap: LOGIN accepted -> up" wait_for 3 rs_has_weight "TCP  10.79.0.1:143 " 192.168.77.11:1143 1
tap_check "ftp: anonymous login -> up" wait_for 3 rs_has_weight "TCP  10.79.0.1:21 " 192.168.77.11:2121 1
tap_check "simpletcp: request sent, a later line matches -> up" wait_for 3 rs_has_weight "TCP  10.79.0.1:7000 " 192.168.77.11:7000 1
# the failing ones have had >= 2 rounds by now (interval 1 s, timeout 2 s)
sleep 2.5
tap_check "smtp: 554 greeting -> not added" rs_absent "TCP  10.79.0.2:25 " 192.168.77.11:2526
tap_check "smtp: greeting that never ends -> not added" rs_absent "TCP  10.79.0.3:25 " 192.168.77.11:2527
tap_check "pop: wrong password -> not added" rs_absent "TCP  10.79.0.2:110 " 192.168.77.11:1110
tap_check "imap: wrong password -> not added" rs_absent "TCP  10.79.0.2:143 " 192.168.77.11:1143
tap_check "simpletcp: no line matches -> not added" rs_absent "TCP  10.79.0.2:7000 " 192.168.77.11:7000
sed 's/^/# fb.log: /' "$work/fb.log"
tap_check "fallbackcommand: start at startup (no real server up yet), stop when the first comes up" wait_for 3 \
	eval 'grep -qx "start 10.79.0.1:25 tcp" "$work/fb.log" && grep -qx "stop 10.79.0.1:25 tcp" "$work/fb.log"'
tap_check "fallbackcommand: a virtual whose real server never comes up: start only" \
	eval 'grep -qx "start 10.79.0.2:25 tcp" "$work/fb.log" && ! grep -q "stop 10.79.0.2:25" "$work/fb.log"'
# maintenancedir: a file named RIP:port takes that real server out
touch "$work/maint/192.168.77.11:2121"
tap_check "maintenancedir: file RIP:port -> that real server is removed" \
	wait_for 4 rs_absent "TCP  10.79.0.1:21 " 192.168.77.11:2121
tap_check "... and logged" grep -q "Real server 192.168.77.11:2121 of .*: entering maintenance" "$HC_LVSD_LOG"
tap_check "... other real servers on the same address stay" rs_has_weight "TCP  10.79.0.1:25 " 192.168.77.11:2525 1
lvsd --cmd reload >/dev/null
sleep 1.5
tap_check "... a reload keeps it in maintenance, without a second log line" \
	eval 'rs_absent "TCP  10.79.0.1:21 " 192.168.77.11:2121 &&
	      [ "$(grep -c "Real server 192.168.77.11:2121 of .*: entering maintenance" "$HC_LVSD_LOG")" = 1 ]'
rm "$work/maint/192.168.77.11:2121"
tap_check "maintenance file removed -> the real server is back" \
	wait_for 4 rs_has_weight "TCP  10.79.0.1:21 " 192.168.77.11:2121 1
lvsd --show checks >"$work/checks"
sed 's/^/# /' "$work/checks"
tap_check "the check status names the protocol and why it failed (timeout)" \
	grep -q "smtp 192.168.77.11:2527.*timeout" "$work/checks"
tap_check "... (a 554 greeting is a refusal, reported as the server's words)" \
	grep -q "smtp 192.168.77.11:2526 .*down.*server said '554 no service here'" "$work/checks"
tap_check "... (a refused pop login fails at once, not by timeout)" \
	grep -q "pop 192.168.77.11:1110 .*down.*server said '-ERR denied'" "$work/checks"
tap_check "... (a refused imap login fails at once)" \
	grep -q "imap 192.168.77.11:1143 .*down.*server said 'l1 NO denied'" "$work/checks"
hc_lvsd_stop

# keepalived's SMTP_CHECK: HELO with helo_name (keepalived's dialogue), and
# the notify_up/notify_down (real server) and quorum_up/quorum_down
# (virtual server) scripts
cat >"$work/ka.conf" <<CFG
virtual_server 10.79.0.1 25 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    quorum_up "echo quorum up >>$work/notify.log"
    quorum_down "echo quorum down >>$work/notify.log"
    real_server 192.168.77.11 2525 {
        notify_up "echo up 2525 >>$work/notify.log"
        notify_down "echo down 2525 >>$work/notify.log"
        SMTP_CHECK {
            connect_timeout 2
            retry 0
            helo_name lvs.example.test
        }
    }
    real_server 192.168.77.11 2526 {
        notify_down "echo down 2526 >>$work/notify.log"
        SMTP_CHECK {
            connect_timeout 2
            retry 0
            connect_port 2525
            helo_name spammer.example
        }
    }
}
CFG
hc_lvsd "$work/ka.conf" || { tap_fail "lvsd starts with SMTP_CHECK"; exit 1; }
tap_check "keepalived SMTP_CHECK: HELO accepted -> up" wait_for 5 rs_has_weight "TCP  10.79.0.1:25 " 192.168.77.11:2525 1
tap_check "keepalived SMTP_CHECK: HELO refused (550) -> down" \
	wait_for 5 eval "lvsd --show checks | grep -q \"smtp 192.168.77.11:2525 .*down.*server said '550 go away'\""
tap_check "... and not in the table" rs_absent "TCP  10.79.0.1:25 " 192.168.77.11:2526
tap_check "notify_down ran for the real server that failed (it started up: no alpha)" \
	wait_for 3 grep -qx "down 2526" "$work/notify.log"
tap_check "no notify_up for a server that was up from the start" bash -c "! grep -q 'up 2525' '$work/notify.log'"
kill_wait "$srv"
tap_check "servers gone -> the smtp real server is removed" wait_for 8 rs_absent "TCP  10.79.0.1:25 " 192.168.77.11:2525
tap_check "... notify_down ran for it" wait_for 3 grep -qx "down 2525" "$work/notify.log"
tap_check "... and quorum_down for the virtual server, once" \
	wait_for 3 eval '[ "$(grep -c "quorum down" "$work/notify.log")" = 1 ]'
start_servers
tap_check "servers back -> notify_up and quorum_up" \
	wait_for 5 eval 'grep -qx "up 2525" "$work/notify.log" && grep -qx "quorum up" "$work/notify.log"'
sed 's/^/# notify.log: /' "$work/notify.log"
kill_wait "$srv"
hc_lvsd_stop
tap_check "no sanitizer report from lvsd" bash -c "! grep -qE 'Sanitizer|runtime error' '$HC_LVSD_LOG'"
echo "1..$_tap_n"
