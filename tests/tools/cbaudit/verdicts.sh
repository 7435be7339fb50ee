# cbaudit's verdicts without the evidence for them (issue 15): empty, irrelevant, wrong-key and
# cut-short inputs for every subcommand. A verdict is pass (0), fail (1) or inconclusive (4);
# each case asserts the summary verdict, the exit status and the reason's wording. Counts that
# the reasons quote come from tshark where it can see them (Kerberos AP-REQs, TLS sessions).
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
epa="$SECKIT_SOURCE_DIR/examples/epa"
caps="$SECKIT_SOURCE_DIR/examples/captures"

summary() { last_stdout | jq -r "select(.type==\"summary\").data | $1"; }
reason_of() { last_stdout | jq -r --arg c "$1" 'select(.type=="summary").data.reasons[] | select(.code==$c).message'; }
# The summary's anomaly count is the number of anomaly records in the stream.
check_anomalies() {
  assert_eq "$(summary .counts.anomalies)" \
    "$(last_stdout | jq -s '[.[] | select(.type=="anomaly")] | length')" "$1: counts.anomalies = anomaly records"
}

# --- pcap: the issue's case: Kerberos over HTTPS with the key log, without the keytab ----------
apreqs=$(tshark -r "$epa/epa-krb5-https.pcap" -o "tls.keylog_file:$epa/epa-krb5-https.keys" \
  -Y 'kerberos.msg_type == 14' -T fields -e frame.number 2>/dev/null | wc -l | tr -d ' ')
[ "$apreqs" -gt 0 ] || fail "tshark sees no AP-REQ in epa-krb5-https.pcap"
expect_exit 4 cbaudit pcap --json "$epa/epa-krb5-https.pcap" --keylog "$epa/epa-krb5-https.keys"
assert_envelope "$T/.stdout"
assert_eq "$(summary '"\(.verdict) \(.readiness) \(.level) \(.exit_code)"')" "inconclusive undecided required 4" \
  "krb5 without keytab: verdict"
assert_eq "$(summary .counts.opaque_bindings)" "$apreqs" "krb5 without keytab: opaque bindings = tshark's AP-REQs"
assert_contains "$(reason_of binding-opaque)" \
  "$apreqs Kerberos authentications keep their channel binding inside the encrypted authenticator (no keytab given): pass --keytab FILE" \
  "krb5 without keytab: the reason names --keytab"
assert_eq "$(last_stdout | jq -r 'select(.type=="readiness").data | "\(.result) \(.would_fail) \(.undecided)"')" \
  "undecided 0 1" "krb5 without keytab: readiness record"
check_anomalies krb5-nokeytab
expect_exit 4 cbaudit pcap "$epa/epa-krb5-https.pcap" --keylog "$epa/epa-krb5-https.keys"
assert_contains "$(last_stdout | tail -1)" "inconclusive: $apreqs Kerberos authentications keep" "text: the reason is the last line"
assert_contains "$(last_stdout)" "at Required, 0 of 1 clients would fail, 1 undecided" "text: undecided, not ready"
pass "pcap: opaque Kerberos bindings are inconclusive, naming --keytab"

# With the keytab: NOTVALID_MISMATCH, the client would fail (MIT's acceptor answered 401).
expect_exit 1 cbaudit pcap --json "$epa/epa-krb5-https.pcap" --keylog "$epa/epa-krb5-https.keys" \
  --keytab "$epa/krb5.keytab"
assert_eq "$(summary '"\(.verdict) \(.readiness) \(.exit_code)"')" "fail clients-would-fail 1" "krb5 with keytab: verdict"
assert_contains "$(last_stdout | jq -r 'select(.type=="cb_audit").data.flag_names[]')" \
  SEC_CHANNEL_BINDINGS_RESULT_NOTVALID_MISMATCH "krb5 with keytab: NOTVALID_MISMATCH"
assert_eq "$(reason_of clients-would-fail)" \
  "at Required, 1 of 1 clients (alice@SECKIT.TEST from 127.0.0.1) would fail" "krb5 with keytab: reason"
assert_eq "$(summary .counts.opaque_bindings)" 0 "krb5 with keytab: nothing opaque"
pass "pcap: with --keytab, 1 of 1 clients would fail"

