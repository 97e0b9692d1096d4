# 209-ipv4-mapped: IPv4-mapped IPv6 addresses
t 'ipvsadm -A -t [::ffff:10.0.0.1]:80 -s rr'
t 'ipvsadm -a -t [::ffff:10.0.0.1]:80 -r [::ffff:10.0.1.1]:80 -m'
t 'ipvsadm -a -t [::ffff:10.0.0.1]:80 -r [::ffff:127.0.0.1]:80 -m'
t 'ipvsadm -L -n'
t 'ipvsadm -L'
t 'ipvsadm -S -n'
