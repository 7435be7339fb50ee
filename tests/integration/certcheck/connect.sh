# --connect against real TLS servers on 127.0.0.1: `openssl s_server` (SNI selects the
# certificate) and, for STARTTLS, a small Python peer whose dialogue is first validated with
# `openssl s_client -starttls PROTO`. Expected fingerprints come from `openssl x509`.
source "$SECKIT_TESTS_DIR/lib.sh"
"$SECKIT_SOURCE_DIR/examples/certcheck/gen-pki" "$T/pki" >/dev/null
cd "$T/pki"
sha256_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }

# --- plain TLS with SNI: default cert leaf-eku-sc, vpn.example.test gets leaf-san-dns ---------
port=$(free_port)
cat leaf-eku-sc.pem int.pem > chain-default.pem
cat leaf-san-dns.pem int.pem > chain-sni.pem
openssl s_server -accept "127.0.0.1:$port" -cert leaf-eku-sc.pem -key leaf.key -cert_chain int.pem \
  -servername vpn.example.test -cert2 leaf-san-dns.pem -key2 leaf.key -quiet -www \
  >/dev/null 2>&1 </dev/null &
stop_on_exit $!
wait_port "$port"

# Default trust is the system store (like curl): the test PKI is not in it, so the chain is
# refused; openssl s_client -verify_return_error agrees. A server profile checks the dialled
# name: 127.0.0.1 is not an iPAddress SAN of the leaf.
if openssl s_client -connect "127.0.0.1:$port" -verify_return_error </dev/null >"$T/s_client-system.txt" 2>&1; then
  fail "openssl s_client verified the test PKI against the system store"
fi
expect_exit 1 certcheck --json --connect "127.0.0.1:$port" --profile tls-server
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code' | sort | tr '\n' ' ')" \
  "chain-unverified host-mismatch " "system store refuses the chain; dialled IP checked"
assert_eq "$(last_stdout | jq -c 'select(.type=="tls_session").data.verification | [.verified, .trust, .chain_trusted, .name]')" \
  '[false,"system",false,"127.0.0.1"]' "verification stated: system store, not verified"
pass "system trust store by default: chain refused, the reason stated"

# Without a profile the connection's own name check speaks (curl's rule); the text says so too.
expect_exit 1 certcheck --connect "127.0.0.1:$port" --color never
assert_contains "$(last_stdout)" "chain NOT verified against the system trust store for 127.0.0.1" "text states it"
# With --ca-file certcheck judges the chain itself; the name counts with --host or a server
# profile, and the connection states its own check.
expect_exit 0 certcheck --json --connect "127.0.0.1:$port" --ca-file root.pem --sni wrong.example.test
assert_eq "$(last_stdout | jq -c 'select(.type=="tls_session").data.verification | [.verified, .trust, .chain_trusted, .name_matched, .name]')" \
  '[false,"ca_file",true,false,"wrong.example.test"]' "SNI mismatch: chain trusted, name not"
pass "SNI mismatch stated (chain trusted by the test CA, name wrong)"

expect_exit 0 certcheck --json --connect "127.0.0.1:$port" --ca-file root.pem --profile tls-server \
  --ignore host-mismatch
last_stdout > "$T/default.jsonl"
assert_envelope "$T/default.jsonl"
assert_eq "$(jq -r 'select(.type=="certificate" and .data.source.index==0).data.fingerprints.sha256' "$T/default.jsonl")" \
  "$(sha256_of leaf-eku-sc.pem)" "leaf without SNI"
assert_eq "$(jq -r 'select(.type=="certificate" and .data.source.index==1).data.fingerprints.sha256' "$T/default.jsonl")" \
  "$(sha256_of int.pem)" "intermediate sent by the server"
assert_eq "$(jq -r 'select(.type=="tls_session").data.chain_length' "$T/default.jsonl")" "2" "chain length"
pass "s_server without SNI: leaf and intermediate as sent"

expect_exit 0 certcheck --json --connect "127.0.0.1:$port" --sni vpn.example.test --profile tls-server \
  --ignore chain-unverified
last_stdout > "$T/sni.jsonl"
assert_eq "$(jq -r 'select(.type=="certificate" and .data.source.index==0).data.fingerprints.sha256' "$T/sni.jsonl")" \
  "$(sha256_of leaf-san-dns.pem)" "SNI-selected leaf"
