# 266-restore-S-roundtrip-names-v6: -S (names) then -R for IPv6 and fwmark
t 'ipvsadm -A -t [::1]:80 -s rr'
t 'ipvsadm -a -t [::1]:80 -r [::1]:8080 -m'
t 'ipvsadm -A -f 5 -6 -s wrr -p 30'
t 'ipvsadm -S > s; cat s'
t 'ipvsadm -C; ipvsadm -R < s; ipvsadm -S -n'
