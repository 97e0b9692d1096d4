# 097-restore-errors: -R: kernel errors continue, fail() aborts, status of the last line
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.1:80 -s rr
'
t 'ipvsadm -C'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-A -t 300.0.0.1:80 -s rr
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
