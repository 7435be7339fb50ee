#!/bin/bash
# Hostile input: every capture truncated at many points (inside TLS records), a capture that
# starts mid-session, garbage key logs, garbage on the VPN ports. Never a crash (exit 0, 1 or 4
# for inconclusive), records still well formed.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"

for cap in "$C"/*.pcap; do
  name=$(basename "$cap" .pcap)
  size=$(stat -c %s "$cap")
  for cut in 24 40 100 300 $((size / 7)) $((size / 5)) $((size / 3)) $((size / 2)) \
             $((size * 2 / 3)) $((size - 500)) $((size - 7)); do
    [ "$cut" -gt 0 ] && [ "$cut" -lt "$size" ] || continue
    head -c "$cut" "$cap" >"$T/cut.pcap"
    rc=0
    sslvpn-trace --json "$T/cut.pcap" --keylog "$C/$name.keylog" >"$T/cut.jsonl" 2>"$T/cut.err" || rc=$?
    [ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "$name cut at $cut: exit $rc: $(cat "$T/cut.err")"
    assert_envelope "$T/cut.jsonl"
  done
done
pass "truncation sweep"

# Mid-session: drop the first 12 frames (TCP handshake, TLS handshake, first HTTP exchanges).
for name in sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk; do
  editcap -r "$C/$name.pcap" "$T/mid.pcap" 13-100000 >/dev/null
  rc=0
  sslvpn-trace --json "$T/mid.pcap" --keylog "$C/$name.keylog" >"$T/mid.jsonl" 2>"$T/mid.err" || rc=$?
  [ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "$name mid-session: exit $rc: $(cat "$T/mid.err")"
  assert_envelope "$T/mid.jsonl"
  assert_eq "$(jq -r 'select(.type=="tls_session").data.handshake_seen' "$T/mid.jsonl" | first_line)" false "$name mid-session handshake_seen"
done
pass "capture starting mid-session"

# A lost segment in a TLS 1.3 tunnel (implicit sequence numbers): drop one client frame that
# tshark says carries exactly one TLS record, after the CONNECT. Decryption resumes after it:
# the client's CSTP DISCONNECT (its last record) is still read, with the reason openconnect logged.
name=sslvpn-dtls-blocked
frames=$(tshark -r "$C/$name.pcap" -o "tls.keylog_file:$C/$name.keylog" \
  -Y 'ip.src==10.252.0.1 && tls.record.opaque_type==23' -T fields -e frame.number -e tls.record.length 2>/dev/null |
  awk -F'\t' '$2 !~ /,/ {print $1}')
drop=$(tail -3 <<<"$frames" | first_line)  # a record before the last two (the last is the DISCONNECT)
[ -n "$drop" ] || fail "tshark found no single-record client frame in $name"
editcap "$C/$name.pcap" "$T/gap.pcap" "$drop" >/dev/null
rc=0
sslvpn-trace --json "$T/gap.pcap" --keylog "$C/$name.keylog" >"$T/gap.jsonl" 2>"$T/gap.err" || rc=$?
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "$name without frame $drop: exit $rc: $(cat "$T/gap.err")"
assert_envelope "$T/gap.jsonl"
assert_contains "$(jq -r 'select(.type=="tls_session").data.notes[]' "$T/gap.jsonl")" \
  "resumes after 1 lost record" "$name without frame $drop: gap bridged"
reason=$(sed -n 's/.*Send BYE packet: \(.*\)$/\1/p' "$C/$name.openconnect.log" | first_line)
[ -n "$reason" ] || fail "no BYE reason in $name.openconnect.log"
assert_eq "$(jq -r 'select(.type=="cstp_tunnel").data.disconnect.reason' "$T/gap.jsonl")" "$reason" \
  "$name without frame $drop: DISCONNECT read after the gap"
pass "a lost segment in a TLS 1.3 stream: decryption resumes on the next record"

# Garbage key logs: binary noise and absurd line lengths hold no key-log line (exit 2, one error
# line); right labels with wrong secrets are key logs that decrypt nothing (never a crash).
head -c 4096 /dev/urandom >"$T/noise.keylog"
python3 -c 'print("CLIENT_RANDOM " + "ab" * 100000 + " " + "cd" * 48)' >"$T/long.keylog"
sed 's/ [0-9a-f]*$/ '"$(printf '00%.0s' $(seq 48))"'/' "$C/sslvpn-tls12-dtls-psk.keylog" >"$T/zero.keylog"
for k in noise long; do
  expect_exit 2 sslvpn-trace --json "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$T/$k.keylog"
  assert_one_line_error sslvpn-trace
done
rc=0
sslvpn-trace --json "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$T/zero.keylog" >"$T/k.jsonl" 2>"$T/k.err" || rc=$?
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "zero key log: exit $rc: $(cat "$T/k.err")"
assert_envelope "$T/k.jsonl"
assert_eq "$(jq -r 'select(.type=="tls_session").data.decrypted' "$T/k.jsonl")" false "zero key log decrypts nothing"
pass "garbage key logs"

# Garbage on TCP/443 and UDP/443: random payloads, a fake TLS record with a 64 KB length, a
# DTLS header with a huge length, a CSTP-looking stream without TLS.
python3 - "$T/garbage.pcap" <<'PY'
import os, random, struct, sys
random.seed(7)
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = [1700000000]
def frame(ip):
    eth = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x08\x00" + ip
    t[0] += 1
    out.write(struct.pack("<IIII", t[0], 0, len(eth), len(eth)) + eth)
def ipv4(proto, payload, src=1, dst=2):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                       bytes([192, 0, 2, src]), bytes([192, 0, 2, dst])) + payload
seq = {}
def tcp(sport, dport, flags, data=b""):
    key = (sport, dport)
    s = seq.get(key, 1000)
    seq[key] = s + len(data) + (1 if flags & 0x03 else 0)
    return struct.pack("!HHIIBBHHH", sport, dport, s, 0, 0x50, flags, 65535, 0, 0) + data
def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
frame(ipv4(6, tcp(40000, 443, 0x02)))
frame(ipv4(6, tcp(443, 40000, 0x12), 2, 1))
frame(ipv4(6, tcp(40000, 443, 0x18, b"\x16\x03\x01\xff\xff" + bytes(random.randrange(256) for _ in range(1200)))))
frame(ipv4(6, tcp(443, 40000, 0x18, b"STF\x01\x00\x10\x00\x00" + b"A" * 16), 2, 1))
for i in range(20):
    frame(ipv4(6, tcp(40000, 443, 0x18, bytes(random.randrange(256) for _ in range(random.randrange(1, 1400))))))
frame(ipv4(17, udp(50000, 443, b"\x16\x01\x00\x00\x00" + b"\x00" * 6 + b"\xff\xff" + b"\x01" * 40)))
frame(ipv4(17, udp(50000, 443, b"\x16\xfe\xfd\x00\x00" + b"\x00" * 6 + b"\x00\x30" + b"\x01\x00\x00\x24" + b"\xee" * 44)))
for i in range(20):
    frame(ipv4(17, udp(50000, 443, bytes(random.randrange(256) for _ in range(random.randrange(1, 600))))))
frame(ipv4(1, b"\x03\x03\x00\x00\x00\x00\x00\x00" + ipv4(17, udp(50000, 443, b""))[:28]))
PY
rc=0
sslvpn-trace --json "$T/garbage.pcap" --keylog "$C/sslvpn-tls12-dtls-psk.keylog" >"$T/g.jsonl" 2>"$T/g.err" || rc=$?
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "garbage capture: exit $rc: $(cat "$T/g.err")"
assert_envelope "$T/g.jsonl"
rc=0
sslvpn-trace --color always "$T/garbage.pcap" >/dev/null 2>&1 || rc=$?
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || fail "garbage text mode: exit $rc"
pass "garbage on the VPN ports"
