#!/bin/bash
# tools/ci/fresh-root.sh - runs a command the way a brand-new Debian 12 machine
# meets the project: in a freshly bootstrapped bookworm root (debootstrap
# --variant=minbase, then only make, git and ca-certificates, as the README
# asks) holding a clean clone of the committed HEAD.  Nothing installed on this
# machine by hand is visible there, so a package the project's own scripts do
# not install makes the command fail here instead of on a user's machine.
#
#   tools/ci/fresh-root.sh [-C REPO] [--rebuild] [-- 'COMMAND']
#       default COMMAND: make test;  REPO: the checkout holding this script
#
# The bootstrapped root is cached as a tarball in /var/tmp (rebuilt when older
# than LVSD_FRESH_MAX_AGE days, default 30, or with --rebuild); each run unpacks
# a new copy.  The command runs as root under chroot in private mount and PID
# namespaces with /proc, /sys, /dev and an empty /run and /tmp; it shares this
# machine's network namespace (apt needs the network; tests make their labs in
# namespaces of their own).  On exit, however it ends, every process of the run
# is killed (it is the PID namespace's init that dies), its mounts go with the
# mount namespace, and the copied root is removed.  A copy of ../shared beside
# REPO, when there is one, is put beside the clone (/work/shared) as CI has it.
#
# Exit status: the command's; 2 when the fresh root cannot be made (no
# debootstrap, no mirror): it never falls back to running on this machine.
set -u
me=fresh-root
die() { echo "$me: $*" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
rebuild=0
while [ $# -gt 0 ]; do
	case "$1" in
	-C) repo=$2; shift 2 ;;
	--rebuild) rebuild=1; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
cmd=${*:-make test}
repo=$(cd "$repo" 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null) || die "$repo: not a git checkout"
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, namespaces)"

mirror=${LVSD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# the recipe's version is in the name, so changing the recipe below makes a new cache
cache=/var/tmp/lvsd-fresh-bookworm-v1.tar
max_age=${LVSD_FRESH_MAX_AGE:-30}

if ! command -v debootstrap >/dev/null; then
	echo "$me: installing debootstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq debootstrap >/dev/null; } ||
		die "cannot install debootstrap: no fresh root, not running '$cmd'"
fi

build_cache() {
	local b log
	b=$(mktemp -d /var/tmp/lvsd-fresh-build.XXXXXX) || return 1
	log=$b.log
	echo "$me: bootstrapping a minimal Debian 12 root from $mirror (once, 1-3 min)"
	if ! debootstrap --variant=minbase bookworm "$b" "$mirror" >"$log" 2>&1; then
		tail -5 "$log" >&2; rm -rf --one-file-system "$b" "$log"; return 1
	fi
	# the sources apt will use inside: this machine's Debian sources when it
	# has them (its mirror works), else the bootstrap mirror
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		cp /etc/apt/sources.list.d/debian.sources "$b/etc/apt/sources.list.d/" && rm -f "$b/etc/apt/sources.list"
	fi
	cp /etc/resolv.conf "$b/etc/resolv.conf" 2>/dev/null
	# only what the README's reader is told to have; apt's lists and archives
	# are then dropped, as on a new machine that has never run apt-get update
	if ! chroot "$b" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make git ca-certificates && apt-get clean && rm -rf /var/lib/apt/lists/*' >>"$log" 2>&1; then
		tail -5 "$log" >&2; rm -rf --one-file-system "$b" "$log"; return 1
	fi
	: >"$b/etc/resolv.conf"
	tar -C "$b" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
	local rc=$?
	rm -rf --one-file-system "$b" "$log"
	return $rc
}

# one builder at a time; the others wait for its tarball
exec 9>"$cache.lock"
flock 9
if [ "$rebuild" = 1 ] || [ ! -s "$cache" ] || [ -n "$(find "$cache" -mtime +"$max_age" 2>/dev/null)" ]; then
	build_cache || die "cannot bootstrap a Debian 12 root (debootstrap from $mirror failed): no fresh root, not running '$cmd'"
fi
flock -u 9; exec 9>&-

root=$(mktemp -d /var/tmp/lvsd-fresh-root.XXXXXX) || die "mktemp failed"
child=
cleanup() {
	trap - EXIT INT TERM HUP
	# the PID namespace's init is unshare's child: killing unshare kills it
	# (--kill-child) and with it every process of the run
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null && wait "$child" 2>/dev/null
	local p
	for p in /proc/[0-9]*; do	# anything that still has the copy as its root
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	# the mounts were made in the private namespace and went with it; an
	# escaped one would make rm cross into /sys or /dev, so unmount first
	local m
	for m in $(awk -v r="$root" 'index($2, r "/") == 1 || $2 == r {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP

tar -C "$root" -xf "$cache" || die "cannot unpack $cache"
chmod 755 "$root"	# as a real / is (mktemp made it 0700): test users traverse it
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
mkdir -p "$root/work"
git clone -q "$repo" "$root/work/project" || die "cannot clone $repo"
if [ -d "$repo/../shared" ]; then
	cp -a "$repo/../shared" "$root/work/shared"
fi

echo "$me: running '$cmd' in a fresh Debian 12 root ($root from $cache, $(git -C "$repo" rev-parse --short HEAD) cloned to /work/project)"
unshare --mount --pid --fork --kill-child --propagation private /bin/bash -c '
	r=$1; shift
	# the root is a mount point of its own so that `ip netns` (which
	# bind-mounts under /run/netns) works inside
	mount --bind "$r" "$r" &&
	mount -t proc proc "$r/proc" &&
	mount --rbind /sys "$r/sys" &&
	mount --rbind /dev "$r/dev" &&
	mount -t tmpfs -o mode=755 tmpfs "$r/run" &&
	mount -t tmpfs -o mode=1777 tmpfs "$r/tmp" || exit 2
	mkdir -p "$r/run/lock" && chmod 1777 "$r/run/lock"
	exec chroot "$r" /usr/bin/env -i HOME=/root \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		TERM=dumb LANG=C.UTF-8 CI=true /bin/bash -c "cd /work/project && $1"
' fresh-root "$root" "$cmd" </dev/null &
child=$!
wait "$child"
rc=$?
child=
echo "$me: '$cmd' exited with status $rc"
exit $rc
