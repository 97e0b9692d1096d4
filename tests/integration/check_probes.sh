#!/bin/bash
# check_probes.sh - the other probe kinds in namespaces, through a
# keepalived.conf: PING_CHECK (ICMP echo), UDP_CHECK (request/reply; ICMP
# port unreachable = down), SSL_GET (HTTPS with a regex on the body and a
# Host/SNI name), MISC_CHECK (external command), DNS_CHECK and
# ldirectord's service=dns (a scripted DNS server).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

command -v openssl >/dev/null || { echo "1..0 # SKIP no openssl"; exit 0; }
hc_setup pr

# UDP echo on rs2:5353
bg_start udp ip netns exec lvsd-hc-rs2 "$HC_PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("192.168.78.12", 5353))
while True:
    d, a = s.recvfrom(2048); s.sendto(d, a)
'
# HTTPS on rs1:443 with a throw-away certificate
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=www.example.test -days 1 \
	-keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
mkdir -p "$work/www"
echo "status: healthy" >"$work/www/health"
bg_start https ip netns exec lvsd-hc-rs1 "$HC_PY" -c '
import http.server, ssl, sys, os
os.chdir(sys.argv[1])
srv = http.server.ThreadingHTTPServer(("192.168.77.11", 443), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
' "$work/www" "$work/cert.pem" "$work/key.pem" >/dev/null 2>&1
ns_wait_tcp lvsd-hc-dir 192.168.77.11 443 100

cat >"$work/ka.conf" <<CFG
virtual_server 10.79.0.1 53 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol UDP
    alpha
    real_server 192.168.78.12 5353 {
        UDP_CHECK {
            connect_timeout 1
            retry 0
            payload 6c7673640a
        }
    }
    real_server 192.168.77.11 5353 {
        UDP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
virtual_server 10.79.0.1 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method DR
    protocol TCP
    alpha
    real_server 192.168.77.11 80 {
        PING_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 192.168.78.99 80 {
        PING_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
virtual_server 10.79.0.1 443 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    alpha
    real_server 192.168.77.11 443 {
        SSL_GET {
            url {
                path /health
                regex "status: healthy"
                virtualhost www.example.test
            }
            connect_timeout 2
            retry 0
        }
    }
}
virtual_server 10.79.0.1 8000 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    alpha
    real_server 192.168.77.11 8000 {
        MISC_CHECK {
            misc_path "test -e $work/misc-ok"
            misc_timeout 1
        }
    }
}
CFG
hc_lvsd "$work/ka.conf" || { tap_fail "lvsd starts"; exit 1; }
tap_check "UDP_CHECK: echo server answers -> up" wait_for 5 rs_has_weight "UDP  10.79.0.1:53 " 192.168.78.12:5353 1
tap_check "UDP_CHECK: nothing listening (port unreachable) -> not added" rs_absent "UDP  10.79.0.1:53 " 192.168.77.11:5353
tap_check "PING_CHECK: reachable host -> up" wait_for 5 rs_has_weight "TCP  10.79.0.1:80 " 192.168.77.11:80 1
tap_check "PING_CHECK: silent address -> not added" rs_absent "TCP  10.79.0.1:80 " 192.168.78.99:80
tap_check "SSL_GET with regex and SNI name -> up" wait_for 6 rs_has_weight "TCP  10.79.0.1:443 " 192.168.77.11:443 1
tap_check "MISC_CHECK: command fails -> not added" rs_absent "TCP  10.79.0.1:8000 " 192.168.77.11:8000
touch "$work/misc-ok"
tap_check "MISC_CHECK: command succeeds -> up" wait_for 4 rs_has_weight "TCP  10.79.0.1:8000 " 192.168.77.11:8000 1
echo "status: sick" >"$work/www/health"
tap_check "SSL_GET: body no longer matches -> removed" wait_for 6 rs_absent "TCP  10.79.0.1:443 " 192.168.77.11:443
kill_wait "$udp"
tap_check "UDP echo stopped -> removed" wait_for 5 rs_absent "UDP  10.79.0.1:53 " 192.168.78.12:5353
ip -n lvsd-hc-rs1 link set eth0 down
tap_check "host unreachable -> PING_CHECK down" wait_for 6 rs_absent "TCP  10.79.0.1:80 " 192.168.77.11:80
lvsd --show checks | sed 's/^/# /'
hc_lvsd_stop

# DNS: a tiny authoritative server on both real servers (port 5300):
# www.example.test A 192.0.2.7, anything else NXDOMAIN
ip netns exec lvsd-hc-rs1 ip link set eth0 up
bg_start dns1 ip netns exec lvsd-hc-rs1 "$HC_PY" "$(dirname "$0")/dns-server.py" 192.168.77.11
bg_start dns2 ip netns exec lvsd-hc-rs2 "$HC_PY" "$(dirname "$0")/dns-server.py" 192.168.78.12
cat >"$work/dns.conf" <<CFG
virtual_server 10.79.0.1 53 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol UDP
    alpha
    real_server 192.168.78.12 5300 {
        DNS_CHECK {
            connect_timeout 1
            retry 0
            type A
            name www.example.test
        }
    }
    real_server 192.168.77.11 5300 {
        DNS_CHECK {
            connect_timeout 1
            retry 0
            type A
            name nx.example.test
        }
    }
}
CFG
hc_lvsd "$work/dns.conf" || { tap_fail "lvsd starts with DNS_CHECK"; exit 1; }
tap_check "DNS_CHECK: A answer -> up" wait_for 5 rs_has_weight "UDP  10.79.0.1:53 " 192.168.78.12:5300 1
dns_why() { lvsd --show checks | grep -q "NXDOMAIN (rcode 3)"; }
tap_check "DNS_CHECK: the check says why (NXDOMAIN)" wait_for 5 dns_why
tap_check "DNS_CHECK: NXDOMAIN -> not added" rs_absent "UDP  10.79.0.1:53 " 192.168.77.11:5300
kill_wait "$dns2"
tap_check "DNS server stopped -> removed" wait_for 5 rs_absent "UDP  10.79.0.1:53 " 192.168.78.12:5300
hc_lvsd_stop
# ldirectord service=dns: request looked up, receive matched on the answer
cat >"$work/dns.cf" <<CFG
checkinterval=0.5
checktimeout=1
virtual=10.79.0.1:53
	real=192.168.77.11:5300 masq
	protocol=udp
	service=dns
	request="www.example.test"
	receive="^192\.0\.2\.7$"
virtual=10.79.0.2:53
	real=192.168.77.11:5300 masq
	protocol=udp
	service=dns
	request="www.example.test"
	receive="^10\."
CFG
hc_lvsd "$work/dns.cf" || { tap_fail "lvsd starts with service=dns"; exit 1; }
tap_check "ldirectord service=dns: answer matches receive -> up" \
	wait_for 5 rs_has_weight "UDP  10.79.0.1:53 " 192.168.77.11:5300 1
tap_check "ldirectord service=dns: answer does not match -> not added" rs_absent "UDP  10.79.0.2:53 " 192.168.77.11:5300
hc_lvsd_stop

# IPv6: TCP, HTTP and ICMPv6 checks against [::1] in the director's namespace
bg_start w6 ip netns exec lvsd-hc-dir "$HC_PY" -m http.server 8080 --bind ::1 --directory "$work/www" >/dev/null 2>&1
ns_wait_tcp lvsd-hc-dir ::1 8080 100
cat >"$work/v6.cf" <<CFG
checkinterval=0.5
checktimeout=1
virtual6=[2001:db8::1]:80
	real6=[::1]:8080 masq 2
	checktype=connect
virtual6=[2001:db8::1]:81
	real6=[::1]:8080 masq 1
	service=http
	request="health"
	receive="status"
virtual6=[2001:db8::1]:82
	real6=[::1]:8080 masq 3
	checktype=ping
CFG
hc_lvsd "$work/v6.cf" || { tap_fail "lvsd starts with virtual6"; exit 1; }
tap_check "IPv6 TCP connect check" wait_for 4 rs_has_weight "TCP  [2001:db8::1]:80 " "[::1]:8080" 2
tap_check "IPv6 HTTP check" wait_for 4 rs_has_weight "TCP  [2001:db8::1]:81 " "[::1]:8080" 1
tap_check "ICMPv6 echo check" wait_for 4 rs_has_weight "TCP  [2001:db8::1]:82 " "[::1]:8080" 3
hc_lvsd_stop
echo "1..$_tap_n"
