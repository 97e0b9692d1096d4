# 094-daemon-no-device: default interface eth0 does not exist in the test box
t 'ipvsadm --start-daemon master'
t 'ipvsadm --start-daemon backup'
t 'ipvsadm --start-daemon master --mcast-interface nosuchif0'
t 'ipvsadm --start-daemon master --mcast-interface abcdefghijklmnopqrstuvwxyz'
t 'ipvsadm -L --daemon'
