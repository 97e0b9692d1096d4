# 208-fwmark6-dest-af: fwmark IPv6 service with IPv4 dests
t 'ipvsadm -A -f 1 -6 -s rr'
t 'ipvsadm -a -f 1 -6 -r 10.0.0.1 -m'
t 'ipvsadm -a -f 1 -6 -r 10.0.0.1 -i'
t 'ipvsadm -a -f 1 -6 -r [2001:db8::1]:8080 -g'
t 'ipvsadm -L -n --tun-info'
t 'ipvsadm -S -n'
