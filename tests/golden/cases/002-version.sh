# 002-version: -v / --version and their option checks
t 'ipvsadm -v'
t 'ipvsadm --version'
t 'ipvsadm -v -n'
t 'ipvsadm -V'
t 'ipvsadm --version extra'
