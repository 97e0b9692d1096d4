# 099-restore-misc: -R: nested -R, options, last line without newline, tabs and CR
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-R
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
ti 'ipvsadm -R -n' '-A -t 10.0.0.1:80 -s rr
'
ti 'ipvsadm -R' '-A	-t	10.0.0.3:80	-s	rr
-A -t 10.0.0.4:80 -s rr
-A -t 10.0.0.5:80 -s rr'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
ti 'ipvsadm --restore' '-A -t 10.0.0.6:80 -s rr
-L -n
-C
-L -n
'
ti 'ipvsadm -R' ''
