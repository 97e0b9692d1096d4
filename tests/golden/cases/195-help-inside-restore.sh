# 195-help-inside-restore: -h and -v inside -R
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-h
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
