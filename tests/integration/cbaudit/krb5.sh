# cbaudit token --keytab against MIT Kerberos on 127.0.0.1: a private KDC (krb5kdc, realm
# SECKIT.TEST, free port), a service keytab written by kadmin.local ktadd, AP-REQs made by the
# MIT initiator (python3-gssapi) with the right, no, and a wrong channel binding, for tickets
# encrypted with aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha256-128 and rc4-hmac. The MIT
# acceptor (accept_sec_context with the keytab and the right binding) is the judge of
# accepted/rejected; Bnd is compared with the MD5 of the struct built here with printf + xxd.
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
here="$SECKIT_SOURCE_DIR/tests/integration/cbaudit"
epa="$SECKIT_SOURCE_DIR/examples/epa"
py=/usr/bin/python3  # Debian's python3: python3-gssapi lives there

# --- a private KDC ---------------------------------------------------------------------------
source "$here/krb5_kdc.sh"
krb5_kdc_start "$T" || { kill "${krb5_kdc_pid:-0}" 2>/dev/null; fail "KDC setup failed"; }
kdc_pid=$krb5_kdc_pid
stop_on_exit "$kdc_pid"
pass "MIT KDC on 127.0.0.1:$krb5_kdc_port, alice has a TGT"

# --- expected values, by hand ----------------------------------------------------------------
md5_struct() {  # hex of application data -> MD5 of gss_channel_bindings_struct
  local hex="$1" len=$(( ${#1} / 2 ))
  { printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
    printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((len & 255)) $((len >> 8 & 255)) $((len >> 16 & 255)) $((len >> 24 & 255)))"
    printf '%s' "$hex" | xxd -r -p
  } | openssl dgst -md5 -r | cut -d' ' -f1
}
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
# examples/epa/server.pem is signed with sha384WithRSAEncryption: RFC 5929 4.1 keeps SHA-384.
openssl x509 -in "$epa/server.pem" -noout -text | grep -q 'Signature Algorithm: sha384' \
  || fail "examples/epa/server.pem is no longer SHA-384 signed: update this test"
right="$prefix$(openssl x509 -in "$epa/server.pem" -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)"
wrong="$prefix$(printf 'another certificate' | openssl dgst -sha384 -r | cut -d' ' -f1)"
zero=00000000000000000000000000000000

token_of() { jq -r .token "$1"; }
field() { jq -r "select(.type==\"$2\").data$3" "$1"; }

# --- matched / absent / mismatch for each ticket etype -----------------------------------------
for svc_spec in "host aes256-cts-hmac-sha1-96" "sha2 aes128-cts-hmac-sha256-128" "rc4 rc4-hmac"; do
  set -- $svc_spec
  svc=$1 etype=$2
  for spec in "matched $right 0x11 accepted present" "absent none 0x0a accepted absent" \
              "wrong $wrong 0x05 rejected present"; do
    set -- $spec
    name="$svc-$1"
    $py "$here/krb5_peer.py" tokens --service "HTTP/$svc.seckit.test@SECKIT.TEST" --cb "$2" \
      --acceptor-cb "$right" > "gss-$name.json"
    assert_eq "$(jq -r .acceptor "gss-$name.json")" "$4" "$name: MIT acceptor"
    if [ "$4" = rejected ]; then
      assert_eq "$(jq -r .bad_bindings "gss-$name.json")" true "$name: GSS_S_BAD_BINDINGS"
    else
      assert_eq "$(jq -r .client "gss-$name.json")" alice@SECKIT.TEST "$name: MIT's initiator name"
    fi
    rc=0
    cbaudit token --keytab http.keytab --expect-cert "$epa/server.pem" --json \
      "$(token_of "gss-$name.json")" > "cls-$name.jsonl" || rc=$?
    assert_envelope "cls-$name.jsonl"
    want_rc=1; [ "$3" = 0x11 ] && want_rc=0
    assert_eq "$rc" "$want_rc" "$name: exit status at Required"
    assert_eq "$(field "cls-$name.jsonl" token .ticket_etype)" "$etype" "$name: ticket etype"
    assert_eq "$(field "cls-$name.jsonl" token .decrypted.client)" alice@SECKIT.TEST "$name: client"
    assert_eq "$(field "cls-$name.jsonl" token .decrypted.ticket_client)" alice@SECKIT.TEST \
      "$name: ticket client"
    if [ "$2" = none ]; then want_bnd=$zero; else want_bnd=$(md5_struct "$2"); fi
    assert_eq "$(field "cls-$name.jsonl" token .decrypted.bnd)" "$want_bnd" "$name: Bnd = MD5(struct)"
    assert_eq "$(field "cls-$name.jsonl" cb_audit .client_binding)" "$5" "$name: client binding"
    assert_eq "$(field "cls-$name.jsonl" cb_audit .flags)" "$3" "$name: flags at Required"
    assert_eq "$(field "cls-$name.jsonl" cb_audit .levels.allowed.verdict)" "$4" \
      "$name: Allowed verdict = MIT acceptor"
    assert_eq "$(field "cls-$name.jsonl" cb_audit .client_principal)" alice@SECKIT.TEST \
      "$name: cb_audit client principal"
    flags=$(field "cls-$name.jsonl" token '.decrypted.gss_flag_names | join(" ")')
    assert_contains "$flags" GSS_C_MUTUAL_FLAG "$name: GSS flags"
    pass "MIT $etype ticket, $1 binding: $3, Allowed $4"
  done
done
assert_eq "$(field cls-sha2-matched.jsonl token .decrypted.session_key_etype)" \
  aes128-cts-hmac-sha256-128 "session key of the sha2 service (session_enctypes)"

# --- an aware MIT client (client_aware_channel_bindings) without a channel --------------------
{ cat krb5.conf; printf '[libdefaults]\n  client_aware_channel_bindings = true\n'; } > aware.conf
KRB5_CONFIG="$T/aware.conf" $py "$here/krb5_peer.py" tokens \
  --service HTTP/host.seckit.test@SECKIT.TEST --cb none --acceptor-cb "$right" > gss-aware.json
assert_eq "$(jq -r .acceptor gss-aware.json)" rejected "MIT rejects an aware client without bindings"
expect_exit 1 cbaudit token --keytab http.keytab --expect-cert "$epa/server.pem" --json \
  "$(token_of gss-aware.json)"
last_stdout > cls-aware.jsonl
assert_eq "$(field cls-aware.jsonl token .decrypted.kerb_ap_options_cbt)" true "KERB_AP_OPTIONS_CBT"
assert_eq "$(field cls-aware.jsonl token .decrypted.bnd)" "$zero" "aware client: Bnd zero"
assert_eq "$(field cls-aware.jsonl cb_audit .flags)" 0x0b "aware client: CLIENT_SUPPORT|ABSENT|NOTVALID_MISSING"
assert_eq "$(field cls-aware.jsonl cb_audit .levels.allowed.verdict)" rejected "aware client: Allowed = MIT"
pass "aware client without a channel: CLIENT_SUPPORT, rejected like MIT"

# --- SPNEGO-wrapped, and as an HTTP header value ----------------------------------------------
$py "$here/krb5_peer.py" tokens --mech spnego --service HTTP/host.seckit.test@SECKIT.TEST \
  --cb "$right" --acceptor-cb "$right" > gss-spnego.json
assert_eq "$(jq -r .acceptor gss-spnego.json)" accepted "MIT acceptor, SPNEGO"
expect_exit 0 cbaudit token --keytab http.keytab --expect-cert "$epa/server.pem" --json \
  "Authorization: Negotiate $(token_of gss-spnego.json)"
assert_eq "$(last_stdout | jq -r 'select(.type=="cb_audit").data.flags')" 0x11 "SPNEGO: matched"
pass "SPNEGO NegTokenInit around the AP-REQ"

# --- keys that do not fit: the binding stays opaque, with a note ---------------------------------
# A keytab written by hand (MIT format 0502): HTTP/host.seckit.test@SECKIT.TEST, kvno 1 (the
# kvno of addprinc, kept by ktadd -norandkey),
# aes256-cts-hmac-sha1-96, a key of 32 bytes 0x11.
entry="0002000b$(printf SECKIT.TEST | xxd -p)0004$(printf HTTP | xxd -p)0010$(printf host.seckit.test | xxd -p)"
entry="${entry}00000001000000000100120020$(printf '11%.0s' $(seq 32))00000001"
printf '0502%08x%s' $(( ${#entry} / 2 )) "$entry" | xxd -r -p > wrong.keytab
expect_exit 0 cbaudit token --keytab wrong.keytab --expect-cert "$epa/server.pem" --json \
  "$(token_of gss-host-matched.json)"
last_stdout > cls-wrongkey.jsonl
assert_eq "$(field cls-wrongkey.jsonl cb_audit .client_binding)" opaque "wrong key: opaque"
assert_contains "$(field cls-wrongkey.jsonl token .decrypted.note)" "wrong key" "wrong key: note"
assert_eq "$(field cls-wrongkey.jsonl finding .code)" keytab-cannot-open "wrong key: finding"
# That keytab has no rc4-hmac key for the rc4 ticket: no key for that kvno and etype.
expect_exit 0 cbaudit token --keytab wrong.keytab --json "$(token_of gss-rc4-matched.json)"
assert_contains "$(last_stdout | jq -r 'select(.type=="token").data.decrypted.note')" \
  "no key for kvno 1 etype 23" "missing etype: note"
pass "wrong key and missing key: opaque with a note"

kill "$kdc_pid"
wait "$kdc_pid" 2>/dev/null || true
pass "KDC stopped"
