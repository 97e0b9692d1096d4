# 181-edit-dest-fwmark: -e of fwmark dests
t 'ipvsadm -A -f 5 -s rr'
t 'ipvsadm -a -f 5 -r 10.0.1.1:8080 -m'
t 'ipvsadm -e -f 5 -r 10.0.1.1:8080 -g -w 3'
t 'ipvsadm -e -f 5 -r 10.0.1.1 -g -w 3'
t 'ipvsadm -L -n'
t 'ipvsadm -e -f 5 -r 10.0.1.1:8080 -i --tun-type gre --tun-csum'
t 'ipvsadm -L -n --tun-info'
