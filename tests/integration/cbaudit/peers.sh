# cbaudit against real peers on 127.0.0.1:
#  * expect --connect: tls-exporter vs `openssl s_server -keymatexport EXPORTER-Channel-Binding`,
#    tls-unique vs CPython's ssl get_channel_binding("tls-unique") on the server side, with
#    SMTP/IMAP/LDAP StartTLS first;
#  * token: live gss-ntlmssp initiator/acceptor exchanges (python3-gssapi);
#  * probe: an HTTPS server using the gss-ntlmssp acceptor at IIS tokenChecking None/Allow/Require.
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
here="$SECKIT_SOURCE_DIR/tests/integration/cbaudit"
py=/usr/bin/python3  # Debian's python3: python3-gssapi lives there

openssl req -x509 -newkey rsa:2048 -nodes -sha512 -keyout srv.key -out srv.pem -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 30 2>/dev/null

# --- tls-exporter against openssl s_server, TLS 1.3 and TLS 1.2 ----------------------------
# s_server stops at end of input: a FIFO held open by this shell keeps its stdin open.
mkfifo stdin.fifo
exec 3<>stdin.fifo
for version in tls1_3 tls1_2; do
  port2=$(free_port)
  openssl s_server -accept "127.0.0.1:$port2" -cert srv.pem -key srv.key "-$version" \
     -keymatexport EXPORTER-Channel-Binding -keymatexportlen 32 -naccept 1 \
     < stdin.fifo > "s_server-$version.out" 2>&1 &
  stop_on_exit $!
  for _ in $(seq 1 100); do grep -q ACCEPT "s_server-$version.out" 2>/dev/null && break; sleep 0.1; done
  expect_exit 0 cbaudit expect --connect "127.0.0.1:$port2" --ca-file srv.pem --json
  last_stdout > "expect-$version.jsonl"
  assert_envelope "expect-$version.jsonl"
  for _ in $(seq 1 100); do grep -q "Keying material:" "s_server-$version.out" && break; sleep 0.1; done
  want=$(sed -n 's/.*Keying material: *\([0-9A-Fa-f]*\).*/\1/p' "s_server-$version.out" | tr A-F a-f)
  got=$(jq -r 'select(.type=="expected_binding").data.tls_exporter.value' "expect-$version.jsonl")
  assert_eq "$got" "$want" "tls-exporter ($version) = s_server -keymatexport"
  got=$(jq -r 'select(.type=="expected_binding").data.tls_server_end_point.value' "expect-$version.jsonl")
  assert_eq "$got" "$(openssl x509 -in srv.pem -outform DER | openssl dgst -sha512 -r | cut -d' ' -f1)" \
    "end-point of the live certificate"
  pass "tls-exporter $version"
done
assert_eq "$(jq -r 'select(.type=="expected_binding").data.tls_unique' expect-tls1_3.jsonl)" null \
  "no tls-unique for TLS 1.3"

# --- tls-unique against CPython's server view, plain and after STARTTLS ---------------------
for starttls in none smtp imap ldap; do
  port=$(free_port)
  args=(--port "$port" --cert srv.pem --key srv.key)
  flags=()
  if [ "$starttls" != none ]; then args+=(--starttls "$starttls"); flags=(--starttls "$starttls"); fi
  $py "$here/tls_peer.py" "${args[@]}" > "peer-$starttls.out" 2>&1 &
  stop_on_exit $!
  for _ in $(seq 1 100); do grep -q listening "peer-$starttls.out" && break; sleep 0.1; done
  expect_exit 0 cbaudit expect --connect "127.0.0.1:$port" "${flags[@]}" --ca-file srv.pem --json
  got=$(last_stdout | jq -r 'select(.type=="expected_binding").data.tls_unique.value')
  for _ in $(seq 1 100); do [ "$(wc -l < "peer-$starttls.out")" -ge 2 ] && break; sleep 0.1; done
  want=$(sed -n 2p "peer-$starttls.out")
  assert_eq "$got" "$want" "tls-unique (starttls $starttls) = the server's view"
  pass "tls-unique, starttls $starttls"
done
# Verification is on by default.
port=$(free_port)
$py "$here/tls_peer.py" --port "$port" --cert srv.pem --key srv.key > peer-verify.out 2>&1 &
stop_on_exit $!
for _ in $(seq 1 100); do grep -q listening peer-verify.out && break; sleep 0.1; done
expect_exit 3 cbaudit expect --connect "127.0.0.1:$port"
assert_one_line_error cbaudit
pass "unverified server refused"

