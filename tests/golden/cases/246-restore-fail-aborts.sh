# 246-restore-fail-aborts: -R: a fail() line (exit 2) aborts the rest
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
--set 1 2 3 4
-A -t 10.0.0.2:80 -s rr
'
ti 'ipvsadm -R' '-A -t 10.0.0.3:80 -s rr -w 5
-A -t 10.0.0.4:80 -s rr
'
ti 'ipvsadm -R' '-Z -t 10.0.0.99:80
-A -t 10.0.0.5:80 -s rr
'
t 'ipvsadm -L -n'
