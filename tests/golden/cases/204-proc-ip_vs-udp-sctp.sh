# 204-proc-ip_vs-udp-sctp: /proc/net/ip_vs protocol names UDP and SCTP
t 'ipvsadm -A --sctp-service 10.0.0.1:3868 -s nq'
t 'ipvsadm -a --sctp-service 10.0.0.1:3868 -r 10.0.1.1 -m -w 65535'
t 'cat_proc ip_vs'
t 'ipvsadm -C'
t 'ipvsadm -A -u 192.168.0.1:5353 -s sed -o'
t 'ipvsadm -a -u 192.168.0.1:5353 -r 10.0.1.1 -i --tun-type gue --tun-port 1'
t 'cat_proc ip_vs'
