#!/bin/bash
# sslvpn-trace CLI contract on the committed ocserv/openconnect captures: exit codes, envelope,
# verdicts the scenarios were made to produce (examples/gen/sslvpn-ocserv.sh), redaction.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"

expect_exit 2 sslvpn-trace
assert_one_line_error sslvpn-trace
expect_exit 2 sslvpn-trace "$T/missing.pcap"
assert_one_line_error sslvpn-trace
expect_exit 2 sslvpn-trace --keylog "$T/missing.keylog" "$C/sslvpn-tls12-dtls-psk.pcap"
assert_one_line_error sslvpn-trace
echo "not a capture" >"$T/text.pcap"
expect_exit 2 sslvpn-trace "$T/text.pcap"
assert_one_line_error sslvpn-trace
expect_exit 2 sslvpn-trace --tls-port notaport "$C/sslvpn-tls12-dtls-psk.pcap"
pass "usage and input errors"

run() {  # name [args...]: JSON of one capture with its key log
  local name="$1"; shift
  sslvpn-trace --json "$C/$name.pcap" --keylog "$C/$name.keylog" "$@" >"$T/$name.jsonl" || true
  assert_envelope "$T/$name.jsonl"
}
verdict() { jq -r 'select(.type=="summary").data.verdict' "$1"; }
outcome() { jq -r 'select(.type=="summary").data.outcome' "$1"; }

for name in sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk sslvpn-tls12-dtls-legacy sslvpn-dtls12 \
            sslvpn-client-cert-request; do
  expect_exit 0 sslvpn-trace --json "$C/$name.pcap" --keylog "$C/$name.keylog"
  last_stdout >"$T/$name.jsonl"
  assert_envelope "$T/$name.jsonl"
  assert_eq "$(verdict "$T/$name.jsonl")" pass "$name verdict"
  assert_eq "$(outcome "$T/$name.jsonl")" connected-dtls "$name outcome"
  for t in tls_session http_exchange cstp_tunnel dtls_session sslvpn_phase certificate; do
    jq -e -s --arg t "$t" 'any(.[]; .type==$t)' "$T/$name.jsonl" >/dev/null || fail "$name: no $t record"
  done
  # Phases 1, 2, 3, 5, 6 all ok.
  assert_eq "$(jq -r -s '[.[] | select(.type=="sslvpn_phase" and .data.status=="ok") | .data.phase] | unique | map(tostring) | join(",")' "$T/$name.jsonl")" \
    "1,2,3,5,6" "$name phases"
  assert_eq "$(jq -r 'select(.type=="dtls_session").data.decrypted' "$T/$name.jsonl")" true "$name DTLS decrypted"
done
pass "connected captures: verdict, record types, phases, DTLS decrypted"

# Phase 4: ocserv announced its user profile in vpn-profile-manifest and openconnect --xmlconfig,
# holding a stale copy, downloaded it. The file openconnect saved hashes to the SHA-1 ocserv
# announced (its webvpnc cookie, in openconnect's log); sslvpn-trace checks the download against
# the manifest from the capture alone.
name=sslvpn-profile-download
grep -q "Downloaded new XML profile" "$C/$name.openconnect.log" || fail "$name: openconnect did not download"
expect_exit 0 sslvpn-trace --json "$C/$name.pcap" --keylog "$C/$name.keylog"
last_stdout >"$T/$name.jsonl"
assert_eq "$(verdict "$T/$name.jsonl")" pass "$name verdict"
assert_eq "$(outcome "$T/$name.jsonl")" connected-dtls "$name outcome"
saved=$(sha1sum "$C/$name.profile.xml" | cut -d' ' -f1)
announced=$(sed -n 's/.*&fh:\([0-9A-Fa-f]*\);.*/\1/p' "$C/$name.openconnect.log" | first_line | tr A-F a-f)
assert_eq "$saved" "$announced" "$name: openconnect's saved profile vs ocserv's announced SHA-1"
dl() { jq -r "select(.type==\"http_exchange\" and .data.phase==4).data.download.$1" "$T/$name.jsonl"; }
assert_eq "$(dl hash)" "$saved" "$name: SHA-1 of the downloaded body"
assert_eq "$(dl expected_hash)" "$announced" "$name: manifest hash"
assert_eq "$(dl verified)" true "$name: verified"
assert_eq "$(jq -r -s '[.[] | select(.type=="sslvpn_phase" and .data.status=="ok") | .data.phase] | unique | map(tostring) | join(",")' "$T/$name.jsonl")" \
  "1,2,3,4,5,6" "$name phases"
