# 239-edit-dest-weight-only: -e with only -w changes a NAT dest to DR
t 'ipvsadm -A -t 10.0.0.1:80 -s wrr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -w 5'
t 'ipvsadm -L -n'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.2:8080 -w 5'
t 'ipvsadm -L -n'
