# 159-list-exact-plain: --exact without stats changes nothing
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -L -n --exact'
t 'ipvsadm -L -n -X'
t 'ipvsadm -L -n -X --thresholds'
t 'ipvsadm -L -X'
