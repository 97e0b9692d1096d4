# 271-restore-save-names-mixed: -R of a non-numeric save with names for every part
ti 'ipvsadm -R' '-A -t localhost:http -s wrr -p 300
-a -t localhost:http -r localhost:https -m -w 2
-A -u oracle:domain -s rr
-a -u oracle:domain -r localhost:domain -g -w 1
'
t 'ipvsadm -S -n'
t 'ipvsadm -S'
