#!/bin/bash
# children.sh - what lvsd's children start with: only fds 0-2, no ignored
# or blocked signal, the script_user of keepalived.conf; and
# enable_script_security refusing a root script in a path others can
# write.  The checker's MISC_CHECK command and notify_up script report on
# themselves into files.
. "$(dirname "$0")/../lib/common.sh"
mktemp_dir w lvsd-ch || exit 1
chmod 777 "$w"   # the script_user run writes here as nobody

# report SUFFIX: a command line that writes the fds, signals and uid of
# the shell that runs it (ls's own directory fd shows as -> /proc/N/fd)
report() {
	echo "ls -l /proc/self/fd >$w/fds.$1; grep -E 'SigIgn|SigBlk' /proc/self/status >$w/sig.$1; id -u >$w/uid.$1"
}

# fds in a report other than ls's own listing: "0 1 2" expected
fds_of() { awk '/->/ && $NF !~ /^\/proc\/[0-9]+\/fd$/ { printf "%s%s", sep, $(NF-2); sep=" " }' "$w/fds.$1"; }
sig_clean() { [ "$(grep -c ':	0000000000000000$' "$w/sig.$1")" = 2 ]; }

conf() { # conf GLOBAL_DEFS_BODY
	cat <<CFG
global_defs {
    router_id test
    $1
}
virtual_server 10.7.7.7 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    alpha
    real_server 10.7.8.1 80 {
        notify_up "$(report notify)"
        MISC_CHECK {
            misc_path "$(report misc)"
            misc_timeout 2
        }
    }
}
CFG
}

run_case() { # run_case NAME GLOBAL_DEFS_BODY
	rm -f "$w"/*.misc "$w"/*.notify
	conf "$2" >"$w/ka.conf"
	lvsd_start --backend none -c "$w/ka.conf" || { tap_fail "$1: lvsd starts"; return 1; }
	wait_for 8 test -s "$w/uid.notify"
	tap_check "$1: MISC_CHECK ran and the server came up" test -s "$w/uid.misc"
	tap_check "$1: notify_up ran" test -s "$w/uid.notify"
}

run_case root ""
tap_check "MISC_CHECK child: only fds 0 1 2 (got: $(fds_of misc))" [ "$(fds_of misc)" = "0 1 2" ]
tap_check "notify_up child: only fds 0 1 2 (got: $(fds_of notify))" [ "$(fds_of notify)" = "0 1 2" ]
tap_check "MISC_CHECK child: no signal ignored or blocked" sig_clean misc
tap_check "notify_up child: no signal ignored or blocked (SIGPIPE default)" sig_clean notify
tap_check "without script_user scripts run as root" [ "$(cat "$w/uid.misc")" = 0 ]
lvsd_stop

run_case script_user "script_user nobody"
tap_check "script_user nobody: MISC_CHECK runs as uid 65534" [ "$(cat "$w/uid.misc" 2>/dev/null)" = 65534 ]
tap_check "script_user nobody: notify_up runs as uid 65534" [ "$(cat "$w/uid.notify" 2>/dev/null)" = 65534 ]
tap_check "script_user child: still only fds 0 1 2" [ "$(fds_of misc)" = "0 1 2" ]
lvsd_stop

# enable_script_security: root scripts must sit in root-only paths
mktemp_dir s lvsd-sec || exit 1
chmod 755 "$s"
mkdir -m 755 "$s/safe"
mkdir -m 777 "$s/open"
printf '#!/bin/sh\nexit 0\n' >"$s/safe/ok.sh"
cp "$s/safe/ok.sh" "$s/open/bad.sh"
printf '#!/bin/sh\nexit 0\n' >"$s/safe/writable.sh"
chmod 755 "$s/safe/ok.sh" "$s/open/bad.sh"
chmod 777 "$s/safe/writable.sh"
sec_vs() { # sec_vs PORT SCRIPT
	cat <<CFG
virtual_server 10.7.7.7 $1 {
    delay_loop 1
    lvs_sched rr
    protocol TCP
    alpha
    real_server 10.7.8.1 $1 {
        MISC_CHECK {
            misc_path "$2"
        }
    }
}
CFG
}
{
	echo "global_defs {"
	echo "    enable_script_security"
	echo "}"
	sec_vs 81 "$s/safe/ok.sh"
	sec_vs 82 "$s/open/bad.sh"
	sec_vs 83 "$s/safe/writable.sh"
	sec_vs 84 "/bin/true"
} >"$s/ka.conf"
lvsd_start --backend none -c "$s/ka.conf" || tap_fail "enable_script_security: lvsd starts"
has_rs() { ipvsadm -L -n | grep -q "^  -> 10.7.8.1:$1 "; }
tap_check "enable_script_security: a script in a root-only path runs" wait_for 6 has_rs 81
tap_check "... /bin/true (through the /bin link) runs" wait_for 6 has_rs 84
tap_check "... one in a world-writable directory is refused" bash -c "! ipvsadm -L -n | grep -q '10.7.8.1:82 '"
tap_check "... a world-writable script is refused" bash -c "! ipvsadm -L -n | grep -q '10.7.8.1:83 '"
tap_check "... and the reason is logged" grep -q "unsafe permissions on $s/open" "$LVSD_LOG"
lvsd_stop
tap_check "no sanitizer report from lvsd" bash -c "! grep -qE 'Sanitizer|runtime error' '$LVSD_LOG'"
