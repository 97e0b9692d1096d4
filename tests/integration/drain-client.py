#!/usr/bin/env python3
"""Client side of drain.sh (run inside the client namespace).

  drain-client.py get VIP PATH RATE OUT   GET PATH from VIP:80, reading at
                                          most RATE bytes/s (so a transfer
                                          lasts long enough to drain under
                                          it), the body to OUT; prints
                                          "sha256 HEX"

It closes with a reset, not a FIN: the director then keeps the entry in
CLOSE for 10 s rather than TIME_WAIT for 2 minutes, so a wait for the
server's connections to be gone ends within the suite's time.
"""
import hashlib
import socket
import struct
import sys
import time


def reset_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def cmd_get(vip, path, rate, out):
    s = socket.create_connection((vip, 80), timeout=10)
    s.sendall(b"GET %s HTTP/1.0\r\nHost: vip\r\n\r\n" % path.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(4096)
        if not b:
            sys.exit("no header")
        data += b
    head, body = data.split(b"\r\n\r\n", 1)
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    h = hashlib.sha256()
    start = time.monotonic()
    got = 0
    with open(out, "wb") as f:
        while True:
            if body:
                h.update(body)
                f.write(body)
                got += len(body)
            if got >= length:
                break
            # the pace: never ahead of rate bytes per second
            ahead = got / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
            body = s.recv(65536)
            if not body:
                break
    reset_close(s)
    print("sha256 %s bytes %d secs %.1f" % (h.hexdigest(), got, time.monotonic() - start), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "get":
        cmd_get(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
