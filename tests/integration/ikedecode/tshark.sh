#!/bin/bash
# Every committed capture, decoded by ikedecode and by tshark (with the same keys when the
# generator wrote them: ikev2_decryption_table or ikev1_decryption_table), compared field by
# field; also the same captures converted to pcapng.
source "$SECKIT_TESTS_DIR/lib.sh"
command -v tshark >/dev/null || fail "tshark is not installed (scripts/deps.d/ikedecode.txt)"
C="$SECKIT_SOURCE_DIR/examples/captures"
here="$(dirname "$0")"
n=0
decrypted=0
for cap in "$C"/*.pcap; do
  keys=""
  for table in "${cap%.pcap}.ikev2_decryption_table" "${cap%.pcap}.ikev1_decryption_table"; do
    [ -f "$table" ] && keys="$table"
  done
  [ -n "$keys" ] && decrypted=$((decrypted + 1))
  python3 "$here/compare_tshark.py" "$cap" $keys
  # pcapng: the same messages, the same fields (the key table keeps its name: it says v1 or v2).
  editcap -F pcapng "$cap" "$T/$(basename "${cap%.pcap}").pcapng"
  python3 "$here/compare_tshark.py" "$T/$(basename "${cap%.pcap}").pcapng" $keys
  n=$((n + 1))
done
[ "$n" -ge 12 ] || fail "only $n captures in $C"
[ "$decrypted" -ge 7 ] || fail "only $decrypted captures with keys in $C"
pass "$n captures (pcap and pcapng; $decrypted decrypted with the same keys) agree with tshark"
