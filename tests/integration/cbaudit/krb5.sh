# cbaudit token --keytab against MIT Kerberos on 127.0.0.1: a private KDC (krb5kdc, realm
# SECKIT.TEST, free port), a service keytab written by kadmin.local ktadd, AP-REQs made by the
# MIT initiator (python3-gssapi) with the right, no, and a wrong channel binding, for tickets
# encrypted with aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha256-128, aes256-cts-hmac-sha384-192
# and rc4-hmac, and session keys (the authenticator's etype) aes256-sha1, aes128-sha256,
# aes256-sha384 and rc4-hmac. The MIT acceptor (accept_sec_context with the keytab and the
# right binding) is the judge of accepted/rejected, `klist -e` of the ticket and session key
# etypes; Bnd is compared with the MD5 of the struct built here with printf + xxd.
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
right_bnd=$(md5_struct "$right")
wrong_bnd=$(md5_struct "$wrong")

token_of() { jq -r .token "$1"; }
field() { jq -r "select(.type==\"$2\").data$3" "$1"; }
# MIT's own word on a cached service ticket: "SESSION-ETYPE, TICKET-ETYPE" (klist -e names
# rc4-hmac "DEPRECATED:arcfour-hmac").
mit_etypes() {
  klist -e \
    | awk -v p="HTTP/$1.seckit.test@SECKIT.TEST" '$NF == p { getline; sub(/.*: /, ""); print }' \
    | sed 's/DEPRECATED://g; s/arcfour-hmac/rc4-hmac/g; s/ *$//'
}

# --- matched / absent / mismatch for each ticket and session key etype --------------------------
# service, ticket etype, session key etype (the authenticator's) as session_enctypes asks for it;
# "any" = MIT's choice, which depends on the krb5 release (Debian's 1.20.1-2+deb12u4 gives an
# rc4-only service an aes256-sha1 session key unless allow_rc4 applies to it): klist -e decides.
for svc_spec in "host aes256-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96" \
                "sha2 aes128-cts-hmac-sha256-128 aes128-cts-hmac-sha256-128" \
                "rc4 rc4-hmac any" \
                "sha384 aes256-cts-hmac-sha384-192 aes256-cts-hmac-sha384-192" \
                "rc4sess rc4-hmac rc4-hmac"; do
  set -- $svc_spec
  svc=$1 etype=$2 intended_session=$3
  for spec in "matched $right 0x11 accepted present" "absent none 0x0a accepted absent" \
              "wrong $wrong 0x05 rejected present"; do
    set -- $spec
    name="$svc-$1"
    $py "$here/krb5_peer.py" tokens --service "HTTP/$svc.seckit.test@SECKIT.TEST" --cb "$2" \
      --acceptor-cb "$right" > "gss-$name.json"
    # One jq per file (jq is most of this loop's time): one value per line, null when absent.
    mapfile -t g < <(jq -r '.acceptor, .bad_bindings, .client' "gss-$name.json")
    assert_eq "${g[0]}" "$4" "$name: MIT acceptor"
    if [ "$4" = rejected ]; then
      assert_eq "${g[1]}" true "$name: GSS_S_BAD_BINDINGS"
    else
      assert_eq "${g[2]}" alice@SECKIT.TEST "$name: MIT's initiator name"
    fi
    rc=0
    cbaudit token --keytab http.keytab --expect-cert "$epa/server.pem" --json \
      "$(token_of "gss-$name.json")" > "cls-$name.jsonl" || rc=$?
    assert_envelope "cls-$name.jsonl"
    want_rc=1; [ "$3" = 0x11 ] && want_rc=0
    assert_eq "$rc" "$want_rc" "$name: exit status at Required"
    if [ "$1" = matched ]; then
      mit=$(mit_etypes "$svc")
      session=${mit%%, *}
      assert_eq "${mit#*, }" "$etype" "$svc: klist -e ticket etype"
      [ "$intended_session" = any ] || assert_eq "$session" "$intended_session" \
        "$svc: klist -e session key etype"
    fi
    mapfile -t c < <(jq -rs '(map(select(.type == "token"))[0].data) as $t
      | (map(select(.type == "cb_audit"))[0].data) as $c
      | $t.ticket_etype, $t.authenticator_etype, $t.decrypted.session_key_etype,
        $t.decrypted.key_principal, $t.decrypted.client, $t.decrypted.ticket_client,
        $t.decrypted.bnd, $c.client_binding, $c.flags, $c.levels.allowed.verdict,
        $c.client_principal, ($t.decrypted.gss_flag_names | join(" "))' "cls-$name.jsonl")
    assert_eq "${c[0]}" "$etype" "$name: ticket etype"
    assert_eq "${c[1]}" "$session" "$name: authenticator etype"
    assert_eq "${c[2]}" "$session" "$name: session key etype"
    assert_eq "${c[3]}" "HTTP/$svc.seckit.test@SECKIT.TEST" "$name: the service's own key"
    assert_eq "${c[4]}" alice@SECKIT.TEST "$name: client"
    assert_eq "${c[5]}" alice@SECKIT.TEST "$name: ticket client"
    case "$2" in
      none) want_bnd=$zero ;;
      "$right") want_bnd=$right_bnd ;;
      *) want_bnd=$wrong_bnd ;;
    esac
    assert_eq "${c[6]}" "$want_bnd" "$name: Bnd = MD5(struct)"
    assert_eq "${c[7]}" "$5" "$name: client binding"
    assert_eq "${c[8]}" "$3" "$name: flags at Required"
    assert_eq "${c[9]}" "$4" "$name: Allowed verdict = MIT acceptor"
    assert_eq "${c[10]}" alice@SECKIT.TEST "$name: cb_audit client principal"
    assert_contains "${c[11]}" GSS_C_MUTUAL_FLAG "$name: GSS flags"
    pass "MIT $etype ticket, $session session key, $1 binding: $3, Allowed $4"
  done
