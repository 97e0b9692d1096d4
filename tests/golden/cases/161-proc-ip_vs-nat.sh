# 161-proc-ip_vs-nat: /proc/net/ip_vs with one NAT service (dests newest first)
t 'ipvsadm -A -t 172.20.0.24:80 -s rr'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.16 -m'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.8 -m -w 3'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.9:8080 -m -w 0'
t 'cat_proc ip_vs'
t 'cat_proc ip_vs_stats'
