# 197-restore-table-errors: -R: table errors on a line stop the restore
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1 -m -s rr
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm -R' '-A -t 10.0.0.3:80 -s rr
-L -c --stats
-A -t 10.0.0.4:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm -R' '-A -t 10.0.0.5:80 -s rr
-A -t 10.0.0.6:80 -s rr -b bogus
-A -t 10.0.0.7:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm -R' '-A -t 10.0.0.8:80 -s rr extra
-A -t 10.0.0.9:80 -s rr
'
t 'ipvsadm -L -n'
