# 218-list-tun-info-v6: --tun-info with IPv6 tunnels
t 'ipvsadm -A -t [2001:db8::1]:80 -s rr'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::2] -i --tun-type gue --tun-port 5555 --tun-csum'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::3] -i --tun-type gre'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::4] -i'
t 'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::5] -m'
t 'ipvsadm -L -n --tun-info'
t 'ipvsadm -L --tun-info'
t 'ipvsadm -S -n'
