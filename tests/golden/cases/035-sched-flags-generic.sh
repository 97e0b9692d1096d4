# 035-sched-flags-generic: flag-1..3 on any scheduler
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -b flag-1'
t 'ipvsadm -A -t 10.0.0.2:80 -s wrr -b flag-2,flag-3'
t 'ipvsadm -A -t 10.0.0.3:80 -b flag-1,flag-2,flag-3'
t 'ipvsadm -A -t 10.0.0.4:80 -s lc -b flag-3,flag-1'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
