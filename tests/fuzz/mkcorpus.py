#!/usr/bin/python3
"""Writes the generated seed corpora of tests/fuzz/corpus/ (run from the
top of the tree: tests/fuzz/mkcorpus.py [--merge build-fuzz/fuzz]).

Generated here: pkt (real frames built with scapy, in fuzz_pkt.c's record
format), sync (sync messages v0/v1), ctl (control-protocol request and
reply streams), dns (DNS replies built with scapy), ipvsadm and
ipvsadm_restore (the command lines and -R inputs of the golden cases,
tests/golden/cases, that add coverage: needs the built harnesses).  The text corpora (ldirectord, keepalived, fwmark)
are plain files kept as they are.

The addresses are those of the harnesses' lab table (tests/fuzz/lab.c).
"""
import hashlib
import os
import re
import shlex
import struct
import sys

from scapy.all import (ARP, DNS, DNSQR, DNSRR, Dot1Q, Ether, ICMP, IP, IPOption_RR, IPv6, Raw,
                       SCTP, SCTPChunkAbort, SCTPChunkCookieEcho, SCTPChunkData, SCTPChunkInit, TCP,
                       UDP)
from scapy.layers.dns import DNSRRMX, DNSRRSOA

TOP = os.getcwd()
CORPUS = os.path.join(TOP, 'tests/fuzz/corpus')
files = {}


def put(corpus, name, data):
    if isinstance(data, str):
        data = data.encode()
    files[os.path.join(CORPUS, corpus, 'gen-' + name)] = data


# ---- pkt: settings byte, then records (u8 ctl, u16 len LE, [offload], frame)
OUTBOUND, VLAN, LOCAL, OFF, TRUNC, MARK = 0x01, 0x02, 0x04, 0x08, 0x10, 0x80
CLK_1S, CLK_1M, CLK_1H = 0x20, 0x40, 0x60
CIP, CIP2, VIP, RS1, RS2 = '172.20.0.100', '10.9.0.7', '10.0.0.1', '192.168.1.1', '192.168.1.2'
MAC_C, MAC_D = '02:00:00:00:00:01', '02:00:00:00:00:02'


def eth(l3):
    return bytes(Ether(src=MAC_C, dst=MAC_D) / l3)


def rec(frame, ctl=0, off=None):
    b = struct.pack('<BH', ctl | (OFF if off else 0), len(frame))
    if off:
        b += struct.pack('<BBHHHH', *off)
    return b + frame


def pkt(name, records, settings=0):
    put('pkt', name, bytes([settings]) + b''.join(records))


def tcp_in(flags, sport=40000, dport=80, seq=1000, ack=0, load=b'', vip=VIP, cip=CIP):
    return eth(IP(src=cip, dst=vip) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack) / load)


def tcp_out(flags, rs=RS1, rport=80, dport=40000, seq=5000, ack=1001, load=b'', cip=CIP):
    return eth(IP(src=rs, dst=cip) / TCP(sport=rport, dport=dport, flags=flags, seq=seq, ack=ack) / load)


