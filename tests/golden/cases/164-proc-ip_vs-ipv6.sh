# 164-proc-ip_vs-ipv6: /proc/net/ip_vs of an IPv6 service
t 'ipvsadm -A -t [2001:db8::1]:443 -s mh -p 100 -M 64'
t 'ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -w 5'
t 'ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::11] -g'
t 'cat_proc ip_vs'
