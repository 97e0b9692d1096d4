# 170-daemon-backup-lo: sync backup on lo
t 'ipvsadm --start-daemon backup --mcast-interface lo'
t 'ipvsadm -L --daemon'
t 'ipvsadm --start-daemon backup --mcast-interface lo'
t 'ipvsadm --stop-daemon backup'
t 'ipvsadm -L --daemon'
