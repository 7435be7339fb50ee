#!/usr/bin/env python3
"""Replicates a capture of NTLM authentications COPIES times, each copy on its own client
ports (its own TCP connection): make-capture.py IN.pcap OUT.pcap COPIES. Used by bench/cbaudit/run
and bench/cbaudit/pairs.sh."""
import struct, sys
data = open(sys.argv[1], "rb").read()
header, body = data[:24], data[24:]
linktype = struct.unpack("<I", header[20:24])[0]
records = []
off = 0
while off + 16 <= len(body):
    ts, us, incl, orig = struct.unpack("<IIII", body[off:off + 16])
    records.append((ts, us, bytearray(body[off + 16:off + 16 + incl]), orig))
    off += 16 + incl
link = {1: 14, 113: 16, 276: 20, 0: 4}[linktype]
with open(sys.argv[2], "wb") as out:
    out.write(header)
    server = None
    for copy in range(int(sys.argv[3])):
        for ts, us, pkt, orig in records:
            p = bytearray(pkt)
            ihl = (p[link] & 0x0f) * 4
            tcp = link + ihl
            sport, dport = struct.unpack(">HH", p[tcp:tcp + 4])
            if server is None:
                server = dport
            shift = lambda port: 1024 + (port - 1024 + copy * 7) % 60000 if port != server else port
            p[tcp:tcp + 4] = struct.pack(">HH", shift(sport), shift(dport))
            out.write(struct.pack("<IIII", ts + copy, us, len(p), orig))
            out.write(p)