def pkt_seeds():
    get = b'GET / HTTP/1.0\r\n\r\n'
    def conv(flags, out=False, **kw):
        if out:
            return rec(tcp_out(flags, rport=8000, **kw), OUTBOUND)
        return rec(tcp_in(flags, dport=8000, **kw))
    pkt('tcp-nat-conversation', [
        conv('S'), conv('SA', True, ack=1001), conv('A', seq=1001, ack=5001),
        conv('PA', seq=1001, ack=5001, load=get),
        conv('PA', True, seq=5001, ack=1001 + len(get), load=b'HTTP/1.0 200 OK\r\n\r\nhi'),
        rec(tcp_in('FA', dport=8000, seq=1001 + len(get), ack=5023), CLK_1S),
        conv('FA', True, seq=5023, ack=1002 + len(get)),
        conv('A', seq=1002 + len(get), ack=5024), rec(tcp_in('S', dport=8000, seq=9000), CLK_1H),
        rec(tcp_in('S', seq=9000)), rec(tcp_in('S', sport=40001, seq=9000)), rec(tcp_in('S', sport=40002))])
    pkt('tcp-reset-reuse', [rec(tcp_in('S', dport=8000)), rec(tcp_in('R', dport=8000, seq=1001)),
                            rec(tcp_in('S', dport=8000, seq=7000), CLK_1S),
                            rec(tcp_out('RA', rport=8000, ack=7001), OUTBOUND)], settings=0x08)
    pkt('tcp-persistent-443', [rec(tcp_in('S', dport=443)), rec(tcp_in('S', sport=40001, dport=443)),
                               rec(tcp_in('S', dport=443, cip=CIP2), CLK_1M)])
    pkt('tcp-offload', [conv('S'), conv('SA', True, ack=1001), conv('A', seq=1001, ack=5001),
                        conv('PA', seq=1001, ack=5001, load=get), conv('A', seq=1019, ack=5001),
                        conv('FA', seq=1019, ack=5001)], settings=0x10)
    pkt('tcp-setup-offload-sloppy', [conv('A', seq=1001, ack=5001), conv('S'), conv('SA', True, ack=1001),
                                     conv('A', seq=1001, ack=5001), conv('F', seq=1001)], settings=0x21)
    pkt('tcp-fwmark', [rec(tcp_in('S', dport=8443, vip='10.0.0.9'), MARK),
                       rec(tcp_in('S', sport=40001, dport=22, vip='10.0.0.9'), MARK)])
    pkt('tcp-ftp-and-local', [rec(tcp_in('S', dport=21)), rec(tcp_in('S', vip='10.0.0.3')),
                              rec(eth(IP(src='127.0.0.1', dst='10.0.0.3') / TCP(sport=40000, dport=80, flags='S')),
                                  LOCAL)])
    pkt('tcp-gso-partial-csum', [conv('S'), rec(tcp_in('PA', dport=8000, seq=1001, ack=5001, load=b'x' * 3000),
                                                off=(1, 1, 54, 1448, 34, 16))])
    pkt('tcp-data-valid', [rec(tcp_in('S'), off=(2, 0, 0, 0, 0, 0))])
    pkt('udp-ops-dns', [rec(eth(IP(src=CIP, dst=VIP) / UDP(sport=5353, dport=53) / DNS(rd=1, qd=DNSQR(qname='www.example.com')))),
                        rec(eth(IP(src=RS1, dst=CIP) / UDP(sport=53, dport=5353) / (b'\x00' * 12)), OUTBOUND)])
    pkt('udp-persistent-port0', [rec(eth(IP(src=CIP, dst='10.0.0.2') / UDP(sport=1000, dport=1234) / b'a')),
                                 rec(eth(IP(src='172.20.0.101', dst='10.0.0.2') / UDP(sport=1000, dport=99) / b'b'),
                                     CLK_1M)], settings=0x80)
    pkt('sctp-association', [
        rec(eth(IP(src=CIP, dst=VIP) / SCTP(sport=3000, dport=5000) / SCTPChunkInit(init_tag=1, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=1))),
        rec(eth(IP(src=CIP, dst=VIP) / SCTP(sport=3000, dport=5000, tag=2) / SCTPChunkCookieEcho(cookie=b'cookie'))),
        rec(eth(IP(src=CIP, dst=VIP) / SCTP(sport=3000, dport=5000, tag=2) / SCTPChunkData(tsn=1, data=b'hello'))),
        rec(eth(IP(src=CIP, dst=VIP) / SCTP(sport=3000, dport=5000, tag=2) / SCTPChunkAbort()))], settings=0x02)
    inner = IP(src=VIP, dst=CIP) / TCP(sport=8000, dport=40000, flags='SA')
    pkt('icmp-errors', [
        rec(tcp_in('S', dport=8000)),
        rec(eth(IP(src='10.0.0.254', dst=VIP) / ICMP(type=3, code=4, nexthopmtu=1400) / bytes(inner)[:28])),
        rec(eth(IP(src='192.168.1.254', dst=CIP) / ICMP(type=11, code=0) / bytes(IP(src=CIP, dst=RS1) / TCP(sport=40000, dport=8000))[:28]), OUTBOUND),
        rec(eth(IP(src=CIP, dst=VIP) / ICMP(type=8, id=1, seq=1) / b'ping'))], settings=0x40)
    pkt('ip-oddities', [
        rec(eth(IP(src=CIP, dst=VIP, options=[IPOption_RR()]) / TCP(sport=40000, dport=80, flags='S'))),
        rec(eth(IP(src=CIP, dst=VIP, flags='MF', frag=0) / TCP(sport=40000, dport=80, flags='S') / (b'x' * 16))),
        rec(eth(IP(src=CIP, dst=VIP, frag=3) / (b'y' * 16))),
        rec(eth(IP(src=CIP, dst=VIP, ttl=1) / TCP(sport=40000, dport=80, flags='S'))),
        rec(eth(IP(src=CIP, dst=VIP, chksum=0x1234) / TCP(sport=40000, dport=80, flags='S'))),
        rec(eth(IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=80, flags='S', chksum=0x1234))),
        rec(eth(IP(src=CIP, dst=VIP, flags='DF') / TCP(sport=40000, dport=80, flags='PA') / (b'z' * 1600))),
        rec(eth(IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=80, flags='S'))[:40], TRUNC),
        rec(bytes(Ether(src=MAC_C, dst=MAC_D) / Dot1Q(vlan=5) / IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=80, flags='S')), VLAN),
        rec(bytes(Ether(src=MAC_C, dst='ff:ff:ff:ff:ff:ff') / ARP(psrc=CIP, pdst=VIP))),
        rec(bytes(Ether(src=MAC_C, dst=MAC_D) / IPv6(src='2001:db8::100', dst='2001:db8::1') / TCP(sport=40000, dport=80, flags='S'))),
        rec(eth(IP(src=CIP, dst=VIP, proto=47) / (b'\x00' * 8)))])


