# 219-list-persistent-conn-fwmark: --persistent-conn listing of fwmark and IPv6
t 'ipvsadm -A -f 1 -s sh -b sh-fallback,sh-port -p 300'
t 'ipvsadm -a -f 1 -r 10.0.0.4 -i -w 5'
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr -p'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::2] -m'
t 'ipvsadm -L -n --persistent-conn'
t 'ipvsadm -L --persistent-conn'
