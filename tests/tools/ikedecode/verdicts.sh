#!/bin/bash
# Honest verdicts (issue 15): no pass and no diagnosis without the evidence for it. Empty,
# irrelevant, wrong-key and cut-short captures are inconclusive (exit 4) and say why; a timeout
# (Windows 13805) needs a capture that goes on past the initiator's retransmission schedule.
# Counts and SPIs come from tshark, capinfos and the key file itself.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures"
summary() { jq -c "select(.type==\"summary\") | .data | $2" "$1"; }
reason_codes() { jq -r 'select(.type=="summary") | .data.reasons[].code' "$1" | sort | tr '\n' ' '; }

# --- empty capture: a pcap header and no packet --------------------------------------------
editcap -r "$C/ikev2-psk.pcap" "$T/empty.pcap" 1000 2>/dev/null
assert_eq "$(capinfos -c -M "$T/empty.pcap" | awk '/Number of packets/ {print $NF}')" 0 "capinfos: empty"
expect_exit 4 ikedecode --json "$T/empty.pcap"
last_stdout >"$T/empty.jsonl"
assert_envelope "$T/empty.jsonl"
assert_eq "$(summary "$T/empty.jsonl" '[.verdict, .exit_code]')" '["inconclusive",4]' "empty verdict"
assert_eq "$(reason_codes "$T/empty.jsonl")" "no-packets " "empty reason"
expect_exit 4 ikedecode --color never "$T/empty.pcap"
assert_contains "$(last_stdout)" "inconclusive: the capture holds no packets: nothing was checked" "empty text"
pass "empty capture: inconclusive, exit 4"

# --- a capture without IKE (TLS): says so ---------------------------------------------------
tls="$C/tls/tls12-aes128sha-etm.pcap"
frames=$(tshark -n -r "$tls" 2>/dev/null | wc -l)
assert_eq "$(tshark -n -r "$tls" -Y isakmp 2>/dev/null | wc -l)" 0 "tshark: no ISAKMP in $tls"
expect_exit 4 ikedecode --json "$tls"
last_stdout >"$T/tls.jsonl"
assert_eq "$(summary "$T/tls.jsonl" '[.verdict, .exit_code, .counts.frames]')" "[\"inconclusive\",4,$frames]" "no-IKE verdict"
assert_eq "$(reason_codes "$T/tls.jsonl")" "no-ike " "no-IKE reason"
expect_exit 4 ikedecode --color never "$tls"
assert_contains "$(last_stdout)" "inconclusive: $frames packets read, no IKE message among them: nothing was checked" "no-IKE text"
pass "capture without IKE: inconclusive, exit 4"

# --- only the first IKE_SA_INIT (issue 15 case 4): incomplete, not a timeout -----------------
editcap -r "$C/ikev2-cert.pcap" "$T/first.pcap" 1 2>/dev/null
assert_eq "$(tshark -n -r "$T/first.pcap" -Y isakmp 2>/dev/null | wc -l)" 1 "tshark: one IKE message"
expect_exit 4 ikedecode --json "$T/first.pcap"
last_stdout >"$T/first.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/first.jsonl")" incomplete "first: SA verdict"
assert_contains "$(jq -r 'select(.type=="ike_sa") | .data.reason' "$T/first.jsonl")" \
  "IKE_SA_INIT request (message ID 0) sent once, never answered: the capture ends 0.0 s after the request" "first: reason"
assert_eq "$(jq -s '[.[] | select(.type=="ike_sa") | .data.windows_error] | map(select(. != null)) | length' "$T/first.jsonl")" 0 "first: no Windows error"
assert_eq "$(jq -s '[.[] | select(.type=="finding" and .data.code=="ike-sa-timed-out")] | length' "$T/first.jsonl")" 0 "first: no timeout finding"
assert_eq "$(summary "$T/first.jsonl" '[.verdict, .exit_code, .counts.timed_out, .counts.incomplete]')" '["inconclusive",4,0,1]' "first: summary"
assert_eq "$(reason_codes "$T/first.jsonl")" "sa-incomplete " "first: reason code"
expect_exit 4 ikedecode --color never "$T/first.pcap"
[[ "$(last_stdout)" != *13805* ]] || fail "first: text names 13805"
pass "first IKE_SA_INIT only: incomplete, exit 4"

# --- a truncated file: the SA it cuts is incomplete, the truncation is a reason ---------------
# The first two frames, the second cut in its middle: the IKE_SA_INIT request is all that is read.
editcap -r "$C/ikev2-cert.pcap" "$T/two.pcap" 1-2 2>/dev/null
size=$(stat -c %s "$T/two.pcap")
head -c $((size - 100)) "$T/two.pcap" >"$T/cut.pcap"
expect_exit 4 ikedecode --json "$T/cut.pcap"
last_stdout >"$T/cut.jsonl"
assert_eq "$(reason_codes "$T/cut.jsonl")" "capture-truncated sa-incomplete " "truncated: reasons"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/cut.jsonl")" incomplete "truncated: SA verdict"
assert_eq "$(jq -s '[.[] | select(.type=="anomaly" and .data.code=="capture-truncated")] | length' "$T/cut.jsonl")" 1 "truncated: anomaly"
pass "truncated capture: inconclusive, exit 4"

