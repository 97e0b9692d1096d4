#!/bin/bash
# The LVS course's health-check homework, run unchanged against lvsd's
# ipvsadm: a bash loop that curls each real server's index.html, removes a
# server with `ipvsadm -d -f $fwm -r RS` after three failed checks and adds
# it back with `ipvsadm -a -f $fwm -r RS $lvstype -w W` when it answers
# again.  The service is a firewall-mark NAT service fed by the user's own
# iptables mark rule, as the course sets it up.  The course prints the
# script with its line breaks lost and its words capitalised by a
# translator; below it is laid out again with the addresses of this lab,
# `$fwm` (set by the script) where the translation says `$FWM`, and `-m`
# (masquerading) where it says `-M` (a netmask option: ipvsadm refuses the
# line, on the kernel too, see golden case 275).
#
# The homework's second job is a sorry server on the director itself (a
# real server local to the director) while every real server is down.
. "$(dirname "$0")/../lib/common.sh"
DP_SUITE=hw
. "$(dirname "$0")/dp-lib.sh"
. "$(dirname "$0")/course-lib.sh"

lab_nat "$DP_P" || { tap_fail "NAT lab setup"; exit 1; }
web_up 1 "RS1 Real server $LAB_RS1" && web_up 2 "RS2 Real server $LAB_RS2" ||
	{ tap_fail "web servers on the real servers"; exit 1; }

cat >"$LAB_TMP/ipvs_health_check.sh" <<EOF
#!/bin/bash
#
fwm=10
sorry_server='127.0.0.1'
lvstype='-m'
checkloop=3 # cycle times
logfile=/var/log/ipvs_health_check.log
rs=('$LAB_RS1' '$LAB_RS2')
rw=('1' '1') # define weight
rsstatus=(0 0) # define initial state
EOF
cat >>"$LAB_TMP/ipvs_health_check.sh" <<'EOF'
addrs() { # $1: rs, $2: rs weight
	ipvsadm -a -f $fwm -r $1 $lvstype -w $2
	[ $? -eq 0 ] && return 0 || return 1
}

delrs() { # $1: rs
	ipvsadm -d -f $fwm -r $1
	[ $? -eq 0 ] && return 0 || return 1
}

chkrs() { # $1: rs
	local i=1
	while [ $i -le $checkloop ]; do
		if curl --connect-timeout 1 -s http://$1/index.html | grep -i "Real[[:space:]]*server" &> /dev/null; then
			return 0
		fi
		let i++
		sleep 2 # Hibernate 2s
	done
	return 1
}

initstatus() {
	for host in `seq 0 $[${#rs[@]}-1]`; do
		if chkrs ${rs[$host]}; then
			if [ ${rsstatus[$host]} -eq 0 ]; then
				rsstatus[$host]=1
			fi
		else
			if [ ${rstatus[$host]} -eq 1 ]; then
				rsstatus[$host]=0
			fi
		fi
	done
}

initstatus
while :; do
	for host in `seq 0 $[${#rs[@]}-1]`; do
		if chkrs ${rs[$host]}; then
			if [ ${rsstatus[$host]} -eq 0 ]; then
				addrs ${rs[$host]} ${rw[$host]}
				[ $? -eq 0 ] && rsstatus[$host]=1
			fi
		else
			if [ ${rsstatus[$host]} -eq 1 ]; then
				delrs ${rs[$host]}
				[ $? -eq 0 ] && rsstatus[$host]=0
			fi
		fi
	done
	sleep 10
done
EOF

# the course's set-up: mark rule, FWM service, both real servers in
ind iptables -t mangle -A PREROUTING -d "$LAB_VIP" -p tcp --dport 80 -j MARK --set-mark 10
dp_lvsd -b afpacket -w 2 || { tap_fail "lvsd starts in the director namespace"; exit 1; }
tap_ok "lvsd starts (AF_PACKET, 2 workers)"
ipv -A -f 10 -s rr
ipv -a -f 10 -r "$LAB_RS1" -m -w 1
ipv -a -f 10 -r "$LAB_RS2" -m -w 1

# rs_in ADDR: ADDR is a destination of FWM 10 (Masq, weight 1)
rs_in() { ipv -L -n | grep -qE "^  -> $1:0 +Masq +1 "; }
rs_out() { ! ipv -L -n | grep -q " $1:0 "; }

ind env PATH="$LVSD_BUILD:$PATH" LVSD_SOCKET="$LVSD_SOCKET" \
	bash "$LAB_TMP/ipvs_health_check.sh" >"$LAB_TMP/hc.out" 2>"$LAB_TMP/hc.err" &
hc_pid=$!
LAB_PIDS+=("$hc_pid")

r=$(curls 4 "http://$LAB_VIP/" | awk '{ print $1 }' | tally)
tcheck "both real servers serve the marked VIP:80 (rr 2+2)" 'echo "$r"' test "$r" = "RS1=2 RS2=2 "

# RS1's web server stops: three failed checks (3 x 2 s) within one 10 s round
web_down 1
t0=$SECONDS
tcheck "RS1 down: the script removes it with ipvsadm -d (within 30 s)" 'ipv -L -n; cat "$LAB_TMP/hc.err"' \
	wait_for 30 rs_out "$LAB_RS1"
echo "# removed after $((SECONDS - t0)) s"
tap_check "RS2 stays in" rs_in "$LAB_RS2"
r=$(curls 4 "http://$LAB_VIP/" | awk '{ print $1 }' | tally)
tcheck "with RS1 out every request goes to RS2, none fails" 'echo "$r"' test "$r" = "RS2=4 "

# RS1 comes back: one good check adds it again with its weight
web_up 1 "RS1 Real server $LAB_RS1"
t0=$SECONDS
tcheck "RS1 back: the script adds it with ipvsadm -a ... -m -w 1 (within 30 s)" 'ipv -L -n; cat "$LAB_TMP/hc.err"' \
	wait_for 30 rs_in "$LAB_RS1"
echo "# added after $((SECONDS - t0)) s"
r=$(curls 4 "http://$LAB_VIP/" | awk '{ print $1 }' | tally)
tcheck "RS1 serves again (2+2)" 'echo "$r"' test "$r" = "RS1=2 RS2=2 "
tcheck "the script's ipvsadm calls printed no error" 'cat "$LAB_TMP/hc.out" "$LAB_TMP/hc.err"' \
	test ! -s "$LAB_TMP/hc.err" -a ! -s "$LAB_TMP/hc.out"
kill "$hc_pid" 2>/dev/null
wait "$hc_pid" 2>/dev/null

# job (2): the sorry server 127.0.0.1 (a web server on the director) in
# place of the real servers while all of them are down
mkdir -p "$LAB_TMP/sorry"
echo "Sorry server" >"$LAB_TMP/sorry/index.html"
ind busybox httpd -f -p 80 -h "$LAB_TMP/sorry" &
LAB_PIDS+=("$!")
ipv -d -f 10 -r "$LAB_RS1"
ipv -d -f 10 -r "$LAB_RS2"
ipv -a -f 10 -r 127.0.0.1 -m -w 1
r=$(curls 2 "http://$LAB_VIP/" | tally)
tcheck "all real servers out: the sorry server on the director answers" 'echo "$r"; ipv -L -n' test "$r" = "Sorry=2 "

tap_check "lvsd exits cleanly (no crash, no sanitizer report)" dp_lvsd_stop
