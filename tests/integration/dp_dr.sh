#!/bin/bash
# LVS-DR through lvsd: director, RSes and a router on one LAN; the RSes own
# the VIP on lo with arp_ignore=1 / arp_announce=2 (as the usual lvs_dr_rs.sh
# real-server script sets it up)
# and answer the client directly through the router.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=dr
. "$(dirname "$0")/dp-lib.sh"

dp_start dr

dp_check_basic -g
dp_check_fragneeded

out=$(ipv -L -n -c)
# the director sees only the client's half: FIN_WAIT (2 min) after close
if grep -qE '^TCP 0?1:[0-5][0-9]  FIN_WAIT +172\.20\.0\.100:[0-9]+ +172\.20\.0\.24:80 +192\.168\.1\.(16|8):80' <<<"$out"; then
	tap_ok "-Lc lists DR connections (client half only: FIN_WAIT)"
else
	tap_fail "-Lc lists DR connections (client half only: FIN_WAIT)"
	head -5 <<<"$out" | sed 's/^/# /'
fi
tap_check "the RSes answered directly (director forwarded no replies)" test "$(dp_view | awk '$1 == "outbound" { print $2 }')" = 0
tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
