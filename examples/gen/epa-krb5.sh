#!/usr/bin/env bash
# Makes examples/epa/krb5.keytab, examples/epa/krb5-tokens.jsonl and
# examples/epa/epa-krb5-https.{pcap,keys}: Kerberos AP-REQs produced
# by the real MIT initiator (python3-gssapi) for a private KDC's realm SECKIT.TEST
# (tests/integration/cbaudit/krb5_kdc.sh) with the right tls-server-end-point binding of
# examples/epa/server.pem, without bindings, and with a wrong one, for tickets encrypted with
# aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha256-128 and rc4-hmac; each line also records what
# the MIT acceptor (the keytab, the right binding) decided. The capture (tcpdump on lo, with the
# client's TLS key log) holds three HTTPS GETs with "Authorization: Negotiate" (SPNEGO, aes256
# ticket) with the right, no and a wrong binding against an HTTPS server whose MIT acceptor
# checks the binding (krb5_peer.py server: 200 or 401). The keytab holds throwaway random keys of
# that test realm, committed so `cbaudit token/pcap --keytab` has something to open.
# Run as root (tcpdump). Needs: krb5-kdc krb5-admin-server krb5-user python3-gssapi openssl xxd
# jq tcpdump
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
out="$src/examples/epa"
tmp=$(mktemp -d)
krb5_kdc_pid=
pids=()
cleanup() {
  local p
  for p in "${pids[@]}" $krb5_kdc_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
source "$src/tests/integration/cbaudit/krb5_kdc.sh"
krb5_kdc_start "$tmp"
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
right="$prefix$(openssl x509 -in "$out/server.pem" -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)"
wrong="$prefix$(printf 'some other certificate' | openssl dgst -sha384 -r | cut -d' ' -f1)"
peer="$src/tests/integration/cbaudit/krb5_peer.py"
: > "$out/krb5-tokens.jsonl"
for svc in host sha2 rc4; do
  for spec in "matched $right" "absent none" "wrong $wrong"; do
    set -- $spec
    /usr/bin/python3 "$peer" tokens --service "HTTP/$svc.seckit.test@SECKIT.TEST" --cb "$2" \
      --acceptor-cb "$right" |
      jq -c --arg case "$1" --arg service "HTTP/$svc.seckit.test" \
        '{case: $case, service: $service} + .' >> "$out/krb5-tokens.jsonl"
  done
done
cp "$tmp/http.keytab" "$out/krb5.keytab"

port=$(free_port)
/usr/bin/python3 "$peer" server --port "$port" --cert "$out/server.pem" --key "$out/server.key" \
  > "$tmp/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q listening "$tmp/server.log" && break; sleep 0.1; done
tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/cap.pcap" "tcp port $port" 2>"$tmp/tcpdump.log" &
dump=$!
pids+=($dump)
for _ in $(seq 1 100); do grep -q listening "$tmp/tcpdump.log" && break; sleep 0.1; done
for cb in "$right" none "$wrong"; do
  /usr/bin/python3 "$peer" client --url "https://127.0.0.1:$port/" --cb "$cb" \
    --service HTTP/host.seckit.test@SECKIT.TEST --cafile "$out/server.pem" --keylog "$tmp/cap.keys"
done
sleep 1
kill -INT "$dump"; wait "$dump" || true
cp "$tmp/cap.pcap" "$out/epa-krb5-https.pcap"
cp "$tmp/cap.keys" "$out/epa-krb5-https.keys"
jq -c '{case, service, acceptor}' "$out/krb5-tokens.jsonl"
