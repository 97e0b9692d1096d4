# 096-restore-basic: -R from stdin
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 2
-A -u 10.0.0.1:53 -s wrr -p 60
-A -f 3 -s sh -b sh-port
-a -f 3 -r 10.0.2.1:0 -g -w 1
'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
