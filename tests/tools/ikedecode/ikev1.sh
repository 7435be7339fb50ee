#!/bin/bash
# IKEv1 between two strongSwan charons (examples/gen): main mode decrypted with the phase-1 key
# (Wireshark ikev1_decryption_table and the raw charon log), certificates that openssl verifies
# against the example CA, quick mode and the informational deletes; then the L2TP/IPsec capture
# through a real NAT: ESP in UDP, NAT keepalives and the L2TP source port counted as tshark and
# charon's own log see them. Field-by-field agreement with tshark is tests/integration/ikedecode.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures"

# --- main mode with certificates (AES-256-CBC, SHA2-256), CERT payloads encrypted ------------
ikedecode --json "$C/ikev1-main-cert.pcap" >"$T/nokeys.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="certificate")] | length' "$T/nokeys.jsonl")" 0 \
  "no certificates without keys (they are encrypted)"
expect_exit 0 ikedecode --json --keys "$C/ikev1-main-cert.ikev1_decryption_table" "$C/ikev1-main-cert.pcap"
last_stdout >"$T/cert.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="certificate")] | length' "$T/cert.jsonl")" 2 "two certificates"
: >"$T/subjects"
i=0
for der in $(jq -r 'select(.type=="certificate") | .data.der' "$T/cert.jsonl"); do
  i=$((i + 1))
  echo "$der" | base64 -d >"$T/c$i.der"
  openssl x509 -inform DER -in "$T/c$i.der" -noout -subject >>"$T/subjects"
  openssl verify -CAfile "$C/example-ca.pem" <(openssl x509 -inform DER -in "$T/c$i.der") >/dev/null \
    || fail "IKEv1 certificate $i does not verify against the example CA"
done
assert_contains "$(cat "$T/subjects")" "CN = sun.example.com" "initiator cert"
assert_contains "$(cat "$T/subjects")" "CN = moon.example.com" "responder cert"
assert_eq "$(jq -r 'select(.type=="certificate") | .data.source.sender' "$T/cert.jsonl" | tr '\n' ' ')" \
  "initiator responder " "senders"
assert_eq "$(jq -r 'select(.type=="certificate") | .data.source.encrypted' "$T/cert.jsonl" | sort -u)" true \
  "certificates came from encrypted messages"
# The decrypted IDs are the ones the generator configured; Cisco-style IKEv1 fragments carried
# the encrypted message 5 and 6 (strongSwan fragments them at 1280 bytes).
ids=$(jq -r 'select(.type=="ike_message") | .data.payloads[] | select(.type==5 and .id_type==2) | .value.text' "$T/cert.jsonl" | tr '\n' ' ')
assert_eq "$ids" "sun.example.com moon.example.com " "decrypted main-mode IDs"
assert_eq "$(jq -s '[.[] | select(.type=="ike_message") | .data.payloads[] | select(.type==132)] | length' "$T/cert.jsonl")" 4 \
  "four IKEv1 fragments"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/cert.jsonl")" established "verdict"
# Quick mode: the ESP proposal the generator configured (aes128-sha256) and the deletes.
qm=$(jq -c 'select(.type=="ike_message" and .data.exchange==32) | .data.payloads[] | select(.type==1) | .proposals[0] | [.protocol_name, .transforms[0].id_name]' "$T/cert.jsonl" | sort -u)
assert_eq "$qm" '["IPSEC_ESP","ESP_AES"]' "quick-mode proposal"
del=$(jq -r 'select(.type=="ike_message" and .data.exchange==5) | .data.payloads[] | select(.type==12) | .protocol_name' "$T/cert.jsonl" | tr '\n' ' ')
assert_eq "$del" "IPSEC_ESP ISAKMP " "informational deletes (CHILD_SA, then the IKE SA)"
assert_eq "$(jq -s '[.[] | select(.type=="anomaly")] | length' "$T/cert.jsonl")" 0 "no anomalies"
pass "IKEv1 main mode with certificates decrypted"

