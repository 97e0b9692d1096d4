#!/usr/bin/env python3
"""Real-server stand-in for the datapath tests (run inside an RS namespace).

  rs-server.py NAME DIR [TCPPORT [UDPPORT [ADDR]]]   (80, 53, 0.0.0.0)
TCP :80   "GET /path ..."  -> HTTP/1.0 reply: body "NAME\n" for /, the file
                              DIR/path for anything else (bulk transfers)
          "SINK N\n" + N bytes -> sha256 hex of the bytes (uploads)
          "ECHO\n"          -> long-lived: every later line comes back as
                              "NAME line" until the client closes
UDP :53   any datagram      -> "NAME:" + datagram
"""
import hashlib
import os
import socket
import socketserver
import struct
import sys
import threading

NAME, DIR = sys.argv[1], sys.argv[2]
TCP_PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 80
UDP_PORT = int(sys.argv[4]) if len(sys.argv) > 4 else 53
ADDR = sys.argv[5] if len(sys.argv) > 5 else "0.0.0.0"


class TCP(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(4096)
        if line.startswith(b"SINK "):
            # upload: read N bytes, answer with their sha256
            n = int(line.split()[1])
            h = hashlib.sha256()
            while n > 0:
                b = self.rfile.read(min(n, 65536))
                if not b:
                    return
                h.update(b)
                n -= len(b)
            self.wfile.write(h.hexdigest().encode() + b"\n")
            return
        if line.startswith(b"ECHO"):
            self.wfile.write(NAME.encode() + b" ready\n")
            for l in self.rfile:
                self.wfile.write(NAME.encode() + b" " + l)
            return
        if not line.startswith(b"GET "):
            return
        while True:  # skip the headers
            h = self.rfile.readline(4096)
            if h in (b"\r\n", b"\n", b""):
                break
        path = line.split()[1].decode(errors="replace")
        if path == "/":
            body = (NAME + "\n").encode()
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            return
        fn = os.path.join(DIR, os.path.basename(path))
        try:
            f = open(fn, "rb")
        except OSError:
            self.wfile.write(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        with f:
            size = os.fstat(f.fileno()).st_size
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
            self.wfile.flush()
            self.connection.sendfile(f)


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 256


IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)


def udp():
    # reply from the address the datagram was sent to (the VIP in DR/TUN),
    # not from the one routing would pick: IP_PKTINFO in, spec_dst out
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind((ADDR, UDP_PORT))
    while True:
        data, anc, _, peer = s.recvmsg(65535, socket.CMSG_SPACE(12))
        dst = None
        for level, typ, val in anc:
            if level == socket.IPPROTO_IP and typ == IP_PKTINFO and len(val) >= 12:
                dst = val[8:12]  # ipi_addr: the header's destination
        reply = NAME.encode() + b":" + data
        if dst:
            info = struct.pack("i4s4s", 0, dst, b"\0\0\0\0")
            s.sendmsg([reply], [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, peer)
        else:
            s.sendto(reply, peer)


threading.Thread(target=udp, daemon=True).start()
TCPServer((ADDR, TCP_PORT), TCP).serve_forever()
