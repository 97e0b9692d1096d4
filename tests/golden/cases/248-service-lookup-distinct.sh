# 248-service-lookup-distinct: services differ by protocol, address and port only
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -u 10.0.0.1:80 -r 10.0.1.1'
t 'ipvsadm -a -t 10.0.0.1:81 -r 10.0.1.1'
t 'ipvsadm -a -t 10.0.0.2:80 -r 10.0.1.1'
t 'ipvsadm -a -f 80 -r 10.0.1.1'
t 'ipvsadm -E -u 10.0.0.1:80 -s wrr'
t 'ipvsadm -D -t 10.0.0.1:8080'
t 'ipvsadm -L -n'
