#!/usr/bin/env bash
# Makes examples/epa/server.{pem,key} (a SHA-384-signed test certificate, so the binding is not
# the SHA-256 everyone hard-codes) and examples/epa/tokens.jsonl: NTLM exchanges produced by the
# real gss-ntlmssp (Debian) as initiator and acceptor through python3-gssapi, with the right
# tls-server-end-point binding, without bindings, and with a wrong one. Each line records the
# flags Microsoft's EPA audit guidance ("Supporting EPA in a service") defines for the case at level Allowed and what the acceptor decided.
# Needs: gss-ntlmssp python3-gssapi openssl xxd jq
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
out="$src/examples/epa"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$out/server.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha384 -keyout "$out/server.key" -out "$out/server.pem" \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 3650 2>/dev/null
fi
printf 'EXAMPLE:alice:Passw0rd!\n' > "$tmp/users"
export NTLM_USER_FILE="$tmp/users"
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
right="$prefix$(openssl x509 -in "$out/server.pem" -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)"
wrong="$prefix$(printf 'some other certificate' | openssl dgst -sha384 -r | cut -d' ' -f1)"
peer="$src/tests/integration/cbaudit/ntlm_peer.py"
: > "$out/tokens.jsonl"
# case initiator-binding flags-at-Allowed (Microsoft EPA guidance: CLIENT_SUPPORT|VALID_MATCHED,
# ABSENT|VALID_MISSING, CLIENT_SUPPORT|NOTVALID_MISMATCH)
for spec in "matched $right 0x11" "absent none 0x42" "wrong $wrong 0x05"; do
  set -- $spec
  /usr/bin/python3 "$peer" tokens --cb "$2" --acceptor-cb "$right" |
    jq -c --arg case "$1" --arg flags "$3" '{case: $case, expected_flags: $flags} + .' >> "$out/tokens.jsonl"
done
cat "$out/tokens.jsonl" | jq -c '{case, acceptor, channel_bound}'
