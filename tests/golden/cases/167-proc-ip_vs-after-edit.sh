# 167-proc-ip_vs-after-edit: /proc/net/ip_vs after -E and -e
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p 30'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2'
t 'ipvsadm -E -t 10.0.0.1:80 -s wlc'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m -w 7'
t 'cat_proc ip_vs'
t 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.1'
t 'cat_proc ip_vs'
