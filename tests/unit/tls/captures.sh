#!/bin/bash
# common/tls against tshark and against the known plaintext, on the captures that
# examples/gen/tls-openssl.sh made with openssl s_server/s_client (TLS 1.0-1.3, DTLS 1.0/1.2).
# Per capture: the handshake message types in order, the negotiated cipher suite, the SNI and the
# number of application data records agree with `tshark -o tls.keylog_file:K`; the decrypted
# bytes are exactly the line the client sent and the server's answer; the keying material
# exporter matches what s_client -keymatexport printed.
source "$SECKIT_TESTS_DIR/lib.sh"
CAPS="$SECKIT_SOURCE_DIR/examples/captures/tls"
command -v tshark >/dev/null || fail "tshark is required (scripts/deps.d)"

checked=0
for pcap in "$CAPS"/*.pcap; do
  name="$(basename "$pcap" .pcap)"
  keys="$CAPS/$name.keys"
  out="$T/$name.jsonl"
  "$TLS_DUMP" --keylog "$keys" --export EXPERIMENTAL-seckit:32 "$pcap" >"$out" || fail "$name: tls_dump failed"
  proto=tls
  [[ "$name" == dtls* ]] && proto=dtls

  # One tshark pass: per frame the handshake types, cipher suites, SNI and record types.
  tshark -r "$pcap" -o "tls.keylog_file:$keys" -T fields -E separator='|' -e "$proto.handshake.type" \
    -e "$proto.handshake.ciphersuite" -e "$proto.record.content_type" \
    -e tls.handshake.extensions_server_name 2>/dev/null >"$T/$name.tshark"
  # Handshake types in frame order (DTLS fragments of one message collapse into one).
  want_types="$(cut -d'|' -f1 "$T/$name.tshark" | tr ',' '\n' | sed '/^$/d' |
    { if [ "$proto" = dtls ]; then uniq; else cat; fi } | tr '\n' ' ')"
  got_types="$(jq -r 'select(.kind=="handshake") | .type' "$out" | tr '\n' ' ')"
  assert_eq "$got_types" "$want_types" "$name: handshake types"
  # The ServerHello's suite: the cipher suite field of frames whose types include 2.
  want_suite="$(awk -F'|' '$1 ~ /(^|,)2(,|$)/ {print $2}' "$T/$name.tshark" | sort -u | tr '\n' ' ')"
  got_suite="$(jq -r 'select(.kind=="summary") | .cipher_suite_id' "$out" | sort -u | tr '\n' ' ')"
  assert_eq "$got_suite" "$want_suite" "$name: cipher suite"
  if [ "$proto" = tls ]; then
    want_sni="$(cut -d'|' -f4 "$T/$name.tshark" | sed '/^$/d' | sort -u)"
    got_sni="$(jq -r 'select(.kind=="summary") | .sni' "$out" | sort -u)"
    assert_eq "$got_sni" "$want_sni" "$name: SNI"
  fi
  want_app="$(cut -d'|' -f3 "$T/$name.tshark" | tr ',' '\n' | grep -c '^23$' || true)"
  got_app="$(jq -r 'select(.kind=="application_data" and .decrypted) | .frame' "$out" | wc -l)"
  assert_eq "$got_app" "$want_app" "$name: decrypted application data records"
  opaque="$(jq -r 'select(.kind=="application_data" and (.decrypted|not)) | .frame' "$out" | wc -l)"
  assert_eq "$opaque" 0 "$name: application data left opaque"

  # The known plaintext (see examples/gen/tls-openssl.sh).
  c2s="seckit-tls-$name-c2s"
  s2c="$(printf '%s' "$c2s" | rev)"
  [ "$proto" = dtls ] && s2c="seckit-tls-$name-s2c"
  got_c2s="$(jq -r 'select(.kind=="application_data" and .dir=="c2s" and .text != "") | .text | rtrimstr("\n")' "$out" | sort -u)"
  got_s2c="$(jq -r 'select(.kind=="application_data" and .dir=="s2c" and .text != "") | .text | rtrimstr("\n")' "$out" | sort -u)"
  assert_eq "$got_c2s" "$c2s" "$name: client plaintext"
  assert_eq "$got_s2c" "$s2c" "$name: server plaintext"

  jq -e -s '[.[] | select(.kind=="summary")] | all(.decrypted and .opaque_reason == "")' "$out" >/dev/null ||
    fail "$name: summary not decrypted"
  # RFC 5705 / RFC 8446 7.5 exporter: what s_client -keymatexport printed for the same session.
  assert_eq "$(jq -r 'select(.kind=="summary") | .exporter' "$out" | tr '\n' ' ')" \
    "$(tr 'A-F' 'a-f' <"$CAPS/$name.exporter" | tr '\n' ' ')" "$name: exporter"
  checked=$((checked + 1))
done
[ "$checked" -ge 18 ] || fail "only $checked captures checked"
pass "$checked captures agree with tshark and with the plaintext sent"

# Details tshark also shows: the CertificateRequest CA names and the resumption kinds.
want_ca="$(openssl x509 -in "$CAPS/tls-ca.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
"$TLS_DUMP" --keylog "$CAPS/tls12-client-cert.keys" "$CAPS/tls12-client-cert.pcap" >"$T/cc.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .client_ca_names[0]' "$T/cc.jsonl")" "$want_ca" "client CA name"
assert_eq "$(jq -r 'select(.kind=="summary") | .client_certificate_sent' "$T/cc.jsonl")" "true" "client cert sent"
"$TLS_DUMP" --keylog "$CAPS/tls13-client-cert.keys" "$CAPS/tls13-client-cert.pcap" >"$T/cc13.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .client_certificate_requested' "$T/cc13.jsonl")" "true" \
  "TLS 1.3 certificate request seen inside the encrypted handshake"
"$TLS_DUMP" --keylog "$CAPS/tls12-resumed.keys" "$CAPS/tls12-resumed.pcap" >"$T/r12.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .resumption' "$T/r12.jsonl" | tr '\n' ' ')" "none session-id " \
  "TLS 1.2 session id resumption"
"$TLS_DUMP" --keylog "$CAPS/tls13-resumed.keys" "$CAPS/tls13-resumed.pcap" >"$T/r13.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .resumption' "$T/r13.jsonl" | tr '\n' ' ')" "none psk " \
  "TLS 1.3 PSK resumption"
pass "CA names and resumption kinds"

# AnyConnect DTLS from the sslvpn-trace captures (ocserv + openconnect): the legacy Cisco DTLS
# 0x0100 and the X-DTLS12-CipherSuite session are resumptions keyed by X-DTLS-Session-ID /
# X-DTLS-Master-Secret from the CONNECT exchange, for which GnuTLS logs no usable key. We harvest
# both from our own decryption of the TLS session, give them to tls_dump (as sslvpn-trace does
# through KeyLog::add_session_master) and compare with tshark given the hand-made
# "RSA Session-ID:<sid> Master-Key:<ms>" line Wireshark needs.
VPN="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"
for name in sslvpn-tls12-dtls-legacy sslvpn-dtls12; do
  [ -f "$VPN/$name.pcap" ] || { echo "skip: $VPN/$name.pcap not present"; continue; }
  "$TLS_DUMP" --keylog "$VPN/$name.keylog" "$VPN/$name.pcap" >"$T/$name.tls.jsonl"
  sid="$(jq -r 'select(.kind=="application_data" and .text != null) | .text' "$T/$name.tls.jsonl" |
    sed -n 's/^X-DTLS-Session-ID: *\([0-9A-Fa-f]*\).*/\1/p' | first_line)"
  ms="$(jq -r 'select(.kind=="application_data" and .text != null) | .text' "$T/$name.tls.jsonl" |
    sed -n 's/^X-DTLS-Master-Secret: *\([0-9A-Fa-f]*\).*/\1/p' | first_line)"
  [ -n "$sid" ] && [ -n "$ms" ] || fail "$name: X-DTLS-Session-ID / Master-Secret not found in the decrypted CONNECT"
  # Without the pair the DTLS session stays opaque (GnuTLS's key log line does not fit it).
  jq -e -s '[.[] | select(.kind=="summary" and .dtls)] | length == 1 and all(.decrypted | not)' \
    "$T/$name.tls.jsonl" >/dev/null || fail "$name: DTLS decrypted without the harvested pair"
  "$TLS_DUMP" --keylog "$VPN/$name.keylog" --session "$sid:$ms" "$VPN/$name.pcap" >"$T/$name.jsonl"
  jq -e -s '[.[] | select(.kind=="summary" and .dtls)] | all(.decrypted and .resumption == "session-id")' \
    "$T/$name.jsonl" >/dev/null || fail "$name: DTLS not decrypted with the harvested pair"
  { cat "$VPN/$name.keylog"; echo "RSA Session-ID:$sid Master-Key:$ms"; } >"$T/$name.keys"
  want="$(tshark -r "$VPN/$name.pcap" -o "tls.keylog_file:$T/$name.keys" -Y 'dtls.record.content_type == 23' \
    -T fields -e data.len 2>/dev/null | tr '\n' ' ')"
  got="$(jq -r 'select(.kind=="application_data" and .decrypted and .epoch > 0) |
    if .text then (.text | length) else (.hex | length / 2) end' "$T/$name.jsonl" | tr '\n' ' ')"
  [ -n "$want" ] || fail "$name: tshark decrypted no DTLS application data"
  assert_eq "$got" "$want" "$name: decrypted DTLS record lengths vs tshark"
