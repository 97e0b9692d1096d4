# 182-edit-service-fwmark-v6: -E of fwmark and IPv6 services
t 'ipvsadm -A -f 5 -6 -s rr'
t 'ipvsadm -E -f 5 -6 -s wrr -p 10 -M 56'
t 'ipvsadm -E -f 5 -s lc'
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr'
t 'ipvsadm -E -t [2001:db8::1]:80 -s sh -b sh-port -p 20'
t 'ipvsadm -L -n'
t 'ipvsadm -E -t [2001:db8::1]:80 -p 20 -M 64'
t 'ipvsadm -L -n'
