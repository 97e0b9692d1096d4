# 110-restore-other-commands: -R running -h, -v, --set, -Z, -S, -D lines
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
-v
--set 10 20 30
-L --timeout
-Z
-S -n
-D -t 10.0.0.1:80
-L -n
'
