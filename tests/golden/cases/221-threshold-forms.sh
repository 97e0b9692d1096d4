# 221-threshold-forms: threshold number forms
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -x +10 -y 010'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -m -x " 20" -y " 5"'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -m -x 0x10'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -m -x 1 -y 1'
t 'ipvsadm -L -n --thresholds'