# A keytab for the right service with the wrong key (MIT format 0502, written by hand as in
# tests/integration/cbaudit/krb5.sh): still opaque, and the reason names the keytab.
entry="0002000b$(printf SECKIT.TEST | xxd -p)0004$(printf HTTP | xxd -p)0010$(printf host.seckit.test | xxd -p)"
entry="${entry}00000001000000000100120020$(printf '11%.0s' $(seq 32))00000001"
printf '0502%08x%s' $(( ${#entry} / 2 )) "$entry" | xxd -r -p > wrong.keytab
expect_exit 4 cbaudit pcap --json "$epa/epa-krb5-https.pcap" --keylog "$epa/epa-krb5-https.keys" \
  --keytab wrong.keytab
assert_eq "$(summary .verdict)" inconclusive "wrong keytab: verdict"
assert_contains "$(reason_of binding-opaque)" "channel binding closed: --keytab wrong.keytab did not open them" \
  "wrong keytab: the reason names the keytab"
pass "pcap: a keytab that opens nothing is named"

# --- pcap: wrong key log -> keylog-mismatch (text and JSON); not a key log -> exit 2 ----------
sessions=$(tshark -r "$epa/epa-https.pcap" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | wc -l | tr -d ' ')
expect_exit 4 cbaudit pcap --json "$epa/epa-https.pcap" --keylog "$caps/tls/tls13-aes128gcm.keys"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data | "\(.code) \(.severity) \(.details.tls_sessions)"')" \
  "keylog-mismatch warning $sessions" "wrong key log: finding in JSON"
assert_contains "$(last_stdout | jq -r 'select(.type=="finding").data.message')" \
  "tls13-aes128gcm.keys decrypts none of the $sessions TLS sessions" "wrong key log: the finding names the file"
assert_contains "$(reason_of tls-not-decrypted)" \
  "$sessions of $sessions TLS sessions not decrypted: $caps/tls/tls13-aes128gcm.keys has no line for $sessions" \
  "wrong key log: reason"
assert_contains "$(reason_of tls-not-decrypted)" "pass --keylog FILE written by the client of this capture" \
  "wrong key log: the fix"
expect_exit 4 cbaudit pcap "$epa/epa-https.pcap" --keylog "$caps/tls/tls13-aes128gcm.keys"
assert_contains "$(last_stdout | first_line)" "warning: keylog-mismatch: the key log" "wrong key log: finding in text"
head -c 600 /dev/urandom > random.keys
expect_exit 2 cbaudit pcap "$epa/epa-https.pcap" --keylog random.keys
assert_one_line_error cbaudit
assert_contains "$(last_stderr)" "random.keys: not a key log" "random bytes: says so"
: > empty.keys
expect_exit 2 cbaudit pcap "$epa/epa-https.pcap" --keylog empty.keys
assert_one_line_error cbaudit
# No key log at all: the sessions stay opaque, and the reason says how to open them.
expect_exit 4 cbaudit pcap --json "$epa/epa-https.pcap"
assert_eq "$(summary .counts.tls_opaque)" "$sessions" "no key log: opaque sessions"
assert_contains "$(reason_of tls-not-decrypted)" "(no key log given)" "no key log: reason"
assert_contains "$(reason_of tls-not-decrypted)" "pass --keylog FILE written by the client (SSLKEYLOGFILE)" \
  "no key log: the fix"
assert_contains "$(reason_of no-authentication)" "0 NTLM or Kerberos authentications in" "no key log: none seen"
pass "pcap: wrong, random and missing key logs"

# --- pcap: empty and irrelevant captures ------------------------------------------------------
head -c 24 "$epa/epa-http.pcap" > empty.pcap  # the global header alone: a capture of 0 frames
expect_exit 4 cbaudit pcap --json empty.pcap
assert_eq "$(summary '"\(.verdict) \(.readiness)"')" "inconclusive undecided" "empty capture"
assert_eq "$(reason_of no-authentication)" \
  "0 NTLM or Kerberos authentications in 0 frames (0 TCP connections, 0 TLS sessions): nothing to judge" \
  "empty capture: reason"
frames=$(tshark -r "$caps/ikev2-psk.pcap" -T fields -e frame.number 2>/dev/null | wc -l | tr -d ' ')
expect_exit 4 cbaudit pcap --json "$caps/ikev2-psk.pcap"
assert_eq "$(reason_of no-authentication)" \
  "0 NTLM or Kerberos authentications in $frames frames (0 TCP connections, 0 TLS sessions): nothing to judge" \
  "IKE capture: no authentication"
expect_exit 4 cbaudit pcap "$caps/ikev2-psk.pcap"
assert_contains "$(last_stdout)" "at Required: no authenticating client seen" "IKE capture: text"
# Plain TLS: opaque without its key log; decrypted with it, but still no authentication.
tls="$caps/tls/tls12-aes256gcm"
expect_exit 4 cbaudit pcap --json "$tls.pcap"
assert_eq "$(summary '[.reasons[].code] | join(",")')" "no-authentication,tls-not-decrypted" "plain TLS: reasons"
expect_exit 4 cbaudit pcap --json "$tls.pcap" --keylog "$tls.keys"
assert_eq "$(summary '"\(.counts.tls_decrypted) \([.reasons[].code] | join(","))"')" "1 no-authentication" \
  "plain TLS decrypted: still nothing to judge"
pass "pcap: empty and irrelevant captures are inconclusive"

# --- pcap: cut short --------------------------------------------------------------------------
# In the middle of the last packet: libpcap's truncation, an anomaly (counted) and a reason.
size=$(stat -c %s "$epa/epa-https.pcap")
head -c $((size - 20)) "$epa/epa-https.pcap" > cut.pcap
expect_exit 1 cbaudit pcap --json cut.pcap --keylog "$epa/epa-https.keys"
assert_eq "$(last_stdout | jq -r 'select(.type=="anomaly").data.code')" capture-truncated "cut: anomaly"
check_anomalies cut
assert_contains "$(reason_of capture-truncated)" "the capture is cut short (cut.pcap: " "cut: reason"
assert_eq "$(summary .verdict)" fail "cut: a failure seen before the cut still fails"
# Cut before any AUTHENTICATE (the frames before tshark's first NTLM type 3): nothing to judge.
first_auth=$(tshark -r "$epa/epa-http.pcap" -Y 'ntlmssp.messagetype == 3' -T fields -e frame.number 2>/dev/null | first_line)
editcap -r "$epa/epa-http.pcap" early.pcap "1-$((first_auth - 1))" 2>/dev/null
expect_exit 4 cbaudit pcap --json early.pcap --cert "$epa/server.pem"
assert_eq "$(summary '"\(.verdict) \(.counts.authentications) \(.counts.tokens > 0)"')" "inconclusive 0 true" \
  "cut before the AUTHENTICATE: tokens but no authentication"
assert_contains "$(reason_of no-authentication)" "nothing to judge" "cut before the AUTHENTICATE: reason"
pass "pcap: cut-short captures"

# Every anomaly is a record, on a whole capture too.
expect_exit 1 cbaudit pcap --json "$epa/epa-http.pcap" --cert "$epa/server.pem"
check_anomalies epa-http
pass "pcap: anomaly counts"

# --- token ------------------------------------------------------------------------------------
line=$(head -1 "$epa/tokens.jsonl")
expect_exit 4 bash -c 'cbaudit token - --json < /dev/null'
assert_eq "$(summary '"\(.verdict) \(.reasons[0].code) \(.exit_code)"')" "inconclusive no-tokens 4" "token: empty stdin"
assert_contains "$(summary '.reasons[0].message')" "0 tokens read from standard input" "token: empty stdin reason"
expect_exit 4 cbaudit token --json "$(jq -r .negotiate <<<"$line")"
assert_eq "$(summary '"\(.verdict) \(.reasons[0].code)"')" "inconclusive no-authentication" "token: NEGOTIATE only"
assert_contains "$(summary '.reasons[0].message')" "give the client's AUTHENTICATE (NTLM type 3) or Kerberos AP-REQ" \
  "token: NEGOTIATE reason"
expect_exit 4 cbaudit token "$(jq -r .challenge <<<"$line")"
assert_contains "$(last_stdout | tail -1)" "inconclusive: 0 authenticating messages in 1 token" "token: CHALLENGE, text"
expect_exit 2 cbaudit token "Authorization: Basic $(printf alice:pw | base64)"
assert_one_line_error cbaudit
assert_contains "$(last_stderr)" "the Basic scheme carries no NTLM or Kerberos token" "token: Basic"
# A binding but nothing to compare it with.
expect_exit 4 cbaudit token --json "$(jq -r .authenticate <<<"$line")"
assert_eq "$(summary '"\(.verdict) \(.reasons[0].code)"')" "inconclusive no-expected-binding" "token: no expectation"
assert_contains "$(summary '.reasons[0].message')" "pass --expect-cert SERVER.pem or --expect-cbt HEX" "token: the fix"
expect_exit 0 cbaudit token --json --expect-cert "$epa/server.pem" "$(jq -r .authenticate <<<"$line")"
assert_eq "$(summary '"\(.verdict) \(.level) \(.reasons | length)"')" "pass required 0" "token: classified, pass"
# Kerberos: opaque without a keytab, and with a keytab of the wrong key.
krb=$(jq -r .token "$epa/krb5-tokens.jsonl" | first_line)
expect_exit 4 cbaudit token --json --expect-cert "$epa/server.pem" "$krb"
assert_eq "$(summary .reasons[0].code)" binding-opaque "token: Kerberos without keytab"
assert_contains "$(summary .reasons[0].message)" "pass --keytab FILE" "token: Kerberos without keytab names --keytab"
expect_exit 4 cbaudit token --json --expect-cert "$epa/server.pem" --keytab wrong.keytab "$krb"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code')" keytab-cannot-open "token: wrong keytab finding"
assert_contains "$(summary .reasons[0].message)" "not opened by --keytab wrong.keytab" "token: wrong keytab named"
expect_exit 4 cbaudit token --expect-cert "$epa/server.pem" --keytab wrong.keytab "$krb"
assert_contains "$(last_stdout)" "warning: keytab-cannot-open:" "token: wrong keytab finding in text"
# Cut short: an AUTHENTICATE missing its tail is malformed input.
auth=$(jq -r .authenticate <<<"$line")
expect_exit 2 cbaudit token "${auth:0:100}"
assert_one_line_error cbaudit
pass "token: empty, irrelevant, wrong-key and cut-short tokens"

# --- expect -----------------------------------------------------------------------------------
expect_exit 4 bash -c 'cbaudit expect - --json < /dev/null'
assert_eq "$(summary '"\(.verdict) \(.reasons[0].code) \(.counts.certificates)"')" "inconclusive no-certificates 0" \
  "expect: empty input"
assert_contains "$(summary .reasons[0].message)" "0 certificates read: the input is empty" "expect: empty reason"
expect_exit 4 bash -c "echo '{\"type\":\"begin\",\"data\":{}}' | cbaudit expect -"
assert_contains "$(last_stdout | tail -1)" "inconclusive: 0 certificates read: the record stream holds no certificate" \
  "expect: a record stream without certificates"
expect_exit 2 cbaudit expect "$caps/ikev2-psk.pcap"
assert_one_line_error cbaudit
head -c 300 "$epa/server.pem" > cut.pem
expect_exit 2 cbaudit expect cut.pem
assert_one_line_error cbaudit
expect_exit 0 cbaudit expect --json "$epa/server.pem"
assert_eq "$(summary '"\(.verdict) \(.counts.certificates)"')" "pass 1" "expect: a certificate, pass"
pass "expect: empty, irrelevant and cut-short input"

# --- probe: a URL without Windows authentication is nothing to probe ---------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout srv.key -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -days 2 -out srv.pem 2>/dev/null
port=$(free_port)
python3 - "$port" > server.log 2>&1 <<'PY' &
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("srv.pem", "srv.key")
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print("listening", flush=True)
s.serve_forever()
PY
stop_on_exit $!
wait_port "$port"
printf 'pw' > pw; chmod 600 pw
expect_exit 4 cbaudit probe --json "https://127.0.0.1:$port/" --user a --password-file pw --ca-file srv.pem
assert_eq "$(summary '"\(.verdict) \(.level) \(.reasons[0].code) \(.counts.attempts)"')" \
  "inconclusive unknown nothing-to-probe 0" "probe: no authentication asked"
assert_contains "$(summary .reasons[0].message)" "answers HTTP 200 without authentication: no NTLM or Negotiate to probe" \
  "probe: reason"
# Nobody listening: an environment error (exit 3), not a verdict.
expect_exit 3 cbaudit probe "https://127.0.0.1:$(free_port)/" --user a --password-file pw
assert_one_line_error cbaudit
pass "probe: nothing to probe is inconclusive, a refused connection exit 3"
