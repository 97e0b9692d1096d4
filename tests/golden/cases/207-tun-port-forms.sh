# 207-tun-port-forms: tunnel port number forms
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue --tun-port 080'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port +81'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -i --tun-type gue --tun-port http'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -i --tun-type gue --tun-port -1'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -i --tun-type=gue --tun-port=65535 --tun-remcsum'
t 'ipvsadm -L -n --tun-info'
t 'ipvsadm -S -n'