# ---- sync: byte 0 = the backup's sync id, then the datagram
def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def v1_entry(proto, flags, state, cport, vport, dport, fwmark, timeout, c, v, d, opts=b''):
    six = len(c) == 16
    body = struct.pack('>IHHHHII', flags, state, cport, vport, dport, fwmark, timeout) + c + v + d + opts
    size = 4 + len(body)
    e = struct.pack('>BBH', 1 if six else 0, proto, size) + body
    return e + b'\x00' * ((-len(e)) % 4)


def v1_msg(entries, syncid=1):
    body = b''.join(entries)
    return struct.pack('>BBHBBH', 0, syncid, 8 + len(body), len(entries), 1, 0) + body


def v0_msg(entries, syncid=1):
    body = b''
    for proto, cport, vport, dport, c, v, d, flags, state, seq in entries:
        body += struct.pack('>BBHHH', 0, proto, cport, vport, dport) + ip4(c) + ip4(v) + ip4(d) + \
            struct.pack('>HH', flags, state)
        if seq:
            body += b'\x00' * 24
    return struct.pack('>BBH', len(entries), syncid, 4 + len(body)) + body


def sync_seeds():
    golden = open(os.path.join(TOP, 'tests/golden/sync/msg.bin'), 'rb').read()
    put('sync', 'golden-kernel-msg', b'\x00' + golden)
    put('sync', 'golden-kernel-msg-syncid7', b'\x07' + golden)
    est = v1_entry(6, 0x0000, 1, 40000, 80, 80, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1))
    dr = v1_entry(6, 0x0003 | 0x0100, 4, 40001, 80, 80, 0, 120, ip4(CIP), ip4(VIP), ip4('192.168.1.3'))
    tmpl = v1_entry(6, 0x1000, 0, 0, 443, 443, 0, 300, ip4(CIP), ip4(VIP), ip4(RS1))
    fwm_tmpl = v1_entry(0, 0x1000 | 0x0003, 0, 0, 0, 0, 1, 120, ip4(CIP), ip4('0.0.0.1'), ip4('192.168.1.5'))
    fwm = v1_entry(6, 0x0003, 1, 40002, 8443, 8443, 1, 900, ip4(CIP), ip4('10.0.0.9'), ip4('192.168.1.5'))
    udp = v1_entry(17, 0x0000, 0, 5353, 53, 53, 0, 300, ip4(CIP), ip4(VIP), ip4(RS2))
    sctp = v1_entry(132, 0x0000, 8, 3000, 5000, 5000, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1))
    six = v1_entry(6, 0x0000, 1, 40000, 80, 80, 0, 900, ip6('2001:db8::100'), ip6('2001:db8::1'), ip6('2001:db8::10'))
    put('sync', 'v1-lab-mix', b'\x01' + v1_msg([est, dr, tmpl, fwm_tmpl, fwm, udp, sctp, six]))
    put('sync', 'v1-ipv6-tunnel', b'\x00' + v1_msg([v1_entry(6, 0x0002, 1, 40000, 80, 80, 0, 900,
                                                              ip6('2001:db8::100'), ip6('2001:db8::1'),
                                                              ip6('::ffff:192.168.1.7'))]))
    seq = v1_entry(6, 0x0000, 1, 40003, 80, 80, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1),
                   opts=bytes([1, 24]) + b'\x00' * 24)
    pe = v1_entry(17, 0x0000, 0, 5060, 5060, 5060, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1),
                  opts=bytes([3, 3]) + b'sip' + bytes([2, 4]) + b'abcd')
    optional = v1_entry(6, 0x0000, 1, 40004, 80, 80, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1),
                        opts=bytes([0x45, 2]) + b'zz')
    mandatory = v1_entry(6, 0x0000, 1, 40005, 80, 80, 0, 900, ip4(CIP), ip4(VIP), ip4(RS1),
                         opts=bytes([5, 2]) + b'zz')
    put('sync', 'v1-options', b'\x00' + v1_msg([seq, pe, optional, mandatory]))
    put('sync', 'v1-other-syncid', b'\x02' + v1_msg([est], syncid=3))
    put('sync', 'v1-truncated-entry', b'\x00' + v1_msg([est])[:-6])
    put('sync', 'v0-lab', b'\x00' + v0_msg([(6, 40000, 80, 80, CIP, VIP, RS1, 0x0000, 1, False),
                                             (6, 40001, 80, 80, CIP, VIP, '192.168.1.3', 0x0003 | 0x0400, 2, True),
                                             (17, 5353, 53, 53, CIP, VIP, RS2, 0, 0, False),
                                             (6, 0, 443, 443, CIP, VIP, RS1, 0x1000, 0, False)]))


