# cbaudit expect/token on certificates made here by openssl and on tokens made by gss-ntlmssp
# (committed in examples/epa/tokens.jsonl by examples/gen/epa-tokens.sh). Expected bindings come
# from `openssl x509 -outform DER | openssl dgst`, the MD5 of the struct from printf + xxd +
# openssl dgst -md5, never from cbaudit itself.
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
epa="$SECKIT_SOURCE_DIR/examples/epa"

# MD5 of gss_channel_bindings_struct for application data given in hex, built by hand:
# four zero 32-bit fields (initiator/acceptor address type and length), the little-endian
# length of the application data, then the data.
struct_md5() {
  local hex="$1" len
  len=$(( ${#hex} / 2 ))
  { printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
    printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((len & 255)) $((len >> 8 & 255)) $((len >> 16 & 255)) $((len >> 24 & 255)))"
    printf '%s' "$hex" | xxd -r -p
  } | openssl dgst -md5 -r | cut -d' ' -f1
}
prefix_hex=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')

check_cert() {  # name digest-for-openssl
  local name="$1" dgst="$2" want got
  want=$(openssl x509 -in "$name.pem" -outform DER | openssl dgst "-$dgst" -r | cut -d' ' -f1)
  expect_exit 0 cbaudit expect "$name.pem" --json
  last_stdout > "$name.jsonl"
  assert_envelope "$name.jsonl"
  got=$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.value' "$name.jsonl")
  assert_eq "$got" "$want" "$name: tls-server-end-point = openssl dgst -$dgst"
  got=$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.hash_algorithm' "$name.jsonl")
  assert_eq "$got" "$dgst" "$name: hash chosen by RFC 5929 4.1"
  got=$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.cbt_md5' "$name.jsonl")
  assert_eq "$got" "$(struct_md5 "$prefix_hex$want")" "$name: MD5 of the struct built by hand"
  pass "$name"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.key
for md in sha1 sha256 sha384 sha512; do
  openssl req -x509 -key rsa.key -"$md" -subj "/CN=rsa-$md" -days 30 -out "rsa-$md.pem"
  openssl req -x509 -key ec.key -"$md" -subj "/CN=ec-$md" -days 30 -out "ec-$md.pem"
done
# MD5 and SHA-1 are replaced by SHA-256 (RFC 5929 4.1).
check_cert rsa-sha1 sha256
check_cert ec-sha1 sha256
for md in sha256 sha384 sha512; do check_cert "rsa-$md" "$md"; check_cert "ec-$md" "$md"; done
# RSA-PSS with one hash for message and MGF1 is defined; with two hashes it is not.
openssl req -x509 -key rsa.key -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha384 \
  -subj /CN=pss-384 -days 30 -out pss-sha384.pem
check_cert pss-sha384 sha384
openssl req -x509 -key rsa.key -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha1 \
  -subj /CN=pss-mixed -days 30 -out pss-mixed.pem
openssl req -x509 -key ed.key -subj /CN=ed25519 -days 30 -out ed25519.pem
for name in pss-mixed ed25519; do
  expect_exit 0 cbaudit expect "$name.pem" --json
  last_stdout > "$name.jsonl"
  assert_eq "$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.defined' "$name.jsonl")" \
    false "$name: undefined"
  assert_eq "$(jq -r 'select(.type=="finding").data.code' "$name.jsonl")" end-point-undefined "$name: finding"
  want=$(openssl x509 -in "$name.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
  assert_eq "$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.windows_binding.value' "$name.jsonl")" \
    "$want" "$name: the SHA-256 value Windows falls back to"
  pass "$name undefined, with the Windows value"
done

# certificate records on stdin (the certcheck | cbaudit pipeline) and DER files.
openssl x509 -in rsa-sha384.pem -outform DER -out rsa-sha384.der
jq -cn --arg der "$(base64 -w0 rsa-sha384.der)" '{type:"certificate",data:{der:$der,source:{file:"x"}}}' > records.jsonl
expect_exit 0 bash -c "cbaudit expect - --json < records.jsonl"
assert_eq "$(last_stdout | jq -r 'select(.type=="expected_binding").data.tls_server_end_point.value')" \
  "$(openssl dgst -sha384 -r rsa-sha384.der | cut -d' ' -f1)" "certificate record on stdin"
expect_exit 0 cbaudit expect rsa-sha384.der
assert_contains "$(last_stdout)" "tls-server-end-point (sha384)" "DER file, text output"
pass "stdin records and DER"

# Bad input: one line on stderr, exit 2.
echo "not a certificate" > junk.pem
expect_exit 2 cbaudit expect junk.pem
assert_one_line_error cbaudit
expect_exit 2 cbaudit expect
assert_one_line_error cbaudit
expect_exit 2 cbaudit token 'NTLM !!!notbase64'
assert_one_line_error cbaudit
expect_exit 2 cbaudit token "$(printf 'NTLMSSP\0\3\0\0\0\377\377' | base64 -w0)"
assert_one_line_error cbaudit
expect_exit 2 cbaudit token --level sometimes TlRMTVNTUAABAAAAB4IIog==
assert_one_line_error cbaudit
expect_exit 2 cbaudit
assert_one_line_error cbaudit
pass "bad input is one line and exit 2"

# Tokens made by gss-ntlmssp (examples/gen/epa-tokens.sh): the generator recorded which
# binding the initiator used and what the gss-ntlmssp acceptor decided.
cert="$epa/server.pem"
while read -r line; do
  case_name=$(jq -r .case <<<"$line")
  auth=$(jq -r .authenticate <<<"$line")
  want_flags=$(jq -r .expected_flags <<<"$line")
  acceptor=$(jq -r .acceptor <<<"$line")
  rc=0
  cbaudit token --expect-cert "$cert" --level allowed --json "NTLM $auth" > "tok-$case_name.jsonl" || rc=$?
  assert_envelope "tok-$case_name.jsonl"
  got=$(jq -r 'select(.type=="cb_audit").data.flags' "tok-$case_name.jsonl")
  assert_eq "$got" "$want_flags" "$case_name: flags at Allowed"
  verdict=$(jq -r 'select(.type=="cb_audit").data.levels.allowed.verdict' "tok-$case_name.jsonl")
  assert_eq "$verdict" "$acceptor" "$case_name: verdict at Allowed = what gss-ntlmssp decided"
  [ "$verdict" = accepted ] && assert_eq "$rc" 0 "$case_name exit" || assert_eq "$rc" 1 "$case_name exit"
  pass "gss-ntlmssp token $case_name"
done < "$epa/tokens.jsonl"

# The same AUTHENTICATE as an HTTP header, in SPNEGO-less raw form from a file, and with --spn.
line=$(head -1 "$epa/tokens.jsonl")
jq -r .authenticate <<<"$line" | base64 -d > auth.bin
expect_exit 0 cbaudit token --token-file auth.bin --expect-cert "$cert" --json
assert_eq "$(last_stdout | jq -r 'select(.type=="token").data.input_form')" raw "raw token file"
expect_exit 0 cbaudit token --expect-cert "$cert" --spn HTTP/wrong.example.test --json \
  "Authorization: NTLM $(jq -r .authenticate <<<"$line")"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code')" service-binding-mismatch "--spn"
# A CHALLENGE alone carries no binding: described, not judged (inconclusive).
expect_exit 4 cbaudit token --json "$(jq -r .challenge <<<"$line")"
assert_eq "$(last_stdout | jq -r 'select(.type=="token").data.message_type')" CHALLENGE "CHALLENGE"
assert_eq "$(last_stdout | jq -c '[.[]?] | length' >/dev/null; last_stdout | jq -s '[.[] | select(.type=="cb_audit")] | length')" 0 "no audit for a CHALLENGE"
# --proxy: any real binding is VALID_PROXY.
wrong=$(jq -r 'select(.case=="wrong").authenticate' "$epa/tokens.jsonl")
expect_exit 0 cbaudit token --proxy --expect-cert "$cert" --json "$wrong"
assert_eq "$(last_stdout | jq -r 'select(.type=="cb_audit").data.flags')" 0x21 "proxy"
# Several tokens on stdin.
jq -r '.authenticate' "$epa/tokens.jsonl" > all.txt
rc=0; cbaudit token - --expect-cert "$cert" --json < all.txt > all.jsonl || rc=$?
assert_eq "$(jq -r 'select(.type=="summary").data.counts.authentications' all.jsonl)" \
  "$(wc -l < all.txt | tr -d ' ')" "stdin tokens"
pass "token forms"

# SPNEGO tokens made by MIT's SPNEGO mechanism around gss-ntlmssp (fuzz seeds, real peer output).
corpus="$SECKIT_SOURCE_DIR/tests/fuzz/corpus/spnego_token"
expect_exit 4 cbaudit token --token-file "$corpus/spnego-init" --json
assert_eq "$(last_stdout | jq -r 'select(.type=="token").data | "\(.wrapping) \(.message_type) \(.spnego.mech_types[0])"')" \
  "spnego-init NEGOTIATE ntlm" "SPNEGO NegTokenInit"
expect_exit 1 cbaudit token --token-file "$corpus/spnego-auth" --json
assert_eq "$(last_stdout | jq -r 'select(.type=="token").data | "\(.wrapping) \(.user) \(.ntlm_version)"')" \
  "spnego-resp alice ntlmv2" "SPNEGO NegTokenResp with AUTHENTICATE"
assert_eq "$(last_stdout | jq -r 'select(.type=="cb_audit").data.flags')" 0x0a "no bindings: ABSENT|NOTVALID_MISSING"
pass "SPNEGO from MIT + gss-ntlmssp"

# Kerberos AP-REQs from MIT (examples/gen/epa-krb5.sh) opened with the example keytab: the
# Allowed verdict is what MIT's acceptor decided, Bnd is the MD5 of the struct built above.
right_hex="$prefix_hex$(openssl x509 -in "$epa/server.pem" -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)"
while read -r line; do
  case_name=$(jq -r .case <<<"$line")
  rc=0
  cbaudit token --keytab "$epa/krb5.keytab" --expect-cert "$epa/server.pem" --json \
    "$(jq -r .token <<<"$line")" > krb.jsonl || rc=$?
  [ "$rc" -le 1 ] || fail "krb5 $case_name: exit $rc"
  assert_eq "$(jq -r 'select(.type=="cb_audit").data.levels.allowed.verdict' krb.jsonl)" \
    "$(jq -r .acceptor <<<"$line")" "krb5 $case_name $(jq -r .service <<<"$line"): Allowed = MIT"
  bnd=$(jq -r 'select(.type=="token").data.decrypted.bnd' krb.jsonl)
  case "$case_name" in
    matched) assert_eq "$bnd" "$(struct_md5 "$right_hex")" "krb5 matched: Bnd" ;;
    absent) assert_eq "$bnd" 00000000000000000000000000000000 "krb5 absent: Bnd" ;;
  esac
done < "$epa/krb5-tokens.jsonl"
pass "MIT Kerberos tokens with --keytab"
printf 'not a keytab' > bad.keytab
expect_exit 2 cbaudit token --keytab bad.keytab "$(jq -r .token "$epa/krb5-tokens.jsonl" | first_line)"
assert_one_line_error cbaudit
expect_exit 4 cbaudit token --json "$(jq -r .token "$epa/krb5-tokens.jsonl" | first_line)"
assert_eq "$(last_stdout | jq -r 'select(.type=="cb_audit").data.client_binding')" opaque "no keytab: opaque"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].code')" binding-opaque "no keytab: inconclusive"
pass "keytab errors"

# The same over HTTPS in a capture (examples/gen/epa-krb5.sh): SPNEGO Negotiate GETs against an
# MIT acceptor that checks the binding. The server's answer (HTTP 200 / 401) is the truth for
# Allowed; the expected binding comes from the certificate in the decrypted TLS session.
expect_exit 1 cbaudit pcap --json --keytab "$epa/krb5.keytab" --keylog "$epa/epa-krb5-https.keys" \
  "$epa/epa-krb5-https.pcap"
last_stdout > krbpcap.jsonl
assert_eq "$(jq -r 'select(.type=="cb_audit").data | "\(.flags) \(.client_principal)"' krbpcap.jsonl | tr '\n' ';')" \
  "0x11 alice@SECKIT.TEST;0x0a alice@SECKIT.TEST;0x05 alice@SECKIT.TEST;" "pcap --keytab flags"
jq -c 'select(.type=="cb_audit").data | [.levels.allowed.verdict, .server_result]' krbpcap.jsonl |
  while read -r pair; do
    case "$pair" in
      '["accepted","HTTP 200"]' | '["rejected","HTTP 401"]') ;;
      *) fail "pcap --keytab: Allowed verdict disagrees with the MIT acceptor: $pair" ;;
    esac
  done
assert_eq "$(jq -r 'select(.type=="summary").data.counts.anomalies' krbpcap.jsonl)" 0 \
  "the server's AP-REP is no anomaly"
pass "pcap --keytab on MIT Negotiate over HTTPS"
