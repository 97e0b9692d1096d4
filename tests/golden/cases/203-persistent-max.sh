# 203-persistent-max: maximum persistence in -L, -S and /proc
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p 2678400 -M 255.255.255.128'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
t 'cat_proc ip_vs'
