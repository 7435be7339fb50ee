#!/usr/bin/env bash
# Byte compatibility with pam_google_authenticator, proven on the real module:
#  1. files written by `otpgen enroll` are accepted by the module (TOTP, HOTP, scratch codes)
#     and a reused code is rejected (DISALLOW_REUSE);
#  2. files written by the real `google-authenticator` CLI are verified by `otpgen verify`,
#     and after our verify the module still accepts the file and rejects the code we used;
#  3. differential: the same crafted file is given to the module and to `otpgen verify` at the
#     same second; both must agree on the verdict and on the state written back.
source "$SECKIT_TESTS_DIR/lib.sh"
MODULE=/lib/x86_64-linux-gnu/security/pam_google_authenticator.so
if [ "$(id -u)" != 0 ] || [ ! -e "$MODULE" ] || ! command -v pamtester >/dev/null ||
   ! command -v faketime >/dev/null; then
  echo "skipped: needs root, pamtester, faketime and libpam-google-authenticator"
  exit 77
fi
cd "$T"

# Unique service names (tests run in parallel); removed at exit with the temp dir.
svc="seckit-otpgen-$$-$RANDOM"
svc_noskew="$svc-noskew"
trap 'rm -f "/etc/pam.d/$svc" "/etc/pam.d/$svc_noskew"; cleanup' EXIT
# user=root: the module switches to that user before touching the file; the file is root-owned
# in our root-owned temp dir, so the default owner/permission checks apply unchanged.
echo "auth required pam_google_authenticator.so secret=$T/ga user=root" > "/etc/pam.d/$svc"
echo "auth required pam_google_authenticator.so secret=$T/ga user=root noskewadj" > "/etc/pam.d/$svc_noskew"

pam() {  # code [service] -> 0 accepted, 1 rejected
  if echo "$1" | pamtester "${2:-$svc}" root authenticate >/dev/null 2>&1; then return 0; fi
  return 1
}
expect_pam() {  # want(0|1) code message [service]
  local got=0; pam "$2" "${4:-$svc}" || got=1
  assert_eq "$got" "$1" "PAM module: $3"
}
# Waits until at least 3 seconds remain in the current 30 s step, so a code stays current.
settle() { while [ $(( $(date +%s) % 30 )) -gt 26 ]; do sleep 1; done; }
secret_of() { head -1 "$1"; }

# --- 1. files written by otpgen enroll
rm -f ga
otpgen enroll --ga-file ga --account root --issuer seckit-test --qr none --rate-limit none --json > enroll.json
settle
code=$(oathtool --totp -b "$(secret_of ga)")
expect_pam 0 "$code" "accepts the TOTP code of an otpgen-enrolled file"
expect_pam 1 "$code" "rejects the same code again (DISALLOW_REUSE)"
scratch=$(jq -r 'select(.type=="otp_enrollment").data.scratch_codes[0]' enroll.json)
expect_pam 0 "$scratch" "accepts an otpgen scratch code"
! grep -q "^$scratch\$" ga || fail "module did not remove the scratch code"
expect_pam 1 "$scratch" "rejects the used scratch code"
assert_eq "$(stat -c %a ga)" 400 "mode after the module's update"
pass "the module accepts otpgen TOTP files, scratch codes, and rejects reuse"

rm -f ga
otpgen enroll --ga-file ga --hotp --account root --issuer seckit-test --qr none --rate-limit none >/dev/null
expect_pam 0 "$(oathtool --hotp -c 1 -b "$(secret_of ga)")" "accepts HOTP counter 1 of an otpgen file"
expect_exit 0 otpgen verify "$(oathtool --hotp -c 2 -b "$(secret_of ga)")" --ga-file ga
expect_pam 0 "$(oathtool --hotp -c 3 -b "$(secret_of ga)")" "accepts counter 3 after otpgen consumed 2"
expect_pam 1 "$(oathtool --hotp -c 2 -b "$(secret_of ga)")" "rejects counter 2 (behind)"
expect_exit 1 otpgen verify "$(oathtool --hotp -c 3 -b "$(secret_of ga)")" --ga-file ga
pass "HOTP state is shared between the module and otpgen"

# --- 2. files written by the real google-authenticator CLI
rm -f ga
google-authenticator -t -d -f -u -w 17 -Q NONE -s "$T/ga" -C -e 5 -q
settle
code=$(oathtool --totp -b "$(secret_of ga)")
expect_exit 0 otpgen verify "$code" --ga-file ga
expect_pam 1 "$code" "rejects the code otpgen verified (our DISALLOW_REUSE entry is honoured)"
next=$(oathtool --totp -N "@$(( $(date +%s) + 30 ))" -b "$(secret_of ga)")
expect_pam 0 "$next" "still accepts the file (next step) after otpgen's update"
expect_exit 1 otpgen verify "$next" --ga-file ga
scratch=$(tail -1 ga)
expect_exit 0 otpgen verify "$scratch" --ga-file ga
expect_pam 1 "$scratch" "rejects the scratch code otpgen consumed"
expect_pam 0 "$(tail -1 ga)" "accepts another scratch code after otpgen's rewrite"
pass "google-authenticator files: otpgen verifies them, the module keeps accepting them"

