# 157-list-many-dests: twelve dests, sorted and newest-first
t 'ipvsadm -A -t 10.0.0.1:80 -s wrr'
t 'for i in 7 3 11 1 12 5 9 2 10 4 8 6; do ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.$i -m -w $i || echo fail; done'
t 'ipvsadm -L -n'
t 'ipvsadm -L -n --nosort'
t 'ipvsadm -S -n'
t 'for i in 3 11 1; do ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.$i || echo fail; done'
t 'ipvsadm -L -n --nosort'
