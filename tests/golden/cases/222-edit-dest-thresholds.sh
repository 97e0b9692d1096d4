# 222-edit-dest-thresholds: -e changes thresholds only when given
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2 -x 100 -y 20'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2 -x 50'
t 'ipvsadm -L -n --thresholds'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2 -y 40'
t 'ipvsadm -L -n --thresholds'
t 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2 -x 40 -y 40'
t 'ipvsadm -L -n --thresholds'
