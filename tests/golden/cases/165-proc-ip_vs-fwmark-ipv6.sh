# 165-proc-ip_vs-fwmark-ipv6: /proc/net/ip_vs of an IPv6 fwmark service with ops
t 'ipvsadm -A -f 2 -6 -s lc -o'
t 'ipvsadm -a -f 2 -6 -r [2001:db8::10] -m'
t 'cat_proc ip_vs'