# ---- ctl: byte 0 bit 0 = side (0 daemon: requests, 1 client: replies)
MAGIC, VERSION, F_REPLY = 0x4453564c, 1, 1
(OP_GET_INFO, OP_ADD_SERVICE, OP_EDIT_SERVICE, OP_DEL_SERVICE, OP_FLUSH, OP_ADD_DEST, OP_EDIT_DEST,
 OP_DEL_DEST, OP_ZERO, OP_SET_TIMEOUTS, OP_GET_TIMEOUTS, OP_START_DAEMON, OP_STOP_DAEMON,
 OP_GET_DAEMONS, OP_GET_SERVICES, OP_GET_SERVICE, OP_GET_TEXT, OP_COMMAND, OP_BATCH) = range(1, 20)
AF_INET, AF_INET6 = 2, 10


def frame(op, payload=b'', seq=1, flags=0):
    return struct.pack('<IHHIII', MAGIC, VERSION, op, flags, seq, len(payload)) + payload


def addr(af, a):
    raw = ip4(a) if af == AF_INET else ip6(a)
    return struct.pack('<H', af) + raw + b'\x00' * (16 - len(raw))


def name(s, width=16):
    return s.encode()[:width - 1].ljust(width, b'\x00')


def svc(af=AF_INET, a=VIP, proto=6, port=80, fwmark=0, sched='rr', flags=0, timeout=0, netmask=0xffffffff, pe=''):
    return addr(af, a) + struct.pack('<HHI', proto, port, fwmark) + name(sched) + \
        struct.pack('<III', flags, timeout, netmask) + name(pe)


def dest(af=AF_INET, a=RS1, port=80, fwd=0, weight=1, u=0, l=0, tun_type=0, tun_port=0, tun_flags=0):
    return addr(af, a) + struct.pack('<HIiIIBHH', port, fwd, weight, u, l, tun_type, tun_port, tun_flags)


