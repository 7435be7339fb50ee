#!/bin/bash
# tcpdump's IKEv2 secrets format ("ikev2 I|R 0xSPIi 0xSPIr INTEG:0xSK_a ENCR:0xSK_e", one line
# per direction, as in tcpdump -E "file F"): the committed Wireshark key tables converted to
# it must make ikedecode decrypt exactly as with the Wireshark table, and tcpdump itself, given
# the same file, must find the same inner payloads and notify types in every SK payload.
# (tcpdump reassembles neither IP fragments nor RFC 7383 fragments: the PSK captures are used.)
source "$SECKIT_TESTS_DIR/lib.sh"
command -v tcpdump >/dev/null || fail "tcpdump is not installed (scripts/deps.d/ikedecode.txt)"
C="$SECKIT_SOURCE_DIR/examples/captures"
n=0
for name in ikev2-psk ikev2-auth-failure; do
  table="$C/$name.ikev2_decryption_table"
  python3 - "$table" >"$T/$name.tcpdump" <<'PY'
import sys
# Wireshark UAT names -> the OpenSSL / tcpdump names.
ENCR = {"AES-CBC-128 [RFC3602]": "aes128", "AES-CBC-192 [RFC3602]": "aes192",
        "AES-CBC-256 [RFC3602]": "aes256", "3DES [RFC2451]": "3des"}
INTEG = {"HMAC_SHA2_256_128 [RFC4868]": "sha256", "HMAC_SHA1_96 [RFC2404]": "sha1",
         "HMAC_MD5_96 [RFC2403]": "md5"}
for line in open(sys.argv[1]):
    f = [x.strip().strip('"') for x in line.strip().split(",")]
    spii, spir, ei, er, encr, ai, ar, integ = f
    e, a = ENCR[encr], INTEG[integ]
    print(f"ikev2 I 0x{spii} 0x{spir} {a}:0x{ai} {e}:0x{ei}")
    print(f"ikev2 R 0x{spii} 0x{spir} {a}:0x{ar} {e}:0x{er}")
PY
  ikedecode --json --messages --keys "$table" "$C/$name.pcap" | jq -c 'select(.type=="ike_message") | .data' >"$T/ws.jsonl" || true
  ikedecode --json --messages --keys "$T/$name.tcpdump" "$C/$name.pcap" | jq -c 'select(.type=="ike_message") | .data' >"$T/td.jsonl" || true
  cmp -s "$T/ws.jsonl" "$T/td.jsonl" || { diff "$T/ws.jsonl" "$T/td.jsonl" | head; fail "$name: tcpdump keys decrypt differently"; }
  [ "$(jq -s '[.[] | select(.encrypted.decrypted)] | length' "$T/td.jsonl")" -ge 2 ] \
    || fail "$name: nothing decrypted with the tcpdump keys"
  # tcpdump's own decryption: the payloads directly inside each decrypted v2e, in order.
  # The lines inline (-E splits them at newlines), not "file F": tcpdump reads that file only
  # after dropping root for its own user, which cannot enter the test's private temp dir.
  tcpdump -n -vvv -r "$C/$name.pcap" -E "$(cat "$T/$name.tcpdump")" 2>/dev/null >"$T/$name.txt"
  python3 - "$T/$name.txt" "$T/td.jsonl" <<'PY'
import json, re, sys
NAMES = {"sa": 33, "v2ke": 34, "v2IDi": 35, "v2IDr": 36, "v2cert": 37, "v2cr": 38,
         "v2auth": 39, "nonce": 40, "n": 41, "v2d": 42, "v2vid": 43, "v2TSi": 44, "v2TSr": 45,
         "v2cp": 47, "v2eap": 48}
theirs, current, depth = [], None, None
for line in open(sys.argv[1]):
    if re.match(r"^\d\d:\d\d:\d\d", line):
        current, depth = None, None
        continue
    m = re.match(r"^( *)\((\w+):", line)
    if not m:
        continue
    indent, name = len(m.group(1)), m.group(2)
    if name == "v2e":
        current, depth = {"types": [], "notifies": []}, None
        theirs.append(current)
        continue
    if current is None:
        continue
    depth = depth or indent  # the first line inside v2e sets the children's indentation
    if indent == depth:
        current["types"].append(NAMES.get(name, name))
        t = re.search(r"type=(\d+)", line)
        if name == "n" and t:
            current["notifies"].append(int(t.group(1)))
ours = []
for line in open(sys.argv[2]):
    m = json.loads(line)
    if not m.get("encrypted", {}).get("decrypted"):
        continue
    inner = [p for p in m["payloads"] if p.get("encrypted")]
    ours.append({"types": [p["type"] for p in inner],
                 "notifies": [p["notify_type"] for p in inner if "notify_type" in p]})
if theirs != ours:
    sys.exit(f"tcpdump decrypted {theirs}\nikedecode decrypted {ours}")
print(f"{len(ours)} SK payloads: tcpdump and ikedecode agree")
PY
  n=$((n + 1))
done
pass "$n captures: tcpdump's ikev2 secrets lines decrypt like the Wireshark table, and like tcpdump"