assert_eq "$(jq -r 'select(.type=="certificate" and .data.source.index==0).data.source.sni' "$T/sni.jsonl")" \
  "vpn.example.test" "sni recorded in source"
pass "SNI vpn.example.test selects the second certificate; --profile tls-server checks the SNI name"

# --sni implies --host for server profiles: the default certificate does not carry the name.
expect_exit 1 certcheck --json --connect "127.0.0.1:$port" --sni nothere.example.test --profile tls-server \
  --ignore chain-unverified
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code' | sort -u | tr '\n' ' ')" \
  "host-mismatch " "name checked against SNI"
pass "host-mismatch when the server has no certificate for the SNI name"

# With --ca-file the chain the server sent is verified, and the record says against what;
# openssl s_client with the same CA file and name agrees.
openssl s_client -connect "127.0.0.1:$port" -servername tmg.example.test -CAfile root.pem \
  -verify_hostname tmg.example.test -verify_return_error </dev/null >"$T/s_client-ca.txt" 2>&1 \
  || fail "openssl s_client -CAfile root.pem did not verify: $(grep -i verify "$T/s_client-ca.txt" | head -2)"
expect_exit 0 certcheck --json --connect "127.0.0.1:$port" --sni tmg.example.test --profile tls-server \
  --ca-file root.pem
assert_eq "$(last_stdout | jq -c 'select(.type=="tls_session").data.verification | [.verified, .trust, .ca_file, .name]')" \
  '[true,"ca_file","root.pem","tmg.example.test"]' "verified against the CA file"
expect_exit 0 certcheck --connect "127.0.0.1:$port" --sni tmg.example.test --ca-file root.pem --color never
assert_contains "$(last_stdout)" "chain verified against the CA file root.pem for tmg.example.test" "text states it"
pass "chain from the server verifies against the root (as openssl s_client -CAfile says)"

# Nothing listening: environment error, exit 3, one line.
dead=$(free_port)
expect_exit 3 certcheck --connect "127.0.0.1:$dead" --timeout 2
assert_one_line_error certcheck
pass "connection refused is exit 3"

# --- STARTTLS ------------------------------------------------------------------------------
for proto in smtp imap ftp ldap postgres; do
  rm -f "$T/port"
  python3 "$SECKIT_TESTS_DIR/integration/certcheck/starttls_peer.py" "$proto" "$T/port" \
    chain-default.pem leaf.key 2>"$T/peer-$proto.log" &
  peer=$!
  stop_on_exit $peer
  for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
  sport=$(cat "$T/port")
  # The peer must satisfy OpenSSL's own STARTTLS client before it can judge ours.
  openssl s_client -connect "127.0.0.1:$sport" -starttls "$proto" -showcerts </dev/null \
    >"$T/s_client-$proto.txt" 2>&1 || true
  sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$T/s_client-$proto.txt" \
    | awk '/BEGIN/{n++} n==1' > "$T/s_client-leaf-$proto.pem"
  [ -s "$T/s_client-leaf-$proto.pem" ] || fail "openssl s_client -starttls $proto got no certificate: $(tail -3 "$T/s_client-$proto.txt")"
  want=$(sha256_of "$T/s_client-leaf-$proto.pem")
  expect_exit 0 certcheck --json --connect "127.0.0.1:$sport" --starttls "$proto" \
    --profile tls-server --sni tmg.example.test --ca-file root.pem
  got=$(last_stdout | jq -r 'select(.type=="certificate" and .data.source.index==0).data.fingerprints.sha256')
  assert_eq "$got" "$want" "STARTTLS $proto leaf (compared with openssl s_client)"
  assert_eq "$(last_stdout | jq -r 'select(.type=="tls_session").data.starttls')" "$proto" "starttls recorded"
  kill "$peer"; wait "$peer" 2>/dev/null || true
  pass "STARTTLS $proto: same leaf as openssl s_client -starttls $proto"
done

# A server that is not speaking the protocol: clean error, exit 3.
expect_exit 3 certcheck --connect "127.0.0.1:$port" --starttls smtp --timeout 2
assert_one_line_error certcheck
pass "STARTTLS against a TLS-only port fails cleanly"
