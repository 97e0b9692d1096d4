# 005-first-not-command: the first option must be a command
t 'ipvsadm -n -L'
t 'ipvsadm -X'
t 'ipvsadm -t 1.2.3.4:80'
t 'ipvsadm -nL'
t 'ipvsadm -s rr -A -t 1.2.3.4:80'
t 'ipvsadm --numeric'
t 'ipvsadm foo'
t 'ipvsadm ""'