def daemon(state=2, ifn='lo', syncid=0, maxlen=0, af=AF_INET, group='224.0.0.81', port=8848, ttl=1):
    return struct.pack('<i', state) + name(ifn) + struct.pack('<IH', syncid, maxlen) + addr(af, group) + \
        struct.pack('<HB', port, ttl)


def s32(s):
    return struct.pack('<I', len(s)) + s.encode()


def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def stats(vals=(3, 10, 8, 1500, 9000, 1, 2, 2, 300, 1800)):
    return b''.join(varint(v) for v in vals)


def ctl_seeds():
    s80, s443 = svc(), svc(port=443, sched='wlc', flags=1, timeout=300)
    fwm = svc(a='0.0.0.0', fwmark=1, sched='wrr', proto=6, port=0)
    six = svc(af=AF_INET6, a='2001:db8::1', netmask=128, sched='sh', flags=0x18)
    d = b'\x00'
    put('ctl', 'daemon-build-table', d + frame(OP_GET_INFO) + frame(OP_ADD_SERVICE, s80, 2) +
        frame(OP_ADD_DEST, s80 + dest(), 3) + frame(OP_ADD_DEST, s80 + dest(a=RS2, port=8080, weight=3, u=10, l=5), 4) +
        frame(OP_EDIT_DEST, s80 + dest(weight=0), 5) + frame(OP_ADD_SERVICE, s443, 6) +
        frame(OP_ADD_SERVICE, fwm, 7) + frame(OP_ADD_DEST, fwm + dest(a='192.168.1.5', port=0, fwd=3), 8) +
        frame(OP_ADD_SERVICE, six, 9) + frame(OP_ADD_DEST, six + dest(AF_INET6, '2001:db8::10'), 10) +
        frame(OP_ADD_DEST, six + dest(a='192.168.1.7', fwd=2, tun_type=1, tun_port=6080, tun_flags=1), 11) +
        frame(OP_GET_SERVICES, b'', 12) + frame(OP_GET_SERVICE, s80, 13) + frame(OP_GET_TEXT, s32('ip_vs'), 14) +
        frame(OP_GET_TEXT, s32('ip_vs_stats'), 15) + frame(OP_EDIT_SERVICE, svc(sched='wlc'), 16) +
        frame(OP_DEL_DEST, s80 + dest(), 17) + frame(OP_ZERO, b'\x01' + s80, 18) + frame(OP_ZERO, b'\x00', 19) +
        frame(OP_DEL_SERVICE, s443, 20) + frame(OP_FLUSH, b'', 21))
    batch = [(OP_ADD_SERVICE, s80), (OP_ADD_DEST, s80 + dest()), (OP_ADD_DEST, s80 + dest(a=RS2)),
             (OP_SET_TIMEOUTS, struct.pack('<III', 900, 120, 300)), (OP_DEL_SERVICE, svc(port=81))]
    payload = struct.pack('<I', len(batch)) + b''.join(struct.pack('<HI', op, len(p)) + p for op, p in batch)
    put('ctl', 'daemon-batch', d + frame(OP_BATCH, payload) + frame(OP_GET_SERVICES, b'', 2))
    put('ctl', 'daemon-timeouts-daemons', d + frame(OP_SET_TIMEOUTS, struct.pack('<III', 900, 120, 300)) +
        frame(OP_GET_TIMEOUTS, b'', 2) + frame(OP_START_DAEMON, daemon(), 3) +
        frame(OP_START_DAEMON, daemon(state=1, ifn='nosuchif0', syncid=5, maxlen=1472), 4) +
        frame(OP_GET_DAEMONS, b'', 5) + frame(OP_STOP_DAEMON, struct.pack('<i', 2), 6))
    put('ctl', 'daemon-commands', d + frame(OP_COMMAND, s32('help')) + frame(OP_COMMAND, s32('version'), 2) +
        frame(OP_COMMAND, s32('  reload now'), 3) + frame(OP_COMMAND, s32('nosuch'), 4) +
        frame(OP_GET_TEXT, s32('status'), 5) + frame(OP_GET_TEXT, s32('nosuch'), 6))
    put('ctl', 'daemon-bad-frames', d + frame(OP_ADD_SERVICE, s80 + b'extra') + frame(OP_GET_INFO, b'', 2, F_REPLY) +
        frame(99, b'', 3) + struct.pack('<IHHIII', MAGIC, 2, 1, 0, 4, 0))

    def reply(op, result, data=b'', seq=0):
        return frame(op, struct.pack('<i', result) + data, seq, F_REPLY)
    entry = svc() + struct.pack('<I', 2) + stats() + \
        dest() + varint(3) + varint(1) + varint(0) + stats() + \
        dest(a=RS2, port=8080, weight=2) + varint(0) + varint(0) + varint(2) + stats((0,) * 10)
    timeouts = struct.pack('<I', 12) + struct.pack('<12I', *([900, 120, 60, 120, 120, 120, 10, 60, 30, 60, 120, 60])) + \
        struct.pack('<I', 300)
    put('ctl', 'client-replies', b'\x01' + reply(OP_GET_INFO, 0, struct.pack('<III', 0x010206, 4096, 1)) +
        reply(OP_GET_SERVICES, 0, struct.pack('<I', 2) + entry + entry) + reply(OP_GET_SERVICE, 0, entry) +
        reply(OP_GET_TIMEOUTS, 0, timeouts) + reply(OP_GET_DAEMONS, 2, daemon(1) + daemon(2, syncid=9)) +
        reply(OP_GET_TEXT, 0, b'IP Virtual Server version 1.2.1 (size=4096)\n') +
        reply(OP_COMMAND, 0, b'lvsd 1.0.0\n') + reply(OP_ADD_SERVICE, 0) +
        reply(OP_BATCH, 0, struct.pack('<Iiii', 3, 0, -17, 0)))
    put('ctl', 'client-errors', b'\x01' + reply(OP_GET_INFO, -1) + reply(OP_GET_SERVICES, 0, struct.pack('<I', 1000)) +
        reply(OP_GET_SERVICE, -3) + reply(OP_GET_TIMEOUTS, 0, struct.pack('<I', 65)) +
        reply(OP_GET_DAEMONS, 3, daemon(1)) + reply(OP_GET_TEXT, -2, b'no such view: ip_vs\n'))


