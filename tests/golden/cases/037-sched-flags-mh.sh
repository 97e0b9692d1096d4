# 037-sched-flags-mh: mh-fallback / mh-port with mh
t 'ipvsadm -A -t 10.0.0.1:80 -s mh -b mh-fallback'
t 'ipvsadm -A -t 10.0.0.2:80 -s mh -b mh-port'
t 'ipvsadm -A -t 10.0.0.3:80 -s mh -b mh-port,mh-fallback'
t 'ipvsadm -A -t 10.0.0.4:80 -s mh -b flag-3'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
