# 171-daemon-master-and-backup: master and backup together: master listed first
t 'ipvsadm --start-daemon backup --mcast-interface lo --syncid 9'
t 'ipvsadm --start-daemon master --mcast-interface lo --syncid 3'
t 'ipvsadm -L --daemon'
t 'ipvsadm -l --daemon'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon backup'
t 'ipvsadm -L --daemon'
