# 216-bundle-missing-arg: bundled options whose argument is missing
t 'ipvsadm -At'
t 'ipvsadm -Lt'
t 'ipvsadm -At10.0.0.1:80 -s'
t 'ipvsadm -At10.0.0.1:80 -ps'
t 'ipvsadm -At10.0.0.1:80 -sr'
t 'ipvsadm -L -n'
