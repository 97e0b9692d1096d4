# 183-edit-service-pe-ops: -E with ops and pe
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr -o'
t 'ipvsadm -E -u 10.0.0.1:5060 -s rr'
t 'ipvsadm -L -n'
t 'ipvsadm -E -u 10.0.0.1:5060 -s rr -o -p 60'
t 'ipvsadm -L -n'
t 'ipvsadm -E -u 10.0.0.1:5060 -s rr -o -p 60 --pe sip'
t 'ipvsadm -L -n'
