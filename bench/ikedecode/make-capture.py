#!/usr/bin/env python3
"""Writes a large pcap for the ikedecode benchmark: mostly non-IKE traffic (TCP and UDP frames
of mixed sizes between many hosts) with the IKE exchanges of examples/captures replayed inside it
every N frames, each replay with fresh SPIs and addresses so every one is its own SA. With
IKE_PERCENT (default 0.3), N is chosen so that about that share of the frames is IKE (issue 16's
dense case: 5).

    make-capture.py OUT.pcap SIZE_MB [CAPTURES_DIR] [IKE_PERCENT]"""
import glob
import os
import random
import struct
import sys

out_path, size_mb = sys.argv[1], int(sys.argv[2])
captures = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "captures")
ike_percent = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3


def read_pcap(path):
    data = open(path, "rb").read()
    if struct.unpack("<I", data[20:24])[0] != 1:
        return []  # only Ethernet captures are spliced in (the *.inner.pcap is raw IP)
    pos, frames = 24, []
    while pos + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[pos:pos + 16])
        frames.append(bytearray(data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    return frames


exchanges = [x for x in (read_pcap(p) for p in sorted(glob.glob(os.path.join(captures, "*.pcap"))))
             if x]
mean_exchange = sum(len(x) for x in exchanges) / len(exchanges)
every = max(1, round(mean_exchange * (100 - ike_percent) / ike_percent))
rng = random.Random(7)
payloads = [bytes(rng.getrandbits(8) for _ in range(n)) for n in (64, 200, 512, 1000, 1400)]


def background(i):
    # Ethernet / IPv4 / TCP or UDP between 10.0.x.y hosts; ports that are not IKE's.
    body = payloads[i % len(payloads)]
    src = bytes([10, 0, (i >> 8) & 0xff, i & 0xff])
    dst = bytes([10, 1, (i >> 4) & 0xff, 7])
    if i % 3:
        l4 = struct.pack("!HHIIBBHHH", 40000 + i % 1000, 443, i, 0, 0x50, 0x10, 502, 0, 0) + body
        proto = 6
    else:
        l4 = struct.pack("!HHHH", 50000 + i % 1000, 53, 8 + len(body), 0) + body
        proto = 17
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i & 0xffff, 0x4000, 64, proto, 0,
                     src, dst)
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + l4


def replay(frames, k):
    # New initiator SPI / cookie and new addresses: every replay is a distinct SA.
    out = []
    a, b = bytes([10, 250, k >> 8 & 0xff, k & 0xff]), bytes([10, 251, k >> 8 & 0xff, k & 0xff])
    for f in frames:
        f = bytearray(f)
        if len(f) > 34 and f[12:14] == b"\x08\x00":
            old_src, old_dst = bytes(f[26:30]), bytes(f[30:34])
            f[26:30] = a if old_src[3] == 1 else b
            f[30:34] = a if old_dst[3] == 1 else b
            ihl = (f[14] & 0x0f) * 4
            udp = 14 + ihl
            frag = struct.unpack("!H", f[20:22])[0] & 0x1fff
            if f[23] == 17 and frag == 0:
                sport = struct.unpack("!H", f[udp:udp + 2])[0]
                ike = udp + 8 + (4 if sport == 4500 else 0)
                if len(f) >= ike + 8:
                    f[ike:ike + 4] = struct.pack("!I", k)
        out.append(bytes(f))
    return out


target = size_mb * 1024 * 1024
written, i, k = 24, 0, 0
with open(out_path, "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    ts = 1700000000.0
    while written < target:
        if i % every == 0:
            k += 1
            frames = replay(exchanges[k % len(exchanges)], k)
        else:
            frames = [background(i)]
        for f in frames:
            ts += 0.0001
            sec = int(ts)
            out.write(struct.pack("<IIII", sec, int((ts - sec) * 1e6), len(f), len(f)))
            out.write(f)
            written += 16 + len(f)
        i += 1
print(f"{out_path}: {written / 1e6:.0f} MB, {i} frame groups, {k} IKE replays")
