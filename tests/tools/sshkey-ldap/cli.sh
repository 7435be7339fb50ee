# sshkey-ldap without a directory: key parsing, fingerprints and bit sizes compared with
# ssh-keygen -l (SHA256 and -E md5) on keys generated now, certificates signed now with
# ssh-keygen -s, security-key (sk-) public keys, hostile key files, config and usage errors.
source "$SECKIT_TESTS_DIR/lib.sh"

tool=sshkey-ldap
: >"$T/empty.conf"
k="$T/keys"; mkdir -p "$k"
types=("rsa 1024" "rsa 2048" "rsa 3072" "ecdsa 256" "ecdsa 384" "ecdsa 521" "ed25519 0")
if ssh-keygen -q -t dsa -N '' -f "$T/dsa_probe" 2>/dev/null; then types+=("dsa 1024"); fi
for spec in "${types[@]}"; do
  set -- $spec
  name="$1_$2"
  if [ "$2" = 0 ]; then ssh-keygen -q -t "$1" -N '' -C "key $name" -f "$k/$name"
  else ssh-keygen -q -t "$1" -b "$2" -N '' -C "key $name" -f "$k/$name"; fi
done
# Certificates of several key types, signed by an ed25519 CA and by an RSA CA.
ssh-keygen -q -t ed25519 -N '' -C ca -f "$k/ca"
ssh-keygen -q -s "$k/ca" -I "id-ed" -n alice -V +1d "$k/ed25519_0.pub"
ssh-keygen -q -s "$k/rsa_3072" -I "id-ec" -n alice,bob -V +52w "$k/ecdsa_256.pub"
ssh-keygen -q -s "$k/ca" -I "host-rsa" -h -n host.example.org "$k/rsa_2048.pub"

# Security-key public keys cannot be generated without hardware: build sk- blobs (PROTOCOL.u2f)
# around real curve points from the keys above; ssh-keygen -l parses them independently.
python3 - "$k" <<'PY'
import base64, struct, sys
d = sys.argv[1]
def s(b): return struct.pack(">I", len(b)) + b
def fields(path):
    blob = base64.b64decode(open(path).read().split()[1])
    out, i = [], 0
    while i < len(blob):
        n = struct.unpack(">I", blob[i:i+4])[0]; out.append(blob[i+4:i+4+n]); i += 4 + n
    return out
_, pk = fields(d + "/ed25519_0.pub")
sk = s(b"sk-ssh-ed25519@openssh.com") + s(pk) + s(b"ssh:")
open(d + "/sk_ed25519.pub", "w").write("sk-ssh-ed25519@openssh.com %s yubikey\n" % base64.b64encode(sk).decode())
_, curve, q = fields(d + "/ecdsa_256.pub")
sk = s(b"sk-ecdsa-sha2-nistp256@openssh.com") + s(curve) + s(q) + s(b"ssh:")
open(d + "/sk_ecdsa.pub", "w").write("sk-ecdsa-sha2-nistp256@openssh.com %s solokey\n" % base64.b64encode(sk).decode())
PY

