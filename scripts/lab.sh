# scripts/lab.sh - build the seeds' LVS labs in network namespaces (source it).
#
#   lab_nat P    LVS-NAT: client 172.20.0.100 --- director (VIP 172.20.0.24 on
#                its client side, DIP 192.168.1.1) --- switch --- RS1 192.168.1.16,
#                RS2 192.168.1.8 (default gw = DIP)
#   lab_lan P    LVS-DR / LVS-TUN: one LAN 192.168.1.0/24 (switch) with the
#                director (DIP 192.168.1.1 + VIP 172.20.0.24/32 on the same NIC,
#                like lvs_dr_vs.sh), RS1 .16, RS2 .8 and a router .254 that
#                connects the client net 172.20.0.0/16 (client 172.20.0.100,
#                router 172.20.0.1) and routes the VIP to the director.  Real
#                servers reply straight to the client through the router.
#   lab_rs_dr P  on each RS: VIP on lo, arp_ignore=1 / arp_announce=2 (lvs_dr_rs.sh)
#   lab_rs_tun P TYPE [PORT]  on each RS: VIP on lo + lvs-decap (ipip|gue|gre)
#   lab_web P    an HTTP server on each RS whose page names the RS
#   lab_down P   kill every process in the lab's namespaces, delete them
#
# Namespaces are named ${P}c (client), ${P}d (director), ${P}sw (switch),
# ${P}rt (router), ${P}rs1, ${P}rs2; lab_down also removes ${P}d2 (a second
# director some tests add).  Nothing is added to the root namespace.
: "${LVSD_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

LAB_VIP=172.20.0.24
LAB_CIP=172.20.0.100
LAB_DIP=192.168.1.1
LAB_RS1=192.168.1.16
LAB_RS2=192.168.1.8

_lab_ns() { ip netns add "$1" && ip -n "$1" link set lo up; }

# _lab_link NS1 IF1 NS2 IF2: a veth pair between two namespaces
_lab_link() { ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up; }

_lab_switch() {
	local P=$1
	_lab_ns "${P}sw" || return 1
	ip -n "${P}sw" link add br0 type bridge && ip -n "${P}sw" link set br0 up
}
# _lab_port P NS IF: connect NS's IF to the switch
_lab_port() {
	local P=$1 ns=$2 ifn=$3 port="p$(( ${#_lab_ports[@]} + 1 ))"
	_lab_ports+=("$port")
	_lab_link "$ns" "$ifn" "${P}sw" "$port" && ip -n "${P}sw" link set "$port" master br0
}