# ---- dns: byte 0 selects the query (fuzz_dns.c), then the reply
DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'PTR', 'MX', 'TXT', 'AAAA']
DNS_NAMES = ['www.example.com', 'example.com.', '.', '1.0.0.10.in-addr.arpa']


def dns_sel(qtype, qname, rx=0):
    return DNS_TYPES.index(qtype) | DNS_NAMES.index(qname) << 3 | rx << 5


def dns_reply(qtype, qname, answers=None, rcode=0, tc=0):
    q = DNSQR(qname=qname if qname != '.' else '.', qtype=qtype)
    return bytes(DNS(id=0x1234, qr=1, rd=1, ra=1, tc=tc, rcode=rcode, qd=q, an=answers))


def dns_seeds():
    www = 'www.example.com'
    put('dns', 'a-two-answers', bytes([dns_sel('A', www, 1)]) + dns_reply('A', www, DNSRR(rrname=www, type='A', rdata='192.168.1.16') / DNSRR(rrname=www, type='A', rdata='10.0.0.1')))
    put('dns', 'cname-chain-a', bytes([dns_sel('A', www)]) + dns_reply('A', www, DNSRR(rrname=www, type='CNAME', rdata='web.example.com') / DNSRR(rrname='web.example.com', type='A', rdata='192.168.1.8')))
    put('dns', 'aaaa', bytes([dns_sel('AAAA', www)]) + dns_reply('AAAA', www, DNSRR(rrname=www, type='AAAA', rdata='2001:db8::10')))
    put('dns', 'mx-receive', bytes([dns_sel('MX', 'example.com.', 2)]) + dns_reply('MX', 'example.com.', DNSRRMX(rrname='example.com.', preference=10, exchange='mail.example.com')))
    put('dns', 'ns', bytes([dns_sel('NS', 'example.com.')]) + dns_reply('NS', 'example.com.', DNSRR(rrname='example.com.', type='NS', rdata='ns1.example.com')))
    put('dns', 'soa-root', bytes([dns_sel('SOA', '.')]) + dns_reply('SOA', '.', DNSRRSOA(rrname='.', mname='a.root-servers.net', rname='nstld.verisign-grs.com')))
    put('dns', 'ptr', bytes([dns_sel('PTR', '1.0.0.10.in-addr.arpa', 3)]) + dns_reply('PTR', '1.0.0.10.in-addr.arpa', DNSRR(rrname='1.0.0.10.in-addr.arpa', type='PTR', rdata='abcz.example.com')))
    put('dns', 'txt', bytes([dns_sel('TXT', www)]) + dns_reply('TXT', www, DNSRR(rrname=www, type='TXT', rdata='v=spf1 -all')))
    put('dns', 'nxdomain', bytes([dns_sel('A', www)]) + dns_reply('A', www, rcode=3))
    put('dns', 'truncated-flag', bytes([dns_sel('A', www)]) + dns_reply('A', www, tc=1))
    put('dns', 'no-answer', bytes([dns_sel('AAAA', www)]) + dns_reply('AAAA', www, DNSRR(rrname=www, type='A', rdata='192.168.1.16')))
    loop = bytearray(dns_reply('A', www, DNSRR(rrname=www, type='A', rdata='192.168.1.16')))
    at = 12 + len(bytes(DNSQR(qname=www)))
    loop[at:at + 2] = struct.pack('>H', 0xc000 | at)          # an answer name that points at itself
    put('dns', 'pointer-loop', bytes([dns_sel('A', www)]) + bytes(loop))
    put('dns', 'name-query-v4', b'\x80' + b'10.0.0.1')
    put('dns', 'name-query-v6', b'\x80' + b'2001:db8::10')
    put('dns', 'name-query-long', b'\x80' + b'a' * 63 + b'.' + b'b' * 63 + b'.example.com.')


