#!/usr/bin/env bash
# Makes examples/epa/epa-smb2.pcap: a real smbclient (Samba) authenticating with NTLMSSP inside
# SPNEGO to a private smbd on 127.0.0.1 (its own config, state and port), SMB2/3 only, recorded
# with tcpdump on lo: the SMB2 SESSION_SETUP path of `cbaudit pcap`.
# Run as root (tcpdump, smbd). Needs: samba smbclient tcpdump
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
out="$src/examples/epa"
tmp=$(mktemp -d /tmp/seckit-smbgen-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$tmp"/{private,lock,state,cache,pid,ncalrpc,share}
echo hello > "$tmp/share/hello.txt"
cat > "$tmp/smb.conf" <<CONF
[global]
  workgroup = EXAMPLE
  netbios name = CBTEST
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $port
  private dir = $tmp/private
  lock directory = $tmp/lock
  state directory = $tmp/state
  cache directory = $tmp/cache
  pid directory = $tmp/pid
  ncalrpc dir = $tmp/ncalrpc
  log file = $tmp/log.smbd
  passdb backend = tdbsam:$tmp/private/passdb.tdb
  server min protocol = SMB2
  disable netbios = yes
[share]
  path = $tmp/share
  read only = yes
CONF
printf 'Passw0rd!\nPassw0rd!\n' | smbpasswd -c "$tmp/smb.conf" -a -s root >/dev/null
smbd -F --no-process-group --configfile="$tmp/smb.conf" </dev/null >"$tmp/smbd.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
tcpdump -i lo -U -s 0 -w "$tmp/smb.pcap" "tcp port $port" 2>"$tmp/tcpdump.log" &
dump=$!
for _ in $(seq 1 100); do grep -q listening "$tmp/tcpdump.log" && break; sleep 0.1; done
smbclient "//127.0.0.1/share" -p "$port" -U 'root%Passw0rd!' -W EXAMPLE --use-kerberos=disabled \
  --option='client min protocol=SMB2' -c 'get hello.txt /dev/null' || true
smbclient "//127.0.0.1/share" -p "$port" -U 'root%wrong' -W EXAMPLE --use-kerberos=disabled \
  --option='client min protocol=SMB2' -c 'ls' || true
sleep 0.5
kill -INT "$dump"; wait "$dump" || true
cp "$tmp/smb.pcap" "$out/epa-smb2.pcap"
ls -l "$out/epa-smb2.pcap"
