# cbaudit probe against a real directory that checks channel bindings: OpenLDAP slapd with
# SASL GSS-SPNEGO (cyrus-sasl GSSAPI plugin, MIT SPNEGO, gss-ntlmssp as the NTLM acceptor) at
# olcSaslCBinding none, tls-endpoint and tls-unique, over ldaps:// and ldap:// + StartTLS.
#
# The truth comes from two independent clients, never from cbaudit:
#  * ldapwhoami -Y GSS-SPNEGO (OpenLDAP + cyrus-sasl + MIT SPNEGO + gss-ntlmssp) with
#    SASL_CBINDING tls-endpoint (the right binding), none (no binding) and tls-unique over TLS 1.2
#    (a binding of the other type: wrong for a tls-endpoint directory);
#  * ldap_gss_client.py: MIT SPNEGO + gss-ntlmssp through python3-gssapi with the
#    tls-server-end-point binding computed here with openssl (right), none, and one of another
#    hash (wrong), over TLS 1.3 like cbaudit.
# The level they show (none / allowed / required) must be what `cbaudit probe` concludes, and
# each of cbaudit's three attempts must get the answer the python client got for that binding.
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
here="$SECKIT_SOURCE_DIR/tests/integration/cbaudit"
py=/usr/bin/python3  # Debian's python3: python3-gssapi lives there
source "$here/slapd_cb.sh"
export HOME="$T"  # no ~/.ldaprc of the user running the tests

printf 'EXAMPLE:alice:Passw0rd!\n' > users
export NTLM_USER_FILE="$T/users"
printf 'Passw0rd!' > alice.pw
chmod 600 alice.pw
cb_slapd_ca "$T"
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
cert_hash=$(openssl x509 -in server.pem -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1)
right="$prefix$cert_hash"
wrong="$prefix$(printf other | openssl dgst -sha384 -r | cut -d' ' -f1)"

# accepted / rejected for one bind of the python client.
python_bind() {  # url cb-hex|none
  local out
  out=$($py "$here/ldap_gss_client.py" --url "$1" --cafile "$T/ca.pem" --cb "$2")
  jq -e 'has("accepted") and has("result_code")' <<<"$out" >/dev/null || fail "python client: $out"
  if [ "$(jq -r .accepted <<<"$out")" = true ]; then echo accepted; else echo rejected; fi
}

