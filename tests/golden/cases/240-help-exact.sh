# 240-help-exact: -h byte for byte, also via the long option in -R
ti 'ipvsadm -R' '--help
'
