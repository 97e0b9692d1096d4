# 169-proc-ip_vs-zero-port: /proc/net/ip_vs of a port-0 persistent service
t 'ipvsadm -A -t 10.0.0.1 -s lblc -p 2678400 -M 0.0.0.0'
t 'ipvsadm -a -t 10.0.0.1 -r 10.0.1.1 -g'
t 'cat_proc ip_vs'
t 'ipvsadm -Z'
t 'cat_proc ip_vs_stats'
