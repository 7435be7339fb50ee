#!/bin/bash
# Generates the SSL VPN example captures from real peers: Debian's ocserv (AnyConnect-compatible
# server) and openconnect (AnyConnect protocol client), in two network namespaces joined by a
# veth pair. openconnect runs with SSLKEYLOGFILE (GnuTLS writes the NSS key log) and -v; its log
# is kept beside each capture. Nothing outside the namespaces is touched; namespaces, daemons and
# temp files are removed on exit.
#
#   examples/gen/sslvpn-ocserv.sh [OUTDIR] [SCENARIO...]
#
# Scenarios (default: all): sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk sslvpn-tls12-dtls-legacy
# sslvpn-dtls12 sslvpn-dtls-blocked sslvpn-dtls-rejected sslvpn-bad-password
# sslvpn-client-cert-request sslvpn-profile-download sslvpn-mixed
#
# sslvpn-mixed is a client-side capture as analysts make them: besides the VPN connection, HTTPS
# sessions to an unrelated web server (curl to an openssl s_server with its own CA and
# certificate, web.example.org) and a flow to a chat server (chat.example.org, s_server -rev)
# that began before the capture did (mid-session: no handshake in it). Only openconnect writes
# the key log.
#
# BENCH_MB=N with the scenario sslvpn-bench: a long session carrying N MB through the tunnel
# (DTLS blocked, so everything moves over CSTP/TLS) for bench/sslvpn-trace/run; never committed.
#
# Install ocserv with a /usr/sbin/policy-rc.d that exits 101 so its service is not started.
# Run as root. Packages: ocserv openconnect tcpdump nftables openssl iproute2 ocserv (ocpasswd),
# curl (sslvpn-mixed).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../captures/sslvpn}"
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(sslvpn-tls12-dtls-psk sslvpn-tls13-dtls-psk
  sslvpn-tls12-dtls-legacy sslvpn-dtls12 sslvpn-dtls-blocked sslvpn-dtls-rejected
  sslvpn-bad-password sslvpn-client-cert-request sslvpn-profile-download sslvpn-mixed)
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

for bin in ocserv ocpasswd openconnect tcpdump nft openssl ip; do
  command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 3; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 3; }

W="$(mktemp -d /tmp/seckit-sslvpngen-XXXXXX)"
chmod 755 "$W"
NS_C="seckit-vpn-$$-c"
NS_S="seckit-vpn-$$-s"
VETH_C="svc$$a"
VETH_S="svc$$b"
ADDR_C=10.252.0.1
ADDR_S=10.252.0.2
ADDR_WEB=10.252.0.3   # sslvpn-mixed: the unrelated web server
ADDR_CHAT=10.252.0.4  # sslvpn-mixed: the chat server of the mid-session flow
HOST=vpn.example.com
USER_NAME=alice
USER_PASS='correct horse'
source "$HERE/netns.sh"

cleanup() {
  netns_cleanup "$NS_C" "$NS_S"
  rm -rf "$W"
}
trap cleanup EXIT

setup_net() {
  netns_pair "$NS_C" "$NS_S" "$VETH_C" "$VETH_S" "$ADDR_C" "$ADDR_S"
}

