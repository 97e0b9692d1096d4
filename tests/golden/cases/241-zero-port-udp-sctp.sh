# 241-zero-port-udp-sctp: zero-port check for UDP and SCTP
t 'ipvsadm -A -u 10.0.0.1:0 -s rr'
t 'ipvsadm -A --sctp-service 10.0.0.1 -s rr'
t 'ipvsadm -A --sctp-service 10.0.0.1 -s rr -p 5'
t 'ipvsadm -A -u [2001:db8::1]:0 -s rr -p 5'
t 'ipvsadm -L -n'
t 'ipvsadm -L'
