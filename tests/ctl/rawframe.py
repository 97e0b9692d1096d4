#!/usr/bin/env python3
"""rawframe.py - speak lvsd's control protocol by hand, for the robustness
tests (tests/ctl/robust.sh).  Usage: rawframe.py SOCKET CASE

Prints one line per reply it receives: "reply op=N seq=N result=R len=L",
then "eof" when the daemon closes the connection."""
import socket, struct, sys, time

MAGIC = 0x4453564C
HDR = struct.Struct("<IHHIII")
OP_GET_INFO, OP_ADD_SERVICE, OP_BATCH, OP_GET_TEXT = 1, 2, 19, 17

def frame(op, payload=b"", seq=1, magic=MAGIC, version=1, flags=0, length=None):
    return HDR.pack(magic, version, op, flags, seq, len(payload) if length is None else length) + payload

def read_replies(s, want=None, timeout=3.0):
    s.settimeout(timeout)
    buf = b""
    n = 0
    while want is None or n < want:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            print("timeout")
            return
        if not chunk:
            print("eof")
            return
        buf += chunk
        while len(buf) >= HDR.size:
            magic, ver, op, flags, seq, ln = HDR.unpack_from(buf)
            if len(buf) < HDR.size + ln:
                break
            res = struct.unpack_from("<i", buf, HDR.size)[0] if ln >= 4 else None
            print(f"reply op={op} seq={seq} result={res} len={ln}")
            buf = buf[HDR.size + ln:]
            n += 1
    return

def main():
    path, case = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    if case == "garbage":          # not our magic: one -EPROTO reply, then closed
        s.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)))
        read_replies(s)
    elif case == "badversion":
        s.sendall(frame(OP_GET_INFO, version=9))
        read_replies(s)
    elif case == "oversized":      # 1 GiB claimed: -EMSGSIZE, closed, nothing allocated
        s.sendall(frame(OP_GET_INFO, length=1 << 30))
        read_replies(s)
    elif case == "truncated":      # header promises 100 bytes, 10 arrive, then EOF
        s.sendall(frame(OP_ADD_SERVICE, b"x" * 10, length=100))
        s.shutdown(socket.SHUT_WR)
        read_replies(s)
    elif case == "shortpayload":   # framing fine, payload too short: -EINVAL, stays open
        s.sendall(frame(OP_ADD_SERVICE, b"\x02\x00abc", seq=5) + frame(OP_GET_INFO, seq=6))
        read_replies(s, want=2)
    elif case == "badop":
        s.sendall(frame(4242, seq=8) + frame(OP_GET_INFO, seq=9))
        read_replies(s, want=2)
    elif case == "badbatch":       # sub-request length runs past the end
        payload = struct.pack("<I", 2) + struct.pack("<HI", OP_ADD_SERVICE, 5000) + b"z" * 10
        s.sendall(frame(OP_BATCH, payload, seq=3))
        read_replies(s, want=1)
    elif case == "reply-flag":     # a "reply" sent to the daemon
        s.sendall(frame(OP_GET_INFO, flags=1, seq=4))
        read_replies(s, want=1)
    elif case == "pipeline":       # 1000 requests in one write, 1000 replies in order
        s.sendall(b"".join(frame(OP_GET_INFO, seq=i) for i in range(1, 1001)))
        s.settimeout(5)
        buf, seqs = b"", []
        while len(seqs) < 1000:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= HDR.size:
                magic, ver, op, flags, seq, ln = HDR.unpack_from(buf)
                if len(buf) < HDR.size + ln:
                    break
                seqs.append(seq)
                buf = buf[HDR.size + ln:]
        print("pipeline", "ok" if seqs == list(range(1, 1001)) else f"bad {len(seqs)}")
    elif case == "stall":          # half a header, then hold the connection
        s.sendall(frame(OP_GET_INFO)[:7])
        time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 3)
        print("stall done")
    elif case == "flood":          # garbage as fast as possible until closed
        s.settimeout(5)
        sent = 0
        try:
            while sent < (256 << 20):
                sent += s.send(b"\xff" * 65536)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        print("flood ended")
    elif case == "fuzz":           # valid headers, random ops and payloads
        import random
        rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        n = 3000
        frames = []
        for i in range(1, n + 1):
            op = rnd.randrange(0, 24)
            ln = rnd.choice([0, 1, 4, 10, 70, 111, 112, 113, rnd.randrange(0, 400)])
            payload = bytes(rnd.randrange(256) for _ in range(ln))
            if op == OP_BATCH and ln >= 4:   # plausible small counts
                payload = struct.pack("<I", rnd.randrange(0, 4)) + payload[4:]
            frames.append(frame(op, payload, seq=i))
        s.sendall(b"".join(frames))
        s.settimeout(20)
        buf, got = b"", 0
        while got < n:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= HDR.size:
                magic, ver, op, flags, seq, ln = HDR.unpack_from(buf)
                if len(buf) < HDR.size + ln:
                    break
                got += 1
                buf = buf[HDR.size + ln:]
        print("fuzz", "ok" if got == n else f"got {got} of {n}")
    else:
        sys.exit("unknown case")

main()
