#!/bin/bash
# Generates the IKE example captures from real peers: two strongSwan charon daemons (driven by
# swanctl) and ike-scan, in two network namespaces joined by a veth pair. Nothing outside the
# namespaces is touched; namespaces, daemons and temp files are removed on exit.
#
#   examples/gen/ikev2-strongswan.sh [OUTDIR] [SCENARIO...]
#
# Scenarios (default: all): ikev2-cert ikev2-cert-skf ikev2-psk ikev2-proposal-mismatch
# ikev2-auth-failure ikev2-timeout ikev1-main-ike-scan ikev1-aggressive-ike-scan ikev1-main-cert
# ikev1-main-psk ikev1-natt-l2tp
#
# The kernel here has no esp4, so charon uses the kernel-libipsec plugin (userspace ESP over a
# TUN device); the captures only need IKE anyway. Run as root. Packages: see README.md.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../captures}"
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(ikev2-cert ikev2-cert-skf ikev2-psk ikev2-proposal-mismatch
  ikev2-auth-failure ikev2-timeout ikev1-main-ike-scan ikev1-aggressive-ike-scan ikev1-main-cert
  ikev1-main-psk ikev1-natt-l2tp)
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

CHARON=/usr/lib/ipsec/charon
for bin in "$CHARON" swanctl tcpdump ike-scan openssl ip; do
  command -v "$bin" >/dev/null || [ -x "$bin" ] || { echo "missing $bin (see README.md)" >&2; exit 3; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 3; }

W="$(mktemp -d /tmp/seckit-ikegen-XXXXXX)"
NS_I="seckit-ike-$$-i"
NS_R="seckit-ike-$$-r"
VETH_I="ski$$a"
VETH_R="ski$$b"
ADDR_I=10.250.0.1
ADDR_R=10.250.0.2
source "$HERE/netns.sh"

cleanup() {
  netns_cleanup "$NS_I" "$NS_R"
  rm -rf "$W"
}
trap cleanup EXIT

setup_net() {
  netns_pair "$NS_I" "$NS_R" "$VETH_I" "$VETH_R" "$ADDR_I" "$ADDR_R"
  # An address inside each side's own traffic selector: kernel-libipsec routes the child's
  # traffic into its TUN device from it (without one the CHILD_SA fails with TS_UNACCEPTABLE).
  ip -n "$NS_I" addr add 10.251.1.1/32 dev lo
  ip -n "$NS_R" addr add 10.251.2.1/32 dev lo
}

# --- test PKI: RSA-3072 CA and two end-entity certificates with the EKUs Windows wants -------
make_pki() {
  local d="$W/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:3072 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
    -subj "/C=KR/O=seckit example/CN=seckit example IPsec CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  local who
  for who in moon sun; do
    openssl req -newkey rsa:3072 -nodes -keyout "$d/$who.key" -out "$d/$who.csr" \
      -subj "/C=KR/O=seckit example/CN=$who.example.com" 2>/dev/null
    local eku="serverAuth,clientAuth,1.3.6.1.5.5.8.2.2"
    # The initiator (sun) lacks the IKE-intermediate EKU on purpose: certcheck's ipsec-ike
    # profile must flag it, the seed-000 CERT_E_WRONG_USAGE story.
    [ "$who" = sun ] && eku="clientAuth"
    printf 'subjectAltName=DNS:%s.example.com\nextendedKeyUsage=%s\nkeyUsage=digitalSignature,keyEncipherment\n' \
      "$who" "$eku" >"$d/$who.ext"
    openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
      -days 3650 -out "$d/$who.pem" -extfile "$d/$who.ext" 2>/dev/null
  done
}

