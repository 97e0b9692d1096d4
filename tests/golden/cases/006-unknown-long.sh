# 006-unknown-long: unknown long options are popt errors (exit 255)
t 'ipvsadm --bogus'
t 'ipvsadm -L --bogus'
t 'ipvsadm -A -t 1.2.3.4:80 --bogus'
t 'ipvsadm -L --numer'
t 'ipvsadm -L --list'
t 'ipvsadm -L -q'
t 'ipvsadm -L -Q'
