#!/bin/bash
# reload_txn.sh - a reload applies completely or not at all: a file whose
# second virtual service cannot go into the table (unknown scheduler) is
# refused with every reason as "file:line: message", rc != 0, and the
# table stays byte for byte what it was (ipvsadm -S -n), for keepalived.conf
# and ldirectord.cf, through `lvsd --cmd reload` and SIGHUP; a valid change
# after a refused one applies.  keepalived's include: a file, a glob of
# two, a relative path, a nested include, a loop (refused), a missing file
# (a warning, never a reason to empty the table).
# lvsd runs with -b none in a namespace of its own; no server has a
# check, so the table only changes when a reload changes it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/check-lib.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
hc_bins
NS=lvsd-rtx-$$
ns_add "$NS" || { tap_fail "namespace"; exit 1; }
ip -n "$NS" link set lo up
mktemp_dir work lvsd-rtx

start() {
	local dir
	mktemp_dir dir lvsd-rtx-d || return 1
	export LVSD_SOCKET="$dir/lvsd.sock"
	LOG="$dir/lvsd.log"
	lvsd_run PID "$LOG" ip netns exec "$NS" "$HC_BIN/lvsd" -f -b none -S "$LVSD_SOCKET" -c "$1"
}
stop() { lvsd_reap "$PID" "$LOG"; PID=; }
table() { ip netns exec "$NS" "$HC_BIN/ipvsadm" -S -n; }
reload() { OUT=$(ip netns exec "$NS" "$HC_BIN/lvsd" -S "$LVSD_SOCKET" --cmd reload 2>&1); RC=$?; }
has() { grep -qF -- "$1" <<<"$OUT"; }

# ---------------------------------------------------------------- keepalived
ka_vs() {   # ka_vs VIP SCHED RIP [WEIGHT]
	printf 'virtual_server %s 80 {\n    lvs_sched %s\n    lvs_method NAT\n    protocol TCP\n' "$1" "$2"
	printf '    real_server %s 80 {\n        weight %s\n    }\n}\n' "$3" "${4:-1}"
}
K=$work/keepalived.conf
{ ka_vs 10.90.0.1 rr 10.91.0.1; ka_vs 10.90.0.2 rr 10.91.0.2; } >"$K"
start "$K"
tap_check "keepalived: lvsd starts" kill -0 "$PID"
before=$(table)
tap_check "keepalived: two services" [ "$(grep -c '^-A' <<<"$before")" = 2 ]

# (a) the first service changes, the second has an unknown scheduler
{ ka_vs 10.90.0.1 wlc 10.91.0.1 3; ka_vs 10.90.0.2 nosuch 10.91.0.2; } >"$K"
reload
tap_check "(a) unknown scheduler in the 2nd service: reload rc != 0" [ "$RC" != 0 ]
tap_check "(a) ... message names file:line and the reason" \
	has "$K:9: tcp:10.90.0.2:80: unknown scheduler 'nosuch'"
tap_check "(a) ... table byte-identical (1st service not changed)" [ "$(table)" = "$before" ]
kill -HUP "$PID"
sleep 0.5
tap_check "(a) SIGHUP: the same refusal logged" \
	wait_for 3 grep -q "$K:9: tcp:10.90.0.2:80: unknown scheduler 'nosuch'" "$LOG"
tap_check "(a) SIGHUP: table byte-identical" [ "$(table)" = "$before" ]

# (b) several errors: all of them
{ ka_vs 10.90.0.1 bad1 10.91.0.1; ka_vs 10.90.0.2 bad2 10.91.0.2; } >"$K"
reload
tap_check "(b) two bad services: rc != 0" [ "$RC" != 0 ]
tap_check "(b) ... the first reported" has "$K:1: tcp:10.90.0.1:80: unknown scheduler 'bad1'"
tap_check "(b) ... and the second" has "$K:9: tcp:10.90.0.2:80: unknown scheduler 'bad2'"
tap_check "(b) ... table byte-identical" [ "$(table)" = "$before" ]

# (c) a valid change after the refused ones
{ ka_vs 10.90.0.1 wlc 10.91.0.1 3; ka_vs 10.90.0.2 rr 10.91.0.2; } >"$K"
reload
tap_check "(c) valid change: rc 0" [ "$RC" = 0 ]
tap_check "(c) ... applied" wait_for 3 eval 'table | grep -q "^-A -t 10.90.0.1:80 -s wlc"'
tap_check "(c) ... weight applied" wait_for 3 eval 'table | grep -q "^-a -t 10.90.0.1:80 -r 10.91.0.1:80 -m -w 3"'

# (d) include
mkdir -p "$work/conf.d" "$work/more"
ka_vs 10.90.0.3 rr 10.91.0.3 >"$work/conf.d/a.conf"
ka_vs 10.90.0.4 rr 10.91.0.4 >"$work/conf.d/b.conf"
{ echo 'include ../more/c.conf'; } >>"$work/conf.d/b.conf"    # nested, relative to conf.d
ka_vs 10.90.0.5 rr 10.91.0.5 >"$work/more/c.conf"
ka_vs 10.90.0.6 rr 10.91.0.6 >"$work/one.conf"
{ ka_vs 10.90.0.1 wlc 10.91.0.1 3; echo 'include one.conf   # a file, relative'; echo 'include conf.d/*.conf'; } >"$K"
reload
tap_check "(d) include: rc 0" [ "$RC" = 0 ]
for v in 1 3 4 5 6; do
	tap_check "(d) ... service 10.90.0.$v present" wait_for 3 eval "table | grep -q '^-A -t 10.90.0.$v:80 '"
