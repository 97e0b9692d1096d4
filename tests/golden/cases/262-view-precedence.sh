# 262-view-precedence: several views at once: stats > rate > thresholds > persistent-conn > tun-info
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gre -x 5'
t 'ipvsadm -L -n --tun-info --persistent-conn --thresholds --rate --stats'
t 'ipvsadm -L -n --tun-info --persistent-conn --thresholds --rate'
t 'ipvsadm -L -n --tun-info --persistent-conn --thresholds'
t 'ipvsadm -L -n --tun-info --persistent-conn'
t 'ipvsadm -L -n --tun-info --exact'
