# 162-proc-ip_vs-persistent-ops: /proc/net/ip_vs: persistence in jiffies, mask, ops
t 'ipvsadm -A -u 10.0.0.1:53 -s wrr -p 360 -M 255.255.255.0 -o'
t 'ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.1 -g -w 2'
t 'ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.2 -i'
t 'cat_proc ip_vs'
