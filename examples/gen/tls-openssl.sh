#!/bin/bash
# Generates the common/tls example captures from real peers: `openssl s_server -rev` (echoes each
# line reversed) and `openssl s_client -keylogfile`, on 127.0.0.1 free ports, captured with
# tcpdump on lo. Each scenario sends a known line "seckit-tls-<name>-c2s" so the tests can check
# the decrypted bytes against what was really sent (and the server's reversed echo).
#
#   examples/gen/tls-openssl.sh [OUTDIR] [SCENARIO...]
#
# Output per scenario: <name>.pcap, <name>.keys (the client's NSS key log) and <name>.exporter
# (what s_client printed for -keymatexport EXPERIMENTAL-seckit, 32 bytes: the RFC 5705 / RFC
# 8446 7.5 exporter value, one line per connection). Certificates (a
# throwaway CA, server and client) are generated fresh into OUTDIR/tls-ca.pem etc. Run as root
# (tcpdump). Packages: openssl tcpdump python3.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../captures/tls}"
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(tls12-ecdhe-aes128gcm tls12-aes256gcm tls12-chacha20
  tls12-aes128sha-etm tls12-aes128sha-noetm tls12-aes256sha256 tls12-aes256sha384 tls10-aes128sha
  tls13-aes128gcm tls13-aes256gcm tls13-chacha20 tls12-client-cert tls13-client-cert
  tls12-resumed tls13-resumed dtls12-aes128gcm dtls12-aes256sha dtls10-aes128sha)
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
for bin in openssl tcpdump python3; do
  command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 3; }
done

W="$(mktemp -d /tmp/seckit-tlsgen-XXXXXX)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT

