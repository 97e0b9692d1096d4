#!/bin/bash
# check_config.sh - configuration files through lvsd -c: two ldirectord.cf
# files published in LVS blog tutorials (read from /work/shared/spec when
# present; tests/integration/data/ has one of them) load unmodified (warnings, no error), and a
# keepalived.conf (vrrp blocks skipped) drives the table with keepalived's
# semantics: servers up from the start, inhibit_on_failure = weight 0,
# sorry_server when no server is left, removed when one returns.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

hc_setup cfg

seeds=$(dirname "$0")/../data/spec   # verbatim copies of the two blog files
if [ -r "$seeds/seed-ldirectord-1.cf" ] && [ -r "$seeds/seed-ldirectord-2.cf" ]; then
	cp "$seeds/seed-ldirectord-1.cf" "$seeds/seed-ldirectord-2.cf" "$work/"
	hc_lvsd "$work/seed-ldirectord-1.cf"
	tap_check "seed-ldirectord-1.cf loads unmodified" kill -0 "$HC_LVSD_PID"
	tap_check "seed 1: TCP 172.20.0.24:80 wrr (protocol=fwm beside ip:port -> tcp)" \
		eval 'ipvsadm -L -n | grep -q "^TCP  172.20.0.24:80 wrr"'
	tap_check "seed 1: warning for protocol=fwm with its line" grep -q "seed-ldirectord-1.cf:12: warning: protocol=fwm" "$HC_LVSD_LOG"
	tap_check "seed 1: unreachable reals down -> fallback 127.0.0.1:80 weight 1" \
		wait_for 3 rs_has_weight "TCP  172.20.0.24:80 " 127.0.0.1:80 1
	tap_check "seed 1: reals not in the table (quiescent=no)" rs_absent "TCP  172.20.0.24:80 " 172.16.0.7:80
	tap_check "seed 1: http checks with request/receive" eval 'lvsd --show checks | grep -q "^http 172.16.0.7:80/index.html"'
	hc_lvsd_stop
	hc_lvsd "$work/seed-ldirectord-2.cf"
	tap_check "seed-ldirectord-2.cf loads unmodified" kill -0 "$HC_LVSD_PID"
	tap_check "seed 2: TCP 172.20.0.24:80 wrr" eval 'ipvsadm -L -n | grep -q "^TCP  172.20.0.24:80 wrr"'
	tap_check "seed 2: trailing notes ignored with a warning" \
		grep -q "seed-ldirectord-2.cf:3: warning: real: ignoring trailing text" "$HC_LVSD_LOG"
	tap_check "seed 2: two checks, weights 1 and 3 configured" \
		eval 'lvsd --show checks | grep -q "192.168.1.8:80 .*weight 3"'
	hc_lvsd_stop
else
	echo "# seeds not found in $seeds: skipped"
fi

# a bad file refuses to start with file:line
printf 'virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tnosuchthing=1\n' >"$work/bad.cf"
ip netns exec lvsd-hc-dir "$HC_BIN/lvsd" -f -b none -S "$work/bad.sock" -c "$work/bad.cf" >"$work/bad.log" 2>&1
tap_check "a bad file at start: lvsd exits non-zero" [ $? -ne 0 ]
tap_check "...saying file:line: message" grep -q "bad.cf:3: unknown directive 'nosuchthing'" "$work/bad.log"

# keepalived.conf
hc_rs_pages ok ok
cat >"$work/keepalived.conf" <<'CFG'
! keepalived does VRRP; lvsd does the LVS half
global_defs {
   router_id LVS_TEST
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.78.0.100
    }
}
virtual_server 10.78.0.100 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    sorry_server 127.0.0.1 8080
    real_server 192.168.77.11 80 {
        weight 2
        inhibit_on_failure
        HTTP_GET {
            url {
              path /index.html
              status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
    real_server 192.168.78.12 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
}
CFG
hc_lvsd "$work/keepalived.conf" || { tap_fail "lvsd starts with keepalived.conf"; exit 1; }
svc="TCP  10.78.0.100:80 "
tap_check "keepalived.conf: servers up from the start (no alpha)" \
	eval 'rs_has_weight "$svc" 192.168.77.11:80 2 && rs_has_weight "$svc" 192.168.78.12:80 1'
tap_check "keepalived.conf: scheduler rr, NAT" eval 'ipvsadm -L -n | grep -q "^TCP  10.78.0.100:80 rr" && rs_line "$svc" 192.168.77.11:80 | grep -q Masq'
kill_wait "$rs1"
tap_check "HTTP_GET fails twice (retry 1): inhibited to weight 0" wait_for 6 rs_has_weight "$svc" 192.168.77.11:80 0
kill_wait "$rs2"
tap_check "TCP_CHECK fails: removed, sorry server added" \
	wait_for 6 eval 'rs_absent "$svc" 192.168.78.12:80 && rs_has_weight "$svc" 127.0.0.1:8080 1'
tap_check "quorum loss logged" grep -q "Lost quorum for tcp:10.78.0.100:80" "$HC_LVSD_LOG"
hc_rs_web 2
tap_check "one back: sorry server removed, server re-added" \
	wait_for 6 eval 'rs_has_weight "$svc" 192.168.78.12:80 1 && rs_absent "$svc" 127.0.0.1:8080'
# SIGHUP: re-read; only the changed weight is edited
sed -i '/real_server 192.168.78.12 80/,/}/s/weight 1/weight 4/' "$work/keepalived.conf"
kill -HUP "$HC_LVSD_PID"
tap_check "SIGHUP reload: changed weight applied" wait_for 4 rs_has_weight "$svc" 192.168.78.12:80 4
tap_check "SIGHUP reload: service not re-created" [ "$(grep -c "Added virtual service tcp:10.78.0.100:80" "$HC_LVSD_LOG")" = 1 ]
tap_check "SIGHUP reload: the check kept its state (no DOWN in between)" \
	eval '[ "$(grep -c "Check tcp 192.168.78.12:80 is DOWN" "$HC_LVSD_LOG")" = 1 ]'
hc_lvsd_stop
echo "1..$_tap_n"
