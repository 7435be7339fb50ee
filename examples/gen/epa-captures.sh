#!/usr/bin/env bash
# Makes examples/epa/{epa-http.pcap, epa-https.pcap, epa-https.keys, epa-https-spnego.pcap,
# epa-https-spnego.keys}: the exchanges of the
# cbaudit tests recorded with tcpdump on lo. A gss-ntlmssp initiator (python3-gssapi,
# tests/integration/cbaudit/ntlm_peer.py client) authenticates three times, with the right
# tls-server-end-point binding of examples/epa/server.pem, without bindings and with a wrong one,
# against the gss-ntlmssp test server at tokenChecking=Allow: once over plain HTTP, once over
# HTTPS with the client's key log (python's ssl keylog_filename), and once as Negotiate through
# MIT's SPNEGO on both sides over TLS 1.2 (epa-https-spnego).
#   examples/gen/epa-captures.sh [NAME...]    only the named captures (default: all three)
# Run as root (tcpdump). Needs: gss-ntlmssp python3-gssapi tcpdump openssl xxd
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
out="$src/examples/epa"
peer="$src/tests/integration/cbaudit/ntlm_peer.py"
[ -f "$out/server.pem" ] || "$src/examples/gen/epa-tokens.sh"
tmp=$(mktemp -d /tmp/seckit-epagen-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
printf 'EXAMPLE:alice:Passw0rd!\n' > "$tmp/users"
export NTLM_USER_FILE="$tmp/users"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
right="$prefix$(openssl x509 -in "$out/server.pem" -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)"
wrong="$prefix$(printf 'some other certificate' | openssl dgst -sha384 -r | cut -d' ' -f1)"

capture() {  # name scheme [--spnego --tls12]
  local name="$1" scheme="$2" port extra=() client_extra=()
  shift 2
  port=$(free_port)
  [ "$scheme" = http ] && extra=(--plain)
  for opt in "$@"; do
    [ "$opt" = --spnego ] && extra+=(--spnego)
    client_extra+=("$opt")
  done
  /usr/bin/python3 "$peer" server --port "$port" --level allow --cert "$out/server.pem" \
    --key "$out/server.key" --hash sha384 "${extra[@]}" > "$tmp/server-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q listening "$tmp/server-$name.log" && break; sleep 0.1; done
  tcpdump -i lo -U -s 0 -w "$tmp/$name.pcap" "tcp port $port" 2>"$tmp/tcpdump-$name.log" &
  local dump=$!
  for _ in $(seq 1 100); do grep -q listening "$tmp/tcpdump-$name.log" && break; sleep 0.1; done
  rm -f "$tmp/$name.keys"
  for cb in "$right" none "$wrong"; do
    /usr/bin/python3 "$peer" client --url "$scheme://127.0.0.1:$port/" --cb "$cb" \
      --cafile "$out/server.pem" ${scheme:+--keylog "$tmp/$name.keys"} "${client_extra[@]}"
  done
  sleep 0.5
  kill -INT "$dump"; wait "$dump" || true
  cp "$tmp/$name.pcap" "$out/$name.pcap"
  if [ "$scheme" = https ]; then cp "$tmp/$name.keys" "$out/$name.keys"; fi
}
want=("$@")
[ ${#want[@]} -gt 0 ] || want=(epa-http epa-https epa-https-spnego)
for name in "${want[@]}"; do
  case "$name" in
    epa-http) capture epa-http http ;;
    epa-https) capture epa-https https ;;
    epa-https-spnego) capture epa-https-spnego https --spnego --tls12 ;;
    *) echo "epa-captures: unknown capture $name" >&2; exit 2 ;;
  esac
done
ls -l "$out"
