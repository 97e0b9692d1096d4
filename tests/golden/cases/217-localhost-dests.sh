# 217-localhost-dests: localhost dests listed by name
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'ipvsadm -a -t 10.0.0.1:80 -r localhost -m'
t 'ipvsadm -a -t 10.0.0.1:80 -r localhost:https -m'
t 'ipvsadm -a -t 10.0.0.1:80 -r oracle:81 -m'
t 'ipvsadm -L'
t 'ipvsadm -L -n'
t 'ipvsadm -d -t 10.0.0.1:80 -r localhost:443'
t 'ipvsadm -L -n'
