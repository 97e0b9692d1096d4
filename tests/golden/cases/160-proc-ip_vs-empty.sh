# 160-proc-ip_vs-empty: /proc/net/ip_vs and ip_vs_stats of an empty table
t 'cat_proc ip_vs'
t 'cat_proc ip_vs_stats'
