#!/bin/bash
# tests/golden/capture.sh - (re)capture expected outputs from the REAL ipvsadm
# + kernel IPVS (Linux 6.1) in the reference VM, started by the runner
# $ORACLE_RUN.
#
#   tests/golden/capture.sh                 every case
#   tests/golden/capture.sh 012 030-foo     only these (number prefix or name)
#   tests/golden/capture.sh -n 70 ...       at most 70 cases per VM boot
#   tests/golden/capture.sh -c [CASE...]    check only: capture again and diff
#                                           against the stored files
#
# All selected cases run in as few VM boots as possible; before each case
# the VM is reset to an empty table (-C, sync daemons stopped, --set 900 120
# 300, -Z).  The VM's stdout is split on marker lines back into
# cases/NNN-topic.expected.  A case whose marker did not come back (VM
# watchdog) is reported and left untouched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
oracle=${ORACLE_RUN:-/work/shared/oracle/run}
per_boot=70
check=0
while [ $# -gt 0 ]; do
	case "$1" in
	-n) per_boot=$2; shift 2 ;;
	-c|--check) check=1; shift ;;
	*) break ;;
	esac
done

cases=()
if [ $# -eq 0 ]; then
	for f in "$here"/cases/*.sh; do cases+=("$f"); done
else
	for a in "$@"; do
		a=${a##*/}; a=${a%.sh}; a=${a%.expected}
		m=("$here"/cases/"$a"*.sh)
		[ -e "${m[0]}" ] || { echo "no case matches $a" >&2; exit 2; }
		cases+=("${m[@]}")
	done
fi

# drop duplicates (overlapping prefixes), keep the order
declare -A seen=()
uniq=()
for f in "${cases[@]}"; do [ -n "${seen[$f]:-}" ] || { seen[$f]=1; uniq+=("$f"); }; done
cases=("${uniq[@]}")

work=$(mktemp -d /tmp/lvsd-golden-cap.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/vm.sh" <<'VM'
#!/bin/sh
export GOLDEN_VM=1
G=/oracle/files/golden
reset() {
	ipvsadm -C
	ipvsadm --stop-daemon master
	ipvsadm --stop-daemon backup
	ipvsadm --set 900 120 300
	ipvsadm -Z
} >/dev/null 2>&1
for f in "$G"/cases/*.sh; do
	n=${f##*/}; n=${n%.sh}
	reset
	GT=$(mktemp -d /tmp/gt.XXXXXX); export GT
	echo "@@@GOLDEN-CASE $n"
	( cd "$GT" && . "$G/prelude.sh" && . "$f" ) 2>&1
	echo "@@@GOLDEN-END $n rc=$?"
	rm -rf "$GT"
done
VM

rc_all=0
i=0
while [ $i -lt ${#cases[@]} ]; do
	batch=("${cases[@]:$i:$per_boot}")
	i=$((i + per_boot))
	rm -rf "$work/golden" && mkdir -p "$work/golden/cases"
	cp "$here/prelude.sh" "$work/golden/"
	cp "${batch[@]}" "$work/golden/cases/"
	secs=$((120 + ${#batch[@]} * 6))
	echo "capturing ${#batch[@]} cases (VM limit ${secs}s)..." >&2
	"$oracle" -t "$secs" "$work/vm.sh" "$work/golden" >"$work/out" 2>"$work/err"
	vrc=$?
	if [ -s "$work/err" ]; then echo "VM stderr:" >&2; cat "$work/err" >&2; fi
	[ $vrc -eq 0 ] || { echo "VM exit status $vrc" >&2; rc_all=1; }
	mkdir -p "$work/split"
	# split: lines between @@@GOLDEN-CASE n and @@@GOLDEN-END n
	awk -v dir="$work/split" '
		/^@@@GOLDEN-CASE / { name = $2; file = dir "/" name ".expected"; next }
		/^@@@GOLDEN-END / { close(file); print name > (dir "/done"); name = ""; next }
		name != "" { print > file }
	' "$work/out"
	for f in "${batch[@]}"; do
		n=$(basename "$f" .sh)
		if grep -qx "$n" "$work/split/done" 2>/dev/null; then
			[ -f "$work/split/$n.expected" ] || : >"$work/split/$n.expected"
			if [ $check = 1 ]; then
				if ! diff -u "$here/cases/$n.expected" "$work/split/$n.expected" >&2; then
					echo "case $n: the oracle now answers differently" >&2
					rc_all=1
				fi
			else
				cp "$work/split/$n.expected" "$here/cases/$n.expected"
			fi
		else
			echo "case $n: no complete output from the VM" >&2
			rc_all=1
		fi
	done
	rm -rf "$work/split"
done
echo "$([ $check = 1 ] && echo checked || echo captured) ${#cases[@]} case(s)" >&2
exit $rc_all
