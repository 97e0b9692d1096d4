# 093-daemon-options: sync daemon with every option
t 'ipvsadm --start-daemon master --mcast-interface lo --syncid 5 --mcast-group 224.0.0.100 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1000'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master'
t 'ipvsadm --start-daemon master --mcast-interface=lo --syncid=7 --mcast-port=8849'
t 'ipvsadm -L --daemon'
t 'ipvsadm --stop-daemon master --syncid 7'
t 'ipvsadm -L --daemon'
