# 236-restore-daemon: sync daemon commands inside -R
ti 'ipvsadm -R' '--start-daemon master --mcast-interface lo
-L --daemon
--start-daemon master --mcast-interface lo
--stop-daemon master
-L --daemon
'
