# End-to-end pipelines between tools, on committed real captures. Expected values come from
# openssl reading the same DER bytes, never from the tools themselves.
source "$SECKIT_TESTS_DIR/lib.sh"
src="$SECKIT_SOURCE_DIR"
built=",${SECKIT_BUILT_TOOLS:-},"

# --- ikedecode | certcheck: the L2TP/IPsec EKU case ------------------------------------------
if [[ "$built" == *",ikedecode,"* && "$built" == *",certcheck,"* ]]; then
  cap="$src/examples/captures/ikev2-cert.pcap"
  keys="$src/examples/captures/ikev2-cert.ikev2_decryption_table"
  ikedecode "$cap" --keys "$keys" --json > "$T/ike.jsonl"
  assert_envelope "$T/ike.jsonl"
  jq -r 'select(.type=="certificate").data | [.source.sender, .der] | @tsv' "$T/ike.jsonl" > "$T/ders"
  [ -s "$T/ders" ] || fail "ikedecode emitted no certificate records for $cap"

  # What openssl says about each certificate on the wire. The server profile judges what the
  # responder sent; the initiator's certificate is the client's and is skipped (issue 15 case 2).
  expected_missing=0 responders=0 initiators=0
  : > "$T/expected_fps"
  while IFS=$'\t' read -r sender der; do
    echo "$der" | base64 -d > "$T/cert.der"
    fp=$(openssl x509 -inform DER -in "$T/cert.der" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
    echo "$fp" >> "$T/expected_fps"
    if [ "$sender" = initiator ]; then initiators=$((initiators + 1)); continue; fi
    responders=$((responders + 1))
    eku=$(openssl x509 -inform DER -in "$T/cert.der" -noout -ext extendedKeyUsage 2>/dev/null || true)
    # Windows IKEv2 server certificates need Server Authentication and IKE intermediate.
    if [[ "$eku" != *"TLS Web Server Authentication"* || "$eku" != *"1.3.6.1.5.5.8.2.2"* ]]; then
      expected_missing=$((expected_missing + 1))
    fi
  done < "$T/ders"
  [ "$responders" -gt 0 ] && [ "$initiators" -gt 0 ] || fail "ikev2-cert.pcap should carry both peers' certificates"

  rc=0
  certcheck --profile win-ikev2-server - --json < "$T/ike.jsonl" > "$T/cc.jsonl" || rc=$?
  assert_envelope "$T/cc.jsonl"
  jq -r 'select(.type=="certificate").data.fingerprints.sha256' "$T/cc.jsonl" > "$T/got_fps"
  assert_eq "$(sort "$T/got_fps")" "$(sort "$T/expected_fps")" "certcheck saw exactly the certificates on the wire"
  got_missing=$(jq -s '[.[] | select(.type=="finding" and .data.code=="eku-missing")] | length' "$T/cc.jsonl")
  assert_eq "$got_missing" "$expected_missing" "eku-missing findings vs openssl's view of the responder's EKUs"
  assert_eq "$(jq -r 'select(.type=="certificate" and .data.checked==false).data.sender' "$T/cc.jsonl" | sort -u)" \
    "initiator" "the initiator's certificate is skipped"
  assert_eq "$(jq -r 'select(.type=="summary").data.counts | "\(.checked) \(.skipped)"' "$T/cc.jsonl")" \
    "$responders $initiators" "responder checked, initiator skipped"
  if [ "$expected_missing" -gt 0 ]; then
    assert_eq "$rc" 1 "certcheck exit status with findings"
    jq -e -s '[.[] | select(.type=="finding" and .data.code=="eku-missing")]
              | all(.data.windows_error.unsigned == 2148204816)' "$T/cc.jsonl" >/dev/null || fail "eku-missing names CERT_E_WRONG_USAGE (2148204816)"
  else
    assert_eq "$rc" 0 "certcheck exit status without findings"
    assert_eq "$(jq -r 'select(.type=="summary").data.verdict' "$T/cc.jsonl")" "pass" "verdict"
  fi
  # The source of each record survives the pipe, so a finding can be traced to its packet.
  jq -e -s '[.[] | select(.type=="certificate") | .data.source.frame] | all(. != null)' "$T/cc.jsonl" >/dev/null \
    || fail "certificate records lost their pcap source in the pipe"
  # The shipped example script, same verdict; without --keys IKE_AUTH stays encrypted: exit 4.
  rc2=0
  "$src/examples/pipelines/ike-eku-check" "$cap" "$keys" > "$T/ike-eku.txt" || rc2=$?
  assert_eq "$rc2" "$rc" "examples/pipelines/ike-eku-check exit status"
  assert_contains "$(cat "$T/ike-eku.txt")" "not-checked" "the script lists the skipped initiator certificate"
  rc2=0
  "$src/examples/pipelines/ike-eku-check" "$cap" /nonexistent > "$T/ike-eku-nokeys.txt" || rc2=$?
  assert_eq "$rc2" 4 "ike-eku-check without keys is inconclusive"
  assert_contains "$(cat "$T/ike-eku-nokeys.txt")" "no-certificates: 0 certificates read" "the script says why"
  pass "ikedecode | certcheck --profile win-ikev2-server"
fi

# --- sslvpn-trace | certcheck: the AnyConnect gateway chain ----------------------------------
if [[ "$built" == *",sslvpn-trace,"* && "$built" == *",certcheck,"* ]]; then
  cap="$src/examples/captures/sslvpn/sslvpn-tls12-dtls-psk.pcap"
  ca="$src/examples/captures/sslvpn/sslvpn-ca.pem"
  sslvpn-trace "$cap" --json > "$T/vpn.jsonl"
  jq -r 'select(.type=="certificate").data.der' "$T/vpn.jsonl" | first_line | base64 -d > "$T/vpn.der"
  openssl x509 -inform DER -in "$T/vpn.der" -out "$T/vpn.pem"
  want_fp=$(openssl x509 -in "$T/vpn.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
  openssl verify -CAfile "$ca" -verify_hostname vpn.example.com "$T/vpn.pem" >/dev/null \
    || fail "openssl does not verify the gateway chain"
  rc=0
  certcheck --profile tls-server --host vpn.example.com --ca-file "$ca" --json - < "$T/vpn.jsonl" > "$T/vpn-cc.jsonl" || rc=$?
  assert_envelope "$T/vpn-cc.jsonl"
  assert_eq "$(jq -r 'select(.type=="certificate").data.fingerprints.sha256' "$T/vpn-cc.jsonl")" "$want_fp" "certcheck saw the gateway certificate"
  assert_eq "$rc" 0 "certcheck agrees with openssl verify (valid for vpn.example.com)"
  rc=0
  certcheck --profile tls-server --host other.example.com --json - < "$T/vpn.jsonl" > "$T/vpn-cc2.jsonl" || rc=$?
  openssl verify -CAfile "$ca" -verify_hostname other.example.com "$T/vpn.pem" >/dev/null 2>&1 \
    && fail "openssl accepts the wrong host name"
  assert_eq "$rc" 1 "certcheck rejects the wrong host name like openssl"
  pass "sslvpn-trace | certcheck --profile tls-server --host"
fi

# --- otpgen enroll --batch and sshkey-ldap import read the same users file --------------------
# One JSON Lines format for both ({"account","issuer","user","key"}); each tool takes its fields
# and ignores the rest. Checked with oathtool (the codes of each GA file) and ldapsearch (the
# keys in the directory), never with the tools' own reading.
if [[ "$built" == *",otpgen,"* && "$built" == *",sshkey-ldap,"* ]] && command -v slapd >/dev/null \
   && command -v oathtool >/dev/null; then
  source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
  users="$src/examples/otpgen/users.jsonl"
  mkdir -p "$T/ga"
  otpgen enroll --batch "$users" --out-dir "$T/ga" --json >"$T/enroll.jsonl"
  assert_envelope "$T/enroll.jsonl"
  assert_eq "$(jq -r 'select(.type=="otp_enrollment").data.user' "$T/enroll.jsonl" | sort | tr '\n' ' ')" \
    "$(jq -r '.user' "$users" | sort | tr '\n' ' ')" "otpgen enrolled every user of the file"
  now=$(date +%s)
  while IFS=$'\t' read -r user ga secret; do
    [ "$(stat -c %a "$ga")" = 400 ] || fail "$ga: mode $(stat -c %a "$ga"), pam_google_authenticator wants 0400"
    assert_eq "$(head -1 "$ga")" "$secret" "$user: the GA file's secret line"
    assert_eq "$(otpgen code --ga-file "$ga" --now "$now")" "$(oathtool --totp -b -N "@$now" "$secret")" \
      "$user: code from the GA file vs oathtool"
  done < <(jq -r 'select(.type=="otp_enrollment").data | [.user, .ga_file, .secret] | @tsv' "$T/enroll.jsonl")

  slapd_start
  { user_ldif alice 5001; user_ldif bob 5002; user_ldif carol 5003; } >"$T/people.ldif"
  ldap_root_add "$T/people.ldif"
  cat >"$T/writer.conf" <<CONF
uri = $SLAPD_URI
base = $BASE
bind_dn = $ROOT_DN
bind_password_file = $ROOT_PW_FILE
cache_dir = $T/cache
timeout = 5s
CONF
  sshkey-ldap --config "$T/writer.conf" --json import "$users" >"$T/import.jsonl"
  assert_envelope "$T/import.jsonl"
  # What the directory holds now, read by ldapsearch: exactly the keys the users file carries.
  for user in $(jq -r '.user' "$users"); do
    want=$(jq -r --arg u "$user" 'select(.user == $u) | .key // empty' "$users" | cut -d' ' -f1,2)
    got=$(ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_URI" -b "ou=people,$BASE" "(uid=$user)" sshPublicKey \
          | sed -n 's/^sshPublicKey: //p' | cut -d' ' -f1,2)
    assert_eq "$got" "$want" "$user: keys in LDAP after import"
  done
  slapd_stop
  pass "otpgen enroll --batch and sshkey-ldap import share one users file"
fi

# --- cron: certcheck -r DIR --expires-within 30d ---------------------------------------------
# A private directory as cron sees it: a certificate that expires in 10 days, one good for a
# year, a private key (not a certificate: skipped, not an error). openssl -checkend decides
# which expire within 30 days.
if [[ "$built" == *",certcheck,"* ]]; then
  d="$T/ssl/private"
  mkdir -p "$d"
  for spec in soon:10 later:400; do
    name="${spec%%:*}"
    openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$name.example.test" -days "${spec##*:}" \
      -keyout "$d/$name.key" -out "$d/$name.pem" 2>/dev/null
  done
  expected=""
  for pem in "$d"/*.pem; do
    openssl x509 -in "$pem" -noout -checkend $((30 * 86400)) >/dev/null || expected+="$(basename "$pem") "
  done
  rc=0
  certcheck -r "$d" --expires-within 30d --json >"$T/cron-cc.jsonl" || rc=$?
  assert_eq "$rc" 1 "certcheck exit status with a certificate expiring within 30 days"
  assert_envelope "$T/cron-cc.jsonl"
  got=$(jq -r 'select(.type=="finding" and .data.code=="expires-soon").data.details.certificate' "$T/cron-cc.jsonl" | sort -u)
  want=$(for f in $expected; do openssl x509 -in "$d/$f" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; done | sort -u)
  assert_eq "$got" "$want" "expires-soon findings vs openssl -checkend"
  # jq-friendly: every line parses, and the recipe of docs/json.md yields one object per finding.
  assert_eq "$(jq -c 'select(.type=="finding").data' "$T/cron-cc.jsonl" | wc -l)" \
    "$(grep -c '"type":"finding"' "$T/cron-cc.jsonl")" "jq recipe: one line per finding"
  rc=0
  certcheck -r "$d" --expires-within 5d -q >/dev/null || rc=$?
  assert_eq "$rc" 0 "certcheck exit status when nothing expires within 5 days"
  pass "cron: certcheck -r DIR --expires-within 30d"
fi

# --- cron: sshkey-ldap audit ------------------------------------------------------------------
# The example directory (examples/sshkey-ldap/seed.ldif) holds a 1024-bit RSA key among others;
# ssh-keygen says which keys are RSA below 2048 bits, the audit must name each of them.
if [[ "$built" == *",sshkey-ldap,"* ]] && command -v slapd >/dev/null; then
  source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
  rm -rf "$T/slapd" "$T/cache"  # a fresh directory even if the import pipeline above ran
  slapd_start
  awk -v RS= -v ORS='\n\n' '/^dn: (uid|cn=[^,]*,ou=hosts)/' "$src/examples/sshkey-ldap/seed.ldif" >"$T/seed.ldif"
  ldap_root_add "$T/seed.ldif"
  write_tool_config "$T/reader.conf"
  rc=0
  sshkey-ldap --config "$T/reader.conf" --json audit >"$T/audit.jsonl" || rc=$?
  assert_eq "$rc" 1 "sshkey-ldap audit exit status with findings"
  assert_envelope "$T/audit.jsonl"
  assert_eq "$(jq -r 'select(.type=="summary").data.exit_code' "$T/audit.jsonl")" 1 "summary.exit_code"
  : >"$T/weak"
  while read -r line; do
    printf '%s\n' "$line" | grep -o 'ssh-rsa AAAA[^ ]*.*' >"$T/one.pub" || continue
    read -r bits fp _ < <(ssh-keygen -l -E sha256 -f "$T/one.pub")
    [ "$bits" -lt 2048 ] && echo "$fp" >>"$T/weak"
  done < <(sed -n 's/^sshPublicKey: //p' "$T/seed.ldif")
  [ -s "$T/weak" ] || fail "the example directory should hold a weak RSA key"
  assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="rsa-too-small").data.details.sha256' "$T/audit.jsonl" | sort -u)" \
    "$(sort -u "$T/weak")" "rsa-too-small findings vs ssh-keygen -l"
  jq -e -s '[.[] | select(.type=="finding")] | length > 0 and all(.data.severity | IN("info","warning","error"))' \
    "$T/audit.jsonl" >/dev/null || fail "audit findings are not jq-friendly"
  slapd_stop
  pass "cron: sshkey-ldap audit exits 1 on findings"
fi

# --- sslvpn-trace --keylog | certcheck --profile anyconnect-server: TLS 1.3 hides the chain ----
# Under TLS 1.3 the Certificate message is encrypted: only the key log shows the chain. openssl
# verifies the DER that tshark decrypts with the same key log; certcheck must see the same bytes.
if [[ "$built" == *",sslvpn-trace,"* && "$built" == *",certcheck,"* ]]; then
  cap="$src/examples/captures/sslvpn/sslvpn-tls13-dtls-psk.pcap"
  keys="$src/examples/captures/sslvpn/sslvpn-tls13-dtls-psk.keylog"
  ca="$src/examples/captures/sslvpn/sslvpn-ca.pem"
  tshark -r "$cap" -o "tls.keylog_file:$keys" -Y 'tls.handshake.type == 11' \
    -T fields -e tls.handshake.certificate 2>/dev/null | first_line | cut -d, -f1 | xxd -r -p > "$T/v13.der"
  [ -s "$T/v13.der" ] || fail "tshark decrypted no certificate from the TLS 1.3 capture"
  openssl x509 -inform DER -in "$T/v13.der" -out "$T/v13.pem"
  want_fp=$(openssl x509 -in "$T/v13.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
  sslvpn-trace "$cap" --json > "$T/v13-nokeys.jsonl" || true
  assert_eq "$(jq -s '[.[] | select(.type=="certificate")] | length' "$T/v13-nokeys.jsonl")" 0 \
    "without the key log a TLS 1.3 capture shows no certificate"
  rc=0
  sslvpn-trace "$cap" --keylog "$keys" --json |
    certcheck --profile anyconnect-server --host vpn.example.com --ca-file "$ca" --json - > "$T/v13-cc.jsonl" || rc=$?
  assert_envelope "$T/v13-cc.jsonl"
  assert_eq "$(jq -r 'select(.type=="certificate").data.fingerprints.sha256' "$T/v13-cc.jsonl" | first_line)" "$want_fp" \
    "certcheck saw the certificate tshark decrypted"
  openssl verify -CAfile "$ca" -purpose sslserver -verify_hostname vpn.example.com "$T/v13.pem" >/dev/null \
    || fail "openssl does not verify the gateway certificate"
  assert_eq "$rc" 0 "certcheck --profile anyconnect-server agrees with openssl verify -purpose sslserver"
  pass "sslvpn-trace --keylog | certcheck --profile anyconnect-server (TLS 1.3)"
fi

# --- the same pipeline without the key log: nothing to judge, exit 4 (issue 15 case 1) -------
# tshark without the key log sees no Certificate handshake message in the TLS 1.3 capture; certcheck
# must not pass on it.
if [[ "$built" == *",sslvpn-trace,"* && "$built" == *",certcheck,"* ]]; then
  cap="$src/examples/captures/sslvpn/sslvpn-tls13-dtls-psk.pcap"
  assert_eq "$(tshark -r "$cap" -Y 'tls.handshake.type == 11' 2>/dev/null | wc -l)" 0 \
    "tshark sees no Certificate message without the key log"
  rc=0
  "$src/examples/pipelines/sslvpn-cert-check-no-keylog" "$cap" vpn.example.com > "$T/nokeys.txt" || rc=$?
  assert_eq "$rc" 4 "sslvpn-cert-check-no-keylog: inconclusive"
  assert_contains "$(cat "$T/nokeys.txt")" "inconclusive: 0 certificates read: the JSON stream on stdin (from sslvpn-trace)" "reason"
  assert_contains "$(cat "$T/nokeys.txt")" "give sslvpn-trace --keylog FILE" "how to supply the chain"
  rc=0
  sslvpn-trace "$cap" --json | certcheck --profile anyconnect-server --host vpn.example.com --json - > "$T/nokeys.jsonl" || rc=$?
  assert_eq "$rc" 4 "exit 4"
  assert_envelope "$T/nokeys.jsonl"
  assert_eq "$(jq -r 'select(.type=="summary").data | .verdict + " " + .reasons[0].code' "$T/nokeys.jsonl")" \
    "inconclusive no-certificates" "summary verdict and reason"
  assert_eq "$(jq -r 'select(.data.code=="option-unused").data.details.option' "$T/nokeys.jsonl" | tr '\n' ' ')" \
    "--profile --host " "the profile and --host are named as unused"
  pass "sslvpn-trace (TLS 1.3, no key log) | certcheck: inconclusive, exit 4"
fi

# --- certcheck | cbaudit expect, sslvpn-trace | cbaudit expect: the binding EPA expects ---------
# tls-server-end-point (RFC 5929 4.1): the certificate's DER hashed with its signature hash
# (SHA-256 for MD5/SHA-1). openssl computes it from the same bytes, and the NTLM/Kerberos value is
# the MD5 of the gss_channel_bindings_struct built here by hand (four zero 32-bit words, the
# little-endian length, "tls-server-end-point:" + hash).
expect_binding() {  # der-file hash -> prints "hexhash md5"
  local h md5
  h=$(openssl dgst -"$2" -r "$1" | cut -d' ' -f1)
  local app="746c732d7365727665722d656e642d706f696e743a$h"  # "tls-server-end-point:" + hash
  local len=$(( ${#app} / 2 ))
  local le
  le=$(printf '%02x%02x%02x%02x' $((len & 255)) $(((len >> 8) & 255)) 0 0)
  md5=$(printf '%s' "$(printf '0%.0s' {1..32})$le$app" | xxd -r -p | openssl dgst -md5 -r | cut -d' ' -f1)
  echo "$h $md5"
}
# check_expected_binding PIPELINE STREAM WANT_HASH WANT_MD5 DIGEST: cbaudit expect's first
# expected_binding carries the tls-server-end-point hash and the struct MD5 computed above.
check_expected_binding() {
  assert_envelope "$2"
  assert_eq "$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.value' "$2" | first_line)" "$3" \
    "$1: tls-server-end-point = openssl dgst -$5"
  jq -r 'select(.type=="expected_binding").data | .. | strings' "$2" | grep -qx "$4" \
    || fail "$1: no MD5 of the channel-bindings struct equal to $4"
  pass "$1"
}
if [[ "$built" == *",cbaudit,"* && "$built" == *",certcheck,"* ]]; then
  openssl x509 -in "$src/examples/epa/server.pem" -outform DER -out "$T/epa.der"
  openssl x509 -in "$src/examples/epa/server.pem" -noout -text | grep -q 'Signature Algorithm: sha384' \
    || fail "examples/epa/server.pem is expected to be SHA-384 signed"
  read -r want_h want_md5 < <(expect_binding "$T/epa.der" sha384)
  certcheck "$src/examples/epa/server.pem" --json | cbaudit expect - --json > "$T/cb1.jsonl"
  check_expected_binding "certcheck | cbaudit expect" "$T/cb1.jsonl" "$want_h" "$want_md5" sha384
fi
if [[ "$built" == *",cbaudit,"* && "$built" == *",sslvpn-trace,"* ]]; then
  cap="$src/examples/captures/sslvpn/sslvpn-tls12-dtls-psk.pcap"
  tshark -r "$cap" -Y 'tls.handshake.type == 11' -T fields -e tls.handshake.certificate 2>/dev/null |
    first_line | cut -d, -f1 | xxd -r -p > "$T/gw.der"
  [ -s "$T/gw.der" ] || fail "tshark found no certificate in $cap"
  sig=$(openssl x509 -inform DER -in "$T/gw.der" -noout -text | sed -n 's/.*Signature Algorithm: \(sha[0-9]*\)With.*/\1/p' | first_line)
  [ -n "$sig" ] || fail "no sha* signature algorithm on the gateway certificate"
  read -r want_h want_md5 < <(expect_binding "$T/gw.der" "$sig")
  sslvpn-trace "$cap" --json | cbaudit expect - --json > "$T/cb2.jsonl"
  check_expected_binding "sslvpn-trace | cbaudit expect" "$T/cb2.jsonl" "$want_h" "$want_md5" "$sig"
fi
