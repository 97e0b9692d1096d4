#!/usr/bin/python3
"""Malformed segments injected into an offloaded flow (fastpath.sh; scapy,
run with the system python).

  fp-inject.py hold VIP PORT SECS      (client namespace) one ECHO connection
                                       from client port PORT, kept SECS seconds;
                                       prints "held" once the RS answered
  fp-inject.py capture SECS            (real-server namespace) counts for SECS
                                       seconds the frames carrying a marker
                                       below; prints "ready" when listening,
                                       then "seen KIND N" per kind seen
  fp-inject.py send IFACE MAC VIP PORT (client namespace) sends REPEAT frames
                                       of each kind to MAC as segments of the
                                       connection from PORT; prints
                                       "sent KIND REASON" per kind

Every frame carries "fpinj-KIND" in its payload, so the capture knows what
reached the real server whatever the director did to the headers.  Kind
"good" is a well-formed segment (the fast path forwards it: proof that
injection and capture work); the others are what the workers' parser drops,
with the reason counter that must count them.
"""
import socket
import sys
import time

REPEAT = 5


def hold(vip, port, secs):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.settimeout(5)
    s.connect((vip, 80))
    f = s.makefile("rwb")
    f.write(b"ECHO\n")
    f.flush()
    f.readline()
    f.write(b"hello\n")
    f.flush()
    if f.readline().endswith(b"hello\n"):
        print("held", flush=True)
    time.sleep(secs)
    s.close()


def capture(secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.settimeout(0.1)
    seen = {}
    print("ready", flush=True)
    end = time.time() + secs
    while time.time() < end:
        try:
            b = s.recv(65535)
        except socket.timeout:
            continue
        i = b.find(b"fpinj-")
        if i >= 0:
            kind = b[i + 6:].split(b".")[0].decode(errors="replace")
            seen[kind] = seen.get(kind, 0) + 1
    for k, n in sorted(seen.items()):
        print("seen %s %d" % (k, n), flush=True)


def send(iface, mac, vip, port):
    from scapy.all import IP, TCP, Ether, Raw, conf, sendp
    import fcntl
    import struct
    conf.verb = 0
    # the client's address on IFACE is the source of the held connection
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cip = socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915,  # SIOCGIFADDR
                                       struct.pack("256s", iface.encode()))[20:24])

    def seg(kind, ip=None, tcp=None, pad=32):
        ip = ip or {}
        tcp = tcp or {}
        tcp.setdefault("flags", "PA")
        return (Ether(dst=mac) / IP(src=cip, dst=vip, **ip) /
                TCP(sport=port, dport=80, seq=1, ack=1, **tcp) / Raw(b"fpinj-%s." % kind.encode() + b"x" * pad))

    good = seg("good")
    ip_len = len(bytes(good)) - 14
    kinds = [
        ("good", good, "-"),
        # header checksum wrong (everything else right)
        ("ipcsum", seg("ipcsum", ip={"chksum": 0xdead}), "IP_CSUM"),
        # total length beyond the frame, its checksum right
        ("totlong", seg("totlong", ip={"len": ip_len + 200}), "IP_TOTLEN"),
        # total length shorter than the IP header, its checksum right
        ("totshort", seg("totshort", ip={"len": 12}), "IP_TOTLEN"),
        # total length covers the IP header but not the TCP one
        ("tcpshort", seg("tcpshort", ip={"len": 30}), "TCP_SHORT"),
        # TCP data offset below 5, and beyond the segment (60 > 20 + 14)
        ("doff2", seg("doff2", tcp={"dataofs": 2}), "TCP_DOFF"),
        ("doff15", seg("doff15", tcp={"dataofs": 15}, pad=0), "TCP_DOFF"),
        # no ACK/SYN/RST
        ("noack", seg("noack", tcp={"flags": "P"}), "TCP_FLAGS"),
        # IHL 4: header shorter than 20 bytes (checksum over those 16)
        ("ihl4", seg("ihl4", ip={"ihl": 4}), "IP_IHL"),
    ]
    for kind, frame, reason in kinds:
        sendp(frame, iface=iface, count=REPEAT)
        print("sent %s %s" % (kind, reason), flush=True)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "hold":
        hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "capture":
        capture(float(sys.argv[2]))
    elif cmd == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit("usage: see the docstring")
