# 098-restore-comments-tokens: -R: comments, ipvsadm tokens, blank lines
ti 'ipvsadm -R' 'ipvsadm -A -t 10.0.0.1:80 -s rr
-a ipvsadm -t 10.0.0.1:80 -r 10.0.1.1 -m ipvsadm

   
-A -t 10.0.0.2:80 -s rr # trailing comment
-A -t 10.0.0.3:80 -s rr
'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
# a comment line
-A -t 10.0.0.2:80 -s rr
'
t 'ipvsadm -L -n'
