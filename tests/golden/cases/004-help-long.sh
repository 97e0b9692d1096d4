# 004-help-long: --help, and -h with more words
t 'ipvsadm --help'
t 'ipvsadm -h -n'
t 'ipvsadm -h foo'
