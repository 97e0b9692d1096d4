# 189-weight-zero-sched: weight-0 dests stay listed; -e back to weight 1
t 'ipvsadm -A -t 10.0.0.1:80 -s wrr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 0'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -m -w 0'
t 'ipvsadm -L -n'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
