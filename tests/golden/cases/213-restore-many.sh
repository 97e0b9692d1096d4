# 213-restore-many: -R of 200 services
t 'i=0; while [ $i -lt 200 ]; do echo "-A -t 10.2.$((i / 100)).$((i % 100)):80 -s rr"; echo "-a -t 10.2.$((i / 100)).$((i % 100)):80 -r 10.3.0.1:80 -m -w $i"; i=$((i + 1)); done > many'
t 'ipvsadm -R < many'
t 'ipvsadm -S -n | wc -l'
t 'ipvsadm -S -n | head -n 6'
t 'ipvsadm -S -n | tail -n 4'
t 'ipvsadm -L -n | head -n 8'
t 'ipvsadm -S -n | md5sum'