# ---- ipvsadm: the golden cases' command lines (words separated by NUL)
def golden_commands():
    argvs, inputs = {}, {}
    for path in sorted(os.listdir(os.path.join(TOP, 'tests/golden/cases'))):
        if not path.endswith('.sh'):
            continue
        text = open(os.path.join(TOP, 'tests/golden/cases', path)).read()
        for m in re.finditer(r"^(ti?) '((?:[^'\\]|'\\'')*)'(?: '((?:[^']|'\\'')*)')?", text, re.M):
            cmd = m.group(2).replace("'\\''", "'")
            if re.search(r'[|;&<>`$]', cmd):
                continue
            try:
                words = shlex.split(cmd)
            except ValueError:
                continue
            if not words or words[0] != 'ipvsadm':
                continue
            argvs.setdefault(b'\x00'.join(w.encode() for w in words[1:]), path[:-3])
            if m.group(1) == 'ti' and m.group(3) is not None and words[1:] in (['-R'], ['--restore']):
                inputs.setdefault(m.group(3).replace("'\\''", "'").encode(), path[:-3])
    return argvs, inputs


def cli_seeds(fuzz_dir):
    """The golden command lines are far more than the harnesses need (about
    1700): libFuzzer's merge keeps those that add coverage to the corpus."""
    import subprocess
    import tempfile
    argvs, inputs = golden_commands()
    for corpus, seeds in (('ipvsadm', argvs), ('ipvsadm_restore', inputs)):
        with tempfile.TemporaryDirectory() as tmp:
            for data in seeds:
                open(os.path.join(tmp, hashlib.sha1(data).hexdigest()), 'wb').write(data)
            d = os.path.join(CORPUS, corpus)
            os.makedirs(d, exist_ok=True)
            subprocess.run([os.path.join(fuzz_dir, 'fuzz_' + corpus), '-merge=1', d, tmp],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print('%s: %d golden inputs merged, %d files' % (corpus, len(seeds), len(os.listdir(d))))


def main():
    args = sys.argv[1:]
    pkt_seeds()
    sync_seeds()
    ctl_seeds()
    dns_seeds()
    for p, data in sorted(files.items()):
        if os.path.exists(p) and open(p, 'rb').read() == data:
            continue
        print('write: ' + os.path.relpath(p, TOP))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, 'wb').write(data)
    if len(args) == 2 and args[0] == '--merge':
        cli_seeds(args[1])
    else:
        print('ipvsadm corpora: run with --merge build-fuzz/fuzz (after make fuzz-build)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
