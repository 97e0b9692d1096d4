# 255-list-after-clear-daemon: listing empty table while a daemon runs
t 'ipvsadm --start-daemon master --mcast-interface lo'
t 'ipvsadm'
t 'ipvsadm -L -n --daemon'
t 'ipvsadm -S'
t 'ipvsadm --stop-daemon master'