_lab_rs() {
	local P=$1 n=$2 addr=$3 gw=$4
	_lab_ns "${P}rs$n" || return 1
	_lab_port "$P" "${P}rs$n" eth0 || return 1
	ip -n "${P}rs$n" addr add "$addr/24" dev eth0
	ip -n "${P}rs$n" route add default via "$gw"
	ip netns exec "${P}rs$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

lab_nat() {
	local P=$1
	_lab_ports=()
	_lab_ns "${P}c" && _lab_ns "${P}d" && _lab_switch "$P" || return 1
	_lab_link "${P}c" eth0 "${P}d" eth0 || return 1
	ip -n "${P}c" addr add "$LAB_CIP/16" dev eth0
	ip -n "${P}d" addr add "$LAB_VIP/16" dev eth0
	_lab_port "$P" "${P}d" eth1 || return 1
	ip -n "${P}d" addr add "$LAB_DIP/24" dev eth1
	_lab_rs "$P" 1 "$LAB_RS1" "$LAB_DIP" && _lab_rs "$P" 2 "$LAB_RS2" "$LAB_DIP"
}

lab_lan() {
	local P=$1
	_lab_ports=()
	_lab_ns "${P}c" && _lab_ns "${P}rt" && _lab_ns "${P}d" && _lab_switch "$P" || return 1
	_lab_link "${P}c" eth0 "${P}rt" eth0 || return 1
	ip -n "${P}c" addr add "$LAB_CIP/16" dev eth0
	ip -n "${P}c" route add default via 172.20.0.1
	# the VIP is inside the client's /16 but lives behind the router
	ip -n "${P}c" route add "$LAB_VIP/32" via 172.20.0.1
	ip -n "${P}rt" addr add 172.20.0.1/16 dev eth0
	_lab_port "$P" "${P}rt" eth1 || return 1
	ip -n "${P}rt" addr add 192.168.1.254/24 dev eth1
	ip -n "${P}rt" route add "$LAB_VIP/32" via "$LAB_DIP"
	ip netns exec "${P}rt" sysctl -qw net.ipv4.ip_forward=1
	_lab_port "$P" "${P}d" eth0 || return 1
	ip -n "${P}d" addr add "$LAB_DIP/24" dev eth0
	ip -n "${P}d" addr add "$LAB_VIP/32" dev eth0
	ip -n "${P}d" route add default via 192.168.1.254
	_lab_rs "$P" 1 "$LAB_RS1" 192.168.1.254 && _lab_rs "$P" 2 "$LAB_RS2" 192.168.1.254
}

lab_rs_dr() {
	local P=$1 n
	for n in 1 2; do
		ip netns exec "${P}rs$n" sh -c "
			echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
			echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore
			echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
			echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce" &&
		ip -n "${P}rs$n" addr add "$LAB_VIP/32" dev lo label lo:1 || return 1
	done
}

# lab_rs_tun P TYPE [PORT]: decapsulator on each RS (needs $LVSD_BUILD/tools/lvs-decap)
lab_rs_tun() {
	local P=$1 type=$2 port=${3:-} n
	for n in 1 2; do
		ip -n "${P}rs$n" addr add "$LAB_VIP/32" dev lo label lo:1 || return 1
		ip netns exec "${P}rs$n" sh -c "
			echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
			echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce"
		ip netns exec "${P}rs$n" "$LVSD_BUILD/tools/lvs-decap" -t "$type" ${port:+-p "$port"} -d tunl0 \
			>"${LAB_TMP:-/tmp}/decap-$n.log" 2>&1 &
		LAB_PIDS+=("$!")
	done
	# wait for the tun devices
	for n in 1 2; do
		for _ in $(seq 50); do ip -n "${P}rs$n" link show tunl0 >/dev/null 2>&1 && break; sleep 0.1; done
		ip netns exec "${P}rs$n" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 2>/dev/null
	done
}

# lab_web P: busybox httpd on port 80 of each RS, page = "RSn <addr>"
lab_web() {
	local P=$1 n addr dir
	for n in 1 2; do
		addr=$LAB_RS1; [ "$n" = 2 ] && addr=$LAB_RS2
		dir="${LAB_TMP:-/tmp}/www$n"
		mkdir -p "$dir"
		echo "RS$n $addr" >"$dir/index.html"
		head -c 1048576 /dev/urandom >"$dir/1m.bin" 2>/dev/null
		ip netns exec "${P}rs$n" busybox httpd -f -p 80 -h "$dir" &
		LAB_PIDS+=("$!")
	done
	for n in 1 2; do
		addr=$LAB_RS1; [ "$n" = 2 ] && addr=$LAB_RS2
		for _ in $(seq 50); do
			ip netns exec "${P}rs$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/80" 2>/dev/null && break
			sleep 0.1
		done
	done
}

lab_down() {
	local P=$1 ns pid
	for pid in "${LAB_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for ns in c d d2 sw rt rs1 rs2; do
		ip netns list 2>/dev/null | grep -qw "^${P}$ns" || continue
		for pid in $(ip netns pids "${P}$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	done
	sleep 0.2
	for ns in c d d2 sw rt rs1 rs2; do
		for pid in $(ip netns pids "${P}$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "${P}$ns" 2>/dev/null
	done
	LAB_PIDS=()
}
