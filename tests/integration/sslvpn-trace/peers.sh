#!/bin/bash
# Runs compare_peers.py (tshark + openconnect logs) and checks the server chain with openssl.
source "$SECKIT_TESTS_DIR/lib.sh"
python3 "$(dirname "$0")/compare_peers.py" || fail "sslvpn-trace disagrees with tshark/openconnect"
C="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"
# The chain sslvpn-trace extracts verifies against the generator's CA with openssl, for the
# host name the client used.
sslvpn-trace --json "$C/sslvpn-tls12-dtls-psk.pcap" | jq -r 'select(.type=="certificate").data.der' |
  base64 -d >"$T/leaf.der"
openssl x509 -inform der -in "$T/leaf.der" -out "$T/leaf.pem"
openssl verify -CAfile "$C/sslvpn-ca.pem" -verify_hostname vpn.example.com "$T/leaf.pem" >/dev/null ||
  fail "openssl does not verify the extracted chain"
pass "extracted chain verifies with openssl"
