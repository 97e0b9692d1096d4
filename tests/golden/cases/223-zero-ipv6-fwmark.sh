# 223-zero-ipv6-fwmark: -Z of IPv6 and fwmark IPv6 services
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr'
t 'ipvsadm -A -f 4 -6 -s rr'
t 'ipvsadm -Z -t [2001:db8::1]:80'
t 'ipvsadm -Z -t [2001:db8::2]:80'
t 'ipvsadm -Z -f 4 -6'
t 'ipvsadm -Z -f 4'
t 'ipvsadm -L -n --stats'
