# 194-clear-with-daemon-and-timeouts: -C does not reset timeouts or the daemon
t 'ipvsadm --set 111 22 33'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -C'
t 'ipvsadm -L --timeout'
t 'ipvsadm -L -n'
