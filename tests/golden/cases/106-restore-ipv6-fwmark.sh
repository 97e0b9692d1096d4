# 106-restore-ipv6-fwmark: -R with IPv6 and fwmark lines
ti 'ipvsadm -R' '-A -t [2001:db8::1]:80 -s rr
-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -m -w 1
-A -f 1 -6 -s wrr
-a -f 1 -6 -r [2001:db8::11]:0 -g -w 1
-A -f 2 -s rr -p 60 -M 255.255.0.0
'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
