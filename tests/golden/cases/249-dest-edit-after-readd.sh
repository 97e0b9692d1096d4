# 249-dest-edit-after-readd: -a after -d gives a fresh dest
t 'ipvsadm -A -t 10.0.0.1:80 -s wrr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 9 -x 90 -y 10'
t 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.1'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -g'
t 'ipvsadm -L -n --thresholds'
t 'ipvsadm -L -n'
