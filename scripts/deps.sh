#!/bin/bash
# Installs the Debian packages a target needs, only when some are missing.
#   scripts/deps.sh build|test|demo|bench|deb
set -eu
build_pkgs="build-essential pkg-config clang llvm libbpf-dev libxdp-dev libelf-dev zlib1g-dev
  libmnl-dev libcurl4-openssl-dev libmicrohttpd-dev libnftables-dev libcmocka-dev bpftool linux-libc-dev
  libpopt-dev"
run_pkgs="iproute2 iptables nftables curl netcat-openbsd socat busybox procps psmisc jq"
# everything a test runs, named even when another package pulls it in today:
# scapy for the raw-packet clients, ping (check_probes, dp_nat), openssl
# (check_probes' TLS server), ethtool (fastpath's offload toggles),
# systemd-analyze (install.sh), /usr/bin/time (ctlsock_limits.sh's
# peak RSS), and all that bench_smoke.sh's run of
# bench/run.sh --smoke uses (haproxy, wrk, iperf3, nginx, gnuplot)
# jq and chromium: http_status.sh reads /status.json and loads the status page
# promtool, prometheus, node_exporter and jq (metrics.sh)
test_pkgs="libclang-rt-dev net-tools python3 python3-scapy ldirectord keepalived iputils-ping openssl ethtool systemd
  wrk iperf3 nginx-light haproxy gnuplot-nox jq chromium
  prometheus prometheus-node-exporter time"
bench_pkgs="haproxy nginx-light wrk iperf3 gnuplot-nox linux-perf ethtool"
# make deb: dpkg-buildpackage, dh and lintian; tests/ctl/deb.sh builds and
# checks the package, so `test` installs them too
deb_pkgs="dpkg-dev debhelper fakeroot lintian"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $run_pkgs $test_pkgs $deb_pkgs" ;;
demo) want="$build_pkgs $run_pkgs" ;;
bench) want="$build_pkgs $run_pkgs $test_pkgs $bench_pkgs" ;;
deb) want="$build_pkgs $deb_pkgs" ;;
*) echo "usage: $0 build|test|demo|bench|deb" >&2; exit 2 ;;
esac

missing=()
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/lvsd-update-stamp
if [ ! -e "$stamp" ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ]; then
	apt-get update -qq
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# services such as nginx/keepalived/ldirectord must not start on install:
# tests run their own instances in namespaces
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/lvsd-deps.log 2>&1 || {
	tail -20 /tmp/lvsd-deps.log >&2; exit 1; }
