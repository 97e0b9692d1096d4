# 260-dest-before-service-option: -r before -t, forced port still applies
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -r 10.0.1.1:8080 -t 10.0.0.1:80 -g'
t 'ipvsadm -a -r 10.0.1.2:8080 -t 10.0.0.1:80 -m'
t 'ipvsadm -a -r 10.0.1.3:domain -u 10.0.0.1:80 -m'
t 'ipvsadm -L -n'