# --- one charon per namespace, each with its own config, pid file and vici socket -----------
write_strongswan_conf() {  # side
  local side="$1"
  cat >"$W/$side/strongswan.conf" <<CONF
charon {
  load = random nonce x509 pem pkcs1 pkcs8 pubkey gmp gcrypt aes sha1 sha2 md5 hmac kdf curve25519 kernel-libipsec kernel-netlink socket-default vici
  port = 500
  port_nat_t = 4500
  install_routes = no
  install_virtual_ip = no
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  retransmit_tries = 4
  # ike-scan's aggressive-mode probe is exactly what this setting exists to refuse; the example
  # wants the refusal lifted so the capture shows the crackable exchange.
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  fragment_size = 1280
  # NAT keepalives (0xFF on 4500) after this much idle time; only the NAT-T capture idles.
  keep_alive = ${KEEP_ALIVE:-20s}
  plugins {
    vici { socket = unix://$W/$side/charon.vici }
    kernel-libipsec { allow_peer_ts = yes }
  }
  filelog {
    log { path = $W/$side/charon.log
          time_format = %H:%M:%S
          default = 1
          ike = 4
          enc = 1 }
  }
  syslog { daemon { default = -1 } }
}
CONF
}

start_charon() {  # side namespace
  local side="$1" ns="$2"
  # charon insists on /var/run/charon.pid: give each daemon a private /run (mount namespace).
  ip netns exec "$ns" unshare -m sh -c \
    "mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$W/$side/strongswan.conf $CHARON" \
    >"$W/$side/charon.out" 2>&1 &
  PIDS+=($!)
  local i
  for ((i = 0; i < 100; i++)); do
    [ -S "$W/$side/charon.vici" ] && return 0
    sleep 0.1
  done
  cat "$W/$side/charon.out" "$W/$side/charon.log" >&2 || true
  echo "charon ($side) did not start" >&2
  exit 3
}

swan() {  # side args...
  local side="$1"; shift
  local ns="$NS_I"; [ "$side" = r ] && ns="$NS_R"
  local command="$1"; shift
  # --uri is an option of each swanctl command, so it follows the command.
  ip netns exec "$ns" swanctl "$command" --uri "unix://$W/$side/charon.vici" "$@" 2>>"$W/swanctl.err" || { cat "$W/swanctl.err" >&2; return 1; }
}

start_capture() {  # name
  ip netns exec "$NS_I" tcpdump -i "$VETH_I" -U -s 0 -w "$W/$1.pcap" 'udp or icmp' \
    >"$W/tcpdump.out" 2>&1 &
  PIDS+=($!)
  sleep 1
}

finish_capture() {  # name
  sleep 1
  stop_pids
  cp "$W/$1.pcap" "$OUT/$1.pcap"
  # SECKIT_GEN_LOGS=DIR keeps the charon logs (ike 4: they hold the session keys).
  if [ -n "${SECKIT_GEN_LOGS:-}" ]; then
    mkdir -p "$SECKIT_GEN_LOGS"
    cp "$W/i/charon.log" "$SECKIT_GEN_LOGS/$1.initiator.log" 2>/dev/null || true
    cp "$W/r/charon.log" "$SECKIT_GEN_LOGS/$1.responder.log" 2>/dev/null || true
  fi
  echo "wrote $OUT/$1.pcap ($(stat -c %s "$OUT/$1.pcap") bytes)"
}

# swanctl.conf for one side. Arguments: side local_id remote_id auth proposals [extra conn lines]
write_swanctl() {
  local side="$1" lid="$2" rid="$3" auth="$4" proposals="$5" extra="${6:-}" version="${7:-2}"
  local d="$W/$side/swanctl"
  mkdir -p "$d/x509" "$d/x509ca" "$d/private"
  local remote_addr="$ADDR_R" local_addr="$ADDR_I"
  # Inner subnets distinct from the outer addresses: a policy covering the peers' own addresses
  # would tunnel the IKE and ESP packets themselves (a loop with kernel-libipsec).
  local local_ts=10.251.1.0/24 remote_ts=10.251.2.0/24
  [ "$side" = r ] && { remote_addr="$ADDR_I"; local_addr="$ADDR_R"; local_ts=10.251.2.0/24; remote_ts=10.251.1.0/24; }
  # L2TP/IPsec: the peers' public addresses, UDP port 1701 only (IKE and ESP stay outside).
  if [ -n "${L2TP_TS:-}" ]; then
    local_ts="$ADDR_I/32[udp]"; remote_ts="$ADDR_R/32[udp/1701]"
    [ "$side" = r ] && { local_ts="$ADDR_R/32[udp/1701]"; remote_ts="$ADDR_I/32[udp]"; }
  fi
  # A responder behind a NAT receives on its private address.
  [ "$side" = r ] && [ -n "${R_PRIVATE:-}" ] && local_addr="$R_PRIVATE"
  local local_auth="auth = psk" remote_auth="auth = psk" secrets=""
  if [ "$auth" = cert ]; then
    local me=sun; [ "$side" = r ] && me=moon
    cp "$W/pki/ca.pem" "$d/x509ca/ca.pem"
    cp "$W/pki/$me.pem" "$d/x509/$me.pem"
    cp "$W/pki/$me.key" "$d/private/$me.key"
    local_auth="auth = pubkey
      certs = $d/x509/$me.pem"
    extra="$extra
    send_cert = always"
    remote_auth="auth = pubkey
      cacerts = $d/x509ca/ca.pem"
    secrets="private-$me { file = $d/private/$me.key }"
  else
    local psk="seckit-example-psk"
    [ "$auth" = psk-wrong ] && [ "$side" = i ] && psk="not-the-right-psk"
    secrets="ike-1 { id-1 = $lid
      id-2 = $rid
      secret = \"$psk\" }"
  fi
  cat >"$d/swanctl.conf" <<CONF
connections {
  c {
    version = $version
    local_addrs = $local_addr
    remote_addrs = $remote_addr
    proposals = $proposals
    $extra
    local { $local_auth
      id = $lid }
    remote { $remote_auth
      id = $rid }
    children {
      c { local_ts = $local_ts
          remote_ts = $remote_ts
          esp_proposals = ${ESP_PROPOSALS:-aes128-sha256} }
    }
  }
}
secrets { $secrets }
CONF
  swan "$side" --load-all --file "$d/swanctl.conf" >"$W/load.out" || { cat "$W/load.out" >&2; exit 3; }
}

run_ikev2() {  # name auth proposals_i proposals_r [extra_i] [extra_r] [wireshark encr name]
  local name="$1" auth="$2" prop_i="$3" prop_r="$4" extra_i="${5:-}" extra_r="${6:-}"
  local encr="${7:-}"
  rm -rf "$W/i" "$W/r"; mkdir -p "$W/i" "$W/r"
  write_strongswan_conf i; write_strongswan_conf r
  local id_i="sun.example.com" id_r="moon.example.com"
  [ "$auth" = cert ] && { id_i="CN=sun.example.com"; id_r="moon.example.com"; }
  [ "$auth" = cert ] && id_i="sun.example.com"
  start_capture "$name"
  start_charon r "$NS_R"
  start_charon i "$NS_I"
  write_swanctl r "$id_r" "$id_i" "$auth" "$prop_r" "$extra_r"
  write_swanctl i "$id_i" "$id_r" "$auth" "$prop_i" "$extra_i"
  swan i --initiate --child c --timeout 30 >"$W/initiate.out" 2>&1 || true
  # Let the CHILD_SA settle, then close the IKE SA so the capture holds an INFORMATIONAL too.
  sleep 1
  swan i --terminate --ike c --timeout 10 >/dev/null 2>&1 || true
  finish_capture "$name"
  if [ -n "$encr" ]; then
    # The keys, in Wireshark's format, so ikedecode --keys and tshark decrypt the same bytes.
    python3 "$HERE/keys-from-charon-log.py" "$W/i/charon.log" "$OUT/$name.pcap" "$encr" \
      "HMAC_SHA2_256_128 [RFC4868]" >"$OUT/$name.ikev2_decryption_table"
  fi
  # One raw charon log (ike 4) kept as it is: ikedecode --keys reads that format too.
  [ "$name" = ikev2-psk ] && cp "$W/i/charon.log" "$OUT/$name.charon.log"
  true
}

# IKEv1 main mode + quick mode between two charons, then the SAs deleted (informational).
# With l2tp=1 it is L2TP/IPsec to a server behind a real NAT: the responder's namespace forwards
# UDP 500/4500 for its public address (10.250.0.2) to its private one (10.250.0.4), so NAT-D
# detects it, the peers float to 4500 with ESP in UDP and the responder sends NAT keepalives.
# The CHILD_SA covers only UDP to port 1701 between the public addresses; L2TP control packets go
# through it from a port other than 1701 (what macOS does). kernel-libipsec has no NULL
# encryption ("unsupported encryption algorithm NULL"), so the L2TP packets are unreadable on the
# wire; they are captured a second time on the initiator's TUN device (ipsec0, before ESP) into
# NAME.inner.pcap, what the L2TP layer sends.
run_ikev1() {  # name auth proposals esp_proposals extra l2tp(0|1)
  local name="$1" auth="$2" prop="$3" esp="$4" extra="${5:-}" l2tp="${6:-0}"
  rm -rf "$W/i" "$W/r"; mkdir -p "$W/i" "$W/r"
  ESP_PROPOSALS="$esp"
  KEEP_ALIVE=20s
  [ "$l2tp" = 1 ] && { KEEP_ALIVE=2s; L2TP_TS=1; }
  write_strongswan_conf i; write_strongswan_conf r
  start_capture "$name"
  start_charon r "$NS_R"
  start_charon i "$NS_I"
  if [ "$l2tp" = 1 ]; then
    ip netns exec "$NS_I" tcpdump -i ipsec0 -U -s 0 -w "$W/$name.inner.pcap" udp \
      >"$W/tcpdump-inner.out" 2>&1 &
    PIDS+=($!)
    sleep 1
  fi
  if [ "$l2tp" = 1 ]; then
    R_PRIVATE=10.250.0.4
    ip -n "$NS_R" addr add "$R_PRIVATE/24" dev "$VETH_R"
    ip netns exec "$NS_R" iptables -t nat -A PREROUTING -d "$ADDR_R" -p udp -m multiport \
      --dports 500,4500 -j DNAT --to-destination "$R_PRIVATE"
    # The CHILD_SA covers the peers' own addresses, so kernel-libipsec routes everything to
    # the peer into its TUN device (table 220), IKE and ESP-in-UDP included (a loop): keep
    # UDP 500/4500 on the main table, ahead of that rule.
    local ns port dir
    for ns in "$NS_I" "$NS_R"; do
      for port in 500 4500; do
        for dir in sport dport; do
          ip -n "$ns" rule add ipproto udp "$dir" "$port" table main pref 100
        done
      done
    done
  fi
  write_swanctl r moon.example.com sun.example.com "$auth" "$prop" "$extra" 1
  write_swanctl i sun.example.com moon.example.com "$auth" "$prop" "$extra" 1
  swan i --initiate --child c --timeout 30 >"$W/initiate.out" 2>&1 || true
  sleep 1
  if [ "$l2tp" = 1 ]; then
    # UDP to 1701 into the TUN device, whatever charon installed.
    ip -n "$NS_I" rule add ipproto udp dport 1701 table 1701 pref 101
    ip -n "$NS_I" route add "$ADDR_R/32" dev ipsec0 table 1701
    # Three L2TP control messages (RFC 2661 header: T, L, S bits, version 2, tunnel 0,
    # session 0, Ns/Nr; a Message Type AVP: SCCRQ) from port 50123.
    ip netns exec "$NS_I" python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$ADDR_I"'", 50123))
