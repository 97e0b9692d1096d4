# 168-proc-ip_vs_conn-empty: /proc/net/ip_vs_conn with no connections
t 'cat_proc ip_vs_conn'
t 'ipvsadm -A -t 10.0.0.1:80 -s rr'
t 'cat_proc ip_vs_conn'
t 'cat_proc ip_vs_conn_sync'
