# 229-dash-arguments: arguments that look like options
t 'ipvsadm -A -t -s rr'
t 'ipvsadm -A -t 10.0.0.1:80 -s -p'
t 'ipvsadm -A -t 10.0.0.1:80 -s --bogus'
t 'ipvsadm -A -t 10.0.0.1:80 -s -'
t 'ipvsadm -a -t 10.0.0.1:80 -r -m'
t 'ipvsadm -L -n'
