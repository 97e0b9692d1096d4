# 184-edit-keeps-dests: -E keeps dests and their settings
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 3 -x 9 -y 2'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port 99'
t 'ipvsadm -E -t 10.0.0.1:80 -s mh -b mh-port'
t 'ipvsadm -L -n --thresholds'
t 'ipvsadm -L -n --tun-info'
