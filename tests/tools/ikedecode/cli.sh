#!/bin/bash
# ikedecode on the committed captures: exit codes, envelope, verdicts, and the values that real
# peers wrote down themselves (ike-scan's report and psk-crack file, the generator's openssl
# subjects). Field-by-field comparison with tshark is in tests/integration/ikedecode.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures"

# --- usage and input errors: exit 2, one line on stderr -----------------------------------
expect_exit 2 ikedecode
assert_one_line_error ikedecode
expect_exit 2 ikedecode --bogus "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
expect_exit 2 ikedecode "$T/missing.pcap"
assert_one_line_error ikedecode
echo "not a capture" >"$T/text.pcap"
expect_exit 2 ikedecode "$T/text.pcap"
assert_one_line_error ikedecode
expect_exit 2 ikedecode --filter 'udp port' "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
expect_exit 2 ikedecode --keys "$T/text.pcap" "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
expect_exit 2 ikedecode --messages --sessions "$C/ikev2-psk.pcap"
pass "usage errors"

# --- established PSK SA: exit 0, envelope, one SA -----------------------------------------
expect_exit 0 ikedecode --json "$C/ikev2-psk.pcap"
last_stdout >"$T/psk.jsonl"
assert_envelope "$T/psk.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="ike_message")] | length' "$T/psk.jsonl")" 6 "psk messages"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/psk.jsonl")" established "psk verdict"
assert_eq "$(jq -c 'select(.type=="summary") | [.data.verdict, .data.exit_code]' "$T/psk.jsonl")" '["pass",0]' "summary verdict and exit"
pass "ikev2-psk established"

# --- --messages / --sessions choose the records -------------------------------------------
ikedecode --json --sessions "$C/ikev2-psk.pcap" >"$T/s.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="ike_message")] | length' "$T/s.jsonl")" 0 "--sessions"
assert_eq "$(jq -s '[.[] | select(.type=="ike_sa")] | length' "$T/s.jsonl")" 1 "--sessions sa"
ikedecode --json --messages "$C/ikev2-psk.pcap" >"$T/m.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="ike_sa")] | length' "$T/m.jsonl")" 0 "--messages"
pass "--messages/--sessions"

# --- failures: exit 1, the notify and the Windows error -----------------------------------
expect_exit 1 ikedecode --json "$C/ikev2-proposal-mismatch.pcap"
last_stdout >"$T/np.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.notify' "$T/np.jsonl")" NO_PROPOSAL_CHOSEN "mismatch notify"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.windows_error.win32' "$T/np.jsonl")" 13802 "mismatch winerr"
assert_eq "$(jq -r 'select(.type=="finding") | .data.code' "$T/np.jsonl" | first_line)" ike-sa-failed "mismatch finding"

# ikev2-timeout.pcap ends with the fifth send; a timeout needs the capture to go on past the
# initiator's retransmission schedule (tests/tools/ikedecode/verdicts.sh): one unrelated packet
# 200 s later, placed by editcap, shows it.
tls="$SECKIT_SOURCE_DIR/examples/captures/tls/tls12-aes128sha-etm.pcap"
last=$(tshark -n -r "$C/ikev2-timeout.pcap" -T fields -e frame.time_epoch 2>/dev/null | tail -1)
first_tls=$(tshark -n -r "$tls" -T fields -e frame.time_epoch 2>/dev/null | head -1)
editcap -r -t "$(python3 -c "print(f'{$last + 200 - $first_tls:.6f}')")" "$tls" "$T/later.pcap" 1 2>/dev/null
mergecap -w "$T/timeout.pcap" "$C/ikev2-timeout.pcap" "$T/later.pcap"
expect_exit 1 ikedecode --json "$T/timeout.pcap"
last_stdout >"$T/to.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/to.jsonl")" timed_out "timeout verdict"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.windows_error.win32' "$T/to.jsonl")" 13805 "13805"
# The intervals between the five sends, from the pcap record headers read directly (not through
# libpcap), in milliseconds: strongSwan's 1.0 s * 1.4^n schedule.
python3 - "$C/ikev2-timeout.pcap" >"$T/expected_sched" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read(); pos = 24; ts = []
while pos + 16 <= len(d):
    s, us, incl, _ = struct.unpack("<IIII", d[pos:pos + 16]); ts.append(s * 1000000 + us); pos += 16 + incl
