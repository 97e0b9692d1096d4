# 187-dest-bare-ipv6: IPv6 dest without brackets
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr'
t 'ipvsadm -a -t [2001:db8::1]:80 -r 2001:db8::10 -m'
t 'ipvsadm -a -t [2001:db8::1]:80 -r 2001:db8::11 -g'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::12] -m'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::13]: -m'
t 'ipvsadm -L -n'
