#!/bin/bash
# Hostile captures: truncated files, a flood of IP fragments that never complete, garbage on
# port 500. Never a crash (exit 0/1 with anomalies), records still well formed.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures"

# Every capture cut at several points inside its records.
for cap in "$C"/*.pcap; do
  size=$(stat -c %s "$cap")
  for cut in 30 60 100 $((size / 3)) $((size / 2)) $((size - 7)); do
    [ "$cut" -lt "$size" ] || continue
    head -c "$cut" "$cap" >"$T/cut.pcap"
    rc=0
    ikedecode --json "$T/cut.pcap" >"$T/cut.jsonl" 2>"$T/cut.err" || rc=$?
    [ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "$(basename "$cap") cut at $cut: exit $rc: $(cat "$T/cut.err")"
    assert_envelope "$T/cut.jsonl"
    jq -s -e 'any(.[]; .type=="anomaly" and .data.code=="capture-truncated")' "$T/cut.jsonl" >/dev/null \
      || fail "$(basename "$cap") cut at $cut: no capture-truncated anomaly"
  done
done
pass "truncated captures"

# 65000 IPv4 fragments of distinct datagrams, none complete; and garbage IKE on port 500.
python3 - "$T/flood.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def frame(ip):
    eth = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x08\x00" + ip
    out.write(struct.pack("<IIII", 1700000000, 0, len(eth), len(eth)) + eth)
def ipv4(ident, flags_off, payload, proto=17):
    total = 20 + len(payload)
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, flags_off, 64, proto, 0,
                       bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])) + payload
for i in range(65000):
    frame(ipv4(i & 0xffff, 0x2000 | (i % 100), b"\x01\xf4\x01\xf4" + b"\x00" * 12))
# UDP 500 with IKE headers that lie: zero length, huge length, payload loops.
for payload in [b"\x00" * 28, b"\x11" * 16 + b"\x21\x20\x22\x08" + b"\x00" * 4 + b"\xff\xff\xff\xff",
                b"\x11" * 16 + b"\x2b\x20\x25\x08" + b"\x00" * 4 + b"\x00\x00\x00\x24" + b"\x2b\x00\x00\x04" * 2]:
    udp = struct.pack("!HHHH", 500, 500, 8 + len(payload), 0) + payload
    frame(ipv4(7, 0, udp))
PY
rc=0
ikedecode --json "$T/flood.pcap" >"$T/flood.jsonl" 2>"$T/flood.err" || rc=$?
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "flood: exit $rc: $(cat "$T/flood.err")"
assert_envelope "$T/flood.jsonl"
n=$(jq -s '[.[] | select(.type=="anomaly" and .data.code=="fragments-incomplete")] | length' "$T/flood.jsonl")
[ "$n" -gt 100 ] || fail "flood: only $n fragments-incomplete anomalies"
assert_eq "$(jq -r 'select(.type=="summary") | .data.counts.frames' "$T/flood.jsonl")" 65003 "flood frames"
jq -s -e 'any(.[]; .type=="anomaly" and (.data.code=="ike-malformed" or .data.code=="ike-payload-malformed"))' \
  "$T/flood.jsonl" >/dev/null || fail "lying IKE headers not reported"
pass "fragment flood and lying headers"
