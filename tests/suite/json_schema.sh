# Every tool's --json output, on every committed example and capture, validated line by line
# against the JSON Schemas in docs/schema/ (python3-jsonschema; see docs/json.md for the layout).
# Runs the tools that are built. Within a stream every record type needs a schema file, so a new
# record type or field fails the test until docs/schema/ (and docs/json.md) describe it. sshkey-ldap's LDAP commands run against a throwaway slapd
# loaded with examples/sshkey-ldap/seed.ldif (SECKIT_SCHEMA_LDAP=0 skips that part).
source "$SECKIT_TESTS_DIR/lib.sh"
src="$SECKIT_SOURCE_DIR"
schema="$src/docs/schema"
built=",${SECKIT_BUILT_TOOLS:-},"
out="$T/streams"
mkdir -p "$out"
n=0

# run_json NAME EXPECTED_EXIT... -- COMMAND...: one stream, its exit status checked.
run_json() {
  local name="$1"; shift
  local allowed=()
  while [ "$1" != "--" ]; do allowed+=("$1"); shift; done
  shift
  local rc=0
  [ ! -e "$out/$name.jsonl" ] || fail "run_json: duplicate stream name $name"
  "$@" >"$out/$name.jsonl" 2>"$T/stderr" || rc=$?
  echo "$rc" >"$out/$name.rc"
  local ok=0 a
  for a in "${allowed[@]}"; do [ "$rc" = "$a" ] && ok=1; done
  [ $ok = 1 ] || { cat "$T/stderr" >&2; fail "$name: exit status $rc (expected ${allowed[*]}): $*"; }
  n=$((n + 1))
}
has() { [[ "$built" == *",$1,"* ]]; }

