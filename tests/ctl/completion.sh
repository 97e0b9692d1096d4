#!/bin/bash
# completion.sh - the bash completion of ipvsadm and lvsd
# (packaging/bash-completion/): registered with `complete`, and the
# completion functions, called as bash calls them (COMP_WORDS, COMP_CWORD),
# offer every option of the real option tables, the schedulers the core
# implements, value keywords, and, while a daemon is reachable, its views,
# commands, settings, virtual services and real servers.
. "$(dirname "$0")/../lib/common.sh"
comp_dir=$LVSD_TOP/packaging/bash-completion
mktemp_dir work lvsd-comp

# comp_run LINE: the candidates, one a line and sorted, for the command
# line LINE completed at its end (a trailing space: a new empty word)
comp_run() {
	bash -c '
		. "$1/ipvsadm"; . "$1/lvsd"
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2 COMP_POINT=${#2}
		fn=$(complete -p "${COMP_WORDS[0]##*/}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp_dir" "$1" | sed '/^$/d' | sort
}

# comp_is NAME LINE WORD...: the candidates for LINE are exactly WORD...
comp_is() {
	local name=$1 line=$2 got want
	shift 2
	got=$(comp_run "$line")
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	if [ "$got" = "$want" ]; then
		tap_ok "$name"
	else
		tap_fail "$name" "got: $(echo $got)"
	fi
}

# comp_has NAME LINE WORD...: every WORD is a candidate for LINE
comp_has() {
	local name=$1 line=$2 got w missing=()
	shift 2
	got=$(comp_run "$line")
	for w in "$@"; do grep -qxF -- "$w" <<<"$got" || missing+=("$w"); done
	if [ ${#missing[@]} = 0 ]; then tap_ok "$name"; else tap_fail "$name" "missing: ${missing[*]}"; fi
}

out=$(bash -c '. "$1/ipvsadm"; . "$1/lvsd"; complete -p ipvsadm lvsd' _ "$comp_dir")
tap_check "complete -p: ipvsadm uses _ipvsadm" grep -qx 'complete -F _ipvsadm ipvsadm' <<<"$out"
tap_check "complete -p: lvsd uses _lvsd" grep -qx 'complete -F _lvsd lvsd' <<<"$out"

# the option tables themselves: ipvsadm's popt table, lvsd's getopt_long one
cli_opts=$(sed -n '/^static const struct poptOption options_table/,/^};/p' "$LVSD_TOP/src/cli/options.c")
mapfile -t long < <(sed -n 's/^\t{ "\([a-z0-9-]*\)",.*/--\1/p' <<<"$cli_opts" | sort -u)
mapfile -t short < <(sed -n "s/^\t{ \"[a-z0-9-]*\", '\(.\)',.*/-\1/p" <<<"$cli_opts")
tap_check "ipvsadm's option table read (${#long[@]} long, ${#short[@]} short)" [ ${#long[@]} -gt 50 -a ${#short[@]} -gt 25 ]
comp_has "ipvsadm --<TAB>: every long option" "ipvsadm --" "${long[@]}"
comp_has "ipvsadm -<TAB>: every short option" "ipvsadm -" "${short[@]}"
comp_is "ipvsadm --sc<TAB>: the three --sc* options" "ipvsadm --sc" --sched-flags --scheduler --sctp-service

d_opts=$LVSD_TOP/src/daemon/options.c
mapfile -t dlong < <(sed -n '/^static const struct option longopts/,/^};/s/^\t{ "\([a-z-]*\)",.*/--\1/p' "$d_opts")
optstring=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$d_opts")
mapfile -t dshort < <(tr -d : <<<"$optstring" | grep -o . | sed 's/^/-/')
tap_check "lvsd's option table read (${#dlong[@]} long, ${#dshort[@]} short)" [ ${#dlong[@]} -gt 15 -a ${#dshort[@]} -gt 8 ]
comp_has "lvsd --<TAB>: every long option" "lvsd --" "${dlong[@]}"
comp_has "lvsd -<TAB>: every short option" "lvsd -" "${dshort[@]}"

# schedulers: the names the core registers
mapfile -t scheds < <(sed -n 's/^\t\.name = "\([a-z]*\)",/\1/p' "$LVSD_TOP"/src/core/sched/*.c)
tap_check "the core's schedulers read (${#scheds[@]})" [ ${#scheds[@]} -ge 14 ]
comp_is "ipvsadm -A -t VIP -s <TAB>: every scheduler" "ipvsadm -A -t 10.0.0.1:80 -s " "${scheds[@]}"
comp_is "ipvsadm --scheduler w<TAB>" "ipvsadm -A -t 10.0.0.1:80 --scheduler w" wlc wrr
comp_is "--start-daemon <TAB>: master, backup" "ipvsadm --start-daemon " master backup
comp_is "--tun-type <TAB>: ipip, gue, gre" "ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type " ipip gue gre
comp_is "-b sh-fallback,sh<TAB>: the list's last element" "ipvsadm -A -t 10.0.0.1:80 -s sh -b sh-fallback,sh" \
	sh-fallback,sh-fallback sh-fallback,sh-port
comp_is "-b flag-1,m<TAB>" "ipvsadm -A -t 10.0.0.1:80 -s mh -b flag-1,m" flag-1,mh-fallback flag-1,mh-port
comp_is "-w <TAB>: nothing (a number)" "ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -w " ""
comp_has "after -r ADDR: the forwarding methods" "ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -" -g -i -m --gatewaying --ipip --masquerading
comp_is "lvsd --backend <TAB>" "lvsd --backend " xdp afpacket none auto
comp_is "lvsd -b a<TAB>" "lvsd -b a" afpacket auto
comp_is "lvsd --fastpath e<TAB>" "lvsd --fastpath e" established
comp_is "lvsd --xdp-tx <TAB>" "lvsd --xdp-tx " xsk afpacket
touch "$work/ld.cf" "$work/ld.cf2"
comp_is "lvsd -c FILE<TAB>: file names" "lvsd -c $work/ld" "$work/ld.cf" "$work/ld.cf2"
comp_has "lvsd -i lo,<TAB>: interfaces after the comma" "lvsd -i lo," lo,lo

# no daemon: the static lists, and no services
export LVSD_SOCKET=$work/none.sock
comp_is "no daemon: lvsd --show <TAB> lists the built-in views" "lvsd --show " ip_vs ip_vs_stats status
comp_is "no daemon: lvsd --cmd <TAB> lists the built-in commands" "lvsd --cmd " reload help version
comp_is "no daemon: ipvsadm -t <TAB> offers nothing" "ipvsadm -D -t " ""

# a running daemon: its own lists
lvsd_start --backend none || tap_fail "lvsd starts"
ipvsadm -A -t 10.9.9.1:80 -s rr
ipvsadm -A -t 10.9.9.2:443 -s wlc
ipvsadm -a -t 10.9.9.1:80 -r 10.9.8.1:80 -m
ipvsadm -a -t 10.9.9.1:80 -r 10.9.8.2:8080 -m
ipvsadm -A -u 10.9.9.3:53 -s rr
ipvsadm -A -f 7 -s rr
help=$(lvsd --cmd help)
mapfile -t views < <(sed -n 's/^views: //p' <<<"$help" | tr ' ' '\n')
mapfile -t cmds < <(sed -n 's/^commands: //p' <<<"$help" | tr ' ' '\n')
tap_check "the daemon names more views than the built-in three" [ ${#views[@]} -gt 3 ]
comp_is "daemon: lvsd --show <TAB> = the daemon's views" "lvsd --show " "${views[@]}"
comp_is "daemon: lvsd --cmd <TAB> = the daemon's commands" "lvsd --cmd " "${cmds[@]}"
comp_is "daemon: lvsd --set sloppy<TAB> = its settings" "lvsd --set sloppy" sloppy_tcp= sloppy_sctp=
comp_is "daemon: ipvsadm -d -t <TAB> = its TCP services" "ipvsadm -d -t " 10.9.9.1:80 10.9.9.2:443
comp_is "daemon: ipvsadm -D -u <TAB> = its UDP service" "ipvsadm -D -u " 10.9.9.3:53
comp_is "daemon: ipvsadm -D -f <TAB> = its fwmark service" "ipvsadm -D -f " 7
comp_is "daemon: ipvsadm -d -t VIP -r <TAB> = that service's real servers" \
	"ipvsadm -d -t 10.9.9.1:80 -r " 10.9.8.1:80 10.9.8.2:8080
comp_is "daemon: the program as typed (a path) is asked" "$LVSD_BUILD/ipvsadm -E -t 10.9.9.2" 10.9.9.2:443
sock=$LVSD_SOCKET
export LVSD_SOCKET=$work/none.sock
comp_is "lvsd -S SOCK --show <TAB>: the socket on the line is asked" "lvsd -S $sock --show ip_vs_c" \
	ip_vs_conn ip_vs_conn_sync
lvsd_stop
echo "1..$_tap_n"