# --- ikev2-timeout.pcap ends with the fifth send: not yet a timeout ---------------------------
expect_exit 4 ikedecode --json "$C/ikev2-timeout.pcap"
last_stdout >"$T/to.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/to.jsonl")" incomplete "timeout capture as shipped"
assert_contains "$(jq -r 'select(.type=="ike_sa") | .data.reason' "$T/to.jsonl")" \
  "sent 5 times over 7.1 s, never answered: the capture ends 0.0 s after its last send" "timeout capture reason"
# The same capture going on 200 s after the last send (one unrelated packet, placed by editcap):
# the initiator stopped retransmitting, so it gave up: timed_out, 13805.
last=$(tshark -n -r "$C/ikev2-timeout.pcap" -T fields -e frame.time_epoch 2>/dev/null | tail -1)
first_tls=$(tshark -n -r "$tls" -T fields -e frame.time_epoch 2>/dev/null | head -1)
shift_s=$(python3 -c "print(f'{$last + 200 - $first_tls:.6f}')")
editcap -r -t "$shift_s" "$tls" "$T/later.pcap" 1 2>/dev/null
mergecap -w "$T/to-later.pcap" "$C/ikev2-timeout.pcap" "$T/later.pcap"
expect_exit 1 ikedecode --json "$T/to-later.pcap"
last_stdout >"$T/tol.jsonl"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.verdict' "$T/tol.jsonl")" timed_out "covered: verdict"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.windows_error.win32' "$T/tol.jsonl")" 13805 "covered: 13805"
assert_eq "$(jq -r 'select(.type=="ike_sa") | .data.capture_after_last_request | round' "$T/tol.jsonl")" 200 "covered: silence"
assert_contains "$(jq -r 'select(.type=="ike_sa") | .data.reason' "$T/tol.jsonl")" "the initiator gave up" "covered: reason"
assert_eq "$(summary "$T/tol.jsonl" '[.verdict, .exit_code]')" '["fail",1]' "covered: summary"
pass "timed_out only with a capture covering the retransmission schedule"

# --- keys of another capture: keys-unused names both sides ------------------------------------
table="$C/ikev2-psk.ikev2_decryption_table"
expect_exit 4 ikedecode --json --keys "$table" "$C/ikev2-cert.pcap"
last_stdout >"$T/wk.jsonl"
f='select(.type=="finding" and .data.code=="keys-unused") | .data'
assert_eq "$(jq -r "$f | .details.unused_keys | join(\",\")" "$T/wk.jsonl")" "$(cut -d, -f1,2 "$table" | tr , /)" "unused keys: the key file's SPIs"
seen=$(tshark -n -r "$C/ikev2-cert.pcap" -Y 'isakmp.nextpayload == 46' -T fields -e isakmp.ispi -e isakmp.rspi 2>/dev/null | tr '\t' / | sort -u | tr '\n' ',')
assert_eq "$(jq -r "$f | .details.encrypted_sas_seen | join(\",\")" "$T/wk.jsonl")," "$seen" "SAs seen: tshark's SPIs"
assert_eq "$(jq -r "$f | .severity" "$T/wk.jsonl")" warning "keys-unused severity"
assert_contains "$(reason_codes "$T/wk.jsonl")" "keys-unused" "keys-unused reason"
assert_eq "$(summary "$T/wk.jsonl" '[.verdict, .exit_code, .counts.decrypted]')" '["inconclusive",4,0]' "wrong keys: summary"
expect_exit 4 ikedecode --color never --keys "$table" "$C/ikev2-cert.pcap"
assert_contains "$(last_stdout)" "warning: 1 of the 1 SA(s) in the key files match nothing in the capture, nothing was decrypted" "wrong keys: text finding"
assert_contains "$(last_stdout)" "inconclusive: none of the 1 SA(s) in the key files is in the capture" "wrong keys: text reason"
pass "keys for another capture: keys-unused, inconclusive"

# --- keys that match the SA but fail integrity: decrypt-failed, never keys-unused -------------
table="$C/ikev2-cert.ikev2_decryption_table"
awk -F, 'BEGIN {OFS=","} {$6 = "00" substr($6, 3); $7 = "00" substr($7, 3); print}' "$table" >"$T/badinteg.table"
expect_exit 4 ikedecode --json --keys "$T/badinteg.table" "$C/ikev2-cert.pcap"
last_stdout >"$T/bi.jsonl"
sk=$(tshark -n -r "$C/ikev2-cert.pcap" -Y 'isakmp.nextpayload == 46' 2>/dev/null | wc -l)
assert_eq "$(jq -s '[.[] | select(.type=="anomaly" and .data.code=="decrypt-failed")] | length' "$T/bi.jsonl")" "$sk" "each SK message fails integrity"
assert_eq "$(jq -s '[.[] | select(.type=="finding" and .data.code=="keys-unused")] | length' "$T/bi.jsonl")" 0 "matching keys are not unused"
assert_eq "$(reason_codes "$T/bi.jsonl")" "decrypt-failed " "decrypt-failed reason"
pass "keys failing integrity: decrypt-failed, inconclusive"