make_pki() {
  local d="$W/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
    -subj "/C=KR/O=seckit example/CN=seckit example VPN CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
    -subj "/C=KR/O=seckit example/CN=$HOST" 2>/dev/null
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 825 -out "$d/server.pem" -extfile <(printf '%s\n' \
      "subjectAltName=DNS:$HOST" "extendedKeyUsage=serverAuth" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "basicConstraints=CA:FALSE") 2>/dev/null
  chmod 644 "$d"/*
  cp "$d/ca.pem" "$OUT/sslvpn-ca.pem"
  printf '%s\n%s\n' "$USER_PASS" "$USER_PASS" | ocpasswd -c "$W/ocpasswd" "$USER_NAME"
  # The profile the server advertises in vpn-profile-manifest.
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/"><ServerList><HostEntry><HostName>seckit</HostName><HostAddress>%s</HostAddress></HostEntry></ServerList></AnyConnectProfile>\n' "$HOST" >"$W/profile.xml"
  chmod 644 "$W/profile.xml" "$W/ocpasswd"
}

# The unrelated servers of sslvpn-mixed: their own CA, not the VPN's.
make_web_pki() {
  local d="$W/webpki" name
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
    -subj "/O=seckit example web/CN=seckit example web CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  for name in web chat; do
    openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
      -subj "/O=seckit example web/CN=$name.example.org" 2>/dev/null
    openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
      -days 825 -out "$d/$name.pem" -extfile <(printf '%s\n' \
        "subjectAltName=DNS:$name.example.org" "extendedKeyUsage=serverAuth") 2>/dev/null
  done
}

# sslvpn-mixed, before the capture starts: the two servers, and the chat flow (a line every
# 0.5 s, answered reversed by s_server -rev) that the capture will join in the middle.
start_other_servers() {
  local d="$W/webpki"
  ip -n "$NS_S" addr add "$ADDR_WEB/24" dev "$VETH_S"
  ip -n "$NS_S" addr add "$ADDR_CHAT/24" dev "$VETH_S"
  ip netns exec "$NS_S" openssl s_server -quiet -accept "$ADDR_WEB:443" -cert "$d/web.pem" \
    -key "$d/web.key" -www >"$W/web.log" 2>&1 &
  PIDS+=($!)
  ip netns exec "$NS_S" openssl s_server -quiet -accept "$ADDR_CHAT:443" -cert "$d/chat.pem" \
    -key "$d/chat.key" -rev >"$W/chat.log" 2>&1 &
  PIDS+=($!)
  wait_listen "$NS_S" 443
  sleep 0.5
  ip netns exec "$NS_C" timeout 40 bash -c 'for i in $(seq 1 80); do echo "message $i"; sleep 0.5; done |
    openssl s_client -quiet -connect '"$ADDR_CHAT"':443 -servername chat.example.org \
      -CAfile '"$d"'/ca.pem >/dev/null 2>&1' &
  PIDS+=($!)
  sleep 2
}

# sslvpn-mixed, with the tunnel up: three page loads from the web server.
browse_other_server() {
  local i
  for i in 1 2 3; do
    ip netns exec "$NS_C" curl -s -o /dev/null --cacert "$W/webpki/ca.pem" \
      --resolve "web.example.org:443:$ADDR_WEB" https://web.example.org/ || true
    sleep 0.3
  done
}

# $1 scenario; writes $W/$1/ocserv.conf
write_ocserv_conf() {
  local dir="$W/$1" prio extra=""
  mkdir -p "$dir"
  chmod 755 "$dir"
  case "$1" in
    sslvpn-tls13-*|sslvpn-dtls-blocked) prio="NORMAL:%SERVER_PRECEDENCE" ;;
    *) prio="NORMAL:%SERVER_PRECEDENCE:-VERS-TLS1.3" ;;
  esac
  case "$1" in
    sslvpn-client-cert-request)
      extra="enable-auth = certificate
ca-cert = $W/pki/ca.pem
cert-user-oid = 2.5.4.3" ;;
  esac
  cat >"$dir/ocserv.conf" <<CONF
auth = "plain[passwd=$W/ocpasswd]"
$extra
tcp-port = 443
udp-port = 443
listen-host = $ADDR_S
run-as-user = nobody
run-as-group = nogroup
socket-file = $dir/ocserv.sock
pid-file = $dir/ocserv.pid
server-cert = $W/pki/server.pem
server-key = $W/pki/server.key
isolate-workers = false
max-clients = 4
max-same-clients = 4
keepalive = 30
dpd = 20
mobile-dpd = 1800
switch-to-tcp-timeout = 25
try-mtu-discovery = false
tls-priorities = "$prio"
auth-timeout = 60
min-reauth-time = 1
max-ban-score = 0
cookie-timeout = 300
deny-roaming = false
rekey-time = 172800
rekey-method = ssl
use-occtl = false
device = vpns
predictable-ips = true
default-domain = example.com
ipv4-network = 192.168.99.0
ipv4-netmask = 255.255.255.0
route = 192.168.99.0/255.255.255.0
ping-leases = false
cisco-client-compat = true
dtls-legacy = true
user-profile = $W/profile.xml
CONF
}

# A trivial vpnc-compatible script: address and route on the tun device, nothing global.
write_client_script() {
  cat >"$W/vpn-script" <<'SCRIPT'
#!/bin/sh
case "$reason" in
  connect)
    ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
    ip link set dev "$TUNDEV" up mtu "${INTERNAL_IP4_MTU:-1400}"
    ip route add 192.168.99.0/24 dev "$TUNDEV"
    ;;
esac
exit 0
SCRIPT
  chmod 755 "$W/vpn-script"
}

wait_listen() {  # ns port
  local i
  for i in $(seq 1 100); do
    ip netns exec "$1" ss -ltn "sport = :$2" | grep -q LISTEN && return 0
    sleep 0.1
  done
  echo "ocserv did not listen on :$2" >&2
  return 1
}

run_scenario() {
  local name="$1" dir="$W/$1" pass="$USER_PASS" oc_args=() wait_s=4 tun_ok=1
  write_ocserv_conf "$name"
  case "$name" in
    sslvpn-bad-password) pass="wrong password"; tun_ok=0 ;;
    sslvpn-tls12-dtls-legacy) oc_args+=(--dtls-ciphers=AES128-SHA) ;;
    sslvpn-dtls12) oc_args+=(--dtls-ciphers=OC-DTLS1_2-AES128-GCM) ;;
    sslvpn-profile-download)
      # A stale local profile: its SHA-1 differs from the manifest's, so openconnect downloads
      # the server's (phase 4) and rewrites the file.
      printf '<?xml version="1.0"?>\n<AnyConnectProfile/>\n' >"$dir/client-profile.xml"
      oc_args+=(--xmlconfig="$dir/client-profile.xml") ;;
    sslvpn-dtls-blocked) wait_s=24 ;;
    sslvpn-dtls-rejected) wait_s=10 ;;
    sslvpn-bench) wait_s=2 ;;
  esac
  local verdict=""
  case "$name" in
    sslvpn-dtls-blocked|sslvpn-bench) verdict=drop ;;
    sslvpn-dtls-rejected) verdict="reject" ;;  # ICMP port unreachable back to the client
  esac
  if [ -n "$verdict" ]; then
    # UDP 443 is dropped on its way into the server's namespace: the capture (client side)
    # shows every DTLS ClientHello the client sends, and none is answered.
    ip netns exec "$NS_S" nft -f - <<NFT
table inet seckit_block {
  chain in {
    type filter hook input priority 0;
    udp dport 443 $verdict
  }
}
NFT
  fi
  ip netns exec "$NS_S" ocserv -f -d 1 -c "$dir/ocserv.conf" >"$dir/ocserv.log" 2>&1 &
  PIDS+=($!)
  wait_listen "$NS_S" 443
  [ "$name" != sslvpn-mixed ] || start_other_servers
  # A large kernel buffer (-B, KiB): the bench scenario pushes hundreds of MB and tcpdump must
  # not drop segments (a gap ends decryption for every tool).
  ip netns exec "$NS_C" tcpdump -i "$VETH_C" -B 262144 -U -s 0 -w "$dir/capture.pcap" \
    'tcp port 443 or udp port 443 or icmp' 2>"$dir/tcpdump.err" &
  local tcpdump_pid=$!
  PIDS+=($tcpdump_pid)
  sleep 1
  printf '%s\n' "$pass" | ip netns exec "$NS_C" env SSLKEYLOGFILE="$dir/keylog.txt" \
    openconnect -v --non-inter --passwd-on-stdin --user="$USER_NAME" --cafile="$W/pki/ca.pem" \
    --resolve="$HOST:$ADDR_S" --script="$W/vpn-script" --interface=tun-seckit \
    "${oc_args[@]}" "https://$HOST/" >"$dir/openconnect.log" 2>&1 &
  local oc_pid=$!
  if [ $tun_ok = 1 ]; then
    local i
    # Up when the vpn-script has put the route on the tun device (its last step); a loaded
    # machine can take many seconds to get there.
    for i in $(seq 1 600); do
      ip -n "$NS_C" route show dev tun-seckit 2>/dev/null | grep -q '^192\.168\.99\.0/24' && break
      sleep 0.1
    done
    [ "$name" != sslvpn-mixed ] || browse_other_server
    sleep "$wait_s"
    ip netns exec "$NS_C" ping -c 3 -i 0.5 -W 2 192.168.99.1 >"$dir/ping.log" 2>&1 || true
    if [ "$name" = sslvpn-bench ]; then
      # BENCH_MB through the tunnel to a sink in the server namespace.
      ip netns exec "$NS_S" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001)); s.listen(1); c, _ = s.accept()
while c.recv(1 << 16): pass
' &
      local sink=$!
      PIDS+=($sink)
      sleep 0.5
      ip netns exec "$NS_C" python3 -c '
import socket, sys
c = socket.create_connection(("192.168.99.1", 5001)); block = b"x" * 65536
for _ in range(int(sys.argv[1]) * 16): c.sendall(block)
c.close()
' "${BENCH_MB:-200}" || { echo "bench transfer failed" >&2; kill "$sink" 2>/dev/null || true; }
      wait "$sink" 2>/dev/null || true
    fi
    sleep 1
    kill -INT "$oc_pid" 2>/dev/null || true  # SIGINT: openconnect sends a CSTP DISCONNECT
  fi
  wait "$oc_pid" 2>/dev/null || true
  sleep 1
  stop_pids
  [ -n "$verdict" ] && ip netns exec "$NS_S" nft delete table inet seckit_block
  if [ "$name" = sslvpn-mixed ]; then
    ip -n "$NS_S" addr del "$ADDR_WEB/24" dev "$VETH_S"
    ip -n "$NS_S" addr del "$ADDR_CHAT/24" dev "$VETH_S"
    cp "$W/webpki/ca.pem" "$OUT/$name.web-ca.pem"
  fi
  if [ "$name" = sslvpn-bench ]; then  # large: moved, and no log/CA copies needed
    mv "$dir/capture.pcap" "$OUT/$name.pcap"
    cp "$dir/keylog.txt" "$OUT/$name.keylog"
    echo "$name: $(stat -c %s "$OUT/$name.pcap") bytes"
    return 0
  fi
  cp "$dir/capture.pcap" "$OUT/$name.pcap"
  cp "$dir/keylog.txt" "$OUT/$name.keylog" 2>/dev/null || : >"$OUT/$name.keylog"
  # The log, with the run's temp dir replaced so reruns diff cleanly.
  sed "s#$W#/tmp/seckit-sslvpngen#g" "$dir/openconnect.log" >"$OUT/$name.openconnect.log"
  # The profile as openconnect saved it after the download (what the manifest's SHA-1 covers).
  [ ! -f "$dir/client-profile.xml" ] || cp "$dir/client-profile.xml" "$OUT/$name.profile.xml"
  echo "$name: $(stat -c %s "$OUT/$name.pcap") bytes"
}

setup_net
make_pki
make_web_pki
write_client_script
for s in "${SCENARIOS[@]}"; do run_scenario "$s"; done
