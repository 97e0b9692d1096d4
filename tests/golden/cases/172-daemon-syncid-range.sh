# 172-daemon-syncid-range: syncid 0 and 255; stop with another syncid
t 'ipvsadm --start-daemon master --mcast-interface lo --syncid 255'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master --syncid 1'
t 'ipvsadm -L --daemon'
t 'ipvsadm --start-daemon master --mcast-interface lo --syncid 0'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master'