done

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

# --- keys that do not fit: the binding stays opaque, with a note; the run is inconclusive (4) --
# A keytab written by hand (MIT format 0502): HTTP/host.seckit.test@SECKIT.TEST, kvno 1 (the
# kvno of addprinc, kept by ktadd -norandkey),
# aes256-cts-hmac-sha1-96, a key of 32 bytes 0x11.
entry="0002000b$(printf SECKIT.TEST | xxd -p)0004$(printf HTTP | xxd -p)0010$(printf host.seckit.test | xxd -p)"
entry="${entry}00000001000000000100120020$(printf '11%.0s' $(seq 32))00000001"
printf '0502%08x%s' $(( ${#entry} / 2 )) "$entry" | xxd -r -p > wrong.keytab
expect_exit 4 cbaudit token --keytab wrong.keytab --expect-cert "$epa/server.pem" --json \
  "$(token_of gss-host-matched.json)"
last_stdout > cls-wrongkey.jsonl
assert_eq "$(field cls-wrongkey.jsonl cb_audit .client_binding)" opaque "wrong key: opaque"
assert_contains "$(field cls-wrongkey.jsonl token .decrypted.note)" "wrong key" "wrong key: note"
assert_eq "$(field cls-wrongkey.jsonl finding .code)" keytab-cannot-open "wrong key: finding"
# That keytab has no rc4-hmac key for the rc4 ticket: no key for that kvno and etype.
expect_exit 4 cbaudit token --keytab wrong.keytab --json "$(token_of gss-rc4-matched.json)"
assert_contains "$(last_stdout | jq -r 'select(.type=="token").data.decrypted.note')" \
  "no key for kvno 1 etype 23" "missing etype: note"
pass "wrong key and missing key: opaque with a note"

kill "$kdc_pid"
wait "$kdc_pid" 2>/dev/null || true
pass "KDC stopped"
