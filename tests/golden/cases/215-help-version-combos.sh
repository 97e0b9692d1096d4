# 215-help-version-combos: -h and -v with other words
t 'ipvsadm -hv'
t 'ipvsadm -vh'
t 'ipvsadm -v --bogus'
t 'ipvsadm -h --bogus'
t 'ipvsadm -vn'
t 'ipvsadm --version -h'
t 'ipvsadm --help=1'
