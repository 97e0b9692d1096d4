# 188-long-arguments: very long argument strings
t 'ipvsadm -A -t 10.0.0.1:80 -s $(printf "%0300d" 0)'
t 'ipvsadm -A -t $(printf "%0300d" 0):80 -s rr'
t 'ipvsadm -A -t 10.0.0.1:$(printf "%0300d" 80) -s rr'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr -p $(printf "%0300d" 5)'
t 'ipvsadm --start-daemon master --mcast-interface $(printf "%0100d" 0)'
t 'ipvsadm -A -t 10.0.0.1:80 --pe $(printf "%0100d" 0)'
t 'ipvsadm -A -t 10.0.0.1:80 -b $(printf "%0100d" 0)'
t 'ipvsadm -L -n'
