#!/bin/bash
# Every committed capture, decoded by ikedecode and by tshark (with the same keys when the
# generator wrote them), compared field by field; also the same captures converted to pcapng.
source "$SECKIT_TESTS_DIR/lib.sh"
command -v tshark >/dev/null || fail "tshark is not installed (scripts/deps.d/ikedecode.txt)"
C="$SECKIT_SOURCE_DIR/examples/captures"
here="$(dirname "$0")"
n=0
for cap in "$C"/*.pcap; do
  keys="${cap%.pcap}.ikev2_decryption_table"
  [ -f "$keys" ] || keys=""
  python3 "$here/compare_tshark.py" "$cap" $keys
  # pcapng: the same messages, the same fields.
  editcap -F pcapng "$cap" "$T/$(basename "${cap%.pcap}").pcapng"
  python3 "$here/compare_tshark.py" "$T/$(basename "${cap%.pcap}").pcapng" $keys
  n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n captures in $C"
pass "$n captures (pcap and pcapng) agree with tshark"
