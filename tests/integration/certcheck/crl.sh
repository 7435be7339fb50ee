# Offline revocation (--crl, --crl-check) against `openssl verify -crl_check[_all] -CRLfile`.
# The PKI comes from `openssl ca` (examples/certcheck/gen-crl-pki: root -> issuing CA -> two
# leaves, one revoked with keyCompromise; current, expired, not-yet-valid, tampered and wrong-key
# CRLs). For every case the expected verdict and every `error N at D depth lookup: MESSAGE` line
# come from openssl verify; the revocation entry and CRL dates from `openssl crl -text`.
source "$SECKIT_TESTS_DIR/lib.sh"
"$SECKIT_SOURCE_DIR/examples/certcheck/gen-crl-pki" "$T/pki"
cd "$T/pki"

# The finding code certcheck gives each OpenSSL verify error (the contract in docs/certcheck.md);
# the numbers themselves are read from openssl's output.
finding_code() {
  case "$1" in
    23) echo certificate-revoked ;;
    12) echo crl-expired ;;
    11) echo crl-not-yet-valid ;;
    6 | 8) echo crl-signature-failure ;;
    3) echo unable-to-get-crl ;;
    *) echo crl-invalid ;;
  esac
}

cases=0
# check_case NAME LEAF MODE(leaf|all) CRL_FOR_OPENSSL [certcheck --crl files...]
# openssl verify reads the CRLs in PEM; certcheck is also given DER / PKCS#7 spellings of them.
check_case() {
  local name="$1" leaf="$2" mode="$3" ossl_crl="$4"
  shift 4
  local crl_args=() f
  for f in "$@"; do crl_args+=(--crl "$f"); done
  local flag=-crl_check
  [ "$mode" = all ] && flag=-crl_check_all
  local want_rc=0
  openssl verify -CAfile root.pem -untrusted int.pem "$flag" -CRLfile "$ossl_crl" "$leaf" \
    >"$T/ossl.out" 2>&1 || want_rc=$?
  grep -E '^error [0-9]+ at [0-9]+ depth lookup: ' "$T/ossl.out" >"$T/ossl.errors" || true
  cat "$T/ossl.errors" >>"$T/all.errors"
  local got_rc=0
  certcheck --json --ca-file root.pem --crl-check "$mode" "${crl_args[@]}" "$leaf" int.pem \
    >"$T/cc.jsonl" 2>"$T/cc.err" || got_rc=$?
  assert_envelope "$T/cc.jsonl"
  if [ "$want_rc" = 0 ]; then
    assert_eq "$got_rc" 0 "$name: openssl verify says OK ($(cat "$T/ossl.out"))"
    [ ! -s "$T/ossl.errors" ] || fail "$name: openssl printed errors but exited 0"
  else
    assert_eq "$want_rc" 2 "$name: openssl verify exit status"
    assert_eq "$got_rc" 1 "$name: certcheck exit (openssl: $(cat "$T/ossl.out"))"
    [ -s "$T/ossl.errors" ] || fail "$name: openssl failed without an error line"
  fi
  # Every error openssl reports is a finding with the same number, depth and message.
  local n d msg code found
  while IFS= read -r line; do
    [[ "$line" =~ ^error\ ([0-9]+)\ at\ ([0-9]+)\ depth\ lookup:\ (.*)$ ]] || fail "bad line $line"
    n="${BASH_REMATCH[1]}" d="${BASH_REMATCH[2]}" msg="${BASH_REMATCH[3]}"
    code=$(finding_code "$n")
    found=$(jq -r --argjson n "$n" --argjson d "$d" --arg code "$code" \
      'select(.type=="finding" and .data.code==$code and .data.details.openssl_error==$n
              and .data.details.depth==$d) | .data.details.openssl_message' "$T/cc.jsonl")
    assert_eq "$found" "$msg" "$name: openssl '$line' as a $code finding"
    echo "  $name: openssl 'error $n at $d: $msg' = certcheck $code"
  done <"$T/ossl.errors"
  # certcheck keeps going after the first error (openssl verify stops at most of them), so it may
  # report more; but a clean openssl run means no revocation finding at all.
  if [ "$want_rc" = 0 ]; then
    local extra
    extra=$(jq -r 'select(.type=="finding").data.code' "$T/cc.jsonl")
    assert_eq "$extra" "" "$name: findings on a chain openssl accepts"
  fi
  cases=$((cases + 1))
}

