#!/bin/bash
# common/net's capture file reader against libpcap, the reader it replaces for files: on every
# committed capture and on the files editcap and mergecap write from them (pcap with microsecond
# and nanosecond timestamps, pcapng with microsecond and nanosecond if_tsresol, several
# interfaces, a big-endian pcap), whole, cut short and read from stdin, both readers must give the
# same link type, the same frames with the same timestamps and lengths, and the same error.
source "$SECKIT_TESTS_DIR/lib.sh"
command -v editcap >/dev/null && command -v mergecap >/dev/null || fail "editcap/mergecap needed"
CAPS="$SECKIT_SOURCE_DIR/examples/captures"

same() {  # file label: our reader (file and stdin) and libpcap agree on it
  local file="$1" label="$2"
  "$CAPTURE_DUMP" --libpcap "$file" >"$T/want"
  "$CAPTURE_DUMP" "$file" >"$T/got"
  cmp -s "$T/got" "$T/want" || { diff "$T/got" "$T/want" | head -5 >&2; fail "$label: differs"; }
  "$CAPTURE_DUMP" - <"$file" >"$T/got-stdin"
  cmp -s "$T/got-stdin" "$T/want" || fail "$label: differs when read from stdin"
  checked=$((checked + 1))
}

# A pcap in the other byte order (libpcap reads both; editcap writes only the host's).
swap_pcap() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
magic, = struct.unpack("<I", d[:4])
out = [struct.pack(">IHHiIII", magic, *struct.unpack("<HHiIII", d[4:24]))]
i = 24
while i + 16 <= len(d):
    s, u, cap, orig = struct.unpack("<IIII", d[i:i + 16])
    out.append(struct.pack(">IIII", s, u, cap, orig) + d[i + 16:i + 16 + cap])
    i += 16 + cap
open(sys.argv[2], "wb").write(b"".join(out))
PY
}

checked=0
cuts=0
for pcap in "$CAPS"/*.pcap "$CAPS"/tls/*.pcap; do
  name="$(basename "$pcap" .pcap)"
  same "$pcap" "$name"
  editcap -F nsecpcap "$pcap" "$T/$name.ns.pcap"
  same "$T/$name.ns.pcap" "$name (nanosecond pcap)"
  editcap -F pcapng "$pcap" "$T/$name.pcapng"
  same "$T/$name.pcapng" "$name (pcapng)"
  editcap -F pcapng "$T/$name.ns.pcap" "$T/$name.ns.pcapng"
  same "$T/$name.ns.pcapng" "$name (pcapng, if_tsresol 9)"
  swap_pcap "$pcap" "$T/$name.be.pcap"
  same "$T/$name.be.pcap" "$name (big-endian pcap)"
  cuts=$((cuts + 1))
  [ "$cuts" -le 4 ] || continue  # cut short: the first few captures are enough
  for variant in "$pcap" "$T/$name.ns.pcapng"; do
    size=$(stat -c %s "$variant")
    for cut in 3 17 $((size / 2)) $((size - 5)); do
      head -c "$cut" "$variant" >"$T/cut"
      same "$T/cut" "$name cut at $cut of $(basename "$variant")"
    done
  done
done
# Several interfaces in one pcapng: same link type, then Ethernet with raw IP (libpcap stops at
# the interface whose type differs; so must we, with the same words).
mergecap -F pcapng -w "$T/two.pcapng" "$CAPS/ikev2-psk.pcap" "$T/ikev2-cert.ns.pcapng"
same "$T/two.pcapng" "two interfaces"
raw="$(find "$CAPS" -name '*.pcap' -exec capinfos -E -T {} + 2>/dev/null | awk -F'\t' '$2 == "rawip" {print $1; exit}')"
if [ -n "$raw" ]; then
  mergecap -F pcapng -w "$T/mixed.pcapng" "$CAPS/ikev2-psk.pcap" "$raw"
  same "$T/mixed.pcapng" "Ethernet and raw IP interfaces"
  grep -q '^error: an interface has a type' "$T/want" || fail "mixed link types: libpcap said $(tail -1 "$T/want")"
fi
printf 'not a capture at all\n' >"$T/text"
same "$T/text" "a text file"
pass "$checked capture files read as libpcap reads them"