# --- main mode with PSK (3DES, SHA1): the raw charon log gives the same plaintext ------------
a=$(ikedecode --json --messages --keys "$C/ikev1-main-psk.charon.log" "$C/ikev1-main-psk.pcap" | jq -c 'select(.type=="ike_message") | .data.payloads')
b=$(ikedecode --json --messages --keys "$C/ikev1-main-psk.ikev1_decryption_table" "$C/ikev1-main-psk.pcap" | jq -c 'select(.type=="ike_message") | .data.payloads')
assert_eq "$a" "$b" "charon log keys decrypt IKEv1 like the table"
assert_contains "$a" '"INITIAL-CONTACT"' "decrypted notify"
assert_contains "$a" '"ID_IPV4_ADDR_SUBNET"' "decrypted quick-mode IDs"
# A wrong key: every encrypted message is reported, nothing is invented.
cookie=$(cut -d, -f1 "$C/ikev1-main-psk.ikev1_decryption_table")
echo "$cookie,000102030405060708090a0b0c0d0e0f1011121314151617" >"$T/wrong.table"
ikedecode --json --keys "$T/wrong.table" "$C/ikev1-main-psk.pcap" >"$T/wrong.jsonl" || true
assert_eq "$(jq -s '[.[] | select(.type=="anomaly" and .data.code=="decrypt-failed")] | length' "$T/wrong.jsonl")" 7 \
  "each of the 7 encrypted messages fails to decrypt"
assert_eq "$(jq -s '[.[] | select(.type=="ike_message") | .data.payloads[] | select(.encrypted)] | length' "$T/wrong.jsonl")" 0 \
  "no payloads from a wrong key"
echo "0011,22" >"$T/bad.table"
expect_exit 2 ikedecode --keys "$T/bad.table" "$C/ikev1-main-psk.pcap"
assert_one_line_error ikedecode
pass "IKEv1 PSK, 3DES, charon log keys, wrong keys"

# --- L2TP/IPsec to a responder behind a real NAT ---------------------------------------------
ikedecode --json --keys "$C/ikev1-natt-l2tp.ikev1_decryption_table" "$C/ikev1-natt-l2tp.pcap" \
  "$C/ikev1-natt-l2tp.inner.pcap" >"$T/l2tp.jsonl"
counts=$(jq -c 'select(.type=="summary") | .data.counts | [.esp_packets, .nat_keepalives, .l2tp_packets]' "$T/l2tp.jsonl")
tesp=$(tshark -n -r "$C/ikev1-natt-l2tp.pcap" -Y esp 2>/dev/null | wc -l)
tka=$(tshark -n -r "$C/ikev1-natt-l2tp.pcap" -Y udpencap.nat_keepalive 2>/dev/null | wc -l)
tl2tp=$(tshark -n -r "$C/ikev1-natt-l2tp.inner.pcap" -Y l2tp 2>/dev/null | wc -l)
assert_eq "$counts" "[$tesp,$tka,$tl2tp]" "ESP in UDP, keepalives, L2TP counted as tshark does"
[ "$tka" -ge 1 ] && [ "$tesp" -ge 1 ] || fail "the capture holds no keepalive or no ESP"
ports=$(jq -c 'select(.type=="finding" and .data.code=="l2tp-source-port") | .data.details.ports' "$T/l2tp.jsonl")
tport=$(tshark -n -r "$C/ikev1-natt-l2tp.inner.pcap" -Y l2tp -T fields -e udp.srcport 2>/dev/null | sort -u)
assert_eq "$ports" "[$tport]" "L2TP client source port"
# charon (the responder) logged "local host is behind NAT, sending keep alives": the generator
# put it behind a DNAT, and the keepalives come from it.
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.nat.responder_behind_nat' "$T/l2tp.jsonl")" true "responder behind NAT"
ka_src=$(tshark -n -r "$C/ikev1-natt-l2tp.pcap" -Y udpencap.nat_keepalive -T fields -e ip.src 2>/dev/null | sort -u)
assert_eq "$ka_src" "$(jq -r 'select(.type=="ike_sa") | .data.responder | split(":")[0]' "$T/l2tp.jsonl")" \
  "keepalives from the responder"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/l2tp.jsonl")" established "verdict"
pass "L2TP/IPsec through NAT"
