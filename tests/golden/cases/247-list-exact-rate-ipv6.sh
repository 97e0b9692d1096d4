# 247-list-exact-rate-ipv6: --exact with IPv6 and fwmark rate views
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::2] -m'
t 'ipvsadm -A -f 3 -6 -s rr'
t 'ipvsadm -L -n --rate --exact'
t 'ipvsadm -L -n --stats -X'
t 'ipvsadm -L --stats -X'
