#!/usr/bin/python3
"""SCTP through the NAT director (this kernel has no SCTP stack: raw frames).

  dp-sctp.py recv PORT      (RS namespace) wait for one SCTP packet to PORT,
                            print "got dport=N src=A crc_ok=0|1 chunk=T"
  dp-sctp.py send VIP PORT  (client namespace) send an SCTP INIT (scapy)
"""
import socket
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


if sys.argv[1] == "recv":
    port = int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
    s.settimeout(8)
    while True:
        pkt = s.recv(65535)
        ihl = (pkt[0] & 15) * 4
        sc = pkt[ihl:]
        if len(sc) < 16 or int.from_bytes(sc[2:4], "big") != port:
            continue
        want = int.from_bytes(sc[8:12], "little")
        got = crc32c(sc[:8] + b"\0\0\0\0" + sc[12:])
        print("got dport=%d src=%s crc_ok=%d chunk=%d" % (
            port, socket.inet_ntoa(pkt[12:16]), int(want == got), sc[12]), flush=True)
        break
else:
    from scapy.all import IP, conf, send
    from scapy.layers.sctp import SCTP, SCTPChunkInit
    conf.verb = 0
    send(IP(dst=sys.argv[2]) / SCTP(sport=40000, dport=int(sys.argv[3])) /
         SCTPChunkInit(init_tag=0x1234, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=1), count=1)
