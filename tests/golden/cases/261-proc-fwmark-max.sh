# 261-proc-fwmark-max: /proc/net/ip_vs with the largest fwmark
t 'ipvsadm -A -f 4294967295 -s rr -o'
t 'ipvsadm -a -f 4294967295 -r 10.0.1.1 -m'
t 'cat_proc ip_vs'
t 'ipvsadm -L -n'
