#!/bin/bash
# LVS-DR through lvsd's AF_XDP backend (--backend xdp): the DR suite's core
# cases (rr order, HTTP, UDP, 50 MB bulk + 20 MB upload with sha256, wrk)
# with default veth offloads; the RSes answer the client directly, so the
# director must forward no replies, and its XDP program must steal the
# client's frames from the kernel (the VIP is a local address there).
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=xdr
. "$(dirname "$0")/dp-lib.sh"
DP_P="lvsd-xdp-dr$$-"           # this suite's namespace prefix (dp-lib's trap reads it at exit)
DP_TAG="xdp: "

dp_start_xdp dr eth0

dp_check_basic -g

out=$(ipv -L -n -c)
tap_check "-Lc lists DR connections (client half only: FIN_WAIT)" grep -qE '^TCP 0?1:5[0-9]  FIN_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$out"
tap_check "the RSes answered directly (director forwarded no replies)" test "$(dp_view | awk '$1 == "outbound" { print $2 }')" = 0
n=$(dp_view | sed -n 's/^backend: afxdp.* xdp_redirect=\([0-9]*\).*/\1/p')
tap_check "the XDP program redirected the client's frames ($n)" test "${n:-0}" -gt 1000
n=$(dp_view | sed -n 's/^backend: afxdp.* xdp_no_socket=\([0-9]*\).*/\1/p')
tap_check "no owned frame found its socket missing ($n)" test "${n:-1}" = 0
n=$(dp_view | sed -n 's/^backend: afxdp.* tx_xsk=\([0-9]*\).*/\1/p')
tap_check "DR frames left through the XSK TX ring of eth0 ($n)" test "${n:-0}" -gt 1000

# the director's own traffic is not owned: it still talks to the RSes
out=$(ip netns exec "${DP_P}d" curl -s -m 5 "http://$LAB_RS2/")
tap_check "director's own HTTP to a real server still works" test "${out#RS2}" != "$out"

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
tap_check "XDP program detached at exit" bash -c "! ip -n ${DP_P}d -d link show eth0 | grep -q 'prog/xdp'"

# the default (--backend auto) picks AF_XDP inside a namespace and says why
dp_lvsd -w 1 || tap_fail "lvsd starts with the default backend"
tap_check "--backend auto runs the AF_XDP backend in a namespace" grep -q '^backend: afxdp' <<<"$(dp_view)"
tap_check "auto logs its choice" grep -q 'auto: AF_XDP works here' "$DP_LVSD_LOG"
tap_check "lvsd (auto) exits cleanly" dp_lvsd_stop
