# 220-sctp-names: SCTP services and port names
t 'ipvsadm -A --sctp-service 10.0.0.1:http -s rr'
t 'ipvsadm -A --sctp-service 10.0.0.1:diameter -s rr'
t 'ipvsadm -A --sctp-service 10.0.0.1:nosuch -s rr'
t 'ipvsadm -A --sctp-service [2001:db8::1]:3868 -s rr'
t 'ipvsadm -a --sctp-service [2001:db8::1]:3868 -r [2001:db8::2] -m'
t 'ipvsadm -L'
t 'ipvsadm -L -n'
t 'ipvsadm -S'
