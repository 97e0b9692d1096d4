# 257-restore-quotes: -R does not understand shell quoting
ti 'ipvsadm -R' '-A -t "10.0.0.1:80" -s rr
-A -t 10.0.0.2:80 -s rr
'
ti 'ipvsadm -R' "-A -t 10.0.0.3:80 -s 'rr'
-A -t 10.0.0.4:80 -s rr
"
ti 'ipvsadm -R' '-A -t 10.0.0.5:80 -s rr \
-A -t 10.0.0.6:80 -s rr
'
t 'ipvsadm -L -n'
