#!/usr/bin/env bash
# Honest verdicts (issue 15): otpgen never passes on evidence it did not have. Each case asserts
# the summary verdict, the exit status and the wording of the reason:
#  - enroll without --ga-file says on stderr that nothing was stored;
#  - verify of something that is not a code is the documented malformed-code, exit 2;
#  - the evidence-free family of batch enrollment: empty file, irrelevant records, a file cut
#    short; and of GA-file verification: another user's secret, no secret line, scratch codes only.
# Expected codes come from oathtool; what the module does with odd GA files was observed on
# pam_google_authenticator (tests/integration/otpgen/differential.sh runs the same files on it).
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
S=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
now=1700000015
summary() { jq -c -s '[.[] | select(.type=="summary")][0].data' "$T/.stdout"; }
summary_field() { jq -r -s "[.[] | select(.type==\"summary\")][0].data$1" "$T/.stdout"; }

# --- enroll without --ga-file: the secret and scratch codes are stored nowhere, and it says so
expect_exit 0 otpgen enroll --account a --issuer b --qr none --json
assert_contains "$(last_stderr)" "no GA file written" "enroll without --ga-file warns"
assert_eq "$(summary_field .verdict)" pass "enroll verdict"
assert_eq "$(summary_field .result)" enrolled "enroll result field"
assert_eq "$(summary_field .exit_code)" 0 "enroll exit_code"
expect_exit 0 otpgen enroll --ga-file ga --account a --issuer b --qr none
[[ "$(last_stderr)" != *"no GA file written"* ]] || fail "warned although --ga-file was given"
pass "enroll says when no GA file was written"

# --- malformed codes: exit 2, one error line naming malformed-code
for bad in abcdef 12345 1234567 '' 12345a; do
  expect_exit 2 bash -c "echo $S | otpgen verify '$bad' --secret - --now $now"
  assert_one_line_error otpgen
  assert_contains "$(last_stderr)" "malformed-code" "verify '$bad'"
done
expect_exit 2 bash -c "echo $S | otpgen verify abcdef --secret - --now $now --json"
assert_eq "$(summary_field .verdict)" error "malformed code: summary verdict error"
assert_eq "$(summary_field .exit_code)" 2 "malformed code: summary exit_code"
# 8-digit accounts take 8 digits; Steam Guard codes are 5 letters of its alphabet.
code8=$(oathtool --totp -d 8 -N @$now -b $S)
expect_exit 0 bash -c "echo $S | otpgen verify $code8 --secret - --digits 8 --now $now"
expect_exit 2 bash -c "echo $S | otpgen verify 123456 --secret - --digits 8 --now $now"
expect_exit 2 bash -c "echo $S | otpgen verify 12345 --secret - --steam --now $now"
pass "malformed codes are exit 2 malformed-code"

# --- wrong code / right code: fail 1 and pass 0 with the reason in the summary
code=$(oathtool --totp -N @$now -b $S)
expect_exit 0 bash -c "echo $S | otpgen verify $code --secret - --now $now --json"
assert_eq "$(summary_field .verdict)/$(summary_field .result)/$(summary_field '.reasons|length')" \
  "pass/valid/0" "valid code summary"
expect_exit 1 bash -c "echo $S | otpgen verify 000000 --secret - --now $now --json"
assert_eq "$(summary_field .verdict)/$(summary_field .result)/$(summary_field '.reasons[0].code')" \
  "fail/wrong-code/wrong-code" "wrong code summary"
expect_exit 1 bash -c "echo $S | otpgen verify 000000 --secret - --now $now"
assert_contains "$(last_stdout)" "fail: wrong code" "text mode ends with the reason"
pass "verify: pass/fail with the reason"

# --- batch enrollment: empty file, irrelevant records, cut short
mkdir out
: > empty.jsonl
expect_exit 4 otpgen enroll --batch empty.jsonl --out-dir out --json
assert_eq "$(summary_field .verdict)/$(summary_field '.reasons[0].code')/$(summary_field .counts.enrolled)" \
  "inconclusive/no-users/0" "empty batch"
