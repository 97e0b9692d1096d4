# 180-edit-dest-ipv6: -e of IPv6 dests
t 'ipvsadm -A -t [2001:db8::1]:80 -s wrr'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 2'
t 'ipvsadm -e -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 5 -x 10'
t 'ipvsadm -e -t [2001:db8::1]:80 -r [2001:db8::10]:8081 -m -w 5'
t 'ipvsadm -e -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -g'
t 'ipvsadm -L -n --thresholds'
t 'ipvsadm -L -n'
