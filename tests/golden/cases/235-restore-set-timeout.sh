# 235-restore-set-timeout: --set inside -R
ti 'ipvsadm -R' '--set 10 20 30
-L --timeout
--set 1 2
-L --timeout
'
t 'ipvsadm -L --timeout'
