# cbaudit pcap on the committed captures of examples/epa (made by examples/gen/epa-captures.sh
# from gss-ntlmssp peers) agrees with tshark (ntlmssp.ntlmv2_response.channel_bindings, user,
# domain; TLS decrypted with the same key log), with `cbaudit token` on the same AUTHENTICATE
# messages, and with what the gss-ntlmssp server answered (HTTP status in the capture).
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
epa="$SECKIT_SOURCE_DIR/examples/epa"

check_capture() {  # name [--keylog file]
  local name="$1"; shift
  local tshark_opts=()
  if [ "${1:-}" = --keylog ]; then tshark_opts=(-o "tls.keylog_file:$2"); fi
  rc=0
  cbaudit pcap "$epa/$name.pcap" "$@" --cert "$epa/server.pem" --level allowed --json > "$name.jsonl" || rc=$?
  assert_eq "$rc" 1 "$name: the wrong binding fails at Allowed (exit 1)"
  assert_envelope "$name.jsonl"
  tshark -r "$epa/$name.pcap" "${tshark_opts[@]}" -Y 'ntlmssp.messagetype == 3' -T fields \
    -e frame.number -e ntlmssp.auth.domain -e ntlmssp.auth.username \
    -e ntlmssp.ntlmv2_response.channel_bindings 2>/dev/null > "$name.tshark"
  jq -r 'select(.type=="cb_audit").data | [(.frame|tostring), .domain, .user, (.client_cbt // "")] | @tsv' \
    "$name.jsonl" > "$name.cbaudit"
  diff "$name.tshark" "$name.cbaudit" || fail "$name: cbaudit pcap and tshark disagree"
  assert_eq "$(wc -l < "$name.cbaudit" | tr -d ' ')" 3 "$name: three authentications"
  # Same flags as `cbaudit token` and as Microsoft's EPA audit guidance gives for each case (tokens.jsonl order).
  jq -r 'select(.type=="cb_audit").data.flags' "$name.jsonl" > "$name.flags"
  jq -r .expected_flags "$epa/tokens.jsonl" > expected.flags
  diff expected.flags "$name.flags" || fail "$name: flags differ from the seed's cases"
  pass "$name agrees with tshark and the seed's cases"
}
check_capture epa-http
check_capture epa-https --keylog "$epa/epa-https.keys"
# Negotiate with SPNEGO-wrapped NTLM (MIT's SPNEGO on both sides) over TLS 1.2 (AES-GCM, key log
# CLIENT_RANDOM lines): the same answers, read through the other wrapping and TLS version.
check_capture epa-https-spnego --keylog "$epa/epa-https-spnego.keys"
assert_eq "$(tshark -r "$epa/epa-https-spnego.pcap" -Y 'tls.handshake.type == 2' -T fields \
  -e tls.handshake.version 2>/dev/null | sort -u)" 0x0303 "epa-https-spnego is TLS 1.2"
assert_eq "$(jq -r 'select(.type=="cb_audit").data | "\(.wrapping) \(.server_result)"' \
  epa-https-spnego.jsonl | tr '\n' ,)" \
  "spnego-resp HTTP 200,spnego-resp HTTP 200,spnego-resp HTTP 401," \
  "epa-https-spnego: SPNEGO responses, the server's answers at Allow"
pass "SPNEGO over TLS 1.2"

# Over HTTPS the expected binding comes from the certificate in the TLS session itself.
cbaudit pcap "$epa/epa-https.pcap" --keylog "$epa/epa-https.keys" --level allowed --json > own.jsonl || true
assert_eq "$(jq -r 'select(.type=="cb_audit").data.expected_from' own.jsonl | sort -u)" \
  "certificate in the TLS session: CN=localhost" "binding from the session's certificate"
# The gss-ntlmssp server at Allow answered 200, 200, 401: our verdicts at Allowed say the same.
jq -r 'select(.type=="cb_audit").data | "\(.verdict) \(.server_result)"' own.jsonl > verdicts
printf 'accepted HTTP 200\naccepted HTTP 200\nrejected HTTP 401\n' > want
diff want verdicts || fail "verdicts at Allowed differ from the real server's answers"
assert_eq "$(jq -r 'select(.type=="readiness").data.message' own.jsonl)" \
  'at Allowed, 1 of 1 clients (EXAMPLE\alice from 127.0.0.1) would fail' "readiness summary"
pass "https: session certificate, server answers, readiness"

