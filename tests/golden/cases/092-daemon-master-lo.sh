# 092-daemon-master-lo: sync master on lo: start, list, stop
t 'ipvsadm -L --daemon'
t 'ipvsadm --start-daemon master --mcast-interface lo'
t 'ipvsadm -L --daemon'
t 'ipvsadm --start-daemon master --mcast-interface lo'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm --stop-daemon backup'
