# 146-option-order: options in any order after the command
t 'ipvsadm -A -s rr -t 10.0.0.1:80'
t 'ipvsadm -A -p 30 -s wrr -u 10.0.0.1:53 -M 255.255.255.0'
t 'ipvsadm -a -w 3 -m -r 10.0.1.1 -t 10.0.0.1:80'
t 'ipvsadm -a -r 10.0.1.2:8080 -t 10.0.0.1:80'
t 'ipvsadm -L -n'
t 'ipvsadm -L -t 10.0.0.1:80 -n'
t 'ipvsadm -L --stats -n -t 10.0.0.1:80'