# accepted / rejected for ldapwhoami with SASL_CBINDING $2; $3 = GnuTLS priority (TLS version).
whoami_bind() {  # url cbinding priority
  local starttls=() out rc=0
  [[ "$1" == ldap://* ]] && starttls=(-ZZ)
  out=$(LDAPTLS_CACERT="$T/ca.pem" LDAPSASL_CBINDING="$2" LDAPSASL_NOCANON=on \
        LDAPTLS_CIPHER_SUITE="$3" timeout 20 ldapwhoami "${starttls[@]}" -Y GSS-SPNEGO -H "$1" 2>&1) \
    || rc=$?
  if [ $rc -eq 0 ]; then
    assert_contains "$out" 'dn:uid=example\5Calice,cn=gss-spnego,cn=auth' "ldapwhoami identity"
    echo accepted
  else
    # A refused binding is resultCode 49 from the acceptor, nothing else (no TLS or SASL setup error).
    assert_contains "$out" "Invalid credentials (49)" "ldapwhoami $2 on $1"
    echo rejected
  fi
}

# The level a set of answers means (right, none, wrong), as the issue defines it.
level_of() {  # right none wrong
  if [ "$1" != accepted ]; then echo unknown
  elif [ "$3" = accepted ]; then [ "$2" = accepted ] && echo none || echo unknown
  elif [ "$2" = accepted ]; then echo allowed
  else echo required
  fi
}

tls13=NORMAL
tls12='NORMAL:-VERS-TLS1.3'
# level -> level over TLS 1.3 (what cbaudit, speaking TLS 1.3, can see)
declare -A want_level=([none]=none [tls-endpoint]=allowed [tls-unique]=none)
for level in none tls-endpoint tls-unique; do
  cb_slapd_start "$T" "$level"
  for url in "$CB_LDAPS_URL" "$CB_LDAP_URL"; do
    what="slapd sasl-cbinding $level, $url"
    # --- the truth: ldapwhoami -----------------------------------------------------------
    w_right=$(whoami_bind "$url" tls-endpoint "$tls13")
    w_none=$(whoami_bind "$url" none "$tls13")
    w_unique12=$(whoami_bind "$url" tls-unique "$tls12")
    w_endpoint12=$(whoami_bind "$url" tls-endpoint "$tls12")
    case "$level" in
      none) want="accepted accepted accepted accepted" ;;
      # gss-ntlmssp: a matching or a missing binding passes, a mismatching one is refused.
      tls-endpoint) want="accepted accepted rejected accepted" ;;
      # The server has no tls-unique under TLS 1.3 (RFC 9266): nothing is checked there; under
      # TLS 1.2 it checks tls-unique, so a tls-server-end-point binding is the wrong one.
      tls-unique) want="accepted accepted accepted rejected" ;;
    esac
    assert_eq "$w_right $w_none $w_unique12 $w_endpoint12" "$want" \
      "$what: ldapwhoami endpoint/none/unique(TLS1.2)/endpoint(TLS1.2)"
    # --- the truth: python3-gssapi client with bindings of our choice ----------------------
    p_right=$(python_bind "$url" "$right")
    p_none=$(python_bind "$url" none)
    p_wrong=$(python_bind "$url" "$wrong")
    truth=$(level_of "$p_right" "$p_none" "$p_wrong")
    assert_eq "$truth" "${want_level[$level]}" "$what: level shown by the python client"
    if [ "$level" != tls-unique ]; then
      # Over TLS 1.3 both clients send the same kinds of binding: they must agree.
      assert_eq "$(level_of "$w_right" "$w_none" "$w_unique12")" "$truth" \
        "$what: ldapwhoami and the python client agree"
    fi
    pass "$what: the directory's level is $truth"

    # --- cbaudit probe -------------------------------------------------------------------
    want_rc=0
    case "$truth" in none | allowed) want_rc=1 ;; unknown) want_rc=4 ;; esac
    expect_exit "$want_rc" cbaudit probe "$url" --user alice --domain EXAMPLE \
      --password-file alice.pw --ca-file ca.pem --json
    last_stdout > probe.jsonl
    assert_envelope probe.jsonl
    assert_eq "$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.value' probe.jsonl)" \
      "$cert_hash" "$what: probe's tls-server-end-point = openssl dgst -sha384 of the certificate"
    for spec in "correct $p_right" "absent $p_none" "wrong $p_wrong"; do
      set -- $spec
      got=$(jq -r --arg b "$1" 'select(.type=="probe_attempt" and .data.binding==$b).data.accepted' probe.jsonl)
      assert_eq "$got" "$([ "$2" = accepted ] && echo true || echo false)" \
        "$what: cbaudit's $1 binding answered like the python client's"
    done
    assert_eq "$(jq -r 'select(.type=="probe_result").data.level' probe.jsonl)" "$truth" \
      "$what: cbaudit probe level"
    pass "$what: cbaudit probe says $truth"
  done

  if [ "$level" = tls-endpoint ]; then
    # Without a password cbaudit tries the AD trick (80090346 before 52e); OpenLDAP answers
    # every failed GSS-SPNEGO bind with a plain 49, so the level stays unknown (inconclusive,
    # exit 4), and says why.
    expect_exit 4 cbaudit probe "$CB_LDAPS_URL" --ca-file ca.pem --json
    last_stdout > trick.jsonl
    assert_eq "$(jq -r 'select(.type=="probe_result").data.level' trick.jsonl)" unknown \
      "credential-less probe of slapd"
    assert_contains "$(jq -r 'select(.type=="probe_result").data.reason' trick.jsonl)" \
      "neither 80090346 nor 52e" "credential-less probe reason"
    pass "credential-less probe of slapd: unknown"
  fi
  cb_slapd_stop
done
