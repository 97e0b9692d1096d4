# 012-add-default-scheduler: -A without -s uses wlc; -a without method uses Route
t 'ipvsadm -A -t 10.0.0.1:80'
t 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
