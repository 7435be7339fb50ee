#!/bin/bash
# Hostile input for common/tls: wrong and garbage key logs, no key log, a capture that starts
# mid-session, and a truncation/start-offset sweep over real TLS streams. The rule: exit 0,
# a clear note, never a crash (the ASan build runs this too).
source "$SECKIT_TESTS_DIR/lib.sh"
CAPS="$SECKIT_SOURCE_DIR/examples/captures/tls"

# Wrong key log: every secret replaced by another well-formed one.
for name in tls12-ecdhe-aes128gcm tls12-aes128sha-etm tls10-aes128sha tls13-chacha20 dtls12-aes256sha; do
  sed -E 's/ ([0-9a-f]{8})([0-9a-f]{56,})$/ 00000000\2/' "$CAPS/$name.keys" >"$T/wrong.keys"
  cmp -s "$T/wrong.keys" "$CAPS/$name.keys" && fail "$name: key log not altered"
  "$TLS_DUMP" --keylog "$T/wrong.keys" "$CAPS/$name.pcap" >"$T/out.jsonl" || fail "$name: exit status"
  jq -e -s 'any(.kind=="note" and .code=="wrong-key")' "$T/out.jsonl" >/dev/null ||
    fail "$name: no wrong-key note"
  assert_eq "$(jq -r 'select(.kind=="summary") | .opaque_reason' "$T/out.jsonl")" "wrong-key" "$name reason"
  assert_eq "$(jq -r 'select(.kind=="application_data" and .decrypted) | 1' "$T/out.jsonl" | wc -l)" 0 \
    "$name: nothing decrypted with a wrong key"
done
pass "wrong key logs: opaque with a wrong-key note"

# No key log / a key log for other sessions: "no-key".
"$TLS_DUMP" "$CAPS/tls12-aes256gcm.pcap" >"$T/out.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .opaque_reason' "$T/out.jsonl")" "no-key" "no key log"
"$TLS_DUMP" --keylog "$CAPS/tls13-aes128gcm.keys" "$CAPS/tls12-aes256gcm.pcap" >"$T/out.jsonl"
assert_eq "$(jq -r 'select(.kind=="summary") | .opaque_reason' "$T/out.jsonl")" "no-key" "foreign key log"
# Without keys the TLS 1.2 certificate is still seen.
assert_eq "$(jq -r 'select(.kind=="summary") | .server_certificates' "$T/out.jsonl")" 1 "certificate without keys"
pass "missing keys: no-key"

# Garbage key log: bad lines counted, good ones still used.
{ echo "CLIENT_RANDOM zz"; head -c 3000 /dev/urandom | base64; echo; cat "$CAPS/tls12-chacha20.keys"; } >"$T/garbage.keys"
"$TLS_DUMP" --keylog "$T/garbage.keys" "$CAPS/tls12-chacha20.pcap" >"$T/out.jsonl"
[ "$(jq -r 'select(.kind=="keylog") | .bad_lines' "$T/out.jsonl")" -gt 1 ] || fail "bad lines not counted"
assert_eq "$(jq -r 'select(.kind=="summary") | .decrypted' "$T/out.jsonl")" true "good lines still used"
pass "garbage key log lines are counted and skipped"

# A capture that starts mid-session (editcap keeps only the packets from the first application
# data record on, as tshark numbers them).
first_app="$(tshark -r "$CAPS/tls12-ecdhe-aes128gcm.pcap" -Y 'tls.record.content_type == 23' -T fields \
  -e frame.number 2>/dev/null | first_line)"
[ -n "$first_app" ] || fail "no application data frame in the capture"
editcap -r "$CAPS/tls12-ecdhe-aes128gcm.pcap" "$T/mid.pcap" "$first_app-1000" 2>/dev/null
"$TLS_DUMP" --keylog "$CAPS/tls12-ecdhe-aes128gcm.keys" "$T/mid.pcap" >"$T/out.jsonl"
jq -e -s 'any(.kind=="note" and .code=="mid-session")' "$T/out.jsonl" >/dev/null || fail "no mid-session note"
assert_eq "$(jq -r 'select(.kind=="summary") | .decrypted' "$T/out.jsonl")" false "mid-session stays opaque"
# ... and one that starts in the middle of a record (a packet boundary inside the certificate).
editcap -r "$CAPS/tls13-aes256gcm.pcap" "$T/mid2.pcap" 7-100 2>/dev/null
"$TLS_DUMP" --keylog "$CAPS/tls13-aes256gcm.keys" "$T/mid2.pcap" >/dev/null || fail "mid-record start"
pass "mid-session captures"

# Truncation at every byte and starts at every byte of real streams.
for name in tls12-aes128sha-etm tls13-aes128gcm tls10-aes128sha tls12-client-cert; do
  "$TLS_DUMP" --sweep --keylog "$CAPS/$name.keys" "$CAPS/$name.pcap" >"$T/sweep.jsonl" || fail "$name sweep"
  runs="$(jq -r 'select(.kind=="sweep") | .runs' "$T/sweep.jsonl")"
  [ "$runs" -gt 1000 ] || fail "$name: sweep ran only $runs times"
done
pass "truncation and start-offset sweeps"

# Not a capture / not TLS at all.
printf 'not a pcap' >"$T/bad.pcap"
expect_exit 2 "$TLS_DUMP" "$T/bad.pcap"
pass "hostile input handled"
