# 190-services-many: thirty services listed and saved
t 'i=1; while [ $i -le 30 ]; do ipvsadm -A -t 10.1.$((i % 4)).$i:$((8000 + i)) -s rr || echo fail; i=$((i + 1)); done'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
t 'ipvsadm -C'
t 'ipvsadm -L -n'
