# 044-pe: persistence engine names (ip_vs_pe_sip is not available)
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr -p 60 --pe sip'
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr -p 60 --pe bogus'
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr --pe sip'
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr -p 60 --pe ""'
t 'ipvsadm -A -u 10.0.0.1:5060 -s rr -p 60 --pe=sip'
t 'ipvsadm -L -n'
