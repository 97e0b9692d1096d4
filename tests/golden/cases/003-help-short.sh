# 003-help-short: -h prints the full usage on stdout
t 'ipvsadm -h'