# A tool is validated once it has docs/schema/<tool>/ and a block below that runs it; until then
# it is only named here (the convention is in docs/DEVELOPING.md).
for tool in ${SECKIT_BUILT_TOOLS//,/ }; do
  [ -d "$schema/$tool" ] || echo "note: $tool has no docs/schema/$tool/ yet; its --json is not validated"
done

# --- ikedecode: every committed capture, with its key table when there is one ----------------
if has ikedecode; then
  for cap in "$src"/examples/captures/*.pcap; do
    base="${cap%.pcap}"
    name="ikedecode-$(basename "$base")"
    keys=()
    [ -f "$base.ikev2_decryption_table" ] && keys=(--keys "$base.ikev2_decryption_table")
    run_json "$name" 0 1 4 -- ikedecode --json "${keys[@]}" "$cap"
    run_json "$name-sessions" 0 1 4 -- ikedecode --json --sessions "${keys[@]}" "$cap"
    run_json "$name-messages" 0 1 4 -- ikedecode --json --messages "${keys[@]}" "$cap"
  done
  # Keys of another capture (keys-unused) and a capture without IKE (inconclusive).
  run_json ikedecode-keys-unused 4 -- ikedecode --json --keys \
    "$src/examples/captures/ikev2-psk.ikev2_decryption_table" "$src/examples/captures/ikev2-cert.pcap"
  run_json ikedecode-no-ike 4 -- ikedecode --json "$src/examples/captures/tls/tls12-aes128sha-etm.pcap"
  # A charon log as the key source, and a capture that is not a capture.
  run_json ikedecode-charon-log 0 1 4 -- ikedecode --json --keys "$src/examples/captures/ikev2-psk.charon.log" \
    "$src/examples/captures/ikev2-psk.pcap"
  run_json ikedecode-not-a-capture 2 -- ikedecode --json "$src/examples/captures/example-ca.pem"
fi

# --- sslvpn-trace: every SSL VPN capture, with and without its key log, secrets shown --------
if has sslvpn-trace; then
  for cap in "$src"/examples/captures/sslvpn/*.pcap; do
    base="${cap%.pcap}"
    name="sslvpn-$(basename "$base")"
    run_json "$name" 0 1 4 -- sslvpn-trace --json "$cap" --keylog "$base.keylog"
    run_json "$name-nokey" 0 1 4 -- sslvpn-trace --json "$cap"
    run_json "$name-secrets" 0 1 4 -- sslvpn-trace --json --show-secrets "$cap" --keylog "$base.keylog"
  done
  # Plain HTTPS (sessions that are not an SSL VPN's) and a capture with no TLS at all.
  run_json sslvpn-x-plain-https 4 -- sslvpn-trace --json --tls-port 42033 \
    "$src/examples/epa/epa-https.pcap" --keylog "$src/examples/epa/epa-https.keys"
  run_json sslvpn-x-ike 4 -- sslvpn-trace --json "$src/examples/captures/ikev2-cert.pcap"
  # (named to sort after the real streams: the drift controls below edit the first one)
  run_json sslvpn-unreadable 2 -- sslvpn-trace --json "$src/examples/captures/sslvpn/sslvpn-ca.pem"
fi

# --- certcheck: every example certificate, the JSON Lines input, errcode and profiles ---------
if has certcheck; then
  ex="$src/examples/certcheck"
  for pem in "$ex"/*.pem "$src"/examples/captures/example-ca.pem; do
    run_json "certcheck-$(basename "$pem" .pem)" 0 1 -- certcheck --json "$pem"
  done
  for profile in $(certcheck profiles --json | jq -r 'select(.type=="profile").data.name'); do
    run_json "certcheck-profile-$profile" 0 1 -- certcheck --json --profile "$profile" \
      --host tmg.example.test --ca-file "$ex/root.pem" "$ex/tmg-good.pem" "$ex/issuing-ca.pem"
  done
  run_json certcheck-tmg-rras-missing-ike 1 -- certcheck --json --profile tmg-rras --host tmg.example.test \
    --ca-file "$ex/root.pem" "$ex/tmg-missing-ike.pem" "$ex/issuing-ca.pem"
  run_json certcheck-stdin-jsonl 0 1 -- certcheck --json --profile win-l2tp-ipsec - <"$ex/ike-certs.jsonl"
  run_json certcheck-recursive 0 1 -- certcheck --json -r --expires-within 30d "$ex"
  run_json certcheck-unreadable 2 -- certcheck --json "$ex/demo"
  run_json certcheck-errcode 0 1 -- certcheck errcode --json 2148204816 13805 0x800B0109 CERT_E_EXPIRED 809
  run_json certcheck-errcode-unknown 1 2 -- certcheck errcode --json 0x12345678 not-a-code
  run_json certcheck-profiles 0 -- certcheck profiles --json
  # Revocation: a PKI from `openssl ca` with a revoked leaf and expired / tampered CRLs.
  "$ex/gen-crl-pki" "$T/crl" >/dev/null
  crl="$T/crl"
  run_json certcheck-crl-good 0 -- certcheck --json --ca-file "$crl/root.pem" --crl-check all \
    --crl "$crl/both.crl.pem" "$crl/leaf-good.pem" "$crl/int.pem"
  run_json certcheck-crl-revoked 1 -- certcheck --json --ca-file "$crl/root.pem" \
    --crl "$crl/int.crl.der" "$crl/leaf-revoked.pem" "$crl/int.pem"
  run_json certcheck-crl-problems 1 -- certcheck --json --ca-file "$crl/root.pem" --crl-check all \
    --crl "$crl/int-expired.crl.pem" "$crl/leaf-good.pem" "$crl/int.pem"
  run_json certcheck-crl-badsig 1 -- certcheck --json --ca-file "$crl/root.pem" \
    --crl "$crl/int-badsig.crl.pem" "$crl/leaf-good.pem" "$crl/int.pem"
  run_json certcheck-crl-malformed 2 -- certcheck --json --ca-file "$crl/root.pem" \
    --crl "$crl/ca.cnf" "$crl/leaf-good.pem"
fi

# --- otpgen: every command, on the example users file and RFC 6238's secret -------------------
if has otpgen; then
  rfc_secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ  # "12345678901234567890", RFC 6238 appendix B
  run_json otpgen-secret 0 -- otpgen secret --json
  run_json otpgen-code 0 -- otpgen code --json --secret - --now 59 --count 3 <<<"$rfc_secret"
  run_json otpgen-code-hotp 0 -- otpgen code --json --hotp --counter 1 --secret - <<<"$rfc_secret"
  run_json otpgen-verify-totp 0 -- otpgen verify 287082 --json --secret - --now 59 <<<"$rfc_secret"
  run_json otpgen-verify-wrong 1 -- otpgen verify 000000 --json --secret - --now 59 <<<"$rfc_secret"
  mkdir -p "$T/otp/batch"
  run_json otpgen-enroll-batch 0 -- otpgen enroll --json --batch "$src/examples/otpgen/users.jsonl" \
    --out-dir "$T/otp/batch"
  run_json otpgen-enroll 0 -- otpgen enroll --json --ga-file "$T/otp/ga" --account alice@example.com \
    --issuer ACME --qr-png "$T/otp/alice.png"
  code=$(otpgen code --ga-file "$T/otp/ga")
  run_json otpgen-verify-ga 0 -- otpgen verify "$code" --json --ga-file "$T/otp/ga" --dry-run
  run_json otpgen-verify-ga-reuse 0 1 -- otpgen verify "$code" --json --ga-file "$T/otp/ga"
  run_json otpgen-qr 0 -- otpgen qr --json --ga-file "$T/otp/ga" --account alice@example.com \
    --issuer ACME --qr-svg "$T/otp/alice.svg"
  uri="otpauth://totp/ACME:alice@example.com?secret=$rfc_secret&issuer=ACME&digits=8&algorithm=SHA256"
  run_json otpgen-uri-parse 0 -- otpgen uri parse --json "$uri"
  run_json otpgen-uri-parse-bad 2 -- otpgen uri parse --json "$uri" "otpauth://nonsense"
  run_json otpgen-uri-build 0 -- otpgen uri build --json --secret - --account bob@example.com \
    --issuer ACME <<<"$rfc_secret"
  run_json otpgen-export 0 -- otpgen export-migration --json "$uri"
  muri=$(jq -r 'select(.type=="otp_migration").data.uri' "$out/otpgen-export.jsonl" | first_line)
  run_json otpgen-import 0 -- otpgen import --json "$muri"
  run_json otpgen-import-secrets 0 -- otpgen import --json --show-secrets "$muri"
fi

# --- sshkey-ldap: offline commands, then the LDAP ones against slapd and the example seed ------
if has sshkey-ldap; then
  keys="$T/keys"
  mkdir -p "$keys"
  ssh-keygen -q -t ed25519 -N '' -C json-schema -f "$keys/ed"
  ssh-keygen -q -t rsa -b 1024 -N '' -C weak -f "$keys/weak"
  run_json sshkey-check 0 -- sshkey-ldap --json check "$keys/ed.pub"
  run_json sshkey-check-weak 1 -- sshkey-ldap --json check "$keys/weak.pub"
  run_json sshkey-schema 0 -- sshkey-ldap --json schema
  if [ "${SECKIT_SCHEMA_LDAP:-1}" = 1 ] && command -v slapd >/dev/null; then
    source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
    slapd_start
    # The example directory's people and hosts, on top of slapd.sh's base entries.
    awk -v RS= -v ORS='\n\n' '/^dn: (uid|cn=[^,]*,ou=hosts)/' "$src/examples/sshkey-ldap/seed.ldif" \
      >"$T/seed.ldif"
    ldap_root_add "$T/seed.ldif"
    write_tool_config "$T/reader.conf"
    cat >"$T/writer.conf" <<CONF
uri = $SLAPD_URI
base = $BASE
bind_dn = $ROOT_DN
bind_password_file = $ROOT_PW_FILE
cache_dir = $T/cache-writer
timeout = 5s
CONF
    r=(--config "$T/reader.conf")
    w=(--config "$T/writer.conf")
    run_json sshkey-authorized-keys 0 -- sshkey-ldap --json "${r[@]}" authorized-keys alice
    run_json sshkey-authorized-keys-none 0 1 -- sshkey-ldap --json "${r[@]}" authorized-keys nobody-here
    run_json sshkey-known-hosts 0 -- sshkey-ldap --json "${r[@]}" known-hosts
    run_json sshkey-known-hosts-one 0 1 -- sshkey-ldap --json "${r[@]}" known-hosts web1.example.org
    run_json sshkey-list 0 -- sshkey-ldap --json "${r[@]}" list
    run_json sshkey-audit 0 1 -- sshkey-ldap --json "${r[@]}" audit
    run_json sshkey-add 0 -- sshkey-ldap --json "${w[@]}" add bob "$keys/ed.pub"
    run_json sshkey-add-weak 1 2 -- sshkey-ldap --json "${w[@]}" add bob "$keys/weak.pub"
    fp=$(ssh-keygen -l -E sha256 -f "$keys/ed.pub" | cut -d' ' -f2)
    run_json sshkey-remove 0 -- sshkey-ldap --json "${w[@]}" remove bob "$fp"
    run_json sshkey-import 0 1 -- sshkey-ldap --json "${w[@]}" import "$src/examples/otpgen/users.jsonl"
    : >"$T/empty.jsonl"
    run_json sshkey-import-empty 4 -- sshkey-ldap --json "${w[@]}" import "$T/empty.jsonl"
    run_json sshkey-remove-nomatch 4 -- sshkey-ldap --json "${w[@]}" remove bob "$fp"
    run_json sshkey-audit-empty 4 -- sshkey-ldap --json "${r[@]}" --base "$READER_DN" audit
    run_json sshkey-cache-flush 0 -- sshkey-ldap --json "${r[@]}" cache flush alice nobody
    run_json sshkey-ldap-down 3 -- sshkey-ldap --json --config "$T/reader.conf" --uri "ldap://127.0.0.1:$(free_port)" list
    slapd_stop
  fi
fi

# --- cbaudit: expected bindings, gss-ntlmssp tokens, every EPA capture --------------------------
if has cbaudit; then
  epa="$src/examples/epa"
  run_json cbaudit-expect 0 -- cbaudit expect --json "$epa/server.pem"
  i=0
  while read -r line; do
    i=$((i + 1))
    for message in negotiate challenge authenticate; do
      run_json "cbaudit-token-$i-$message" 0 1 4 -- cbaudit token --json --expect-cert "$epa/server.pem" \
        "$(jq -r ".$message" <<<"$line")"
    done
  done <"$epa/tokens.jsonl"
  run_json cbaudit-pcap-http 0 1 -- cbaudit pcap --json --cert "$epa/server.pem" "$epa/epa-http.pcap"
  run_json cbaudit-pcap-https 0 1 -- cbaudit pcap --json --keylog "$epa/epa-https.keys" "$epa/epa-https.pcap"
  run_json cbaudit-pcap-https-nokey 4 -- cbaudit pcap --json "$epa/epa-https.pcap"
  run_json cbaudit-pcap-https-wrongkey 4 -- cbaudit pcap --json --keylog "$src/examples/captures/tls/tls13-aes128gcm.keys" \
    "$epa/epa-https.pcap"
  run_json cbaudit-pcap-ike 4 -- cbaudit pcap --json "$src/examples/captures/ikev2-psk.pcap"
  run_json cbaudit-expect-empty 4 -- cbaudit expect --json - </dev/null
  run_json cbaudit-token-empty 4 -- cbaudit token --json - </dev/null
  run_json cbaudit-pcap-smb2 0 1 -- cbaudit pcap --json "$epa/epa-smb2.pcap"
  run_json cbaudit-pcap-ldap 0 1 -- cbaudit pcap --json "$epa/epa-ldap.pcap"
  run_json cbaudit-not-a-token 2 -- cbaudit token --json 'NTLM !!!'
  # Aborted after begin: the stream still ends with a summary (verdict error, the exit status).
  run_json cbaudit-pcap-not-a-capture 2 -- cbaudit pcap --json "$epa/server.pem"
  printf x > "$T/pw"; chmod 600 "$T/pw"
  run_json cbaudit-probe-refused 3 -- cbaudit probe --json "https://127.0.0.1:$(free_port)/" \
    --user a --password-file "$T/pw"
  # Kerberos AP-REQs from MIT opened with the example keytab, and without it (opaque).
  i=0
  while read -r line; do
    i=$((i + 1))
    run_json "cbaudit-krb5-$i" 0 1 -- cbaudit token --json --keytab "$epa/krb5.keytab" \
      --expect-cert "$epa/server.pem" "$(jq -r .token <<<"$line")"
  done <"$epa/krb5-tokens.jsonl"
  run_json cbaudit-krb5-opaque 4 -- cbaudit token --json --expect-cert "$epa/server.pem" \
    "$(jq -r .token "$epa/krb5-tokens.jsonl" | first_line)"
  run_json cbaudit-pcap-krb5 1 -- cbaudit pcap --json --keytab "$epa/krb5.keytab" \
    --keylog "$epa/epa-krb5-https.keys" "$epa/epa-krb5-https.pcap"
  run_json cbaudit-pcap-krb5-nokeytab 4 -- cbaudit pcap --json \
    --keylog "$epa/epa-krb5-https.keys" "$epa/epa-krb5-https.pcap"
fi

python3 "$src/tests/suite/validate_jsonl.py" "$schema" "$out"/*.jsonl
pass "$n --json streams validate against docs/schema"

# Negative controls: the schemas are strict enough to catch drift. A renamed field, an extra
# field and a wrong type in real records must each fail validation.
mkdir -p "$T/drift"
first=""  # the first stream that has records (a run refused before `begin` writes none)
for f in "$out"/*.jsonl; do [ -s "$f" ] && { first="$f"; break; }; done
drift() {  # name jq-filter-applied-to-one-record-type
  local name="$1" filter="$2" rc=0
  jq -c "$filter" "$first" >"$T/drift/$name.jsonl"
  cmp -s "$first" "$T/drift/$name.jsonl" && fail "drift control $name changed nothing"
  python3 "$src/tests/suite/validate_jsonl.py" "$schema" "$T/drift/$name.jsonl" >/dev/null 2>&1 || rc=$?
  assert_eq "$rc" 1 "validation of a stream with drift ($name)"
}
drift renamed-field 'if .type=="summary" then .data |= (.exit_status = .exit_code | del(.exit_code)) else . end'
drift extra-field 'if .type=="begin" then .data.hostname = "x" else . end'
drift wrong-type 'if .type=="summary" then .data.findings.error = "0" else . end'
drift unknown-type 'if .type=="summary" then (., {type: "surprise", data: {}}) else . end'
pass "drift in a record (renamed, extra, mistyped field, unknown type) fails validation"
