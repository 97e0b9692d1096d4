# 228-version-bundle-order: -v / -h must be first; bundles starting with them
t 'ipvsadm -n -v'
t 'ipvsadm -n -h'
t 'ipvsadm -Lv'
t 'ipvsadm -Lh'
t 'ipvsadm -vL'
t 'ipvsadm -hL'
