# 226-empty-scheduler-edit: -E with empty or odd scheduler names
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -E -t 10.0.0.1:80 -s ""'
t 'ipvsadm -L -n'
t 'ipvsadm -E -t 10.0.0.1:80 -s twos'
t 'ipvsadm -E -t 10.0.0.1:80 -s none'
t 'ipvsadm -E -t 10.0.0.1:80 -s ip_vs_rr'
t 'ipvsadm -L -n'
