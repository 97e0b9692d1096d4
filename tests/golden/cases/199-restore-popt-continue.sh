# 199-restore-popt-continue: -R: popt errors continue with the next line
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr --bogus
-A -t 10.0.0.2:80 -s
-A -t
-A -t 10.0.0.3:80 -s rr
'
t 'ipvsadm -L -n'
