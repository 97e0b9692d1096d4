#!/bin/sh
# A kernel 6.1 IPVS backup receives the message lvsd's encoder produces.
# msg.bin is the 44 bytes tests/unit/test_sync_wire.c (test_v1_exact_bytes)
# requires from sync_msg_add/finish; kernel-backup.expected is what
#   $ORACLE_RUN tests/golden/sync/kernel-backup.sh tests/golden/sync/msg.bin
# printed in the reference VM of capture.sh (not needed to run the tests).
exec 2>&1
ip netns add bk
ip link add s0 type veth peer name eth0 netns bk
ip addr add 10.9.0.1/24 dev s0; ip link set s0 up
ip -n bk addr add 10.9.0.2/24 dev eth0; ip -n bk link set eth0 up; ip -n bk link set lo up
ip netns exec bk ipvsadm -A -t 172.20.0.24:80 -s rr
ip netns exec bk ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.16 -g
ip netns exec bk ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7
sleep 1
ip route add 224.0.0.0/4 dev s0
bash -c "cat msg.bin > /dev/udp/224.0.0.81/8848"
sleep 1
ip netns exec bk ipvsadm -L -n -c
ip netns exec bk cat /proc/net/ip_vs_conn_sync
ip netns exec bk ipvsadm -L -n
