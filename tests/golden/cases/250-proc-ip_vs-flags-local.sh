# 250-proc-ip_vs-flags-local: /proc/net/ip_vs ignores sched flags; shows Tunnel and Route
t 'ipvsadm -A -t 10.0.0.1:80 -s mh -b mh-port,mh-fallback'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gre'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -g -w 0'
t 'cat_proc ip_vs'
t 'ipvsadm -L -n'