check_case good-leaf leaf-good.pem leaf int.crl.pem int.crl.pem
check_case revoked-leaf leaf-revoked.pem leaf int.crl.pem int.crl.pem
check_case revoked-leaf-der leaf-revoked.pem leaf int.crl.pem int.crl.der
check_case revoked-leaf-p7b leaf-revoked.pem leaf int.crl.pem int.crl.p7b
check_case good-all leaf-good.pem all both.crl.pem both.crl.pem
check_case good-all-two-files leaf-good.pem all both.crl.pem root.crl.pem int.crl.der
check_case revoked-all leaf-revoked.pem all both.crl.pem both.crl.pem
check_case all-missing-root-crl leaf-good.pem all int.crl.pem int.crl.pem
check_case leaf-wrong-crl leaf-good.pem leaf root.crl.pem root.crl.pem
check_case expired-crl leaf-good.pem leaf int-expired.crl.pem int-expired.crl.pem
check_case future-crl leaf-good.pem leaf int-future.crl.pem int-future.crl.pem
check_case tampered-crl leaf-good.pem leaf int-badsig.crl.pem int-badsig.crl.pem
check_case other-key-crl leaf-good.pem leaf int-otherkey.crl.pem int-otherkey.crl.pem
cat root.crl.pem int-expired.crl.pem >all-expired.pem
check_case all-expired-int leaf-good.pem all all-expired.pem all-expired.pem
# Every revocation error of the contract was produced by openssl itself in some case above.
for n in 23 12 11 8 3; do
  grep -q "^error $n at" "$T/all.errors" || fail "no case made openssl report error $n"
done

# --ca-dir: CRLs in the hashed directory (openssl rehash names them HASH.r0) are used without
# --crl, by both.
mkdir capath
cp root.pem int.crl.pem capath/
openssl rehash capath
ls capath/*.r0 >/dev/null || fail "openssl rehash made no .r0 link"
for leaf in leaf-good.pem leaf-revoked.pem; do
  want_rc=0
  openssl verify -CApath capath -untrusted int.pem -crl_check "$leaf" >"$T/ossl.out" 2>&1 \
    || want_rc=$?
  got_rc=0
  certcheck --json --ca-dir capath --crl-check leaf "$leaf" int.pem >"$T/cc.jsonl" || got_rc=$?
  assert_eq "$got_rc" "$([ "$want_rc" = 0 ] && echo 0 || echo 1)" "--ca-dir $leaf ($(cat "$T/ossl.out"))"
  if [ "$want_rc" != 0 ]; then
    n=$(sed -nE 's/^error ([0-9]+) at 0 depth lookup: .*/\1/p' "$T/ossl.out")
    assert_eq "$(jq -r 'select(.type=="finding").data.details.openssl_error' "$T/cc.jsonl")" "$n" \
      "--ca-dir $leaf error number"
  fi
  echo "  --ca-dir $leaf: openssl exit $want_rc, certcheck exit $got_rc"
done

# The revocation entry and the CRL as `openssl crl -text` prints them.
openssl crl -in int.crl.pem -noout -text >"$T/crl.txt"
serial=$(openssl x509 -in leaf-revoked.pem -noout -serial | cut -d= -f2)
entry=$(awk -v s="$serial" '$1=="Serial" && $3==s {on=1; next} on && /Serial Number:/ {on=0} on' \
  "$T/crl.txt")
