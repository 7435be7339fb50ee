#!/usr/bin/env bash
# otpgen verify --ga-file against the real pam_google_authenticator, login by login, byte by byte.
#
# Each scenario starts two copies of one GA file. For every login the real module (pamtester,
# the clock frozen by faketime at time T) logs in on copy A, and `otpgen verify --now T` with the
# same module options (--pam-option) runs on copy B. After every login the verdicts must agree
# (module success <-> exit 0; module failure <-> exit 1, or exit 2 where the file is one the
# module cannot use) and the two files must be identical: bytes, mode, and file type.
#
# The scenarios were written from the module's documentation (FILEFORMAT, pam_google_authenticator(8),
# README) and from probing the module; the rules each one showed are written down in
# tools/otpgen/ga_buffer.hpp and tools/otpgen/pam_rules.hpp under the scenario's name.
source "$SECKIT_TESTS_DIR/lib.sh"
MODULE=/lib/x86_64-linux-gnu/security/pam_google_authenticator.so
if [ "$(id -u)" != 0 ] || [ ! -e "$MODULE" ] || ! command -v pamtester >/dev/null ||
   ! command -v faketime >/dev/null; then
  echo "skipped: needs root, pamtester, faketime and libpam-google-authenticator"
  exit 77
fi
cd "$T"
export TZ=UTC
K=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ  # RFC 4226's key "12345678901234567890"
t0=1700000015                        # a frozen second, 15 s into step 56666667
st=$((t0 / 30))
svc="seckit-otpgen-diff-$$-$RANDOM"
trap 'rm -f "/etc/pam.d/$svc"; cleanup' EXIT
mkdir -p a b && chmod 700 a b

logins=0 scenarios=0
# code: "@N" the TOTP code at time N (STEP seconds), "#N" the HOTP code of counter N, else as is.
code_of() {
  case "$1" in
    @*) oathtool --totp -s "${STEP:-30}" -N "@${1#@}" -b "$K" ;;
    \#*) oathtool --hotp -c "${1#\#}" -b "$K" ;;
    *) printf '%s' "$1" ;;
  esac
}
file_state() { stat -c '%F %a' "$1"; }

