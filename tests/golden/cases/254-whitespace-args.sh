# 254-whitespace-args: arguments with embedded whitespace
t 'ipvsadm -A -t "10.0.0.1:80 " -s rr'
t 'ipvsadm -A -t "10.0.0.1 :80" -s rr'
t 'ipvsadm -A -t 10.0.0.1:80 -s " rr"'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -b "flag-1, flag-2"'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p " 10"'
t 'ipvsadm -L -n'