for ns in range(3):
    body = struct.pack("!HHHHHH", 0xC802, 12 + 8, 0, 0, ns, 0)
    avp = struct.pack("!HHHH", 0x8008, 0, 0, 1)
    s.sendto(body + avp, ("'"$ADDR_R"'", 1701))
    time.sleep(0.3)
'
    sleep 5  # idle: NAT keepalives
  fi
  swan i --terminate --ike c --timeout 10 >/dev/null 2>&1 || true
  finish_capture "$name"
  if [ "$l2tp" = 1 ]; then
    cp "$W/$name.inner.pcap" "$OUT/$name.inner.pcap"
    ip netns exec "$NS_R" iptables -t nat -F PREROUTING
    ip -n "$NS_R" addr del "$R_PRIVATE/24" dev "$VETH_R"
  fi
  unset ESP_PROPOSALS KEEP_ALIVE L2TP_TS R_PRIVATE
  # The phase-1 encryption key in Wireshark's ikev1_decryption_table format (initiator cookie,
  # key), from the initiator's "ike 4" log; ikedecode --keys and tshark read the same file.
  python3 "$HERE/keys-from-charon-log.py" --ikev1 "$W/i/charon.log" "$OUT/$name.pcap" \
    >"$OUT/$name.ikev1_decryption_table"
  # One raw charon log kept as it is: ikedecode --keys reads IKEv1 keys from it too.
  [ "$name" = ikev1-main-psk ] && cp "$W/i/charon.log" "$OUT/$name.charon.log"
  true
}

