# 202-fwmark-no-port-check: fwmark services need no port; OPS with port 0
t 'ipvsadm -A -f 1'
t 'ipvsadm -A -u 10.0.0.1:0 -o'
t 'ipvsadm -A -u 10.0.0.1 -o -p'
t 'ipvsadm -A -t 10.0.0.1 -o -p'
t 'ipvsadm -L -n'
