#!/usr/bin/env python3
"""idleclients.py - hold N idle connections to a control socket and report
when the daemon drops them (tests/ctl/ctlsock_limits.sh).
Usage: idleclients.py SOCKET N SECONDS

Connects N clients that never send a byte, prints "held N", then watches
them for SECONDS and prints "early E" (closed by the daemon within 5 s of
connecting: evicted to make room) and "closed C first F" (closed in all,
and after how many seconds the first one past those 5 s went)."""
import select, socket, sys, time

path, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
t0 = time.monotonic()
print("held %d" % len(socks), flush=True)
open_ = {s.fileno(): s for s in socks}
early = closed = 0
first = None
poll = select.poll()
for s in socks:
    poll.register(s, select.POLLIN)
while open_ and time.monotonic() - t0 < secs:
    for fd, _ in poll.poll(200):
        s = open_.pop(fd)
        poll.unregister(fd)
        try:
            data = s.recv(1)
        except OSError:
            data = b""
        dt = time.monotonic() - t0
        closed += 1
        if dt < 5:
            early += 1
        elif first is None:
            first = dt
        s.close()
print("early %d" % early)
print("closed %d first %.1f" % (closed, first if first is not None else -1), flush=True)