print(",".join(str(round((b - a) / 1000)) for a, b in zip(ts, ts[1:])))
PY
sched=$(jq -r 'select(.type=="ike_sa") | .data.retransmission_schedule | map(. * 1000 | round) | join(",")' "$T/to.jsonl")
assert_eq "$sched" "$(cat "$T/expected_sched")" "retransmission schedule (ms)"

expect_exit 1 ikedecode --json "$C/ikev2-auth-failure.pcap"
last_stdout >"$T/af.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.windows_error.win32' "$T/af.jsonl")" 13801 "auth inferred"
expect_exit 1 ikedecode --json --keys "$C/ikev2-auth-failure.ikev2_decryption_table" "$C/ikev2-auth-failure.pcap"
last_stdout >"$T/afk.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.notify' "$T/afk.jsonl")" AUTHENTICATION_FAILED "auth decrypted"
pass "failure verdicts"

# --- the same keys from the raw charon log (ike 4) as from the Wireshark table -------------
a=$(ikedecode --json --keys "$C/ikev2-psk.charon.log" "$C/ikev2-psk.pcap" | jq -c 'select(.type=="ike_message") | .data.payload_sequence')
b=$(ikedecode --json --keys "$C/ikev2-psk.ikev2_decryption_table" "$C/ikev2-psk.pcap" | jq -c 'select(.type=="ike_message") | .data.payload_sequence')
assert_eq "$a" "$b" "charon log keys decrypt like the table"
assert_contains "$a" '"IDi"' "decrypted IKE_AUTH"
echo "12:00:00 00[DMN] Starting IKE charon daemon" >"$T/empty.log"
expect_exit 2 ikedecode --keys "$T/empty.log" "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
pass "charon log keys"

# --- certificates: decrypted from IKE_AUTH, what openssl reads in them is what the generator
# --- put there (subjects, the EKU the initiator lacks) -------------------------------------
ikedecode --json --keys "$C/ikev2-cert.ikev2_decryption_table" "$C/ikev2-cert.pcap" >"$T/cert.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="certificate")] | length' "$T/cert.jsonl")" 2 "two certificates"
i=0
for der in $(jq -r 'select(.type=="certificate") | .data.der' "$T/cert.jsonl"); do
  i=$((i + 1))
  echo "$der" | base64 -d >"$T/c$i.der"
  openssl x509 -inform DER -in "$T/c$i.der" -noout -subject >>"$T/subjects"
  openssl verify -CAfile "$C/example-ca.pem" <(openssl x509 -inform DER -in "$T/c$i.der") >/dev/null \
    || fail "certificate $i does not verify against the example CA"
done
assert_contains "$(cat "$T/subjects")" "CN = sun.example.com" "initiator cert"
assert_contains "$(cat "$T/subjects")" "CN = moon.example.com" "responder cert"
assert_eq "$(jq -r 'select(.type=="certificate") | .data.source.sender' "$T/cert.jsonl" | sort | tr '\n' ' ')" "initiator responder " "senders"
assert_eq "$(jq -r 'select(.type=="ike_message" and .data.source.frame==4) | .data.source.ip_fragment_frames | length' "$T/cert.jsonl")" 2 "IKE_AUTH reassembled from two IP fragments"
ikedecode --json --keys "$C/ikev2-cert-skf.ikev2_decryption_table" "$C/ikev2-cert-skf.pcap" >"$T/skf.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="certificate")] | length' "$T/skf.jsonl")" 2 "SKF certificates"
pass "certificates"

