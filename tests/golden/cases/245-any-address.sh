# 245-any-address: the unspecified addresses as services
t 'ipvsadm -A -t 0.0.0.0:80 -s rr'
t 'ipvsadm -A -t [::]:80 -s rr'
t 'ipvsadm -a -t 0.0.0.0:80 -r 10.0.0.1 -m'
t 'ipvsadm -L'
t 'ipvsadm -L -n'
t 'ipvsadm -S'
