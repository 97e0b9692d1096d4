#!/usr/bin/env python3
"""notify-listen.py ADDR OUT [-- PROBE...] - a stand-in for systemd's
notify socket: binds a unix datagram socket at ADDR (a path, or @name for an
abstract one) and appends one line per datagram to OUT:
    <sender pid> <time, monotonic us> <the datagram, newlines as '|'>
With a PROBE command, on the first READY=1 it runs it at once and appends
"PROBE rc=N" (and "PROBE stderr: ..." lines): whether the daemon already
answers when it says it is ready.
Runs until killed; OUT gets "LISTENING" once the socket is bound."""
import os
import socket
import struct
import subprocess
import sys
import time

addr, out = sys.argv[1], sys.argv[2]
probe = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else None
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
f = open(out, "a", buffering=1)
f.write("LISTENING\n")
ready_seen = False
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = -1
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    text = msg.decode(errors="replace")
    f.write("%d %d %s\n" % (pid, time.monotonic_ns() // 1000, text.replace("\n", "|")))
    if probe and not ready_seen and "READY=1" in text.split("\n"):
        ready_seen = True
        r = subprocess.run(probe, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        f.write("PROBE rc=%d\n" % r.returncode)
        for line in r.stderr.decode(errors="replace").splitlines():
            f.write("PROBE stderr: %s\n" % line)
