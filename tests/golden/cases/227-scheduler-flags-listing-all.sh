# 227-scheduler-flags-listing-all: flags shown for every scheduler
t 'for s in rr wrr lc wlc lblc lblcr dh sed nq fo ovf; do ipvsadm -A -f 1 -s $s -b flag-1,flag-3 && ipvsadm -L -n | tail -n 1; ipvsadm -D -f 1; done'
t 'ipvsadm -A -f 1 -s sh -b flag-3,sh-port && ipvsadm -S -n'
