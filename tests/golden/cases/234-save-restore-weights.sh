# 234-save-restore-weights: extreme weights survive save and restore
t 'ipvsadm -A -t 10.0.0.1:80 -s wrr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 0'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -m -w 2147483647'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -m -w 65536'
t 'ipvsadm -S -n > s'
t 'ipvsadm -C; ipvsadm -R < s; ipvsadm -S -n'
