# 196-restore-from-file: -R < file and ipvsadm-restore < file
t 'printf "%s\n" "-A -t 10.0.0.1:80 -s rr" "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1" > rules'
t 'ipvsadm -R < rules'
t 'ipvsadm -R < rules'
t 'ipvsadm-restore < rules'
t 'ipvsadm -L -n'
t 'ipvsadm -R < /dev/null'
t 'cat rules | ipvsadm -R'
