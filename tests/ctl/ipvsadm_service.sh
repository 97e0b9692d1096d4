#!/bin/bash
# ipvsadm_service.sh - packaging/ipvsadm-service.in, what ipvsadm.service
# runs, against a private lvsd: Debian's /etc/default/ipvsadm semantics
# (AUTO loads the rule file on start and clears the table on stop, DAEMON/
# IFACE/SYNCID start and stop sync daemons), SAVE_ON_STOP, and a table
# that lvsd -c owns is never loaded over, cleared or saved.
. "$(dirname "$0")/../lib/common.sh"
mktemp_dir work lvsd-ipvsadm-svc
ns=lvsd-ipvsvc-$$
ns_add "$ns" || { tap_fail "netns $ns"; exit 1; }
ip -n "$ns" link set lo up

helper=$work/ipvsadm-service
sed "s|@SBINDIR@|$LVSD_BUILD|g" "$LVSD_TOP/packaging/ipvsadm-service.in" >"$helper"
chmod 755 "$helper"
export IPVSADM_DEFAULTS=$work/default
rules=$work/ipvsadm.rules
svc() { "$helper" "$@" 2>>"$work/helper.err"; }
table() { ipvsadm-save -n; }

# lvsd in the namespace (the sync daemon sends there); ARGS for lvsd
start_lvsd() {
	export LVSD_SOCKET=$work/lvsd.sock
	lvsd_run LVSD_PID "$work/lvsd.log" ip netns exec "$ns" "$LVSD_BUILD/lvsd" -f -b none -S "$LVSD_SOCKET" "$@"
}

start_lvsd || { tap_fail "lvsd starts"; exit 1; }
printf '# ipvsadm.rules\n-A -t 10.5.5.5:80 -s rr\n-a -t 10.5.5.5:80 -r 10.5.6.1:80 -m -w 1\n' >"$rules"
want=$(grep -v '^#' "$rules")

# AUTO=false (the default): the table is nobody's business here
printf 'AUTO="false"\nRULES="%s"\n' "$rules" >"$IPVSADM_DEFAULTS"
ipvsadm -A -u 10.5.5.9:53 -s rr
svc start
tap_check "AUTO=false: start loads nothing" [ "$(table)" = "-A -u 10.5.5.9:53 -s rr" ]
svc stop
tap_check "AUTO=false: stop leaves the table" [ "$(table)" = "-A -u 10.5.5.9:53 -s rr" ]

printf 'AUTO="true"\nRULES="%s"\n' "$rules" >"$IPVSADM_DEFAULTS"
svc start
tap_check "AUTO=true: start clears the table, then loads the rule file" [ "$(table)" = "$want" ]
ipvsadm -E -t 10.5.5.5:80 -s wlc
svc reload
tap_check "AUTO=true: reload loads the rule file again" [ "$(table)" = "$want" ]
cp "$rules" "$work/rules.before"
svc stop
tap_check "AUTO=true: stop clears the table" [ -z "$(table)" ]
tap_check "AUTO=true: stop does not save (Debian's default)" cmp -s "$rules" "$work/rules.before"

printf 'AUTO="true"\nSAVE_ON_STOP="true"\nRULES="%s"\n' "$rules" >"$IPVSADM_DEFAULTS"
svc start
ipvsadm -A -t 10.5.5.6:443 -s sh
svc stop
tap_check "SAVE_ON_STOP=true: stop saves the table into RULES" grep -qx -- "-A -t 10.5.5.6:443 -s sh" "$rules"
tap_check "SAVE_ON_STOP=true: ... then clears it" [ -z "$(table)" ]
tap_check "the saved file keeps Debian's header" [ "$(head -1 "$rules")" = "# ipvsadm.rules" ]

printf 'DAEMON="master"\nIFACE="lo"\nSYNCID="5"\n' >"$IPVSADM_DEFAULTS"
svc start
tap_check "DAEMON=master IFACE=lo SYNCID=5: the sync daemon runs" \
	eval 'ipvsadm -L --daemon | grep -q "^master sync daemon (mcast=lo, syncid=5"'
svc stop
tap_check "stop: the sync daemon is stopped" [ -z "$(ipvsadm -L --daemon)" ]
printf 'DAEMON="both"\nIFACE="lo"\n' >"$IPVSADM_DEFAULTS"
svc start
tap_check "DAEMON=both: master and backup run" \
	eval '[ "$(ipvsadm -L --daemon | grep -c "sync daemon (mcast=lo")" = 2 ]'
svc stop
tap_check "DAEMON=both: stop stops both" [ -z "$(ipvsadm -L --daemon)" ]
kill_wait "$LVSD_PID"

# lvsd -c: the configuration owns the table
cat >"$work/ld.cf" <<CFG
checkinterval=60
virtual=10.5.7.7:80
	real=10.5.8.1:80 masq 3
	checktype=on
	scheduler=wlc
CFG
start_lvsd -c "$work/ld.cf" || { tap_fail "lvsd -c starts"; exit 1; }
tap_check "lvsd -c applied its configuration" wait_for 10 eval 'table | grep -q "^-A -t 10.5.7.7:80"'
owned=$(table)
printf 'AUTO="true"\nSAVE_ON_STOP="true"\nRULES="%s"\n' "$rules" >"$IPVSADM_DEFAULTS"
cp "$rules" "$work/rules.before"
: >"$work/helper.err"
svc start
tap_check "lvsd -c: start does not load the rule file over the configured table" [ "$(table)" = "$owned" ]
svc stop
tap_check "lvsd -c: stop neither clears ..." [ "$(table)" = "$owned" ]
tap_check "lvsd -c: ... nor saves the table" cmp -s "$rules" "$work/rules.before"
tap_check "lvsd -c: the helper says why" grep -q "lvsd applies $work/ld.cf, which owns the table" "$work/helper.err"
"$helper" frobnicate 2>/dev/null
tap_check "an unknown action: exit 2" [ $? = 2 ]
lvsd_reap "$LVSD_PID" "$work/lvsd.log"
tap_check "lvsd exits cleanly" [ $? = 0 ]
echo "1..$_tap_n"
