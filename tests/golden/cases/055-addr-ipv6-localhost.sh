# 055-addr-ipv6-localhost: ::1 is shown as localhost without -n
t 'ipvsadm -A -t [::1]:80 -s rr'
t 'ipvsadm -a -t [::1]:80 -r [::1]:8080 -m'
t 'ipvsadm -L'
t 'ipvsadm -L -n'
t 'ipvsadm -S'