pass "phase 4: the profile download is verified against the manifest, as openconnect saved it"

# The DTLS mode of each capture is the one the generator asked for.
mode() { jq -r 'select(.type=="dtls_session").data.mode' "$T/$1.jsonl"; }
assert_eq "$(mode sslvpn-tls12-dtls-psk)" psk-negotiate "PSK mode"
assert_eq "$(mode sslvpn-tls13-dtls-psk)" psk-negotiate "PSK mode under TLS 1.3"
assert_eq "$(mode sslvpn-tls12-dtls-legacy)" legacy-0x0100 "legacy mode"
assert_eq "$(mode sslvpn-dtls12)" dtls1.2-resumption "DTLS 1.2 resumption mode"
pass "DTLS modes"

# Client certificate request with the CA's DN (the generator's CA).
assert_eq "$(jq -r 'select(.type=="tls_session").data.client_certificate_requested' "$T/sslvpn-client-cert-request.jsonl")" true "cert request"
ca_dn=$(openssl x509 -in "$C/sslvpn-ca.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
assert_eq "$(jq -r 'select(.type=="tls_session").data.client_ca_names[0]' "$T/sslvpn-client-cert-request.jsonl")" "$ca_dn" "CA name in CertificateRequest"
assert_eq "$(jq -r 'select(.type=="tls_session").data.client_certificate_requested' "$T/sslvpn-tls12-dtls-psk.jsonl")" false "no cert request"
pass "client certificate request"

# Wrong password: exit 1, auth-failed finding and verdict, no tunnel.
expect_exit 1 sslvpn-trace --json "$C/sslvpn-bad-password.pcap" --keylog "$C/sslvpn-bad-password.keylog"
last_stdout >"$T/bad.jsonl"
assert_eq "$(verdict "$T/bad.jsonl")" fail "bad password verdict"
assert_eq "$(outcome "$T/bad.jsonl")" auth-failed "bad password outcome"
jq -e -s 'any(.[]; .type=="finding" and .data.code=="auth-failed")' "$T/bad.jsonl" >/dev/null || fail "no auth-failed finding"
jq -e -s 'all(.[]; .type!="cstp_tunnel")' "$T/bad.jsonl" >/dev/null || fail "tunnel after a failed login"
pass "bad password"

# DTLS blocked: verdict, finding, four unanswered ClientHellos, CSTP MTU applies, data on CSTP.
run sslvpn-dtls-blocked
assert_eq "$(verdict "$T/sslvpn-dtls-blocked.jsonl")" pass "blocked verdict: the tunnel is up"
assert_eq "$(outcome "$T/sslvpn-dtls-blocked.jsonl")" connected-dtls-blocked "blocked outcome"
jq -e -s 'any(.[]; .type=="finding" and .data.code=="dtls-blocked")' "$T/sslvpn-dtls-blocked.jsonl" >/dev/null || fail "no dtls-blocked finding"
assert_eq "$(jq -r 'select(.type=="dtls_session").data.blocked' "$T/sslvpn-dtls-blocked.jsonl")" true "blocked flag"
cstp_mtu=$(grep '^X-CSTP-MTU:' "$C/sslvpn-dtls-blocked.openconnect.log" | awk '{print $2}')
assert_eq "$(jq -r 'select(.type=="dtls_session").data.effective_mtu' "$T/sslvpn-dtls-blocked.jsonl")" "$cstp_mtu" "effective MTU = X-CSTP-MTU of openconnect's log"
data=$(jq -r 'select(.type=="cstp_tunnel") | .data.packets.client.data.packets // 0' "$T/sslvpn-dtls-blocked.jsonl")
[ "$data" -gt 0 ] || fail "no CSTP data packets from the client after the fallback"
pass "DTLS blocked"

# Without a key log: still sessions, handshake, chain (TLS 1.2), inferred phases, DTLS mode.
expect_exit 0 sslvpn-trace --json "$C/sslvpn-tls12-dtls-legacy.pcap"
last_stdout >"$T/nokey.jsonl"
assert_eq "$(jq -r 'select(.type=="tls_session").data.decrypted' "$T/nokey.jsonl")" false "opaque without key log"
jq -e -s 'any(.[]; .type=="sslvpn_phase" and .data.status=="inferred")' "$T/nokey.jsonl" >/dev/null || fail "no inferred phase"
jq -e -s 'any(.[]; .type=="certificate")' "$T/nokey.jsonl" >/dev/null || fail "no certificate without key log (TLS 1.2)"
assert_eq "$(jq -r 'select(.type=="dtls_session").data.mode' "$T/nokey.jsonl")" legacy-0x0100 "legacy mode from record version"
expect_exit 0 sslvpn-trace --json "$C/sslvpn-dtls-blocked.pcap"
last_stdout >"$T/nokey-blocked.jsonl"
assert_eq "$(outcome "$T/nokey-blocked.jsonl")" dtls-blocked "blocked outcome without key log"
assert_eq "$(verdict "$T/nokey-blocked.jsonl")" pass "blocked verdict without key log"
pass "no key log"

# Wrong key log (another run's): no line matches the capture's client random (tshark's
# tls.handshake.random of the ClientHello vs the key log's second field) -> the keylog-mismatch
# finding in JSON and text, inconclusive, exit 4.
random=$(tshark -r "$C/sslvpn-tls12-dtls-psk.pcap" -Y 'tls.handshake.type == 1' -T fields -e tls.handshake.random 2>/dev/null | first_line | tr -d :)
! grep -qi "$random" "$C/sslvpn-dtls12.keylog" || fail "the other run's key log has this capture's client random"
expect_exit 4 sslvpn-trace --json "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$C/sslvpn-dtls12.keylog"
last_stdout >"$T/wrongkey.jsonl"
assert_envelope "$T/wrongkey.jsonl"
assert_eq "$(jq -r 'select(.type=="tls_session").data.decrypted' "$T/wrongkey.jsonl")" false "wrong key log"
assert_eq "$(verdict "$T/wrongkey.jsonl")" inconclusive "wrong key log verdict"
assert_contains "$(jq -r 'select(.type=="finding" and .data.code=="keylog-mismatch").data.message' "$T/wrongkey.jsonl")" \
  "has no line for the client random of any of the 1 TLS session in the capture" "keylog-mismatch finding"
assert_eq "$(jq -r 'select(.type=="summary").data.reasons[] | select(.code=="keylog-mismatch") | .code' "$T/wrongkey.jsonl")" \
  keylog-mismatch "keylog-mismatch reason"
expect_exit 4 sslvpn-trace --color never "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$C/sslvpn-dtls12.keylog"
assert_contains "$(last_stdout)" "finding  warning keylog-mismatch: the key log" "keylog-mismatch in text"
assert_contains "$(last_stdout)" "inconclusive: the key log" "reason in text"
# A file with no key-log line at all is not a key log: usage error.
head -c 4096 /dev/urandom >"$T/noise.keylog"
expect_exit 2 sslvpn-trace "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$T/noise.keylog"
assert_one_line_error sslvpn-trace
assert_contains "$(last_stderr)" "is a key-log line" "random bytes as key log"
: >"$T/empty.keylog"
expect_exit 2 sslvpn-trace "$C/sslvpn-tls12-dtls-psk.pcap" --keylog "$T/empty.keylog"
assert_contains "$(last_stderr)" "no key-log line in the file" "empty key log"
pass "wrong key log: keylog-mismatch finding, inconclusive; garbage key log: exit 2"

# Secrets: the password, the webvpn cookie and the DTLS master secret only with --show-secrets.
expect_exit 0 sslvpn-trace --json "$C/sslvpn-tls12-dtls-legacy.pcap" --keylog "$C/sslvpn-tls12-dtls-legacy.keylog"
last_stdout >"$T/redacted.jsonl"
! grep -q 'correct horse' "$T/redacted.jsonl" || fail "password shown without --show-secrets"
ms=$(jq -r 'select(.type=="cstp_tunnel").data.request_headers["X-DTLS-Master-Secret"]' "$T/redacted.jsonl")
assert_contains "$ms" "<redacted 96 bytes>" "master secret redacted"
expect_exit 0 sslvpn-trace --json --show-secrets "$C/sslvpn-tls12-dtls-legacy.pcap" --keylog "$C/sslvpn-tls12-dtls-legacy.keylog"
last_stdout >"$T/shown.jsonl"
grep -q 'correct horse' "$T/shown.jsonl" || fail "password not shown with --show-secrets"
ms=$(jq -r 'select(.type=="cstp_tunnel").data.request_headers["X-DTLS-Master-Secret"]' "$T/shown.jsonl")
[[ "$ms" =~ ^[0-9A-Fa-f]{96}$ ]] || fail "master secret not shown: $ms"
pass "secrets redaction"

# Ports are configurable: nothing on 8443.
expect_exit 4 sslvpn-trace --json --tls-port 8443 --dtls-port 8443 "$C/sslvpn-tls12-dtls-psk.pcap"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.outcome')" no-vpn-traffic "other ports"
pass "ports"

# Text timeline: one line per event, phases in it.
expect_exit 0 sslvpn-trace --color never "$C/sslvpn-tls12-dtls-psk.pcap" -k "$C/sslvpn-tls12-dtls-psk.keylog"
for p in "phase 1 tls-handshake" "phase 2 group-selection" "phase 3 user-authentication" \
         "phase 5 cstp-connect" "phase 6 dtls-handshake" "verdict: pass (connected-dtls)"; do
  assert_contains "$(last_stdout)" "$p" "text timeline"
done
pass "text timeline"

# Three connections of one client merged into one capture: the reconnect pattern, with the
# intervals between the CONNECTs as tshark times them.
names=(sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk sslvpn-dtls12)
mergecap -w "$T/merged.pcap" "$C/${names[0]}.pcap" "$C/${names[1]}.pcap" "$C/${names[2]}.pcap"
for n in "${names[@]}"; do cat "$C/$n.keylog"; done >"$T/merged.keylog"
sslvpn-trace --json "$T/merged.pcap" --keylog "$T/merged.keylog" >"$T/merged.jsonl" || true
assert_envelope "$T/merged.jsonl"
got=$(jq -r 'select(.type=="finding" and .data.code=="tunnel-reconnects").data.details.intervals | map(. * 1000 | round) | join(",")' "$T/merged.jsonl")
want=$(tshark -r "$T/merged.pcap" -o "tls.keylog_file:$T/merged.keylog" -Y 'http.request.method == "CONNECT"' \
         -T fields -e frame.time_epoch 2>/dev/null |
       python3 -c 'import sys; t=[float(x) for x in sys.stdin.read().split()]; print(",".join(str(round((b-a)*1000)) for a,b in zip(t,t[1:])))')
assert_eq "$got" "$want" "reconnect intervals (ms) vs tshark's CONNECT times"
pass "tunnel reconnects"
