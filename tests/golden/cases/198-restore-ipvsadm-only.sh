# 198-restore-ipvsadm-only: -R: a line of only ipvsadm tokens is skipped
ti 'ipvsadm -R' 'ipvsadm
ipvsadm ipvsadm
-A -t 10.0.0.1:80 -s rr
IPVSADM -A -t 10.0.0.2:80 -s rr
/sbin/ipvsadm -A -t 10.0.0.3:80 -s rr
-A -t 10.0.0.4:80 -s ipvsadm
'
t 'ipvsadm -L -n'