# cbaudit token on the AUTHENTICATE messages tshark extracts gives the same flags.
tshark -r "$epa/epa-http.pcap" -Y 'ntlmssp.messagetype == 3' -T fields -e http.authorization \
  2>/dev/null > auths
i=0
while read -r header; do
  i=$((i + 1))
  rc=0
  cbaudit token --expect-cert "$epa/server.pem" --level allowed --json "$header" > "t$i.jsonl" || rc=$?
  assert_eq "$(jq -r 'select(.type=="cb_audit").data.flags' "t$i.jsonl")" "$(sed -n "${i}p" epa-http.flags)" \
    "token $i = pcap"
done < auths
pass "token and pcap agree"

# Without the key log the TLS sessions stay opaque: no authentication, no crash, and no
# "ready" either: inconclusive (exit 4) with the count tshark sees (ClientHellos).
hellos=$(tshark -r "$epa/epa-https.pcap" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | wc -l | tr -d ' ')
expect_exit 4 cbaudit pcap "$epa/epa-https.pcap" --json
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.counts.tls_opaque')" "$hellos" "opaque sessions"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.verdict')" inconclusive "opaque sessions: inconclusive"
# A broken capture is one error line and exit 2.
head -c 100 "$epa/epa-http.pcap" > cut.pcap
printf 'junk' > junk.pcap
expect_exit 2 cbaudit pcap junk.pcap
assert_one_line_error cbaudit
pass "opaque and broken captures"

# SMB2 SESSION_SETUP (examples/gen/epa-smb2.sh: smbclient -> smbd): same fields as tshark (told
# that the capture's port is NetBIOS session service), and smbd's NTSTATUS answers.
cap="$epa/epa-smb2.pcap"
port=$(tshark -r "$cap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e tcp.dstport 2>/dev/null | first_line)
tshark -r "$cap" -d "tcp.port==$port,nbss" -Y 'ntlmssp.messagetype == 3' -T fields \
  -e frame.number -e ntlmssp.auth.domain -e ntlmssp.auth.username \
  -e ntlmssp.ntlmv2_response.channel_bindings 2>/dev/null > smb.tshark
expect_exit 0 cbaudit pcap "$cap" --json
last_stdout > smb.jsonl
jq -r 'select(.type=="cb_audit").data | [(.frame|tostring), .domain, .user, (.client_cbt // "")] | @tsv' \
  smb.jsonl > smb.cbaudit
diff smb.tshark smb.cbaudit || fail "SMB2: cbaudit pcap and tshark disagree"
assert_eq "$(jq -r 'select(.type=="cb_audit").data | "\(.protocol) \(.client_binding) \(.verdict) \(.server_result)"' smb.jsonl | tr '\n' ';')" \
  "smb2 zero not-applicable NTSTATUS 0x00000000;smb2 zero not-applicable NTSTATUS 0xc000006d;" \
  "SMB2 without TLS: not applicable; smbd's answers"
pass "SMB2 SESSION_SETUP agrees with tshark"

# LDAP SASL GSS-SPNEGO binds (examples/gen/epa-ldap.sh: samba-tool -> Samba AD DC): same fields
# as tshark, and the DC's answers (success, then 49 with "data 52e" for the wrong password).
cap="$epa/epa-ldap.pcap"
tshark -r "$cap" -Y 'ntlmssp.messagetype == 3' -T fields -e frame.number -e ntlmssp.auth.domain \
  -e ntlmssp.auth.username -e ntlmssp.ntlmv2_response.channel_bindings 2>/dev/null > ldap.tshark
expect_exit 0 cbaudit pcap "$cap" --json
last_stdout > ldap.jsonl
jq -r 'select(.type=="cb_audit").data | [(.frame|tostring), .domain, .user, (.client_cbt // "")] | @tsv' \
  ldap.jsonl > ldap.cbaudit
diff ldap.tshark ldap.cbaudit || fail "LDAP: cbaudit pcap and tshark disagree"
assert_eq "$(jq -r 'select(.type=="cb_audit").data | "\(.protocol) \(.server_result | .[0:13])"' ldap.jsonl | tr '\n' ';')" \
  "ldap-sasl-GSS-SPNEGO resultCode 0;ldap-sasl-GSS-SPNEGO resultCode 49;" "LDAP protocol and DC answers"
assert_contains "$(jq -r 'select(.type=="cb_audit").data.server_result' ldap.jsonl)" "data 52e" "52e"
pass "LDAP SASL GSS-SPNEGO binds agree with tshark"
