# 251-ipv6-dest-in-ipv4-fwmark: fwmark IPv4 service with IPv6 dests
t 'ipvsadm -A -f 10 -s rr'
t 'ipvsadm -a -f 10 -r [2001:db8::1] -m'
t 'ipvsadm -a -f 10 -r [2001:db8::1]:80 -i'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