rm -f ga
google-authenticator -t -d -f -r 2 -R 30 -w 3 -Q NONE -s "$T/ga" -C -e 1 -q
expect_exit 1 otpgen verify 000000 --ga-file ga
expect_exit 1 otpgen verify 000001 --ga-file ga
settle
expect_pam 1 "$(oathtool --totp -b "$(secret_of ga)")" "rate limited by attempts otpgen recorded"
pass "RATE_LIMIT attempts recorded by otpgen are honoured by the module"

# --- 3. differential: module and otpgen on identical files at the same second
K=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
normalize() { sed -e 's/  */ /g' -e 's/ $//' "$1"; }
differential() {  # name content code
  local name="$1" content="$2" code="$3" t0 pam_rc ours_rc
  # Both runs see the same second: the module's clock is frozen by faketime (a busy machine
  # made the old "retry until date +%s agrees" loop give up and compare different seconds).
  rm -f ga ours; printf '%b' "$content" > ga; chmod 400 ga; cp -p ga ours
  t0=$(date +%s)
  pam_rc=0
  echo "$code" | TZ=UTC faketime -f "$(TZ=UTC date -d "@$t0" '+%Y-%m-%d %H:%M:%S')" \
    pamtester "$svc_noskew" root authenticate >/dev/null 2>&1 || pam_rc=1
  ours_rc=0; otpgen -q verify "$code" --ga-file ours --now "$t0" --pam-option noskewadj >/dev/null || ours_rc=$?
  assert_eq "$ours_rc" "$pam_rc" "$name: verdict (module vs otpgen)"
  assert_eq "$(normalize ours)" "$(normalize ga)" "$name: file after verify (module vs otpgen)"
}
now=$(date +%s); st=$((now / 30))
at() { oathtool --totp -N "@$(( $(date +%s) + $1 * 30 ))" -b $K; }
for w in 3 4 17; do
  for off in -9 -8 -2 -1 0 1 2 8 9; do
    settle
    differential "window $w offset $off" "$K\n\" TOTP_AUTH\n\" WINDOW_SIZE $w\n" "$(at $off)"
  done
done
settle; now=$(date +%s); st=$((now / 30))
differential "reuse pruning" "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 2 $((st-3)) $((st-2)) $((st+2)) $((st+3)) $((st+5))\n" "$(at 0)"
settle; now=$(date +%s); st=$((now / 30))
differential "reused step" "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE $((st-1))\n" "$(at -1)"
settle; now=$(date +%s)
differential "rate limit pruning" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30 100 $((now-40)) $((now-20)) $((now+100))\n" 000000
differential "rate limited" "$K\n\" TOTP_AUTH\n\" RATE_LIMIT 2 30 $((now-2)) $((now-1))\n" "$(at 0)"
differential "scratch first" "$K\n\" TOTP_AUTH\n\" DISALLOW_REUSE\n11111111\n22222222\n" 22222222
differential "HOTP wins" "$K\n\" TOTP_AUTH\n\" HOTP_COUNTER 4\n" "$(oathtool --hotp -c 6 -b $K)"
differential "HOTP failure" "$K\n\" HOTP_COUNTER 4\n\" WINDOW_SIZE 5\n" 000000
differential "HOTP 8-digit non-scratch" "$K\n\" HOTP_COUNTER 4\n12345678\n" 12345670
differential "HOTP 7 digits" "$K\n\" HOTP_COUNTER 4\n" 1234567
differential "HOTP not digits" "$K\n\" HOTP_COUNTER 4\n" abcdef
differential "HOTP rate limited" "$K\n\" HOTP_COUNTER 4\n\" RATE_LIMIT 1 30 $(( $(date +%s) - 1 ))\n" 000000
settle
differential "time skew" "$K\n\" TOTP_AUTH\n\" TIME_SKEW 4\n" "$(at 4)"
differential "unknown lines" "$K\n\" FUTURE_THING a  b\n\" TOTP_AUTH\n\" DISALLOW_REUSE\nnote\n12345678\n" "$(at 0)"
differential "scratch only" "$K\n12345678\n" "$(at 0)"
pass "the module and otpgen agree on verdicts and written state (differential)"