# scenario NAME "MODULE OPTIONS" CONTENT(printf %b) [T CODE]...
scenario() {
  local name="$1" opts="$2" content="$3"; shift 3
  scenarios=$((scenarios + 1))
  rm -f a/ga b/ga
  printf '%b' "$content" > a/ga; chmod "${MODE:-400}" a/ga; cp -p a/ga b/ga
  echo "auth required pam_google_authenticator.so secret=$T/a/ga user=root $opts" > "/etc/pam.d/$svc"
  local ours_opts=() word
  for word in $opts; do ours_opts+=(--pam-option "$word"); done
  local n=0
  while [ $# -ge 2 ]; do
    local when="$1" code; code=$(code_of "$2"); shift 2
    n=$((n + 1)); logins=$((logins + 1))
    local pam_rc=0 ours_rc=0
    printf '%s\n' "$code" | faketime -f "$(date -d "@$when" '+%Y-%m-%d %H:%M:%S')" \
      pamtester "$svc" root authenticate >/dev/null 2>&1 || pam_rc=1
    otpgen -q verify "$code" --ga-file b/ga --now "$when" "${ours_opts[@]}" >"$T/out" 2>"$T/err" || ours_rc=$?
    local want=$pam_rc
    [ "$pam_rc" = 1 ] && [ "$ours_rc" = 2 ] && [ "${BADFILE:-0}" = 1 ] && want=2
    [ "$ours_rc" = "$want" ] ||
      fail "$name, login $n (code [$code] at $when): module $pam_rc, otpgen $ours_rc: $(cat "$T/out" "$T/err")"
    cmp -s a/ga b/ga ||
      fail "$name, login $n: files differ
--- module:
$(cat -A a/ga)
--- otpgen:
$(cat -A b/ga)"
    assert_eq "$(file_state b/ga)" "$(file_state a/ga)" "$name, login $n: file type and mode"
  done
}
at() { echo "@$((t0 + $1 * 30))"; }        # TOTP code $1 steps from now
when() { echo "$((t0 + $1 * 30))"; }        # the time $1 steps from now
T_=$'\t'

# --- 1. time-skew learning (without noskewadj) and its use afterwards
scenario "skew learned in three steps" "" "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE\n" \
  "$(when 0)" "$(at 100)" "$(when 1)" "$(at 101)" "$(when 2)" "$(at 102)" \
  "$(when 3)" "$(at 103)" "$(when 3)" "$(at 103)" "$(when 4)" "$(at 4)" "$(when 5)" "$(at 106)"
scenario "skew fuzz 100,101,102 is not consistent" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 100)" "$(when 1)" "$(at 102)" "$(when 2)" "$(at 104)" "$(when 3)" "$(at 104)"
scenario "skew 100,101,101 averages to 100" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 100)" "$(when 1)" "$(at 102)" "$(when 2)" "$(at 103)" "$(when 3)" "$(at 103)"
scenario "negative skew truncates toward zero" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at -100)" "$(when 2)" "$(at -99)" "$(when 3)" "$(at -98)" "$(when 4)" "$(at -97)"
scenario "gap of three steps restarts" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 100)" "$(when 3)" "$(at 103)" "$(when 4)" "$(at 104)" "$(when 5)" "$(at 105)"
scenario "same far code twice is not counted" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 100)" "$(when 0)" "$(at 100)" "$(when 1)" "$(at 99)" "$(when 2)" "$(at 102)"
scenario "search range is 1499 steps" "" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 1499)" "$(when 0)" "$(at 1500)" "$(when 0)" "$(at -1499)" "$(when 0)" "$(at -1500)"
scenario "existing TIME_SKEW: far codes are measured from the plain time" "" \
  "$K\n\" TOTP_AUTH\n\" TIME_SKEW 7\n\" RESETTING_TIME_SKEW 56666665+100 56666666+100\n" \
  "$(when 0)" "$(at 7)" "$(when 0)" "$(at 100)" "$(when 1)" "$(at 101)"
scenario "unreadable RESETTING list starts afresh, 4 entries keep 3" "" \
  "$K\n\" TOTP_AUTH\n\" RESETTING_TIME_SKEW garbage 1+1\n" \
  "$(when 0)" "$(at 50)" "$(when 1)" "$(at 300)" "$(when 2)" "$(at 600)" "$(when 3)" "$(at 900)"
scenario "noskewadj learns nothing" "noskewadj" "$K\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 100)" "$(when 1)" "$(at 101)" "$(when 2)" "$(at 102)" "$(when 2)" "$(at 2)"
STEP=60 scenario "STEP_SIZE 60 skew" "" "$K\n\" TOTP_AUTH\n\" STEP_SIZE 60\n" \
  "$t0" "@$((t0 + 60 * 1499))" "$((t0 + 60))" "@$((t0 + 60 + 60 * 1499))"

# --- 2. DISALLOW_REUSE pruning
scenario "reuse pruning keeps the module's spacing" "" \
  "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 $((st - 3)) $((st - 2)) 2 $((st + 2)) $((st + 3)) 3\n" \
  "$(when 0)" "$(at 0)" "$(when 0)" "$(at 0)" "$(when 1)" "$(at 1)" "$(when 5)" "$(at 5)"
scenario "pruning is relative to the matched step" "" \
  "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE $((st - 2)) $((st + 3))\n" "$(when 0)" "$(at 1)" "$(when 0)" "$(at -1)"
scenario "pruning with TIME_SKEW and WINDOW_SIZE 17" "" \
  "$K\n\" TOTP_AUTH\n\" TIME_SKEW 10\n\" WINDOW_SIZE 17\n\" DISALLOW_REUSE $((st - 7)) $((st + 1)) $((st + 26)) $((st + 27))\n" \
  "$(when 0)" "$(at 10)" "$(when 0)" "$(at 18)" "$(when 0)" "$(at 2)" "$(when 0)" "$(at 1)"
scenario "tabs and CRLF in the reuse list" "" \
  "$K\r\n\" TOTP_AUTH\r\n\" DISALLOW_REUSE${T_}1${T_}$((st - 1))\r\n12345678\r\n" \
  "$(when 0)" "$(at 0)" "$(when 0)" "$(at -1)" "$(when 0)" 12345678
