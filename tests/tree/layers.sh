#!/bin/bash
# Checks src/'s include graph against its layers: a file may include
# headers of its own directory tree or of a lower layer, never of a peer or
# of a layer above.  The layers, lowest first (docs/ARCHITECTURE.md draws
# the same picture):
#
#   0 lib                        base: depends on nothing
#   1 core                       pure LVS logic (no I/O)
#   2 ctl config                 control protocol, configuration parsers
#   3 host                       the interface the daemon offers modules
#   4 check sync datapath http   modules (peers: they never include each other)
#   5 daemon cli                 the programs
#
# Prints one TAP line per source directory and "ok"/"not ok" for the whole.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top/src" || exit 1

declare -A rank=([lib]=0 [core]=1 [ctl]=2 [config]=2 [host]=3 [check]=4 [sync]=4 [datapath]=4 [http]=4 [daemon]=5 [cli]=5)

# violations DIR: prints one line per include of DIR (run inside a src
# tree) that points at a peer or a higher layer, or resolves nowhere
violations() {
	local dir=$1 line file inc fdir target tdir
	if [ -z "${rank[$dir]+x}" ]; then
		echo "src/$dir is not in any layer (add it to tests/tree/layers.sh and the architecture map)"
		return
	fi
	while IFS= read -r line; do
		file=${line%%:*}
		inc=${line#*:}
		inc=${inc#*\"}
		inc=${inc%%\"*}
		# resolve the include as the compiler would: beside the file, then -Isrc
		fdir=$(dirname "$file")
		if [ -e "$fdir/$inc" ]; then
			target=$(realpath -m --relative-to=. "$fdir/$inc")
		elif [ -e "$inc" ]; then
			target=$inc
		else
			echo "$file: #include \"$inc\" does not resolve"
			continue
		fi
		tdir=${target%%/*}
		[ "$tdir" = "$dir" ] && continue
		if [ -z "${rank[$tdir]+x}" ]; then
			echo "$file includes $target outside every layer"
		elif [ "${rank[$tdir]}" -ge "${rank[$dir]}" ]; then
			echo "$file (layer ${rank[$dir]} $dir) includes $target (layer ${rank[$tdir]} $tdir)"
		fi
	done < <(grep -rHo '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' "$dir" --include='*.c' --include='*.h')
}

n=0 bad=0
for dir in $(ls -d */ | tr -d /); do
	n=$((n + 1))
	errs=$(violations "$dir")
	if [ -z "$errs" ]; then
		echo "ok $n - src/$dir includes only its own and lower layers"
	else
		echo "not ok $n - src/$dir has back-edges or peer edges:"
		echo "$errs" | sed 's/^/#   /'
		bad=$((bad + 1))
	fi
done

# the check itself must be able to fail: planted back and peer edges are caught
tmp=$(mktemp -d)
mkdir -p "$tmp/lib" "$tmp/core" "$tmp/sync" "$tmp/datapath"
printf '#include "core/x.h"\n' >"$tmp/lib/a.c"
printf '#include "datapath/y.h"\n' >"$tmp/sync/b.c"
: >"$tmp/core/x.h"
: >"$tmp/datapath/y.h"
for d in lib sync; do
	n=$((n + 1))
	if [ -n "$(cd "$tmp" && violations "$d")" ]; then
		echo "ok $n - a planted edge out of $d is reported"
	else
		echo "not ok $n - the scan missed a planted edge out of $d"
		bad=$((bad + 1))
	fi
done
rm -rf "$tmp"
echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
