# 214-restore-long-tokens: -R with long tokens and long lines
t 'printf -- "-A -t 10.0.0.1:80 -s %s\n" $(printf "%05000d" 0) | ipvsadm -R'
t 'printf -- "-A -t 10.0.0.2:80 -s rr %s\n" $(printf "%05000d" 0) | ipvsadm -R'
t 'printf -- "-A -t 10.0.0.3:80 -s rr%0500s\n" "" | ipvsadm -R'
t 'ipvsadm -L -n'
