# 163-proc-ip_vs-fwmark: /proc/net/ip_vs of a fwmark service
t 'ipvsadm -A -f 300 -s sh -b sh-port -p 60'
t 'ipvsadm -a -f 300 -r 10.0.1.1 -m'
t 'ipvsadm -a -f 300 -r 10.0.1.2:8080 -i'
t 'cat_proc ip_vs'
