#!/bin/bash
# The per-SA details of the ike_sa record (identities, authentication methods, traffic selectors,
# accepted proposals) against tshark on every committed capture with one SA: with the key table
# beside it (IKE_AUTH / main mode readable) and without (only the clear IKE_SA_INIT / phase 1
# proposal, the rest absent). sa_details.py derives the expectations from tshark's fields.
source "$SECKIT_TESTS_DIR/lib.sh"
command -v tshark >/dev/null || fail "tshark is not installed (scripts/deps.d/ikedecode.txt)"
C="$SECKIT_SOURCE_DIR/examples/captures"
here="$(dirname "$0")"
n=0
for name in ikev2-psk ikev2-cert ikev2-cert-skf ikev2-auth-failure ikev2-proposal-mismatch \
  ikev2-timeout ikev1-main-psk ikev1-main-cert ikev1-natt-l2tp ikev1-main-ike-scan \
  ikev1-aggressive-ike-scan; do
  python3 "$here/sa_details.py" "$C/$name.pcap" >/dev/null || fail "$name: details differ from tshark"
  for table in "$C/$name".ikev*_decryption_table; do
    [ -f "$table" ] || continue
    python3 "$here/sa_details.py" "$C/$name.pcap" "$table" >/dev/null \
      || fail "$name with keys: details differ from tshark"
  done
  n=$((n + 1))
done
# With keys, ikev2-psk's identities are tshark's; without, they are absent and -v says why.
ikedecode --sessions -v "$C/ikev2-psk.pcap" >"$T/plain.txt" || true
grep -q "identities: *encrypted in IKE_AUTH (pass --keys" "$T/plain.txt" || fail "-v without keys names the missing keys"
ikedecode --sessions -v --keys "$C/ikev2-psk.ikev2_decryption_table" "$C/ikev2-psk.pcap" >"$T/keys.txt" || true
grep -q "identities: *sun.example.com (ID_FQDN) -> moon.example.com (ID_FQDN)" "$T/keys.txt" \
  || fail "-v with keys shows the identities"
pass "$n captures: ike_sa identities, authentication, selectors and proposals agree with tshark"