done
pass "AnyConnect DTLS (legacy 0x0100 and DTLS 1.2) decrypted with the harvested session secrets"

# openconnect's PSK-NEGOTIATE: the DTLS 1.2 PSK is the TLS session's exporter value for
# "EXPORTER-openconnect-psk" (32 bytes), TLS 1.2 (RFC 5705 PRF) and TLS 1.3 (EXPORTER_SECRET).
# With a key log holding only the TLS session's lines, the DTLS session decrypts (its AEAD tags
# verify) only through Options::psk derived that way.
for name in sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk; do
  [ -f "$VPN/$name.pcap" ] || { echo "skip: $VPN/$name.pcap not present"; continue; }
  "$TLS_DUMP" --keylog "$VPN/$name.keylog" --export EXPORTER-openconnect-psk:32 "$VPN/$name.pcap" >"$T/$name.jsonl"
  cr="$(jq -r 'select(.kind=="summary" and (.dtls|not)) | .client_random' "$T/$name.jsonl" | first_line)"
  psk="$(jq -r 'select(.kind=="summary" and (.dtls|not)) | .exporter' "$T/$name.jsonl" | first_line)"
  grep -i "$cr" "$VPN/$name.keylog" >"$T/$name.tls-only.keys" || fail "$name: no key log lines for the TLS session"
  "$TLS_DUMP" --keylog "$T/$name.tls-only.keys" "$VPN/$name.pcap" >"$T/$name.nopsk.jsonl"
  jq -e -s '[.[] | select(.kind=="summary" and .dtls)] | length >= 1 and all(.decrypted | not)' \
    "$T/$name.nopsk.jsonl" >/dev/null || fail "$name: DTLS decrypted without its key"
  "$TLS_DUMP" --keylog "$T/$name.tls-only.keys" --psk "$psk" "$VPN/$name.pcap" >"$T/$name.psk.jsonl"
  jq -e -s '[.[] | select(.kind=="summary" and .dtls)] | length >= 1 and all(.decrypted)' \
    "$T/$name.psk.jsonl" >/dev/null || fail "$name: DTLS not decrypted with the exported PSK"
done
pass "DTLS PSK sessions decrypted with the PSK exported from the TLS session"
