#!/usr/bin/python3
"""Malformed / hostile packets through the director (scapy; run in the
client namespace of the NAT lab with the system python, which has scapy).

  dp-malformed.py IFACE DST_MAC COUNTERS_CMD
COUNTERS_CMD prints the director's "datapath" view; for every kind we send
REPEAT copies and check that the expected reason counter grew by at least
REPEAT ("!REASON": must not grow at all).  One line per kind:
"kind NAME ok|fail EXPECTED delta=N".
Kinds with EXPECTED "-" only have to be survived (the verdict depends on
offloads: veth marks checksums of raw frames as verified; lone fragments
wait in the fanout's reassembly queue and are never delivered, etc.).
"""
import subprocess
import sys
import time

from scapy.all import (ICMP, IP, TCP, UDP, Dot1Q, Ether, IPOption_NOP,
                       IPv6, Raw, conf, sendp)

conf.verb = 0
IFACE, DST_MAC, COUNTERS = sys.argv[1], sys.argv[2], sys.argv[3]
VIP, CIP = "172.20.0.24", "172.20.0.100"
RS1 = "192.168.1.16"
REPEAT = 5


def counters():
    out = subprocess.run(COUNTERS, shell=True, capture_output=True, text=True).stdout
    c = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            c[f[0]] = int(f[1])
    return c


def E():
    return Ether(dst=DST_MAC, type=0x0800)


def raw_ip(b):
    return E() / Raw(b)


def ip_bytes(**kw):
    return bytes(IP(src=CIP, dst=VIP, **kw) / TCP(sport=40000, dport=80, flags="S"))


def patch(b, off, val):
    b = bytearray(b)
    b[off:off + len(val)] = val
    return bytes(b)