done
tap_check "(d) ... service 10.90.0.2 (no longer configured) removed" eval '! table | grep -q "10.90.0.2:80"'
inc_table=$(table)

# an error in an included file names that file and its line
ka_vs 10.90.0.5 nosuch 10.91.0.5 >"$work/more/c.conf"
reload
tap_check "(d) error in a nested include: rc != 0" [ "$RC" != 0 ]
tap_check "(d) ... named by the included file's name and line" has "$work/conf.d/../more/c.conf:1: tcp:10.90.0.5:80: unknown scheduler 'nosuch'"
tap_check "(d) ... table byte-identical" [ "$(table)" = "$inc_table" ]
printf 'virtual_server 10.90.0.5 80 {\n    lvs_sched rr\n    bogus_keyword 1\n}\n' >"$work/more/c.conf"
reload
tap_check "(d) parse error in an included file: file:line" has "$work/conf.d/../more/c.conf:3: unknown keyword 'bogus_keyword'"
ka_vs 10.90.0.5 rr 10.91.0.5 >"$work/more/c.conf"

# a loop
echo 'include ../keepalived.conf' >>"$work/more/c.conf"
reload
tap_check "(d) include loop: rc != 0" [ "$RC" != 0 ]
tap_check "(d) ... 'include loop' with the including file:line" has "$work/conf.d/../more/c.conf:9: include loop:"
tap_check "(d) ... table byte-identical" [ "$(table)" = "$inc_table" ]
ka_vs 10.90.0.5 rr 10.91.0.5 >"$work/more/c.conf"

# a missing file: a warning; the services it held are not deleted
mv "$work/one.conf" "$work/one.conf.away"
reload
tap_check "(d) missing include holding a service: rc != 0" [ "$RC" != 0 ]
tap_check "(d) ... says the include matched no file" has "$K:9: an include matched no file"
tap_check "(d) ... warning logged as keepalived does" grep -q "$K:9: warning: include: no file matches" "$LOG"
tap_check "(d) ... table not emptied, byte-identical" [ "$(table)" = "$inc_table" ]
mv "$work/one.conf.away" "$work/one.conf"
echo 'include nothere/*.conf' >>"$K"
reload
tap_check "(d) missing include that removes nothing: applied (rc 0)" [ "$RC" = 0 ]
tap_check "(d) ... table unchanged" [ "$(table)" = "$inc_table" ]
stop

# a start with an include error fails, with file:line
echo 'include self.conf' >"$work/self.conf"
timeout 20 ip netns exec "$NS" "$HC_BIN/lvsd" -f -b none -S "$work/bad.sock" -c "$work/self.conf" >"$work/bad.log" 2>&1
tap_check "start with an include loop: lvsd exits non-zero" [ $? -ne 0 ]
tap_check "... saying include loop" grep -q "include loop" "$work/bad.log"
printf 'virtual_server 10.90.0.9 80 {\n    lvs_sched nosuch\n    protocol TCP\n}\n' >"$work/badsched.conf"
timeout 20 ip netns exec "$NS" "$HC_BIN/lvsd" -f -b none -S "$work/bad.sock" -c "$work/badsched.conf" >"$work/bad.log" 2>&1
tap_check "start with an unknown scheduler: lvsd exits non-zero" [ $? -ne 0 ]
tap_check "... with file:line" grep -q "badsched.conf:1: tcp:10.90.0.9:80: unknown scheduler 'nosuch'" "$work/bad.log"

# ---------------------------------------------------------------- ldirectord
ld_vs() {   # ld_vs VIP SCHED RIP [WEIGHT]
	printf 'virtual=%s:80\n\treal=%s:80 masq %s\n\tscheduler=%s\n\tchecktype=on\n\tprotocol=tcp\n' \
		"$1" "$3" "${4:-1}" "$2"
}
L=$work/ldirectord.cf
{ echo 'checktimeout=3'; ld_vs 10.92.0.1 rr 10.93.0.1; ld_vs 10.92.0.2 rr 10.93.0.2; } >"$L"
start "$L"
tap_check "ldirectord: lvsd starts" kill -0 "$PID"
tap_check "ldirectord: two services" wait_for 3 eval '[ "$(table | grep -c "^-A")" = 2 ]'
before=$(table)
{ echo 'checktimeout=3'; ld_vs 10.92.0.1 wlc 10.93.0.1 3; ld_vs 10.92.0.2 nosuch 10.93.0.2; } >"$L"
reload
tap_check "ldirectord (a): reload rc != 0" [ "$RC" != 0 ]
tap_check "ldirectord (a): file:line and reason" has "$L:7: tcp:10.92.0.2:80: unknown scheduler 'nosuch'"
tap_check "ldirectord (a): table byte-identical" [ "$(table)" = "$before" ]
{ echo 'checktimeout=3'; ld_vs 10.92.0.1 bada 10.93.0.1; ld_vs 10.92.0.2 badb 10.93.0.2; } >"$L"
reload
tap_check "ldirectord (b): both errors reported" \
	eval 'has "$L:2: tcp:10.92.0.1:80: unknown scheduler '"'bada'"'" && has "$L:7: tcp:10.92.0.2:80: unknown scheduler '"'badb'"'"'
tap_check "ldirectord (b): table byte-identical" [ "$(table)" = "$before" ]
{ echo 'checktimeout=3'; ld_vs 10.92.0.1 wlc 10.93.0.1 3; ld_vs 10.92.0.2 rr 10.93.0.2; } >"$L"
reload
tap_check "ldirectord (c): valid change rc 0" [ "$RC" = 0 ]
tap_check "ldirectord (c): applied" wait_for 3 eval 'table | grep -q "^-A -t 10.92.0.1:80 -s wlc"'
stop

echo "1..$_tap_n"
