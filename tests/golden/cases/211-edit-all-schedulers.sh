# 211-edit-all-schedulers: -E through every scheduler
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'for s in wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh rr; do ipvsadm -E -t 10.0.0.1:80 -s $s && ipvsadm -L -n -t 10.0.0.1:80 | tail -n 2; done'
t 'ipvsadm -E -t 10.0.0.1:80 -s bogus'
t 'ipvsadm -L -n'