def fix_ipsum(b):
    """recompute the IPv4 header checksum of raw header bytes"""
    b = bytearray(b)
    ihl = (b[0] & 15) * 4
    b[10:12] = b"\0\0"
    s = sum((b[i] << 8) + b[i + 1] for i in range(0, min(ihl, len(b)) - 1, 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    s = ~s & 0xffff
    b[10:12] = bytes([s >> 8, s & 255])
    return bytes(b)


syn = ip_bytes()
inner_reply = bytes(IP(src=VIP, dst=CIP) / TCP(sport=80, dport=40010, flags="SA"))

K = [
    # name, frame, expected reason
    # not IPv4 for this host: the AF_PACKET tap takes ETH_P_IP frames
    # addressed to the host only (afpacket.c), so these must never reach the
    # workers ("!REASON": that counter does not move); the kernel drops them
    # (no VLAN device).  dp_parse's NOT_IP / VLAN verdicts for such frames
    # are unit-tested (test_datapath)
    ("eth_unknown_type", Ether(dst=DST_MAC, type=0x1234) / Raw(b"x" * 46), "!NOT_IP"),
    ("ipv6", Ether(dst=DST_MAC) / IPv6(dst="fe80::1") / UDP(dport=9), "!NOT_IP"),
    ("vlan_tagged", Ether(dst=DST_MAC) / Dot1Q(vlan=7) / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="S"), "!VLAN"),
    ("qinq_tagged", Ether(dst=DST_MAC, type=0x88a8) / Raw(b"\x00\x07\x08\x00" + syn), "!VLAN"),
    ("ip_short", raw_ip(b"\x45\x00\x00\x14"), "IP_SHORT"),
    ("ip_version5", raw_ip(fix_ipsum(patch(syn, 0, b"\x55"))), "IP_VERSION"),
    ("ip_version6_in_v4", raw_ip(fix_ipsum(patch(syn, 0, b"\x65"))), "IP_VERSION"),
    ("ip_ihl3", raw_ip(fix_ipsum(patch(syn, 0, b"\x43"))), "IP_IHL"),
    ("ip_ihl15_short", raw_ip(patch(syn, 0, b"\x4f")[:50]), "IP_IHL"),
    ("ip_totlen_lt_ihl", raw_ip(fix_ipsum(patch(syn, 2, b"\x00\x0a"))), "IP_TOTLEN"),
    ("ip_totlen_zero", raw_ip(fix_ipsum(patch(syn, 2, b"\x00\x00"))), "IP_TOTLEN"),
    ("ip_totlen_gt_frame", raw_ip(fix_ipsum(patch(syn, 2, b"\x05\xdc"))), "IP_TOTLEN"),
    ("ip_bad_csum", raw_ip(patch(syn, 10, b"\xde\xad")), "IP_CSUM"),
    ("ip_opt_len0", E() / IP(src=CIP, dst=VIP, options=[Raw(b"\x07\x00\x00\x00")]) / TCP(dport=80, flags="S"), "IP_OPTIONS_BAD"),
    ("ip_opt_overrun", E() / IP(src=CIP, dst=VIP, options=[Raw(b"\x07\x28\x04\x00")]) / TCP(dport=80, flags="S"), "IP_OPTIONS_BAD"),
    ("ip_opt_truncated", E() / IP(src=CIP, dst=VIP, options=[Raw(b"\x01\x01\x01\x83")]) / TCP(dport=80, flags="S"), "IP_OPTIONS_BAD"),
    ("src_multicast", E() / IP(src="224.0.0.5", dst=VIP) / TCP(dport=80, flags="S"), "IP_SRC_MARTIAN"),
    ("src_broadcast", E() / IP(src="255.255.255.255", dst=VIP) / TCP(dport=80, flags="S"), "IP_SRC_MARTIAN"),
    ("src_zero", E() / IP(src="0.0.0.0", dst=VIP) / TCP(dport=80, flags="S"), "IP_SRC_MARTIAN"),
    ("src_loopback", E() / IP(src="127.0.0.1", dst=VIP) / TCP(dport=80, flags="S"), "IP_SRC_MARTIAN"),
    ("dst_loopback", E() / IP(src=CIP, dst="127.0.0.1") / TCP(dport=80, flags="S"), "IP_DST_MARTIAN"),
    ("dst_zero", E() / IP(src=CIP, dst="0.0.0.0") / TCP(dport=80, flags="S"), "IP_DST_MARTIAN"),
    ("frag_first", E() / IP(src=CIP, dst=VIP, flags="MF") / TCP(dport=80, flags="S") / Raw(b"x" * 16), "-"),
    ("frag_middle", E() / IP(src=CIP, dst=VIP, flags="MF", frag=3, proto=6) / Raw(b"x" * 24), "-"),
    ("frag_last", E() / IP(src=CIP, dst=VIP, frag=3, proto=6) / Raw(b"x" * 24), "-"),
    ("frag_tiny_overlap", E() / IP(src=CIP, dst=VIP, frag=1, proto=6) / Raw(b"\x00\x50" * 4), "-"),
    ("proto_gre", E() / IP(src=CIP, dst=VIP, proto=47) / Raw(b"\x00\x00\x08\x00"), "PROTO_OTHER"),
    ("sctp_short", E() / IP(src=CIP, dst=VIP, proto=132) / Raw(b"\x00\x50\x00\x50" + b"\0" * 8), "SCTP_SHORT"),
    ("sctp_chunk_overrun", E() / IP(src=CIP, dst=VIP, proto=132) / Raw(b"\x9c\x40\x27\x0f" + b"\0" * 8 + b"\x01\x00\x00\xc8"), "SCTP_SHORT"),
    ("sctp_port0", E() / IP(src=CIP, dst=VIP, proto=132) / Raw(b"\x00\x00\x27\x0f" + b"\0" * 8 + b"\x01\x00\x00\x04"), "SCTP_PORT0"),
    ("sctp_bad_crc", E() / IP(src=CIP, dst=VIP, proto=132) / Raw(b"\x9c\x40\x27\x0f" + b"\0" * 8 + b"\x01\x00\x00\x04"), "-"),
    ("proto_255", E() / IP(src=CIP, dst=VIP, proto=255) / Raw(b"zz"), "PROTO_OTHER"),
    ("tcp_short", E() / IP(src=CIP, dst=VIP, proto=6) / Raw(b"\x9c\x40\x00\x50\x00\x00\x00\x01\x00\x00"), "TCP_SHORT"),
    ("tcp_doff2", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="S", dataofs=2), "TCP_DOFF"),
    ("tcp_doff15", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="S", dataofs=15), "TCP_DOFF"),
    ("tcp_null", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags=0), "TCP_FLAGS"),
    ("tcp_syn_fin", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="SF"), "TCP_FLAGS"),
    ("tcp_syn_rst", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="SR"), "TCP_FLAGS"),
    ("tcp_xmas", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="FPU"), "TCP_FLAGS"),
    ("tcp_fin_only", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="F"), "TCP_FLAGS"),
    ("tcp_psh_only", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="P"), "TCP_FLAGS"),
    ("tcp_sport0", E() / IP(src=CIP, dst=VIP) / TCP(sport=0, dport=80, flags="S"), "TCP_PORT0"),
    ("tcp_dport0", E() / IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=0, flags="S"), "TCP_PORT0"),
    ("tcp_bad_csum", E() / IP(src=CIP, dst=VIP) / TCP(dport=80, flags="S", chksum=0xbad), "-"),
    ("udp_short", E() / IP(src=CIP, dst=VIP, proto=17) / Raw(b"\x9c\x40\x00\x35"), "UDP_SHORT"),
    ("udp_len_big", E() / IP(src=CIP, dst=VIP) / UDP(dport=53, len=200) / Raw(b"q" * 10), "UDP_LEN"),
    ("udp_len_small", E() / IP(src=CIP, dst=VIP) / UDP(dport=53, len=4) / Raw(b"q" * 10), "UDP_LEN"),
    ("udp_sport0", E() / IP(src=CIP, dst=VIP) / UDP(sport=0, dport=53) / Raw(b"q"), "UDP_PORT0"),
    ("udp_bad_csum", E() / IP(src=CIP, dst=VIP) / UDP(dport=53, chksum=0xbad) / Raw(b"q"), "-"),
    ("icmp_short", E() / IP(src=CIP, dst=VIP, proto=1) / Raw(b"\x08\x00\xf7"), "ICMP_SHORT"),
    ("icmp_bad_csum", E() / IP(src=CIP, dst=VIP) / ICMP(type=8, chksum=0xbad), "-"),
    ("icmp_err_inner_short", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=1) / Raw(inner_reply[:10]), "ICMP_INNER_BAD"),
    ("icmp_err_inner_v6", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=1) / Raw(patch(inner_reply, 0, b"\x65")[:28]), "ICMP_INNER_BAD"),
    ("icmp_err_inner_ihl", E() / IP(src=CIP, dst=VIP) / ICMP(type=11) / Raw(patch(inner_reply, 0, b"\x4f")[:28]), "ICMP_INNER_BAD"),
    ("icmp_err_inner_frag", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / Raw(patch(inner_reply, 6, b"\x00\x10")[:28]), "ICMP_INNER_BAD"),
    ("icmp_err_inner_noports", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / Raw(inner_reply[:22]), "ICMP_INNER_BAD"),
    ("icmp_err_unrelated", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / Raw(bytes(IP(src="10.9.9.9", dst=CIP) / UDP(sport=7, dport=7))[:28]), "NOT_OURS"),
    ("icmp_err_no_conn", E() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=4, nexthopmtu=1200) / Raw(inner_reply[:28]), "CORE_PASS"),
    ("tcp_ack_no_conn", E() / IP(src=CIP, dst=VIP) / TCP(sport=40001, dport=80, flags="A", seq=1, ack=1), "CORE_PASS"),
    ("tcp_rst_no_conn", E() / IP(src=CIP, dst=VIP) / TCP(sport=40002, dport=80, flags="R"), "CORE_PASS"),
    ("spoofed_rs_reply", E() / IP(src=RS1, dst=CIP) / TCP(sport=80, dport=40003, flags="SA"), "CORE_PASS"),
    ("tcp_no_service_port", E() / IP(src=CIP, dst=VIP) / TCP(sport=40004, dport=81, flags="S"), "NOT_OURS"),
    ("udp_no_service_port", E() / IP(src=CIP, dst=VIP) / UDP(sport=40005, dport=54) / Raw(b"q"), "NOT_OURS"),
    ("ttl1_syn", E() / IP(src=CIP, dst=VIP, ttl=1) / TCP(sport=40006, dport=80, flags="S"), "TTL_EXCEEDED"),
    ("ttl0_syn", E() / IP(src=CIP, dst=VIP, ttl=0) / TCP(sport=40007, dport=80, flags="S"), "TTL_EXCEEDED"),
    ("garbage_ipv4_type", raw_ip(bytes(range(60))), "-"),
    ("garbage_max_frame", raw_ip(b"\x45" + b"\xff" * 1499), "-"),
    ("ip_options_valid_syn", E() / IP(src=CIP, dst=VIP, options=[IPOption_NOP()] * 4) / TCP(sport=40008, dport=80, flags="S"), "-"),
    ("padded_frame_syn", raw_ip(bytes(IP(src=CIP, dst=VIP) / TCP(sport=40009, dport=80, flags="S")) + b"\0" * 20), "-"),
]

fails = 0
for name, frame, want in K:
    before = counters()
    sendp(frame, iface=IFACE, count=REPEAT)
    if want == "-":
        time.sleep(0.05)
        print("kind %s ok - delta=n/a" % name, flush=True)
        continue
    if want.startswith("!"):
        time.sleep(0.5)     # long enough for a worker to have counted it
        d = counters().get(want[1:], 0) - before.get(want[1:], 0)
        fails += d != 0
        print("kind %s %s %s delta=%d" % (name, "ok" if d == 0 else "fail", want, d), flush=True)
        continue
    # workers count asynchronously: wait (bounded) for the counter to move
    deadline = time.time() + 3
    while True:
        time.sleep(0.05)
        d = counters().get(want, 0) - before.get(want, 0)
        if d >= REPEAT or time.time() > deadline:
            break
    ok = d >= REPEAT
    fails += not ok
    print("kind %s %s %s delta=%d" % (name, "ok" if ok else "fail", want, d), flush=True)
print("kinds %d" % len(K))
sys.exit(1 if fails else 0)
