# 192-list-missing-service: listing a missing service exits 1
t 'ipvsadm -L -t 10.0.0.1:80'
t 'ipvsadm -L -n -u 10.0.0.1:53'
t 'ipvsadm -L -n -f 9'
t 'ipvsadm -L -n -f 9 -6'
t 'ipvsadm -L -n --stats -t 10.0.0.1:80'
t 'ipvsadm -L -n -t [2001:db8::1]:80'
t 'ipvsadm -L -t 300.0.0.1:80'
