# 252-stop-wrong-daemon: stopping the daemon that is not running
t 'ipvsadm --start-daemon backup --mcast-interface lo'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm -L --daemon'
t 'ipvsadm --start-daemon master --mcast-interface lo'
t 'ipvsadm --stop-daemon backup'
t 'ipvsadm --stop-daemon backup'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master'