# --- gss-ntlmssp tokens, live ----------------------------------------------------------------
printf 'EXAMPLE:alice:Passw0rd!\n' > users
export NTLM_USER_FILE="$T/users"
prefix=$(printf 'tls-server-end-point:' | xxd -p | tr -d '\n')
right="$prefix$(openssl x509 -in srv.pem -outform DER | openssl dgst -sha512 -r | cut -d' ' -f1)"
wrong="$prefix$(printf other | openssl dgst -sha512 -r | cut -d' ' -f1)"
for spec in "matched $right 0x11 accepted" "absent none 0x0a accepted" "wrong $wrong 0x05 rejected"; do
  set -- $spec
  $py "$here/ntlm_peer.py" tokens --cb "$2" --acceptor-cb "$right" > "gss-$1.json"
  assert_eq "$(jq -r .acceptor "gss-$1.json")" "$4" "gss-ntlmssp acceptor on $1"
  rc=0
  cbaudit token --expect-cert srv.pem --json "$(jq -r .authenticate "gss-$1.json")" > "cls-$1.jsonl" || rc=$?
  assert_eq "$(jq -r 'select(.type=="cb_audit").data.flags' "cls-$1.jsonl")" "$3" "$1: flags at Required"
  assert_eq "$(jq -r 'select(.type=="cb_audit").data.levels.allowed.verdict' "cls-$1.jsonl")" "$4" \
    "$1: Allowed verdict = gss-ntlmssp"
  # Require = gss-ntlmssp accepted AND set GSS_C_CHANNEL_BOUND_FLAG.
  bound=$(jq -r '.channel_bound' "gss-$1.json")
  want=rejected; [ "$4" = accepted ] && [ "$bound" = true ] && want=accepted
  assert_eq "$(jq -r 'select(.type=="cb_audit").data.levels.required.verdict' "cls-$1.jsonl")" "$want" \
    "$1: Required verdict = acceptance + channel-bound flag"
  pass "gss-ntlmssp $1"
done

# --- probe against the HTTPS test server at the three levels ----------------------------------
# Raw NTLM (WWW-Authenticate: NTLM), then Negotiate through MIT's SPNEGO acceptor, which takes
# only SPNEGO-wrapped NTLM and checks our mechListMIC (gss-ntlmssp requires it after a MIC).
printf 'Passw0rd!' > pw
chmod 600 pw
for mode in ntlm spnego; do
  flag=""
  [ "$mode" = spnego ] && flag=--spnego
  for spec in "none none 1" "allow allowed 1" "require required 0"; do
    set -- $spec
    port=$(free_port)
    $py "$here/ntlm_peer.py" server --port "$port" --level "$1" --cert srv.pem --key srv.key \
      --hash sha512 $flag > "server-$mode-$1.log" 2>&1 &
    stop_on_exit $!
    for _ in $(seq 1 100); do grep -q listening "server-$mode-$1.log" && break; sleep 0.1; done
    expect_exit "$3" cbaudit probe "https://127.0.0.1:$port/" --user alice --domain EXAMPLE \
      --password-file pw --ca-file srv.pem --json
    last_stdout > "probe-$mode-$1.jsonl"
    assert_envelope "probe-$mode-$1.jsonl"
    assert_eq "$(jq -r 'select(.type=="probe_result").data.level' "probe-$mode-$1.jsonl")" "$2" \
      "probe ($mode) at $1"
    assert_eq "$(jq -r 'select(.type=="probe_attempt" and .data.binding=="correct").data.result' \
      "probe-$mode-$1.jsonl")" "HTTP 200" "the right binding passes ($mode, $1)"
    pass "probe ($mode) classifies tokenChecking=$1 as $2"
  done
done
# A wrong password makes the control attempt fail: unknown, inconclusive (exit 4), and the
# reason says what to check.
printf 'wrong' > badpw
chmod 600 badpw
expect_exit 4 cbaudit probe "https://127.0.0.1:$port/" --user alice --domain EXAMPLE \
  --password-file badpw --ca-file srv.pem --json
assert_eq "$(last_stdout | jq -r 'select(.type=="probe_result").data.level')" unknown "bad password"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data | "\(.verdict) \(.level) \(.reasons[0].code)"')" \
  "inconclusive unknown level-unknown" "bad password: inconclusive"
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" \
  "check the credentials" "bad password: the reason names the fix"
expect_exit 4 cbaudit probe "https://127.0.0.1:$port/" --user alice --domain EXAMPLE \
  --password-file badpw --ca-file srv.pem
assert_contains "$(last_stdout | tail -1)" "inconclusive: EPA level unknown: the control attempt" \
  "bad password: text ends with the reason"
pass "probe with a wrong password says unknown, inconclusive"
