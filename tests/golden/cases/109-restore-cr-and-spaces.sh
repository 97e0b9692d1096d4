# 109-restore-cr-and-spaces: -R: CR, runs of spaces and tabs
t 'printf "%s\r\n" "-A -t 10.0.0.1:80 -s rr" "-a -t 10.0.0.1:80 -r 10.0.1.1 -m" | ipvsadm -R'
t 'printf "   -A   -t 10.0.0.2:80    -s   wrr   \n\t\t\n" | ipvsadm -R'
t 'printf "\r\n\r\n-A -t 10.0.0.3:80 -s lc\r" | ipvsadm -R'
t 'printf -- "-A -t 10.0.0.4:80 -s\rrr\n" | ipvsadm -R'
t 'ipvsadm -L -n'
