#!/usr/bin/python3
"""ICMP errors through the NAT director (client namespace, system python).

  dp-icmp.py fragneeded VIP   send a UDP datagram to VIP:53 (a connection),
                              then an ICMP "fragmentation needed, mtu 1200"
                              quoting the director's reply VIP:53 -> us;
                              prints "port N" (our UDP port)
  dp-icmp.py refused VIP PORT send a UDP datagram to VIP:PORT whose real
                              server has no listener: the RS's ICMP port
                              unreachable must come back translated, so
                              the connected socket sees ECONNREFUSED;
                              prints "refused" or "timeout"
"""
import socket
import sys

vip = sys.argv[2]
if sys.argv[1] == "fragneeded":
    from scapy.all import ICMP, IP, UDP, conf, send
    conf.verb = 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((vip, 53))
    s.send(b"hello")
    s.recv(100)
    port = s.getsockname()[1]
    quote = IP(src=vip, dst=s.getsockname()[0], flags="DF") / UDP(sport=53, dport=port) / (b"x" * 8)
    send(IP(dst=vip) / ICMP(type=3, code=4, nexthopmtu=1200) / bytes(quote)[:28], count=2)
    print("port %d" % port)
elif sys.argv[1] == "refused":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((vip, int(sys.argv[3])))
    s.send(b"anyone?")
    try:
        s.recv(100)
        print("answered")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")
