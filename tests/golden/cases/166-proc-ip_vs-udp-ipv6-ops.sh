# 166-proc-ip_vs-udp-ipv6-ops: /proc/net/ip_vs: IPv6 service has no ops field
t 'ipvsadm -A -u [2001:db8::1]:53 -s rr -o'
t 'ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8::2] -m'
t 'cat_proc ip_vs'