scenario "duplicate DISALLOW_REUSE lines: the first counts, the rest go" "" \
  "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1\n\" X_Y\n\" DISALLOW_REUSE $st\n" "$(when 0)" "$(at 0)" "$(when 0)" "$(at 0)"

# --- 3. secrets as the module reads them
for secret in "gezd gnbv-gy3t qojq gezd gnbv gy3t qojq" "GEZDGNBVGY3TQ0JQGEZDGNBVGY3TQOJQ" \
              "GEZDGNBVGY3TQOJQ${T_}GEZDGNBVGY3TQOJQ\r" " GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA"; do
  scenario "secret [$secret]" "" "$secret\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)" "$(when 0)" 000000
done
K0=$K; K=OLBOLBOLBOLBOLBO
scenario "digits 0 1 8 read as O L B" "" "01801801801801 80\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
K=$K0
BADFILE=1 scenario "padded secret" "" "$K====\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
BADFILE=1 scenario "NUL bytes: the module refuses the file" "" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30\n\0\0" \
  "$(when 0)" "$(at 0)"
BADFILE=1 scenario "no secret line" "" "\" TOTP_AUTH\n12345678\n" "$(when 0)" 12345678

# --- 4. module options
scenario "no_increment_hotp" "no_increment_hotp" "$K\n\" HOTP_COUNTER 5\n" \
  "$(when 0)" 000000 "$(when 0)" "#6" "$(when 0)" "#6" "$(when 0)" "#7"
MODE=640 scenario "allowed_perm=0640" "allowed_perm=0640" "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)" "$(when 1)" "$(at 100)"
MODE=604 BADFILE=1 scenario "mode 0604 outside allowed_perm=0640" "allowed_perm=0640" "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
MODE=600 scenario "0600 becomes 0400 on the first update" "" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 9 30\n" \
  "$(when 0)" "$(at 0)"
MODE=600 scenario "0600 stays when nothing is written" "" "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
MODE=4400 scenario "set-uid bit is not looked at" "" "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
MODE=2400 BADFILE=1 scenario "set-gid bit is refused" "" "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
scenario "no_strict_owner, debug, grace_period accepted" "no_strict_owner debug grace_period=3600" \
  "$K\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)" "$(when 1)" 000000

# --- 5. mode lines, options after the mode line, scratch codes, CRLF, RATE_LIMIT
scenario "HOTP_COUNTER 0 with TOTP_AUTH is TOTP" "" "$K\n\" HOTP_COUNTER 0\n\" TOTP_AUTH\n" \
  "$(when 0)" "$(at 0)" "$(when 0)" "#0"
scenario "HOTP_COUNTER >= 1 wins over TOTP_AUTH" "" "$K\n\" TOTP_AUTH\n\" HOTP_COUNTER 1\n" \
  "$(when 0)" "$(at 0)" "$(when 0)" "#3" "$(when 0)" "#3" "$(when 0)" 12345678
scenario "HOTP_COUNTER odd values" "" "$K\n\" HOTP_COUNTER 5x\n\" TOTP_AUTH\n" "$(when 0)" "#5" "$(when 0)" "#9"
scenario "HOTP_COUNTER negative is not HOTP" "" "$K\n\" HOTP_COUNTER -3\n\" TOTP_AUTH\n" "$(when 0)" "$(at 0)"
scenario "TOTP_AUTH anywhere, even mid-line or longer" "" "$K\nfoo\" TOTP_AUTH_OFF\n" "$(when 0)" "$(at 0)"
scenario "options after the mode line" "" "$K\n\" TOTP_AUTH\n\" WINDOW_SIZE 5\n\" DISALLOW_REUSE\n" \
  "$(when 0)" "$(at 2)" "$(when 0)" "$(at -2)" "$(when 0)" "$(at 3)"
scenario "scratch codes only: line 1 is the secret" "" "12345678\n23456789\n34567890\n" \
  "$(when 0)" 12345678 "$(when 0)" 34567890 "$(when 0)" 34567890 "$(when 0)" 23456789