assert_contains "$(summary_field '.reasons[0].message')" "0 users enrolled: empty.jsonl holds no user line" "empty batch reason"
expect_exit 4 otpgen enroll --batch empty.jsonl --out-dir out
assert_contains "$(last_stdout)" "inconclusive: 0 users enrolled" "empty batch text"
printf '\n   \n' > blank.jsonl
expect_exit 4 otpgen enroll --batch blank.jsonl --out-dir out
# Another tool's JSON output is not a users file.
printf '%s\n' '{"type":"begin","data":{"tool":"certcheck"}}' '{"type":"summary","data":{"exit_code":0}}' > other.jsonl
expect_exit 4 otpgen enroll --batch other.jsonl --out-dir out --json
assert_eq "$(summary_field .verdict)/$(summary_field .counts.skipped)" "inconclusive/2" "irrelevant records"
assert_contains "$(summary_field '.reasons[0].message')" 'have no "account", "user" or "issuer" field' "irrelevant reason"
[ -z "$(ls out)" ] || fail "files written for irrelevant records: $(ls out)"
# Cut short: the last line ends mid-object, without a newline.
printf '%s\n%s' '{"account":"alice@example.com","user":"alice"}' '{"account":"bob@exa' > cut.jsonl
expect_exit 1 otpgen enroll --batch cut.jsonl --out-dir out --batch-qr none --json
assert_eq "$(summary_field .verdict)/$(summary_field '.reasons[0].code')/$(summary_field .counts.enrolled)" \
  "fail/batch-truncated/1" "truncated batch"
assert_contains "$(summary_field '.reasons[0].message')" "cut.jsonl:2: the file ends in the middle of a line" "truncated reason"
assert_contains "$(last_stderr)" "is the file cut short?" "truncated line error"
[ -e out/alice.google_authenticator ] || fail "the complete line was not enrolled"
# A complete file of good users passes.
printf '%s\n' '{"account":"carol@example.com","user":"carol"}' > good.jsonl
expect_exit 0 otpgen enroll --batch good.jsonl --out-dir out --batch-qr none --json
assert_eq "$(summary_field .verdict)/$(summary_field .result)" "pass/enrolled" "good batch"
pass "batch: empty and irrelevant are inconclusive (4), cut short fails (1)"

# --- GA-file verification without the right evidence
ga() { printf '%b' "$2" > "$1"; chmod 400 "$1"; }
# Another user's secret: just a wrong code, as the module says.
ga other "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n"
expect_exit 1 otpgen verify "$code" --ga-file other --now $now --json
assert_eq "$(summary_field .verdict)/$(summary_field .result)" "fail/wrong-code" "another user's secret"
# No secret line: the module cannot read a secret and refuses every login; otpgen says why (2).
ga nosecret "\" TOTP_AUTH\n12345678\n"
expect_exit 2 otpgen verify 12345678 --ga-file nosecret --now $now
assert_one_line_error otpgen
assert_contains "$(last_stderr)" "line 1: the module cannot decode the secret" "no secret line"
ga emptysecret "\n\" TOTP_AUTH\n12345678\n"
expect_exit 2 otpgen verify 12345678 --ga-file emptysecret --now $now
assert_contains "$(last_stderr)" "line 1: the module cannot decode the secret" "empty secret line"
# Scratch codes only: the module takes the first line as the secret (digits 1 and 8 read as L
# and B), so that code never logs in, the others do, and no TOTP code works.
ga scratch "12345678\n23456789\n34567890\n"
expect_exit 1 otpgen verify 12345678 --ga-file scratch --now $now
expect_exit 0 otpgen verify 23456789 --ga-file scratch --now $now --json
assert_eq "$(summary_field .verdict)" pass "scratch-only file: second scratch code"
assert_eq "$(cat scratch)" "$(printf '12345678\n34567890')" "scratch code removed"
expect_exit 1 otpgen verify "$(oathtool --totp -N @$now -b LL345B7B)" --ga-file scratch --now $now --json
assert_eq "$(summary_field .result)" no-otp-mode "scratch-only: no TOTP"
pass "GA files: wrong secret, no secret, scratch only"
