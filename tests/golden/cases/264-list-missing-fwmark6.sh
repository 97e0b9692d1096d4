# 264-list-missing-fwmark6: listing and zeroing missing fwmark IPv6 services
t 'ipvsadm -A -f 1 -s rr'
t 'ipvsadm -L -n -f 1 -6'
t 'ipvsadm -Z -f 1 -6'
t 'ipvsadm -E -f 1 -6 -s rr'
t 'ipvsadm -D -f 1 -6'
t 'ipvsadm -a -f 1 -6 -r [2001:db8::1] -m'
t 'ipvsadm -L -n'
