# 237-delete-last-dest: deleting every dest leaves an empty service
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -m'
t 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.1'
t 'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.2'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
t 'ipvsadm -L -n --stats'
