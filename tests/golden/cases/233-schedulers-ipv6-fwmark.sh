# 233-schedulers-ipv6-fwmark: every scheduler on IPv6 and fwmark IPv6 services
t 'for s in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh; do ipvsadm -A -t [2001:db8::1]:80 -s $s && ipvsadm -A -f 6 -6 -s $s && ipvsadm -S -n; ipvsadm -C; done'