[ -n "$entry" ] || fail "serial $serial not in openssl crl -text"
want_date=$(sed -n 's/^ *Revocation Date: //p' <<<"$entry")
want_reason=$(awk '/CRL Reason Code/ {getline; gsub(/^ +| +$/, ""); print}' <<<"$entry")
want_issuer=$(openssl crl -in int.crl.pem -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
want_last=$(sed -n 's/^ *Last Update: //p' "$T/crl.txt")
want_next=$(sed -n 's/^ *Next Update: //p' "$T/crl.txt")
want_number=$(awk '/CRL Number/ {getline; gsub(/ /, ""); print}' "$T/crl.txt")

certcheck --json --ca-file root.pem --crl int.crl.pem leaf-revoked.pem int.pem >"$T/rev.jsonl" \
  || true
rev() { jq -r "select(.type==\"finding\" and .data.code==\"certificate-revoked\").data.$1" \
  "$T/rev.jsonl"; }
epoch() { date -u -d "$1" +%s; }
assert_eq "$(rev details.revocation.serial)" "$(tr 'A-F' 'a-f' <<<"$serial")" "revoked serial"
assert_eq "$(epoch "$(rev details.revocation.revocation_date)")" "$(epoch "$want_date")" \
  "revocation date (openssl: $want_date)"
# openssl spells RFC 5280's names as words: "Key Compromise" = keyCompromise.
reason=$(rev details.revocation.reason)
words=$(sed -E 's/([a-z])([A-Z])/\1 \2/g; s/^(.)/\U\1/' <<<"$reason")
assert_eq "$words" "$want_reason" "revocation reason ($reason)"
assert_eq "$want_reason" "Key Compromise" "gen-crl-pki revoked with keyCompromise"
assert_eq "$(rev details.revocation.reason_code)" 1 "keyCompromise is CRLReason 1 (RFC 5280 5.3.1)"
assert_eq "$(epoch "$(rev details.crl.this_update)")" "$(epoch "$want_last")" "CRL thisUpdate"
assert_eq "$(epoch "$(rev details.crl.next_update)")" "$(epoch "$want_next")" "CRL nextUpdate"
assert_eq "$((16#$(rev details.crl.crl_number)))" "$want_number" "CRL number"
# RFC 4514 strings: certcheck's order is the RFC's (most specific first), as -nameopt RFC2253.
assert_eq "$(rev details.crl.issuer)" "$want_issuer" "CRL issuer"
# CRYPT_E_REVOKED, Microsoft's public error table.
assert_eq "$(rev windows_error.hex)" 0x80092010 "revoked maps to CRYPT_E_REVOKED"
echo "  revocation entry: serial $serial, $want_date, $want_reason, CRL #$want_number = certcheck"

# The text output says it too.
expect_exit 1 certcheck --ca-file root.pem --crl int.crl.pem leaf-revoked.pem int.pem
assert_contains "$(last_stdout)" "error certificate-revoked:" "text output"
assert_contains "$(last_stdout)" "reason keyCompromise (1)" "text output reason"

# Expired CRL dates as openssl prints them.
exp_next=$(openssl crl -in int-expired.crl.pem -noout -nextupdate | cut -d= -f2)
certcheck --json --ca-file root.pem --crl int-expired.crl.pem leaf-good.pem int.pem \
  >"$T/exp.jsonl" || true
got=$(jq -r 'select(.type=="finding" and .data.code=="crl-expired").data.details.crl.next_update' \
  "$T/exp.jsonl")
assert_eq "$(epoch "$got")" "$(epoch "$exp_next")" "expired CRL nextUpdate"

# No --crl: a certificate with a CRL distribution point is checked as before, no network.
expect_exit 0 certcheck --json --ca-file root.pem leaf-revoked.pem int.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate" and .data.role=="leaf")
  .data.crl_distribution_points[0]')" "http://pki.example.test/int.crl" "CDP reported"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code')" "" "no finding without --crl"

# Hostile CRL files: one line on stderr, exit 2, nothing half-checked.
printf 'garbage, not a CRL\n' >garbage.crl
head -c 200 int.crl.der >truncated.der
head -n 5 int.crl.pem >truncated.pem
: >empty.crl
cat int.crl.der int.crl.der >twice.der
openssl crl2pkcs7 -nocrl -certfile int.pem -outform DER -out nocrl.p7b
sed 's/BEGIN X509 CRL/BEGIN X509 CRL/; 3s/./#/' int.crl.pem >badbase64.pem
for bad in garbage.crl truncated.der truncated.pem empty.crl twice.der badbase64.pem \
  nocrl.p7b leaf-good.pem; do
  expect_exit 2 certcheck --ca-file root.pem --crl "$bad" leaf-good.pem int.pem
  assert_one_line_error certcheck
  assert_contains "$(last_stderr)" "$bad" "$bad: error names the file"
  # the JSON stream still closes (envelope rule) with verdict error
  expect_exit 2 certcheck --json --ca-file root.pem --crl int.crl.pem --crl "$bad" leaf-good.pem
  assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.verdict')" error "$bad: summary"
done
expect_exit 2 certcheck --crl int.crl.pem leaf-good.pem
assert_one_line_error certcheck
expect_exit 2 certcheck --ca-file root.pem --crl-check sometimes leaf-good.pem
assert_one_line_error certcheck

pass "certcheck agrees with openssl verify -crl_check[_all] on $cases cases; entry = openssl crl -text"