# --- ike-scan: what ike-scan itself reported about the responder's answer ------------------
# A probe gets one answer: the SA is incomplete, so the run is inconclusive (exit 4).
expect_exit 4 ikedecode --json "$C/ikev1-main-ike-scan.pcap"
last_stdout >"$T/mm.jsonl"
for vid in $(grep -o 'VID=[0-9a-f]*' "$C/ikev1-main-ike-scan.ike-scan.txt" | cut -d= -f2); do
  # jq 1.6 -e looks at the last output only: slurp and ask any().
  jq -s -e --arg v "$vid" 'any(.[] | select(.type=="ike_message") | .data.payloads[]; .vendor_id==$v)' \
    "$T/mm.jsonl" >/dev/null || fail "VID $vid reported by ike-scan not found"
done
acc=$(jq -r 'select(.type=="ike_sa") | .data.accepted_proposal' "$T/mm.jsonl")
# ike-scan: SA=(Enc=3DES Hash=SHA1 Group=2:modp1024 Auth=PSK ...)
grep -q 'Enc=3DES Hash=SHA1 Group=2:modp1024 Auth=PSK' "$C/ikev1-main-ike-scan.ike-scan.txt" \
  || fail "ike-scan saw another transform; regenerate or update this test"
for item in KEY_IKE 3DES-CBC /SHA/ MODP_1024 "Pre-shared key"; do
  assert_contains "$acc" "$item" "accepted transform as ike-scan saw it"
done
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="weak-crypto") | .data.details.algorithms | join(",")' "$T/mm.jsonl")" "3DES-CBC,SHA,MODP_1024" "weak crypto"
expect_exit 4 ikedecode --json "$C/ikev1-aggressive-ike-scan.pcap"
last_stdout >"$T/am.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.psk_crack' "$T/am.jsonl")" \
  "$(cat "$C/ikev1-aggressive-ike-scan.psk-crack.txt")" "psk-crack line equals ike-scan's"
pass "ike-scan probes"

# --- text output: one ladder line per message and the verdict ------------------------------
ikedecode --color never "$T/timeout.pcap" >"$T/to.txt" || true
assert_eq "$(grep -c 'IKE_SA_INIT request mid=' "$T/to.txt")" 5 "ladder lines"
assert_contains "$(cat "$T/to.txt")" "13805 (ERROR_IPSEC_IKE_TIMED_OUT)" "text verdict"

# --- BPF filter and stdin -----------------------------------------------------------------
# Only the responder's half: the SA cannot be judged (exit 4), the messages are still there.
n=$( { ikedecode --json --filter 'src host 10.250.0.2' "$C/ikev2-psk.pcap" || [ $? = 4 ]; } | jq -s '[.[] | select(.type=="ike_message")] | length')
assert_eq "$n" 3 "filter keeps the responder's messages"
n=$(ikedecode --json - <"$C/ikev2-psk.pcap" | jq -s '[.[] | select(.type=="ike_message")] | length')
assert_eq "$n" 6 "stdin"
pass "filter and stdin"

# --- UDP 1701 -> 500 is IKE (issue 16): the first IKE_SA_INIT with its source port rewritten ------
python3 - "$C/ikev2-psk.pcap" "$T/from1701.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
incl = struct.unpack("<I", d[32:36])[0]
f = bytearray(d[40:40 + incl])
udp = 14 + (f[14] & 0x0f) * 4
f[udp:udp + 2] = struct.pack("!H", 1701)
f[udp + 6:udp + 8] = b"\0\0"  # no UDP checksum (IPv4 allows it)
open(sys.argv[2], "wb").write(d[:24] + d[24:40] + f)
PY
assert_eq "$(tshark -n -r "$T/from1701.pcap" -Y 'isakmp && udp.srcport == 1701' 2>/dev/null | wc -l)" 1 "tshark decodes IKE from 1701"
expect_exit 4 ikedecode --json "$T/from1701.pcap"
assert_eq "$(last_stdout | jq -c 'select(.type=="summary") | .data.counts | [.ike_messages, .l2tp_packets]')" "[1,0]" "IKE from 1701"
assert_eq "$(last_stdout | jq -r 'select(.type=="ike_message") | .data.source.src_port')" 1701 "source port"
pass "UDP 1701 -> 500 is IKE"
