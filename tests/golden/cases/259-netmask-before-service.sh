# 259-netmask-before-service: -M before -t: parsed as IPv4 even for IPv6 services
t 'ipvsadm -A -M 64 -t [2001:db8::1]:80 -p'
t 'ipvsadm -A -M 255.255.255.0 -t [2001:db8::2]:80 -p'
t 'ipvsadm -A -f 1 -6 -p -M 255.255.255.0'
t 'ipvsadm -A -f 2 -p -M 64 -6'
t 'ipvsadm -A -f 3 -6 -p -M 64'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