scenario "scratch scan stops at a foreign line" "" "$K\n\" TOTP_AUTH\n11111111\nnote\n12345678\n" \
  "$(when 0)" 12345678 "$(when 0)" 11111111
scenario "scratch codes with blanks, + and leading zero" "" \
  "$K\n\" TOTP_AUTH\n 11111111\n\n+22222222\n\n\n012345678\n33333333" \
  "$(when 0)" 12345678 "$(when 0)" 22222222 "$(when 0)" 33333333 "$(when 0)" 11111111
scenario "CRLF file: rewritten lines lose their CR" "" \
  "$K\r\n\" TOTP_AUTH\r\n\" RATE_LIMIT 5 30\r\n\" DISALLOW_REUSE\r\n11111111\r\n22222222\r\n" \
  "$(when 0)" "$(at 0)" "$(when 0)" 22222222 "$(when 1)" "$(at 100)" "$(when 1)" 000000
scenario "CRLF HOTP file" "" "$K\r\n\" HOTP_COUNTER 5\r\n12345678\r\n" "$(when 0)" 000000 "$(when 0)" "#7"
scenario "RATE_LIMIT pruning: sorted, future and old stamps dropped" "" \
  "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 5 30 $((t0 + 5)) $((t0 - 10)) $((t0 - 30)) $((t0 - 31)) 5 $((t0 - 1))\n" \
  "$t0" 000000 "$((t0 + 1))" "$(at 0)"
scenario "RATE_LIMIT exceeded refuses the right code" "" \
  "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 2 30 $((t0 - 3)) $((t0 - 2))\n12345678\n" \
  "$t0" "$(at 0)" "$t0" 12345678 "$((t0 + 40))" 12345678
scenario "RATE_LIMIT with tabs and no final newline" "" \
  "$K\n\" TOTP_AUTH\n\" RATE_LIMIT  3${T_}30  $((t0 - 3))" "$t0" abcdef "$t0" 1234567
BADFILE=1 scenario "malformed RATE_LIMIT refuses everything" "" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30 x\n12345678\n" \
  "$t0" 12345678
BADFILE=1 scenario "malformed WINDOW_SIZE: RATE_LIMIT still recorded" "" \
  "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30\n\" WINDOW_SIZE many\n" "$t0" "$(at 0)"
scenario "malformed WINDOW_SIZE: scratch codes still work" "" \
  "$K\n\" TOTP_AUTH\n\" WINDOW_SIZE many\n12345678\n" "$t0" 12345678
scenario "what is not a code" "" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 20 30\n" \
  "$t0" abcdef "$t0" 12345 "$t0" 123456789 "$t0" "12 3456" "$t0" " $(code_of "$(at 0)")" \
  "$t0" "$(code_of "$(at 0)") " "$t0" "+12345" "$t0" "0$(code_of "$(at 0)")1"

# --- 6. ownership: a file owned by another user than user= is refused by the module
chown_scenario() {
  rm -f a/ga b/ga; printf '%b' "$K\n\" TOTP_AUTH\n" > a/ga; chmod 400 a/ga; cp -p a/ga b/ga
  chown nobody a/ga b/ga
  echo "auth required pam_google_authenticator.so secret=$T/a/ga user=root" > "/etc/pam.d/$svc"
  local pam_rc=0
  code_of "$(at 0)" | faketime -f "$(date -d "@$t0" '+%Y-%m-%d %H:%M:%S')" pamtester "$svc" root authenticate >/dev/null 2>&1 || pam_rc=1
  logins=$((logins + 1)); scenarios=$((scenarios + 1))
  assert_eq "$pam_rc" 1 "module refuses a file owned by nobody under user=root"
  expect_exit 0 otpgen verify "$(code_of "$(at 0)")" --ga-file b/ga --now "$t0" --pam-option user=root
  assert_contains "$(last_stderr)" "owned by nobody, but the module checks that the file belongs to the user logging in (root (user=))" "owner warning"
  expect_exit 0 otpgen verify "$(code_of "$(at 1)")" --ga-file b/ga --now "$t0" --pam-option user=root --pam-option no_strict_owner
  [ -z "$(last_stderr)" ] || fail "no_strict_owner still warns: $(last_stderr)"
}
chown_scenario