run_timeout() {  # name
  local name="$1"
  rm -rf "$W/i" "$W/r"; mkdir -p "$W/i" "$W/r"
  write_strongswan_conf i
  start_capture "$name"
  # The responder's firewall silently drops IKE: a socket that reads and discards (no ICMP
  # port unreachable, exactly like a DROP rule).
  ip netns exec "$NS_R" python3 -c '
import socket, select
socks = []
for port in (500, 4500):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("'"$ADDR_R"'", port))
    socks.append(s)
while True:
    for s in select.select(socks, [], [])[0]:
        s.recv(65535)
' &
  PIDS+=($!)
  sleep 1  # bound before the first request, or the kernel answers port-unreachable
  start_charon i "$NS_I"
  write_swanctl i "sun.example.com" "moon.example.com" psk "aes256-sha256-modp2048"
  swan i --initiate --child c --timeout 40 >"$W/initiate.out" 2>&1 || true
  finish_capture "$name"
}

run_ike_scan() {  # name aggressive(0|1)
  local name="$1" aggressive="$2"
  rm -rf "$W/i" "$W/r"; mkdir -p "$W/i" "$W/r"
  write_strongswan_conf r
  start_capture "$name"
  start_charon r "$NS_R"
  local extra=""
  [ "$aggressive" = 1 ] && extra="aggressive = yes"
  write_swanctl r "moon.example.com" "scanner@example.com" psk \
    "3des-sha1-modp1024,3des-md5-modp1024,aes128-sha1-modp1024" "$extra" 1
  if [ "$aggressive" = 1 ]; then
    # --pskcrack writes the psk-crack line ike-scan derives live; kept as the reference for
    # ikedecode's own psk-crack output from the capture.
    ip netns exec "$NS_I" ike-scan -A --id=scanner@example.com --pskcrack="$W/$name.pskcrack" \
      "$ADDR_R" >"$W/ike-scan.out" 2>&1 || true
    cp "$W/$name.pskcrack" "$OUT/$name.psk-crack.txt" 2>/dev/null || true
  else
    ip netns exec "$NS_I" ike-scan "$ADDR_R" >"$W/ike-scan.out" 2>&1 || true
  fi
  # ike-scan's own reading of the responder's answer: a reference for the tests.
  cp "$W/ike-scan.out" "$OUT/$name.ike-scan.txt"
  finish_capture "$name"
}

