# 274-course-dr-scripts: the ipvsadm lines of two courses' DR director scripts
# (lvs_dr_vs.sh start/stop, variables expanded as the script does) and of
# their DR, FWM and PFWM examples
t 'vip=172.20.0.24 port=80 rs1=192.168.1.16 rs2=192.168.1.8 scheduler=wrr type=-g
ipvsadm -A -t ${vip}:${port} -s $scheduler
ipvsadm -a -t ${vip}:${port} -r ${rs1} $type -w 1
ipvsadm -a -t ${vip}:${port} -r ${rs2} $type -w 1
echo "The VS Server is Ready!"'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
t 'vip=10.1.0.5 port=80 rs1=10.1.0.7 rs2=10.1.0.8 scheduler=wrr type=-g
ipvsadm -A -t ${vip}:${port} -s $scheduler
ipvsadm -a -t ${vip}:${port} -r ${rs1} $type -w 1
ipvsadm -a -t ${vip}:${port} -r ${rs2} $type -w 1'
t 'ipvsadm -L -n'
t 'ipvsadm -C'
t 'ipvsadm -A -t 172.20.0.24:80 -s rr'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.8 -g'
t 'ipvsadm -a -t 172.20.0.24:80 -r 192.168.1.16 -g'
t 'ipvsadm -A -t 172.18.19.110:80 -s rr'
t 'ipvsadm -a -t 172.18.19.110:80 -r 172.18.19.218 -g'
t 'ipvsadm -a -t 172.18.19.110:80 -r 172.18.19.184 -g'
t 'ipvsadm -L -n'
t 'ipvsadm -A -f 5 -s rr'
t 'ipvsadm -a -f 5 -r 172.18.19.218 -g'
t 'ipvsadm -a -f 5 -r 172.18.19.184 -g'
t 'ipvsadm -A -f 99 -s rr -p'
t 'ipvsadm -a -f 99 -r 172.18.19.218 -g'
t 'ipvsadm -a -f 99 -r 172.18.19.84 -g'
t 'ipvsadm -L -n'
t 'ipvsadm -S -n'