# enroll --owner / the batch "user" field: the file belongs to the user, so the module (which
# switches to user= and checks the owner) accepts it; a root-owned file it refuses.
chmod 711 "$T"; mkdir -m 711 own
owner_login() {  # file -> 0 accepted by the module as user nobody
  echo "auth required pam_google_authenticator.so secret=$T/$1 user=nobody" > "/etc/pam.d/$svc"
  oathtool --totp -N "@$t0" -b "$(head -1 "$1")" |
    faketime -f "$(date -d "@$t0" '+%Y-%m-%d %H:%M:%S')" pamtester "$svc" root authenticate >/dev/null 2>&1
}
expect_exit 0 otpgen enroll --ga-file own/ga --owner nobody --account n --qr none --rate-limit none --allow-reuse
assert_eq "$(stat -c '%U %a' own/ga)" "nobody 400" "enroll --owner: owner and mode"
owner_login own/ga || fail "the module refuses the file enroll --owner nobody wrote"
expect_exit 0 otpgen enroll --ga-file own/root-ga --account n --qr none --rate-limit none --allow-reuse
! owner_login own/root-ga || fail "the module accepted a root-owned file for user nobody"
expect_exit 1 otpgen verify 000000 --ga-file own/root-ga --now "$t0" --pam-option user=nobody
assert_contains "$(last_stderr)" "owned by root, but the module checks" "verify warns about the owner"
printf '%s\n' '{"account":"n@example.com","user":"nobody"}' '{"account":"x@example.com","user":"no-such-user-here"}' > users.jsonl
expect_exit 0 otpgen enroll --batch users.jsonl --out-dir own/batch --batch-qr none --rate-limit none --allow-reuse
chmod 711 own/batch
assert_eq "$(stat -c '%U %a' own/batch/nobody.google_authenticator)" "nobody 400" "batch user field chowns"
owner_login own/batch/nobody.google_authenticator || fail "the module refuses the batch file of user nobody"
assert_contains "$(last_stderr)" "no user 'no-such-user-here' on this host" "batch: unknown user warned"
logins=$((logins + 3)); scenarios=$((scenarios + 3))
pass "enroll --owner and the batch user field give the file to the user the module checks"

# --- 7. a symlinked GA file: judged by its target, replaced by a regular file on update
rm -rf a/* b/*
printf '%b' "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30\n" > a/target; chmod 400 a/target; cp -p a/target b/target
ln -s "$T/a/target" a/ga; ln -s "$T/b/target" b/ga
echo "auth required pam_google_authenticator.so secret=$T/a/ga user=root" > "/etc/pam.d/$svc"
pam_rc=0; code_of "$(at 0)" | faketime -f "$(date -d "@$t0" '+%Y-%m-%d %H:%M:%S')" pamtester "$svc" root authenticate >/dev/null 2>&1 || pam_rc=1
expect_exit "$pam_rc" otpgen verify "$(code_of "$(at 0)")" --ga-file b/ga --now "$t0"
assert_contains "$(last_stderr)" "a symlink to $T/b/target" "symlink named"
cmp a/ga b/ga || fail "symlink: files differ"
assert_eq "$(file_state b/ga)" "$(file_state a/ga)" "symlink replaced by a regular file, as the module does"
cmp a/target b/target || fail "symlink targets differ"
logins=$((logins + 1)); scenarios=$((scenarios + 1))

# Hints: a directory is named as one; qr asks whose file it is.
expect_exit 2 otpgen verify 123456 --ga-file /tmp
assert_contains "$(last_stderr)" "/tmp: is a directory, not a GA file" "directory hint"
expect_exit 2 otpgen qr --ga-file own/ga --qr none
assert_contains "$(last_stderr)" "otpgen qr needs --account NAME" "qr asks for --account"

echo "differential: $scenarios scenarios, $logins logins: verdicts and files agree"
[ "$logins" -ge 80 ] || fail "only $logins logins"
pass "otpgen verify --ga-file agrees with pam_google_authenticator on $logins logins"
