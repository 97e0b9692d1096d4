# 243-daemon-list-syncid: -L --daemon with --syncid; --syncid alone
t 'ipvsadm --start-daemon master --mcast-interface lo --syncid 3'
t 'ipvsadm -L --daemon --syncid 3'
t 'ipvsadm -L --daemon --syncid 4'
t 'ipvsadm -L --syncid 3'
t 'ipvsadm -L -n --syncid 3'
t 'ipvsadm --stop-daemon backup --syncid 3'
t 'ipvsadm --stop-daemon master --syncid 3'