checked=0
for f in "$k"/*.pub; do
  for hash in sha256 md5; do
    want=$(ssh-keygen -l -E "$hash" -f "$f")
    got=$("$tool" check -E "$hash" "$f" 2>/dev/null) || true
    assert_eq "$got" "$want" "check -E $hash $(basename "$f") vs ssh-keygen -l"
    checked=$((checked + 1))
  done
done
pass "fingerprints and bit sizes of $checked key/hash pairs agree with ssh-keygen -l"

# JSON: certificate fields as ssh-keygen -L shows them.
"$tool" --json check "$k/ecdsa_256-cert.pub" >"$T/cert.jsonl"
assert_envelope "$T/cert.jsonl"
assert_eq "$(jq -r 'select(.type=="key").data.certificate.key_id.text' "$T/cert.jsonl")" "id-ec" "key id"
assert_eq "$(jq -c 'select(.type=="key").data.certificate.principals' "$T/cert.jsonl")" '["alice","bob"]' "principals"
sigalg=$(ssh-keygen -L -f "$k/ecdsa_256-cert.pub" | sed -n 's/.*Signing CA: [^ ]* [^ ]* (using \(.*\))/\1/p')
assert_eq "$(jq -r 'select(.type=="key").data.certificate.signature_algorithm' "$T/cert.jsonl")" "$sigalg" "signature algorithm"
ca_fp=$(ssh-keygen -l -f "$k/rsa_3072.pub" | cut -d' ' -f2)
assert_eq "$(jq -r 'select(.type=="key").data.certificate.ca_sha256' "$T/cert.jsonl")" "$ca_fp" "CA fingerprint"
assert_eq "$(jq -r 'select(.type=="key").data.certificate.cert_type' "$T/cert.jsonl")" "user" "cert type"
assert_eq "$("$tool" --json check "$k/rsa_2048-cert.pub" | jq -r 'select(.type=="key").data.certificate.cert_type')" \
  "host" "host certificate type"
pass "certificate fields agree with ssh-keygen -L"
# Critical options and extensions: the lines ssh-keygen -L prints under "Critical Options:" and
# "Extensions:", rebuilt from the JSON, for a certificate signed now with -O options (a known
# string option, a flag, a removed default, and unknown options with data).
ssh-keygen -q -t ed25519 -N '' -f "$T/optkey"
ssh-keygen -q -s "$k/ca" -I opts -n alice -O force-command=/bin/true \
  -O source-address=10.0.0.0/8,127.0.0.1 -O verify-required -O no-pty \
  -O critical:crit@example.org=val -O extension:custom@example.org=hello "$T/optkey.pub"
keygen_options() {  # $1: the section header, e.g. "Critical Options"
  ssh-keygen -L -f "$T/optkey-cert.pub" | awk -v h="$1:" '
    $1" "$2 == h || $1 == h { on = 1; next }
    on && /^        [A-Z]/ { on = 0 }
    on { sub(/^ +/, ""); print }'
}
json_options() {  # $1: critical_options or extensions
  "$tool" --json check "$T/optkey-cert.pub" | jq -r --arg f "$1" 'select(.type=="key")
    | .data.certificate[$f][] | .name.text
      + (if .value then " " + .value.text else "" end)
      + (if .unknown_data_hex then " UNKNOWN OPTION: \(.unknown_data_hex) (len \(.unknown_data_hex | length / 2))" else "" end)'
}
assert_eq "$(json_options critical_options)" "$(keygen_options "Critical Options")" "critical options as ssh-keygen -L"
assert_eq "$(json_options extensions)" "$(keygen_options Extensions)" "extensions as ssh-keygen -L"
assert_contains "$(json_options critical_options)" "force-command /bin/true" "force-command value read"
pass "certificate options and extensions agree with ssh-keygen -L"

# RFC 4716 keys (ssh-keygen -e): bits, fingerprint and type as ssh-keygen -l shows the key
# ssh-keygen -i converts them to; the Comment header, continued over two lines, is the comment.
{ echo '---- BEGIN SSH2 PUBLIC KEY ----'; echo 'Subject: someone'
  echo 'Comment: "key for use on \'; echo 'servers I like"'
  ssh-keygen -e -f "$k/rsa_3072.pub" | grep -v -e '^----' -e '^Comment:'; echo '---- END SSH2 PUBLIC KEY ----'
  ssh-keygen -e -f "$k/ed25519_0.pub"; } >"$T/rfc4716.pub"
{ ssh-keygen -i -f "$T/rfc4716.pub"; } >"$T/rfc4716-converted.pub"
ssh-keygen -e -f "$k/ed25519_0.pub" | ssh-keygen -i -f /dev/stdin >>"$T/rfc4716-converted.pub"
want=$(ssh-keygen -l -f "$T/rfc4716-converted.pub" | cut -d' ' -f1,2)
got=$("$tool" check "$T/rfc4716.pub" | cut -d' ' -f1,2)
assert_eq "$got" "$want" "RFC 4716 keys as ssh-keygen -i + -l read them"
assert_contains "$("$tool" check "$T/rfc4716.pub")" "key for use on servers I like (RSA)" "continued comment"
assert_eq "$("$tool" --json check "$T/rfc4716.pub" | jq -r 'select(.type=="key").data.origin' | tr '\n' ' ')" \
  "$T/rfc4716.pub:1 $T/rfc4716.pub:14 " "origin is the BEGIN line (4 header lines, 8 body lines, END)"
ssh-keygen -e -f "$k/ed25519_0.pub" | head -3 >"$T/rfc4716-cut.pub"
expect_exit 2 "$tool" check "$T/rfc4716-cut.pub"
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "no \"---- END SSH2 PUBLIC KEY ----\" line" "cut short"
pass "RFC 4716 keys"

# Policy: weak keys are findings (exit 1), not input errors.
expect_exit 1 "$tool" check "$k/rsa_1024.pub"
assert_contains "$(last_stderr)" "error: check: rsa-too-small: $k/rsa_1024.pub:1: RSA key $(ssh-keygen -l -f "$k/rsa_1024.pub" | cut -d' ' -f2) has 1024 bits, below 2048" "rsa 1024 refused, worded as an error"
# check applies the audit's rules and reports every problem of a line: a 1024-bit RSA
# certificate that expired (validity from ssh-keygen -L), signed with ssh-rsa (SHA-1), carrying
# a forbidden option.
ssh-keygen -q -s "$k/rsa_3072" -t ssh-rsa -I old -n u -V 20200101:20210101 "$k/rsa_1024.pub"
expiry=$(ssh-keygen -L -f "$k/rsa_1024-cert.pub" | sed -n 's/.*Valid: from .* to \(.*\)$/\1/p')
printf 'environment="A=b" %s\n' "$(cat "$k/rsa_1024-cert.pub")" >"$T/worst.pub"
expect_exit 1 "$tool" --json check "$T/worst.pub"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data | "\(.code)/\(.severity)"' | sort | tr '\n' ' ')" \
  "expired-certificate/error forbidden-option/error rsa-too-small/error ssh-rsa-sha1/error " "every problem of the line"
assert_contains "$(last_stdout | jq -r 'select(.type=="finding" and .data.code=="expired-certificate").data.message')" "expired ${expiry}" "expiry as ssh-keygen -L shows it"
assert_eq "$(last_stdout | jq -c 'select(.type=="summary").data | [.verdict, .counts.refused]')" '["fail",1]' "verdict"
rm -f "$k/rsa_1024-cert.pub"
echo '{"rsa_fail_bits": 1024}' >"$T/lenient.json"
expect_exit 0 "$tool" --policy "$T/lenient.json" check "$k/rsa_1024.pub"
echo '{"rsa_fail_bit": 1024}' >"$T/typo.json"
expect_exit 2 "$tool" --policy "$T/typo.json" check "$k/rsa_1024.pub"
assert_one_line_error "$tool"
pass "policy thresholds"

# Options are preserved and validated as sshd does.
printf 'restrict,command="echo \\"hi there\\"",from="10.0.0.0/8" %s\n' "$(cat "$k/ed25519_0.pub")" >"$T/opts.pub"
"$tool" --json check "$T/opts.pub" >"$T/opts.jsonl"
assert_eq "$(jq -c 'select(.type=="key") | [.data.options[].name]' "$T/opts.jsonl")" '["restrict","command","from"]' "option names"
assert_eq "$(jq -r 'select(.type=="key").data.options[1].value' "$T/opts.jsonl")" 'echo "hi there"' "quoted value"
printf 'no-such-option %s\n' "$(cat "$k/ed25519_0.pub")" >"$T/badopt.pub"
expect_exit 2 "$tool" check "$T/badopt.pub"
assert_one_line_error "$tool"
printf 'environment="A=b" %s\n' "$(cat "$k/ed25519_0.pub")" >"$T/envopt.pub"
expect_exit 1 "$tool" check "$T/envopt.pub"
pass "authorized_keys options"

# Hostile key files: one error line, exit 2, nothing on stdout.
ed=$(cat "$k/ed25519_0.pub")
b64=$(echo "$ed" | cut -d' ' -f2)
rsa_b64=$(cut -d' ' -f2 "$k/rsa_2048.pub")
printf 'ssh-ed25519 %s\n' "${b64:0:40}" >"$T/truncated.pub"
printf 'ssh-rsa %s wrongtype\n' "$b64" >"$T/wrongtype.pub"
printf 'ssh-ed25519 %s\n%s\n' "${b64:0:30}" "${b64:30}" >"$T/newline.pub"
printf 'ssh-rsa %s\n' "${rsa_b64:0:200}" >"$T/truncated_rsa.pub"
printf 'ssh-ed25519 AAAA!!!!\n' >"$T/notbase64.pub"
cp "$k/ed25519_0" "$T/private.pub"
head -c 3000 /dev/urandom >"$T/random.pub"
: >"$T/empty.pub"
for bad in truncated wrongtype newline truncated_rsa notbase64 private random; do
  expect_exit 2 "$tool" check "$T/$bad.pub"
  assert_one_line_error "$tool"
  assert_eq "$(last_stdout)" "" "$bad: nothing printed"
done
# Nothing to check is not a pass: inconclusive (exit 4), the reason on stdout and in JSON.
printf '# only a comment\n\n' >"$T/comments.pub"
for empty in empty comments; do
  expect_exit 4 "$tool" check "$T/$empty.pub"
  assert_eq "$(last_stdout)" "inconclusive: 0 public keys read from $T/$empty.pub: nothing was checked (the input is empty or holds only comments)" "$empty: reason"
done
expect_exit 4 "$tool" --json check - </dev/null
assert_eq "$(last_stdout | jq -c 'select(.type=="summary").data | [.verdict, .exit_code, .counts.keys, .reasons[0].code]')" \
  '["inconclusive",4,0,"no-keys"]' "empty stdin: JSON verdict"
expect_exit 2 "$tool" check "$T/wrongtype.pub"
assert_contains "$(last_stderr)" "does not match the blob" "wrong type message"
expect_exit 2 "$tool" check "$T/private.pub"
assert_contains "$(last_stderr)" "private key" "private key message"
# Unknown types are named as such (audit reports them separately).
printf 'ssh-foo %s\n' "$b64" >"$T/unknown.pub"
expect_exit 2 "$tool" check "$T/unknown.pub"
assert_contains "$(last_stderr)" "unknown key type 'ssh-foo'" "unknown type"
pass "hostile key files refused with one line"

# Schema: both forms parse (slapd.conf form is checked by slaptest in the integration tests).
"$tool" schema --format slapd >"$T/schema"; grep -q "^attributetype ( 1.3.6.1.4.1.24552.500.1.1.1.13 NAME 'sshPublicKey'" "$T/schema" || fail "slapd schema"
"$tool" schema --format ldif >"$T/schema.ldif"; grep -q "^olcObjectClasses: ( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey'" "$T/schema.ldif" || fail "ldif schema"
pass "schema"

# Configuration: unknown keys, inline passwords, bad durations, missing settings.
printf 'uri = ldap://127.0.0.1:1\nbase = dc=x\nfrobnicate = 1\n' >"$T/bad.conf"
expect_exit 2 "$tool" --config "$T/bad.conf" list
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "bad.conf:3" "line number"
printf 'bind_password = hunter2\n' >"$T/pw.conf"
expect_exit 2 "$tool" --config "$T/pw.conf" list
assert_contains "$(last_stderr)" "never accepted inline" "inline password refused"
printf 'timeout = soon\n' >"$T/to.conf"
expect_exit 2 "$tool" --config "$T/to.conf" list
expect_exit 2 "$tool" --config "$T/missing.conf" list
expect_exit 2 "$tool" --config "$T/empty.conf" list
assert_contains "$(last_stderr)" "no LDAP server configured" "no uri"
printf 'secret\n' >"$T/open.pw"; chmod 644 "$T/open.pw"
expect_exit 2 "$tool" --config "$T/empty.conf" --uri ldap://127.0.0.1:1 --base dc=x --bind-dn cn=a --bind-password-file "$T/open.pw" list
assert_contains "$(last_stderr)" "accessible by others" "world-readable password file refused"
expect_exit 2 "$tool" --config "$T/empty.conf" --uri ldap://127.0.0.1:1 --base dc=x --bind-dn cn=a list
assert_contains "$(last_stderr)" "bind_password_file" "bind dn without password file"
pass "configuration errors"

# Unreachable directory: exit 3, one line naming the server.
port=$(free_port)
expect_exit 3 "$tool" --config "$T/empty.conf" --uri "ldap://127.0.0.1:$port" --base dc=x list
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "127.0.0.1:$port" "names the server"
# Hostile user names never reach LDAP.
expect_exit 2 "$tool" --config "$T/empty.conf" --uri "ldap://127.0.0.1:$port" --base dc=x authorized-keys "$(printf 'a\tb')"
assert_one_line_error "$tool"
pass "environment and hostile names"

expect_exit 2 "$tool" frobnicate
assert_one_line_error "$tool"
expect_exit 2 "$tool"
expect_exit 0 "$tool" --help
expect_exit 0 "$tool" --version
pass "usage"
