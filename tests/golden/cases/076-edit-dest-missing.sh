# 076-edit-dest-missing: -e of missing dests and services
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -e -t 10.0.0.1:80 -m'
t 'ipvsadm -e -r 10.0.1.1 -m'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -w -1'
t 'ipvsadm -L -n'
