# 107-restore-status-last-line: -R exit status is that of the last line
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.2:80 -s rr
'
ti 'ipvsadm -R' '-A -t 10.0.0.3:80 -s rr
-A -t 10.0.0.1:80 -s rr
'
ti 'ipvsadm -R' '-A -t 10.0.0.4:80 --bogus
'
ti 'ipvsadm -R' '-A -t 10.0.0.5:80 --bogus
-A -t 10.0.0.5:80 -s rr
'
ti 'ipvsadm -R' '-D -t 10.0.0.77:80
-L -n -t 10.0.0.99:80
'
ti 'ipvsadm -R' '-L -n -t 10.0.0.99:80
'
t 'ipvsadm -L -n'
