#!/usr/bin/env python3
"""Client side of the datapath tests (run inside the client namespace).

  dp-client.py http VIP N [CONC]   N HTTP GETs of "/", prints "order A B ..."
                                   (sequential only) and "count NAME n" lines,
                                   "fail n"
  dp-client.py udp VIP N SIZE [nodf]  N UDP datagrams of SIZE bytes to VIP:53,
                                   one at a time (nodf: DF clear);
                                   "count NAME n", "fail n"
  dp-client.py upload VIP N       send N random bytes, check the RS's sha256
  dp-client.py hold VIP            one long-lived TCP connection (ECHO mode):
                                   prints the RS's greeting, then for every
                                   stdin line prints the RS's answer or
                                   "ERROR ..." (stays alive until stdin EOF)
"""
import collections
import hashlib
import os
import socket
import sys
import threading


def http_once(vip, timeout=3.0):
    s = socket.create_connection((vip, 80), timeout=timeout)
    try:
        s.sendall(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        body = data.split(b"\r\n\r\n", 1)[1]
        return body.decode().strip()
    finally:
        s.close()


def cmd_http(vip, n, conc=1):
    counts = collections.Counter()
    order = []
    fails = [0]
    lock = threading.Lock()
    todo = list(range(n))

    def run():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            try:
                name = http_once(vip)
            except Exception:
                with lock:
                    fails[0] += 1
                continue
            with lock:
                counts[name] += 1
                order.append(name)

    ts = [threading.Thread(target=run) for _ in range(conc)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if conc == 1:
        print("order " + " ".join(order))
    for k, v in sorted(counts.items()):
        print("count %s %d" % (k, v))
    print("fail %d" % fails[0])


def cmd_udp(vip, n, size, nodf=False):
    counts = collections.Counter()
    fails = 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if nodf:  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear, may be fragmented
        s.setsockopt(socket.IPPROTO_IP, 10, 0)
    s.settimeout(2.0)
    s.connect((vip, 53))
    payload = b"x" * size
    for _ in range(n):
        try:
            s.send(payload)
            data = s.recv(65535)
            name, _, rest = data.partition(b":")
            if rest != payload:
                fails += 1
                continue
            counts[name.decode()] += 1
        except Exception:
            fails += 1
    for k, v in sorted(counts.items()):
        print("count %s %d" % (k, v))
    print("fail %d" % fails)


def cmd_upload(vip, n):
    data = os.urandom(n)
    s = socket.create_connection((vip, 80), timeout=30)
    s.sendall(b"SINK %d\n" % n + data)
    f = s.makefile("rb")
    got = f.readline().decode().strip()
    print("upload %s" % ("ok" if got == hashlib.sha256(data).hexdigest() else "bad " + got))


def cmd_hold(vip):
    s = socket.create_connection((vip, 80), timeout=5)
    f = s.makefile("rwb")
    f.write(b"ECHO\n")
    f.flush()
    print(f.readline().decode().strip(), flush=True)
    for line in sys.stdin:
        try:
            f.write(line.encode())
            f.flush()
            print(f.readline().decode().strip() or "ERROR eof", flush=True)
        except Exception as e:
            print("ERROR %s" % e, flush=True)


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "http":
        cmd_http(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    elif c == "udp":
        cmd_udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), len(sys.argv) > 5 and sys.argv[5] == "nodf")
    elif c == "upload":
        cmd_upload(sys.argv[2], int(sys.argv[3]))
    elif c == "hold":
        cmd_hold(sys.argv[2])
