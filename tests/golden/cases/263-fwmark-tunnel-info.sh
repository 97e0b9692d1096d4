# 263-fwmark-tunnel-info: --tun-info for fwmark tunnel dests
t 'ipvsadm -A -f 12 -s rr'
t 'ipvsadm -a -f 12 -r 10.0.1.1 -i --tun-type gue --tun-port 7777 --tun-nocsum'
t 'ipvsadm -a -f 12 -r 10.0.1.2:99 -i --tun-type gre --tun-csum'
t 'ipvsadm -L -n --tun-info'
t 'ipvsadm -L --tun-info'
t 'ipvsadm -S'
