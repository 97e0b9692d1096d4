# 142-short-equals: short options written with =
t 'ipvsadm -A -t=10.0.0.1:80 -s rr'
t 'ipvsadm -A -t 10.0.0.2:80 -s=rr'
t 'ipvsadm -A -t 10.0.0.3:80 -s rr -p=30'
t 'ipvsadm -A -f=5 -s rr'
t 'ipvsadm -A -t 10.0.0.4:80 -s rr'
t 'ipvsadm -a -t 10.0.0.4:80 -r=10.0.1.1 -m'
t 'ipvsadm -a -t 10.0.0.4:80 -r 10.0.1.2 -m -w=4'
t 'ipvsadm -L -n'
