# 176-daemon-and-table: the sync daemon does not disturb the table
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm --start-daemon master --mcast-interface lo'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm -L -n'
