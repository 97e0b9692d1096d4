# 011-add-tcp-rr-basic: the textbook NAT service (VIP 172.20.0.24, RS .16/.8)
# and its listings
t 'ipvsadm -A -t 172.20.0.24:80 -s rr'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.16 -m'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.8 -m'
t 'ipvsadm -L -n'
t 'ipvsadm -L'
t 'ipvsadm'
t 'ipvsadm -S -n'
t 'ipvsadm -S'
t 'ipvsadm -L -n -t 172.20.0.24:80'
