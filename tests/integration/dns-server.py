#!/usr/bin/env python3
# dns-server.py ADDR [PORT] - a tiny authoritative DNS server for the
# health-check suites: www.example.test A 192.0.2.7, anything else
# NXDOMAIN.  ADDR may be IPv4 or IPv6; PORT defaults to 5300.
import socket, struct, sys

addr = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 5300
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
while True:
    q, a = s.recvfrom(512)
    if len(q) < 17:
        continue
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    if ".".join(labels).lower() == "www.example.test" and qtype == 1:
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("192.0.2.7")
        s.sendto(q[:2] + b"\x85\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + ans, a)
    else:
        s.sendto(q[:2] + b"\x85\x83" + struct.pack("!HHHH", 1, 0, 0, 0) + question, a)
