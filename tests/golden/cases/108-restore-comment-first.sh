# 108-restore-comment-first: -R: a leading # line aborts with tryhelp
ti 'ipvsadm -R' '# comment
-A -t 10.0.0.1:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm -R' '-A -t 10.0.0.1:80 -s rr
#-A -t 10.0.0.2:80 -s rr
-A -t 10.0.0.3:80 -s rr
'
t 'ipvsadm -L -n'
ti 'ipvsadm -R' '-A -t 10.0.0.4:80 -s rr #
'
t 'ipvsadm -L -n'
