#!/usr/bin/env bash
# Makes examples/epa/epa-ldap.pcap: LDAP SASL GSS-SPNEGO binds with NTLMSSP by Samba's own
# client (samba-tool user list, Kerberos off) against a throwaway Samba AD DC (samba-tool domain provision,
# ~40 s) running in a private network namespace, recorded with tcpdump inside the namespace: one
# bind with the right password, one with a wrong one. Also prints what `cbaudit probe` says about
# the DC (Samba 4.17 does not check LDAP channel bindings: level none), with and without an
# account. Run as root. Needs: samba samba-ad-dc samba-ad-provision tcpdump iproute2
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
out="$src/examples/epa"
ns="cbaudit-dc-$$"
tmp=$(mktemp -d /tmp/seckit-dcgen-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  ip netns delete "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" samba-tool domain provision --realm=EXAMPLE.TEST --domain=EXAMPLE \
  --server-role=dc --dns-backend=NONE --adminpass='Passw0rd!1' --targetdir="$tmp/dc" \
  --option="interfaces=lo" --option="bind interfaces only=yes" \
  --option="ldap server require strong auth=allow_sasl_over_tls" > "$tmp/provision.log" 2>&1
ip netns exec "$ns" samba -i -s "$tmp/dc/etc/smb.conf" > "$tmp/samba.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  ip netns exec "$ns" bash -c 'echo > /dev/tcp/127.0.0.1/389' 2>/dev/null && break
  sleep 0.3
done
sleep 2
ip netns exec "$ns" tcpdump -i lo -U -s 0 -w "$tmp/ldap.pcap" "tcp port 389" 2>"$tmp/tcpdump.log" &
dump=$!
for _ in $(seq 1 100); do grep -q listening "$tmp/tcpdump.log" && break; sleep 0.1; done
for pw in 'Passw0rd!1' wrong; do
  ip netns exec "$ns" samba-tool user list -H ldap://127.0.0.1 -U "EXAMPLE/Administrator%$pw" \
    --use-kerberos=off 2>&1 | head -3 || true
done
sleep 0.5
kill -INT "$dump"; wait "$dump" || true
cp "$tmp/ldap.pcap" "$out/epa-ldap.pcap"
printf 'Passw0rd!1' > "$tmp/pw"; chmod 600 "$tmp/pw"
bin="${CBAUDIT:-$(command -v cbaudit || echo "$src/build/dev/bin/cbaudit")}"
ip netns exec "$ns" "$bin" probe ldaps://127.0.0.1 --insecure || true
ip netns exec "$ns" "$bin" probe ldap://127.0.0.1 --insecure --user Administrator --domain EXAMPLE \
  --password-file "$tmp/pw" || true
ls -l "$out/epa-ldap.pcap"
