#!/usr/bin/env python3
"""fakeserver.py - a control socket that misbehaves, for the client-limit
tests (tests/ctl/ctlsock_limits.sh).  Usage: fakeserver.py SOCKET MODE

  silent  accepts and reads, never answers
  huge    answers the first request with a header announcing a 1 GiB
          reply, sends 4 KiB of it and closes

Prints "ready" once listening; serves until killed."""
import os, socket, struct, sys, time

HDR = struct.Struct("<IHHIII")
MAGIC, REPLY = 0x4453564C, 1

path, mode = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ls.bind(path)
ls.listen(16)
print("ready", flush=True)
held = []
while True:
    c, _ = ls.accept()
    if mode == "silent":
        held.append(c)   # keep it open, say nothing
        continue
    req = c.recv(HDR.size)
    if len(req) < HDR.size:
        c.close()
        continue
    _, ver, op, _, seq, _ = HDR.unpack(req)
    try:
        c.sendall(HDR.pack(MAGIC, ver, op, REPLY, seq, 1 << 30) + b"\0" * 4096)
    except OSError:
        pass
    c.close()
