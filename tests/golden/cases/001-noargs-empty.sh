# 001-noargs-empty: listing an empty table in every spelling
t 'ipvsadm'
t 'ipvsadm -L'
t 'ipvsadm -l'
t 'ipvsadm --list'
t 'ipvsadm -L -n'
t 'ipvsadm -Ln'
t 'ipvsadm -ln'
t 'ipvsadm --list --numeric'
