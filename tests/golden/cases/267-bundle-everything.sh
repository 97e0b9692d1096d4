# 267-bundle-everything: one long bundle per command
t 'ipvsadm -Au10.0.0.1:53 -ssh -bsh-port -p30 -M255.255.255.0 -o'
t 'ipvsadm -au10.0.0.1:53 -r10.0.1.1:53 -mw3 -x9 -y3'
t 'ipvsadm -Lnu10.0.0.1:53'
t 'ipvsadm -Sn'
t 'ipvsadm -Zu10.0.0.1:53'
t 'ipvsadm -du10.0.0.1:53 -r10.0.1.1:53'
t 'ipvsadm -Du10.0.0.1:53'
t 'ipvsadm -Ln'
