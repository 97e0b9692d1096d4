# 212-restore-ordering: -R: dest before its service, delete twice
ti 'ipvsadm -R' '-a -t 10.0.0.1:80 -r 10.0.1.1 -m
-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1 -m
-D -t 10.0.0.1:80
-D -t 10.0.0.1:80
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
