# 105-ipvsadm-restore-script: the ipvsadm-restore script clears first and drops # lines
t 'ipvsadm -A -t 10.0.0.99:80 -s rr'
ti 'ipvsadm-restore' '# saved by hand
-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1
#-A -t 10.0.0.2:80 -s rr
-A -u 10.0.0.1:53 -s wlc
'
t 'ipvsadm -L -n'
ti 'ipvsadm-restore' '-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.1:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm-restore' ''
t 'ipvsadm -L -n'
ti 'ipvsadm-restore -n' '-A -t 10.0.0.5:80 -s rr
'
t 'ipvsadm -L -n'
