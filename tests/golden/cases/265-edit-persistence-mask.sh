# 265-edit-persistence-mask: -E changing only the persistence mask
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p 100'
t 'ipvsadm -E -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0'
t 'ipvsadm -L -n'
t 'ipvsadm -E -t 10.0.0.1:80 -s rr -M 255.255.0.0'
t 'ipvsadm -L -n'
t 'ipvsadm -E -t 10.0.0.1:80 -s rr -p'
t 'ipvsadm -L -n'