setup_net
make_pki
for s in "${SCENARIOS[@]}"; do
  case "$s" in
    ikev2-cert) run_ikev2 "$s" cert "aes256-sha256-modp3072" "aes256-sha256-modp3072" \
      "fragmentation = no" "fragmentation = no" "AES-CBC-256 [RFC3602]" ;;
    ikev2-cert-skf) run_ikev2 "$s" cert "aes128-sha256-x25519" "aes128-sha256-x25519" \
      "fragmentation = force" "fragmentation = yes" "AES-CBC-128 [RFC3602]" ;;
    ikev2-psk) run_ikev2 "$s" psk "aes128-sha256-x25519" "aes128-sha256-x25519" "" "" \
      "AES-CBC-128 [RFC3602]" ;;
    ikev2-proposal-mismatch) run_ikev2 "$s" psk "aes128-sha1-modp2048" "aes256-sha384-ecp384" ;;
    ikev2-auth-failure) run_ikev2 "$s" psk-wrong "aes128-sha256-modp2048" "aes128-sha256-modp2048" \
      "" "" "AES-CBC-128 [RFC3602]" ;;
    ikev2-timeout) run_timeout "$s" ;;
    ikev1-main-ike-scan) run_ike_scan "$s" 0 ;;
    ikev1-aggressive-ike-scan) run_ike_scan "$s" 1 ;;
    ikev1-main-cert) run_ikev1 "$s" cert "aes256-sha256-modp2048" "aes128-sha256" ;;
    ikev1-main-psk) run_ikev1 "$s" psk "3des-sha1-modp2048" "3des-sha1" ;;
    ikev1-natt-l2tp) run_ikev1 "$s" psk "aes128-sha1-modp2048" "aes128-sha1" "" 1 ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
cp "$W/pki/ca.pem" "$OUT/example-ca.pem"