free_port() {  # $1 = tcp|udp
  python3 -c "import socket,sys; s=socket.socket(type=socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}

# --- certificates: a CA with a distinctive DN (it appears in CertificateRequest) -------------
if [ ! -f "$OUT/tls-ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/ca.key" -out "$OUT/tls-ca.pem" -days 3650 \
    -subj "/C=DE/O=seckit test/CN=seckit TLS test CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$OUT/tls-server.key" -out "$W/srv.csr" \
    -subj "/O=seckit test/CN=tls.example" 2>/dev/null
  printf 'subjectAltName=DNS:tls.example\nextendedKeyUsage=serverAuth\n' >"$W/srv.ext"
  openssl x509 -req -in "$W/srv.csr" -CA "$OUT/tls-ca.pem" -CAkey "$W/ca.key" -CAcreateserial \
    -out "$OUT/tls-server.pem" -days 3650 -extfile "$W/srv.ext" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$OUT/tls-client.key" \
    -out "$W/cli.csr" -subj "/O=seckit test/CN=tls client" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$W/cli.ext"
  openssl x509 -req -in "$W/cli.csr" -CA "$OUT/tls-ca.pem" -CAkey "$W/ca.key" -CAcreateserial \
    -out "$OUT/tls-client.pem" -days 3650 -extfile "$W/cli.ext" 2>/dev/null
  rm -f "$OUT/tls-ca.srl"
fi

start_capture() {  # pcap port
  tcpdump -i lo -U -s 0 -w "$1" "port $2" 2>"$W/tcpdump.err" &
  CAP=$!
  PIDS+=("$CAP")
  # "listening on" comes slightly before packets are really captured: give it a moment.
  for _ in $(seq 50); do grep -qs "listening on" "$W/tcpdump.err" && { sleep 0.5; return 0; }; sleep 0.1; done
  echo "tcpdump did not start" >&2; exit 3
}
stop_capture() {
  sleep 0.5
  kill -INT "$CAP" 2>/dev/null || true
  wait "$CAP" 2>/dev/null || true
}

# run <name> <tcp|udp> "<server opts>" "<client opts>" [connections]
run() {
  local name="$1" proto="$2" sopts="$3" copts="$4" conns="${5:-1}" port i
  port="$(free_port "$proto")"
  rm -f "$OUT/$name.keys" "$W/sess" "$W/client.log"
  start_capture "$OUT/$name.pcap" "$port"
  if [ "$proto" = tcp ]; then
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -cert "$OUT/tls-server.pem" -key "$OUT/tls-server.key" \
      -rev -naccept "$conns" $sopts >"$W/server.log" 2>&1 </dev/null &
  else
    # s_server cannot -rev over DTLS: it prints what it receives and sends its stdin instead.
    # shellcheck disable=SC2086
    (sleep 2.5; printf 'seckit-tls-%s-s2c\n' "$name"; sleep 2) |
      openssl s_server -accept "127.0.0.1:$port" -cert "$OUT/tls-server.pem" -key "$OUT/tls-server.key" \
        -naccept "$conns" $sopts >"$W/server.log" 2>&1 &
  fi
  local srv=$!
  PIDS+=("$srv")
  # Probing the port would use up one of -naccept's connections: wait for its banner instead.
  for _ in $(seq 100); do grep -q ACCEPT "$W/server.log" && break; sleep 0.1; done
  for ((i = 1; i <= conns; i++)); do
    local sess=""
    if [ "$conns" -gt 1 ]; then
      if [ "$i" = 1 ]; then sess="-sess_out $W/sess"; else sess="-sess_in $W/sess"; fi
    fi
    # shellcheck disable=SC2086
    (printf 'seckit-tls-%s-c2s\n' "$name"; sleep "$([ "$proto" = tcp ] && echo 1.5 || echo 3.5)") |
      openssl s_client -connect "127.0.0.1:$port" -servername tls.example -keylogfile "$OUT/$name.keys" \
        -CAfile "$OUT/tls-ca.pem" -no_ign_eof -keymatexport EXPERIMENTAL-seckit -keymatexportlen 32 $sess $copts \
        >>"$W/client.log" 2>&1 || true
  done
  sleep 0.3
  kill "$srv" 2>/dev/null || true
  wait "$srv" 2>/dev/null || true
  stop_capture
  local expect
  expect="$(printf 'seckit-tls-%s-c2s' "$name" | rev)"
  [ "$proto" = udp ] && expect="seckit-tls-$name-s2c"
  grep -q "$expect" "$W/client.log" ||
    { echo "$name: no reversed echo from the server" >&2; cat "$W/client.log" "$W/server.log" >&2; exit 1; }
  sed -n 's/^ *Keying material: *//p' "$W/client.log" >"$OUT/$name.exporter"
  [ "$(wc -l <"$OUT/$name.exporter")" = "$conns" ] || { echo "$name: exporter output missing" >&2; exit 1; }
  echo "$name: $(stat -c %s "$OUT/$name.pcap") bytes, $(wc -l <"$OUT/$name.keys") key log lines"
}

for s in "${SCENARIOS[@]}"; do
  case "$s" in
    tls12-ecdhe-aes128gcm) run "$s" tcp "" "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" ;;
    tls12-aes256gcm) run "$s" tcp "" "-tls1_2 -cipher AES256-GCM-SHA384" ;;
    tls12-chacha20) run "$s" tcp "" "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305" ;;
    tls12-aes128sha-etm) run "$s" tcp "" "-tls1_2 -cipher AES128-SHA" ;;
    tls12-aes128sha-noetm) run "$s" tcp "" "-tls1_2 -cipher AES128-SHA -no_etm" ;;
    tls12-aes256sha256) run "$s" tcp "" "-tls1_2 -cipher AES256-SHA256 -no_etm" ;;
    tls12-aes256sha384) run "$s" tcp "" "-tls1_2 -cipher ECDHE-RSA-AES256-SHA384" ;;
    tls10-aes128sha) run "$s" tcp "-cipher AES128-SHA:@SECLEVEL=0" "-tls1 -cipher AES128-SHA:@SECLEVEL=0 -no_etm" ;;
    tls13-aes128gcm) run "$s" tcp "" "-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256" ;;
    tls13-aes256gcm) run "$s" tcp "" "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384" ;;
    tls13-chacha20) run "$s" tcp "" "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256" ;;
    tls12-client-cert)
      run "$s" tcp "-verify 1 -CAfile $OUT/tls-ca.pem" \
        "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -cert $OUT/tls-client.pem -key $OUT/tls-client.key" ;;
    tls13-client-cert)
      run "$s" tcp "-verify 1 -CAfile $OUT/tls-ca.pem" \
        "-tls1_3 -cert $OUT/tls-client.pem -key $OUT/tls-client.key" ;;
    tls12-resumed) run "$s" tcp "-no_ticket" "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" 2 ;;
    tls13-resumed) run "$s" tcp "" "-tls1_3" 2 ;;
    dtls12-aes128gcm) run "$s" udp "-dtls1_2" "-dtls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" ;;
    dtls12-aes256sha) run "$s" udp "-dtls1_2" "-dtls1_2 -cipher AES256-SHA -no_etm" ;;
    dtls10-aes128sha) run "$s" udp "-dtls1 -cipher AES128-SHA:@SECLEVEL=0" "-dtls1 -cipher AES128-SHA:@SECLEVEL=0" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
