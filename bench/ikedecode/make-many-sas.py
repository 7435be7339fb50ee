#!/usr/bin/env python3
"""Writes a pcap of N SAs with one IKE_SA_INIT request each (an ike-scan sweep or a flood): the
first message of examples/captures/ikev2-cert.pcap replayed N times, each with a fresh initiator
SPI and source address, GAP_MS apart (default 1 ms), so ikedecode holds as many SAs as it lets
itself. The UDP checksum is zeroed (allowed for IPv4) since the payload changes.

    make-many-sas.py OUT.pcap N [GAP_MS]"""
import os
import struct
import sys

out_path, n = sys.argv[1], int(sys.argv[2])
gap_us = int(float(sys.argv[3]) * 1000) if len(sys.argv) > 3 else 1000
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "captures",
                   "ikev2-cert.pcap")
data = open(src, "rb").read()
header = data[:24]
sec, usec, incl, orig = struct.unpack("<IIII", data[24:40])
frame = bytearray(data[40:40 + incl])
assert struct.unpack("!H", frame[12:14])[0] == 0x0800, "expects Ethernet/IPv4"
ihl = (frame[14] & 0x0f) * 4
udp = 14 + ihl
ike = udp + 8
with open(out_path, "wb") as out:
    out.write(header)
    t = sec * 1000000 + usec
    for i in range(n):
        f = bytearray(frame)
        f[ike:ike + 8] = struct.pack("!II", 0x5eed0000 | (i >> 16), (i * 2654435761) & 0xffffffff)
        f[14 + 12:14 + 16] = bytes([10, 64 + (i >> 16), (i >> 8) & 0xff, i & 0xff])
        f[14 + 10:14 + 12] = b"\0\0"
        s = 0
        for j in range(14, 14 + ihl, 2):
            s += (f[j] << 8) | f[j + 1]
        s = (s & 0xffff) + (s >> 16)
        s = (s & 0xffff) + (s >> 16)
        f[14 + 10:14 + 12] = struct.pack("!H", ~s & 0xffff)
        f[udp + 6:udp + 8] = b"\0\0"
        ts = t + i * gap_us
        out.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(f), len(f)) + f)
