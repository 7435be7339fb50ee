#!/usr/bin/env bash
# otpgen at the command line, checked against independent peers: oathtool (codes, windows),
# Python's hmac module (9/10 digits, Steam Guard), protoc (migration payloads), zbarimg (QR
# images), plus bad input, redaction, batch enrollment and 50 concurrent verifications.
source "$SECKIT_TESTS_DIR/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$T"

b32() { python3 -c 'import base64,sys; print(base64.b32encode(bytes.fromhex(sys.argv[1])).decode().rstrip("="))' "$1"; }

# --- codes agree with oathtool: algorithms x digits x periods x times (beyond 2038), each
# combination with one of five odd secrets in turn (1, 20, 25, 33 and 64 bytes), so every secret
# meets every algorithm, length and period without repeating the whole table five times.
secrets=()
for secret_hex in 31 3132333435363738393031323334353637383930 \
                  0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182 \
                  $(head -c 33 /dev/urandom | xxd -p -c 100) $(head -c 64 /dev/urandom | xxd -p -c 200); do
  secrets+=("$(b32 "$secret_hex")")
done
rows=0
for alg in sha1 sha256 sha512; do
  for digits in 6 7 8; do
    for period in 30 60 17; do
      for t in 59 1111111109 2147483647 2147483648 4102444800 20000000000; do
        secret=${secrets[$((rows % ${#secrets[@]}))]}
        want=$(oathtool --totp=$alg -d $digits -s $period -N "@$t" -w 2 -b "$secret")
        got=$(echo "$secret" | otpgen -q code --secret - --algorithm $alg --digits $digits \
                --period $period --now $t --count 3)
        assert_eq "$got" "$want" "totp $alg/$digits/$period at $t secret $secret"
        rows=$((rows + 1))
      done
    done
  done
done
# oathtool's --hotp is SHA1 only: every secret at four counters (one beyond 32 bits).
for secret in "${secrets[@]}"; do
  for counter in 0 1 9 4294967296; do
    want=$(oathtool --hotp -d 8 -c $counter -w 2 -b "$secret")
    got=$(echo "$secret" | otpgen -q code --secret - --hotp --digits 8 --counter $counter --count 3)
    assert_eq "$got" "$want" "hotp counter $counter secret $secret"
    rows=$((rows + 1))
  done
done
pass "otpgen code agrees with oathtool on $rows table rows"

# RFC 3339 --now is the same instant as the UNIX form.
assert_eq "$(echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | otpgen code --secret - --digits 8 --now 2603-10-11T11:33:20Z)" \
          65353130 "RFC 6238 vector at 20000000000 via RFC 3339"

# 9 and 10 digits (oathtool stops at 8): Python's hmac as the independent implementation.
py_hotp() {  # hex_key counter digits alg
  python3 - "$@" <<'PY'
import hmac, hashlib, struct, sys
key = bytes.fromhex(sys.argv[1]); c = int(sys.argv[2]); d = int(sys.argv[3])
mac = hmac.new(key, struct.pack(">Q", c), getattr(hashlib, sys.argv[4])).digest()
o = mac[-1] & 15
v = int.from_bytes(mac[o:o + 4], "big") & 0x7fffffff
print(str(v % 10**d).zfill(d))
PY
}
for d in 9 10; do
  for alg in sha1 sha256 sha512; do
    for c in 0 7 123456789; do
      want=$(py_hotp 3132333435363738393031323334353637383930 $c $d $alg)
      got=$(echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | otpgen code --secret - --hotp --counter $c --digits $d --algorithm $alg)
      assert_eq "$got" "$want" "$d digits $alg counter $c"
    done
  done
done
pass "9 and 10 digit codes agree with Python hmac"

# Steam Guard: no published fixed-time vector was found; Python implements the documented
# algorithm (SHA1 TOTP/30 s, 31-bit value written in "23456789BCDFGHJKMNPQRTVWXY", LSB first).
for t in 0 1600000000 1700000001 4102444800; do
  want=$(python3 - $t <<'PY'
import hmac, hashlib, struct, sys
key = b"12345678901234567890"
mac = hmac.new(key, struct.pack(">Q", int(sys.argv[1]) // 30), hashlib.sha1).digest()
o = mac[-1] & 15
v = int.from_bytes(mac[o:o + 4], "big") & 0x7fffffff
alphabet = "23456789BCDFGHJKMNPQRTVWXY"
out = ""
for _ in range(5):
    out += alphabet[v % 26]; v //= 26
print(out)
PY
)
  got=$(echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | otpgen code --secret - --steam --now $t)
  assert_eq "$got" "$want" "steam code at $t"
done
pass "Steam Guard codes agree with the documented algorithm in Python"

# --- verify --window agrees with oathtool's validation (symmetric for TOTP, forward for HOTP)
S=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
now=1700000015
for off in -3 -2 -1 0 1 2 3; do
  code=$(oathtool --totp -N "@$((now + off * 30))" -b $S)
  oath=0; oathtool --totp -N "@$now" -w 2 -b $S "$code" >/dev/null 2>&1 || oath=1
  ours=0; echo $S | otpgen verify "$code" --secret - --now $now --window 2 >/dev/null 2>&1 || ours=$?
  assert_eq "$ours" "$oath" "totp window 2, offset $off"
done
for c in 3 4 5 6 7 8; do
  code=$(oathtool --hotp -c $c -b $S)
  oath=0; oathtool --hotp -c 4 -w 2 -b $S "$code" >/dev/null 2>&1 || oath=1
  ours=0; echo $S | otpgen verify "$code" --secret - --hotp --counter 4 --window 2 >/dev/null 2>&1 || ours=$?
  assert_eq "$ours" "$oath" "hotp window 2 from 4, counter $c"
done
pass "verify --window matches oathtool for TOTP and HOTP"

# A failing code is explained: the clock skew that would make it valid.
code=$(oathtool --totp -N "@$((now + 7 * 30))" -b $S)
expect_exit 1 bash -c "echo $S | otpgen verify $code --secret - --now $now --json"
jq -e -s '[.[] | select(.type=="otp_verification").data][0] | .valid == false and .skew_steps == 7' "$T/.stdout" >/dev/null \
  || fail "skew of 7 steps not reported: $(last_stdout)"

# --- secrets never required on argv; a warning when given there
expect_exit 0 otpgen code --secret $S
assert_contains "$(last_stderr)" "visible in ps" "argv secret warning"
printf '%s\n' $S > secret.txt; chmod 600 secret.txt
expect_exit 0 otpgen code --secret-file secret.txt --now 59 --digits 8
assert_eq "$(last_stdout)" 94287082 "RFC 6238 vector through --secret-file"
[ ! -s "$T/.stderr" ] || fail "unexpected warning with --secret-file: $(last_stderr)"
# --- the short call scripts loop, `code --secret-file F` (answered without building the option
# tree, issue 18): oathtool's code for the same moment; files the full command warns about or reads
# as a URI keep that command's words and codes.
at_same_step() {  # want-command... ; sets got/want, retried when a 30 s step boundary falls between
  local try step
  for try in 1 2 3; do
    step=$(($(date +%s) / 30))
    got=$(otpgen code "${short_args[@]}" 2>"$T/short.err"); want=$("$@")
    [ "$step" = $(($(date +%s) / 30)) ] && return 0
  done
  fail "three 30 s step boundaries in a row"
}
for secret in $S GEZDGNBVGY3TQOJQGEZDGNBVGY GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ; do
  printf '%s\n' "$secret" > short.txt; chmod 600 short.txt
  for form in "--secret-file short.txt" "--secret-file=short.txt"; do
    read -r -a short_args <<<"code $form"
    at_same_step oathtool --totp -b "$secret"
    assert_eq "$got" "$want" "short call 'otpgen code $form' with a ${#secret}-character secret"
    [ ! -s "$T/short.err" ] || fail "short call warned: $(cat "$T/short.err")"
  done
done
short_args=(code --secret-file short.txt)
printf 'GEZDGNBVGY3TQOJQ\n' > short.txt  # 10 bytes: RFC 4226 wants 16
at_same_step oathtool --totp -b GEZDGNBVGY3TQOJQ
assert_eq "$got" "$want" "short call, 10-byte secret"
assert_contains "$(cat "$T/short.err")" "only 10 bytes" "short call, 10-byte secret warned"
printf 'GEZDGNBVGY3TQOJQGE======\n' > short.txt
at_same_step oathtool --totp -b GEZDGNBVGY3TQOJQGE
assert_eq "$got" "$want" "short call, padded secret"
assert_contains "$(cat "$T/short.err")" "'=' padding" "short call, padded secret warned"
printf 'otpauth://totp/x?secret=%s&digits=8&algorithm=SHA256\n' $S > short.txt
at_same_step oathtool --totp=sha256 -d 8 -b $S
assert_eq "$got" "$want" "short call, an otpauth URI in the file"
expect_exit 2 otpgen code --secret-file missing.txt
assert_one_line_error otpgen
# A code that cannot be written is an error, never a silent success (full disk, closed stdout).
printf '%s\n' $S > short.txt
for args in "code --secret-file short.txt" "code --secret-file short.txt --json" "--version" "--help"; do
  read -r -a argv <<<"$args"
  expect_exit 3 bash -c 'otpgen "$@" >/dev/full' _ "${argv[@]}"
  assert_one_line_error otpgen
  assert_contains "$(last_stderr)" "write failed" "otpgen $args to a full disk"
done
expect_exit 0 bash -c "echo 'otpauth://totp/x?secret=$S&digits=8' | otpgen code --uri - --now 59"
assert_eq "$(last_stdout)" 94287082 "RFC 6238 vector through --uri -"

# --- bad input: one-line error, exit 2, file untouched
for bad in 'ABC!DEF' 'A' ''; do
  expect_exit 2 bash -c "printf '%s\n' '$bad' | otpgen code --secret -"
  assert_one_line_error otpgen
done
for uri in 'otpauth://totp' 'http://x' 'otpauth://totp/a?secret=0000' 'otpauth://totp/a?secret=AA&digits=12' 'otpauth://totp/a%zz?secret=AA'; do
  expect_exit 2 bash -c "printf '%s\n' '$uri' | otpgen code --uri -"
  assert_one_line_error otpgen
done
chmod 644 secret.txt
expect_exit 2 otpgen code --secret-file secret.txt
assert_one_line_error otpgen

ga_case() {  # name content mode -> checks exit 2, one line, file untouched
  printf "$2" > "bad-$1"; chmod "$3" "bad-$1"
  local before; before=$(sha256sum "bad-$1")
  expect_exit 2 otpgen verify 123456 --ga-file "bad-$1"
  assert_one_line_error otpgen
  assert_eq "$(sha256sum "bad-$1")" "$before" "GA file $1 untouched"
}
ga_case nul "$S\n\" TOTP_AUTH\n\0\0\0" 400
ga_case mode644 "$S\n\" TOTP_AUTH\n" 644
ga_case padded "NBSWY3DPEEQQ====\n\" TOTP_AUTH\n" 400
ga_case base32 "NOT-BASE32!\n\" TOTP_AUTH\n" 400
ga_case window "$S\n\" TOTP_AUTH\n\" WINDOW_SIZE many\n" 400
assert_contains "$(otpgen verify 1 --ga-file bad-padded 2>&1 || true)" "padding" "padded secret explained"
# A padded secret given directly still works (codes are well defined), with a warning.
expect_exit 0 bash -c "printf 'NBSWY3DPEEQQ====\n' | otpgen code --secret -"
assert_contains "$(last_stderr)" "pam_google_authenticator rejects" "padding warning"
# 1-byte and 64-byte secrets: oathtool's codes; the short one is warned about.
one=$(b32 41); sixtyfour=$(b32 "$(head -c 64 /dev/urandom | xxd -p -c 200)")
expect_exit 0 bash -c "echo $one | otpgen code --secret - --now 1000"
assert_eq "$(last_stdout)" "$(oathtool --totp -N @1000 -b $one)" "1-byte secret"
assert_contains "$(last_stderr)" "at least 16" "short secret warning"
expect_exit 0 bash -c "echo $sixtyfour | otpgen code --secret - --now 1000"
assert_eq "$(last_stdout)" "$(oathtool --totp -N @1000 -b $sixtyfour)" "64-byte secret"
pass "bad input is refused with one line and exit 2"

# --- enroll: 0400, no overwrite without --force, the URI format, the QR decodes to the URI
expect_exit 0 otpgen enroll --ga-file ga1 --account 'alice smith@example.com' --issuer 'ACME Co' \
  --qr none --qr-png ga1.png --json
assert_envelope "$T/.stdout"
uri=$(jq -r 'select(.type=="otp_enrollment").data.uri' "$T/.stdout")
secret=$(jq -r 'select(.type=="otp_enrollment").data.secret' "$T/.stdout")
assert_eq "$uri" "otpauth://totp/ACME%20Co:alice%20smith%40example.com?secret=$secret&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30" "enroll URI"
assert_eq "$(head -1 ga1)" "$secret" "GA file secret line"
assert_eq "$(stat -c %a ga1)" 400 "GA file mode"
assert_eq "$(sed -n 2,4p ga1)" "$(printf '" RATE_LIMIT 3 30\n" DISALLOW_REUSE\n" TOTP_AUTH')" "GA options"
assert_eq "$(tail -n +5 ga1 | grep -cE '^[1-9][0-9]{7}$')" 5 "five 8-digit scratch codes"
assert_eq "$(zbarimg -q --raw ga1.png)" "$uri" "PNG QR decodes (zbarimg) to the URI"
expect_exit 2 otpgen enroll --ga-file ga1 --qr none
assert_one_line_error otpgen
assert_eq "$(head -1 ga1)" "$secret" "no overwrite without --force"
expect_exit 0 otpgen enroll --ga-file ga1 --qr none --force --hotp --window-size 5 --rate-limit none --scratch-codes 0
assert_eq "$(tail -n +2 ga1)" "$(printf '" WINDOW_SIZE 5\n" HOTP_COUNTER 1')" "HOTP file like google-authenticator -c"
expect_exit 2 otpgen enroll --ga-file ga2 --algorithm sha256 --qr none
assert_one_line_error otpgen
expect_exit 0 otpgen enroll --qr utf8 --account a --issuer b
assert_contains "$(last_stdout)" "█" "utf8 QR on a non-terminal stdout"
expect_exit 0 otpgen qr --ga-file ga1 --account bob --issuer ACME --qr none --qr-svg q.svg --qr-png q.png
assert_contains "$(last_stdout)" "secret=REDACTED" "qr redacts the URI text"
assert_eq "$(zbarimg -q --raw q.png)" "otpauth://hotp/ACME:bob?secret=$(head -1 ga1)&issuer=ACME&algorithm=SHA1&digits=6&counter=1" "qr of an existing HOTP file"
grep -q '<svg' q.svg || fail "SVG written"
pass "enroll writes the file google-authenticator would, and a QR that decodes to the URI"

# --- libqrencode/libpng are loaded only for QR output: codes work without them, and a missing
# one is one line naming the Debian package, before enroll writes its GA file.
mkdir broken-libs; : >broken-libs/libqrencode.so.4; : >broken-libs/libpng16.so.16
expect_exit 0 env LD_LIBRARY_PATH="$T/broken-libs" otpgen code --secret $S --now 59
assert_eq "$(last_stdout)" "$(oathtool --totp -N @59 -b $S)" "code without the QR libraries"
expect_exit 3 env LD_LIBRARY_PATH="$T/broken-libs" otpgen enroll --ga-file ga-noqr --qr utf8
assert_one_line_error otpgen
assert_contains "$(last_stderr)" "libqrencode4" "the missing library's package is named"
[ ! -e ga-noqr ] || fail "enroll wrote its GA file although the QR could not be drawn"
expect_exit 3 env LD_LIBRARY_PATH="$T/broken-libs" otpgen qr --ga-file ga1 --account bob --qr none --qr-png q2.png
assert_contains "$(last_stderr)" "libqrencode4" "qr --qr-png names the package too"
pass "QR libraries are loaded on demand; a missing one is named"

# --- GA-file verify semantics at the CLI (the PAM module itself is in tests/integration)
printf '%s\n" TOTP_AUTH\n" DISALLOW_REUSE\n" FUTURE_OPTION x y\n11111111\n' $S > ga3; chmod 400 ga3
code=$(oathtool --totp -N @$now -b $S)
expect_exit 0 otpgen verify "$code" --ga-file ga3 --now $now
expect_exit 1 otpgen verify "$code" --ga-file ga3 --now $now --json
jq -e -s '[.[] | select(.type=="otp_verification").data][0].verdict == "reused"' "$T/.stdout" >/dev/null || fail "reuse verdict"
grep -q '^" FUTURE_OPTION x y$' ga3 || fail "unknown option lost"
assert_eq "$(stat -c %a ga3)" 400 "mode kept after update"
before=$(sha256sum ga3)
expect_exit 0 otpgen verify 11111111 --ga-file ga3 --now $now --dry-run
assert_contains "$(last_stdout)" "dry run" "dry-run says so"
assert_eq "$(sha256sum ga3)" "$before" "dry run changes nothing"
expect_exit 0 otpgen verify 11111111 --ga-file ga3 --now $now
! grep -q 11111111 ga3 || fail "scratch code not removed"
far=$(oathtool --totp -N @$((now - 40 * 30)) -b $S)
expect_exit 1 otpgen verify "$far" --ga-file ga3 --now $now --dry-run
assert_contains "$(last_stdout)" "clock skew of -40 steps" "dry-run explains skew"
pass "GA-file verify: reuse, scratch, dry-run, unknown lines, mode"

# --- 50 concurrent verifications of one TOTP code with DISALLOW_REUSE: exactly one success
printf '%s\n" WINDOW_SIZE 3\n" DISALLOW_REUSE\n" TOTP_AUTH\n12345678\n' $S > race; chmod 400 race
code=$(oathtool --totp -N @$now -b $S)
mkdir rc
for i in $(seq 1 50); do
  ( r=0; otpgen verify "$code" --ga-file race --now $now >/dev/null 2>&1 || r=$?; echo $r > rc/$i ) &
done
wait
assert_eq "$(cat rc/* | grep -c '^0$')" 1 "exactly one success"
assert_eq "$(cat rc/* | grep -c '^1$')" 49 "49 rejections"
assert_eq "$(cat race)" "$(printf '%s\n" WINDOW_SIZE 3\n" DISALLOW_REUSE %s\n" TOTP_AUTH\n12345678' $S $((now / 30)))" "file intact"
assert_eq "$(stat -c %a race)" 400 "mode kept"
assert_eq "$(ls -A | grep -c '\.tmp$' || true)" 0 "no temporary files left"
pass "50 concurrent verifies: one success, intact file"

# --- batch enrollment from the users file sshkey-ldap also reads
mkdir out
cat > users.jsonl <<'JSONL'
{"account":"alice@example.com","issuer":"ACME","user":"alice","key":"ssh-ed25519 AAAA alice"}
{"account":"bob@example.com","user":"bob","extra":[1,2]}
this is not json
{"issuer":"ACME","user":"nobody"}
{"account":"carol@example.com","issuer":"Other Co"}
JSONL
expect_exit 1 otpgen enroll --batch users.jsonl --out-dir out --issuer Default --json
assert_envelope "$T/.stdout"
assert_eq "$(jq -c 'select(.type=="otp_enrollment").data | [.account,.issuer,.ga_file]' "$T/.stdout" | tr '\n' ' ')" \
  '["alice@example.com","ACME","out/alice.google_authenticator"] ["bob@example.com","Default","out/bob.google_authenticator"] ["carol@example.com","Other Co","out/carol@example.com.google_authenticator"] ' "batch records"
assert_eq "$(jq -c 'select(.type=="error").data.line' "$T/.stdout" | tr '\n' ' ')" "3 4 " "error records for bad lines"
assert_eq "$(zbarimg -q --raw out/alice.png)" "$(jq -r 'select(.type=="otp_enrollment" and .data.user=="alice").data.uri' "$T/.stdout")" "batch PNG"
assert_eq "$(stat -c %a out/bob.google_authenticator)" 400 "batch file mode"
pass "batch enrollment: one record per line, bad lines are error records"

# --- otpauth-migration: protoc builds the payload from our .proto of the public field numbers
cat > m.txt <<'TXT'
otp_parameters { secret: "Hello!\336\255\276\357" name: "ACME:alice@example.com" issuer: "ACME" algorithm: ALGORITHM_SHA1 digits: DIGIT_COUNT_SIX type: OTP_TYPE_TOTP }
otp_parameters { secret: "12345678901234567890" name: "bob smith" issuer: "Big Co" algorithm: ALGORITHM_SHA256 digits: DIGIT_COUNT_EIGHT type: OTP_TYPE_HOTP counter: 42 }
otp_parameters { secret: "x" name: "legacy" algorithm: ALGORITHM_MD5 type: OTP_TYPE_TOTP }
version: 1 batch_size: 1 batch_index: 0 batch_id: -12345
TXT
data=$(protoc --proto_path="$HERE" --encode=MigrationPayload migration.proto < m.txt | base64 -w0)
muri="otpauth-migration://offline?data=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$data")"
expect_exit 0 bash -c "echo '$muri' | otpgen import - --show-secrets"
assert_eq "$(last_stdout)" "otpauth://totp/ACME:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30
otpauth://hotp/Big%20Co:bob%20smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Big%20Co&algorithm=SHA256&digits=8&counter=42" "import of a protoc-built payload"
assert_contains "$(last_stderr)" "skipped legacy" "MD5 account skipped with a warning"
expect_exit 0 bash -c "echo '$muri' | otpgen import -"
assert_contains "$(last_stdout)" "secret=REDACTED" "import redacts by default"
! grep -q JBSWY3DPEHPK3PXP "$T/.stdout" || fail "secret leaked without --show-secrets"
expect_exit 0 otpgen import "$muri" --show-secrets --json
assert_contains "$(last_stderr)" "visible in ps" "argv warning for import"
# And the reverse: our export decoded by protoc.
printf '%s\n' "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME" \
  "otpauth://hotp/bob?secret=GEZDGNBVGY3TQOJQ&counter=9&digits=8&algorithm=SHA512" > uris.txt
expect_exit 0 bash -c "otpgen export-migration - --qr none < uris.txt"
exported=$(last_stdout)
python3 -c 'import sys,urllib.parse,base64; q=sys.argv[1].split("data=",1)[1]; sys.stdout.buffer.write(base64.b64decode(urllib.parse.unquote(q)))' "$exported" \
  | protoc --proto_path="$HERE" --decode=MigrationPayload migration.proto > decoded.txt
grep -q 'name: "alice"' decoded.txt || fail "protoc: name: $(cat decoded.txt)"
grep -q 'issuer: "ACME"' decoded.txt || fail "protoc: issuer"
grep -q 'secret: "Hello!\\336\\255\\276\\357"' decoded.txt || fail "protoc: secret $(cat decoded.txt)"
grep -q 'algorithm: ALGORITHM_SHA512' decoded.txt || fail "protoc: algorithm"
grep -q 'digits: DIGIT_COUNT_EIGHT' decoded.txt || fail "protoc: digits"
grep -q 'type: OTP_TYPE_HOTP' decoded.txt || fail "protoc: type"
grep -q 'counter: 9' decoded.txt || fail "protoc: counter"
for bad in 'otpauth-migration://offline?data=!!!' 'otpauth-migration://offline?data=CgEA' 'otpauth-migration://offline'; do
  expect_exit 2 bash -c "echo '$bad' | otpgen import -"
  assert_one_line_error otpgen
done
pass "otpauth-migration import/export agrees with protoc"

# --- uri parse redacts; --show-secrets reveals
expect_exit 0 bash -c "echo 'otpauth://totp/ACME:bob?secret=$S&period=60' | otpgen uri parse - --json"
assert_envelope "$T/.stdout"
! grep -q "$S" "$T/.stdout" || fail "uri parse leaked the secret"
jq -e -s '[.[] | select(.type=="otp_account").data][0] | .period == 60 and .issuer == "ACME"' "$T/.stdout" >/dev/null || fail "uri parse fields"
expect_exit 0 bash -c "echo 'otpauth://totp/ACME:bob?secret=$S' | otpgen uri parse - --show-secrets"
assert_contains "$(last_stdout)" "$S" "--show-secrets shows the secret"
expect_exit 0 bash -c "echo $S | otpgen uri build --secret - --account 'x y' --issuer Z --digits 8"
assert_eq "$(last_stdout)" "otpauth://totp/Z:x%20y?secret=$S&issuer=Z&algorithm=SHA1&digits=8&period=30" "uri build"
expect_exit 2 otpgen code
assert_one_line_error otpgen
expect_exit 2 otpgen code --digits 11 --secret -
assert_one_line_error otpgen
pass "uri parse/build, redaction, usage errors"
