# 036-sched-flags-sh: sh-fallback / sh-port with sh
t 'ipvsadm -A -t 10.0.0.1:80 -s sh -b sh-fallback'
t 'ipvsadm -A -t 10.0.0.2:80 -s sh -b sh-port'
t 'ipvsadm -A -t 10.0.0.3:80 -s sh -b sh-fallback,sh-port'
t 'ipvsadm -A -t 10.0.0.4:80 -s sh -b flag-3'
t 'ipvsadm -A -t 10.0.0.5:80 -s sh -b flag-1,flag-2'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
