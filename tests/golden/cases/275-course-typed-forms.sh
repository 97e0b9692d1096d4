# 275-course-typed-forms: command lines as the courses print them, typos
# included: en-dash options from a blog (–C, –R), and the health-check
# homework's ipvsadm lines as its text reads ($FWM never set, -M where -m
# was meant), next to the intended forms
t 'ipvsadm -A -t 172.20.0.24:80 -s rr'
t 'ipvsadm –C'
t 'ipvsadm –R < /dev/null'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
t 'ipvsadm -A -f 10 -s rr'
t 'FWM= lvstype=-M; ipvsadm -a -f $FWM -r 192.168.10.11 $lvstype -w 1'
t 'FWM= ; ipvsadm -d -f $FWM -r 192.168.10.11'
t 'FWM=10 lvstype=-M; ipvsadm -a -f $FWM -r 192.168.10.11 $lvstype -w 1'
t 'fwm=10 lvstype=-m; ipvsadm -a -f $fwm -r 192.168.10.11 $lvstype -w 1'
t 'fwm=10 lvstype=-m; ipvsadm -a -f $fwm -r 192.168.10.12 $lvstype -w 1'
t 'ipvsadm -L -n'
t 'fwm=10; ipvsadm -d -f $fwm -r 192.168.10.11'
t 'fwm=10; ipvsadm -d -f $fwm -r 192.168.10.11'
t 'ipvsadm -L -n'
