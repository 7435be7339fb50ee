# ldaps and StartTLS against slapd with a test CA made by openssl now: success with the right
# CA, and the real reason (not "Can't contact LDAP server") for a wrong CA, a name mismatch, a
# server without TLS and StartTLS refused. tls_verify=no must be explicit.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
other_port=$(free_port)
# 127.0.0.2 is not in the server certificate (IP:127.0.0.1, DNS:localhost).
SLAPD_EXTRA_URLS="ldaps://127.0.0.2:$other_port/"
slapd_start tls
ssh-keygen -q -t ed25519 -N '' -C tls -f "$T/k"
user_ldif alice 6001 "$(cat "$T/k.pub")" >"$T/u.ldif"
ldap_root_add "$T/u.ldif"
write_tool_config "$T/tool.conf" "cache_ttl = 0"
cfg=(--config "$T/tool.conf")

expect_exit 0 "$tool" "${cfg[@]}" --uri "$SLAPD_LDAPS_URI" --ca-file "$CA_FILE" authorized-keys alice
assert_eq "$(last_stdout)" "$(cat "$T/k.pub")" "ldaps with the test CA"
expect_exit 0 "$tool" "${cfg[@]}" --starttls --ca-file "$CA_FILE" authorized-keys alice
assert_eq "$(last_stdout)" "$(cat "$T/k.pub")" "StartTLS with the test CA"
# ldaps = yes turns ldap:// URIs into ldaps://
expect_exit 0 "$tool" "${cfg[@]}" --uri "ldap://127.0.0.1:$SLAPD_LDAPS_PORT" --ldaps --ca-file "$CA_FILE" list alice
pass "ldaps and StartTLS verified against the test CA"

# Wrong CA: the verification error is named.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=someone else" -keyout "$T/o.key" -out "$T/other-ca.pem" 2>/dev/null
expect_exit 3 "$tool" "${cfg[@]}" --uri "$SLAPD_LDAPS_URI" --ca-file "$T/other-ca.pem" list alice
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "certificate verify failed" "ldaps wrong CA reason"
expect_exit 3 "$tool" "${cfg[@]}" --starttls --ca-file "$T/other-ca.pem" list alice
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "StartTLS: certificate verify failed" "StartTLS wrong CA reason"
# No CA given: the system store does not know the test CA.
expect_exit 3 "$tool" "${cfg[@]}" --uri "$SLAPD_LDAPS_URI" list alice
assert_contains "$(last_stderr)" "certificate verify failed" "system store reason"
# Name mismatch: 127.0.0.2 is not in the certificate.
expect_exit 3 "$tool" "${cfg[@]}" --uri "ldaps://127.0.0.2:$other_port" --ca-file "$CA_FILE" list alice
assert_contains "$(last_stderr)" "mismatch" "address mismatch reason"
pass "TLS failures carry the real reason"
# ldaps://localhost with a certificate issued for localhost: libldap checks this machine's
# canonical name instead of "localhost" (its own debug output, from ldapsearch -d 1, names the
# name it checked); the error says so, suggests the fix, and has no doubled parentheses.
probe=$(LDAPTLS_CACERT="$CA_FILE" ldapsearch -x -d 1 -H "ldaps://localhost:$SLAPD_LDAPS_PORT" \
  -b "$BASE" -s base dn 2>&1 || true)
checked=$(echo "$probe" | sed -n 's/^TLS: hostname (\(.*\)) does not match .*/\1/p' | head -1)
if [ -n "$checked" ]; then
  for uri in "ldaps://localhost:$SLAPD_LDAPS_PORT" "ldap://localhost:$SLAPD_PORT --starttls"; do
    # shellcheck disable=SC2086
    expect_exit 3 "$tool" "${cfg[@]}" --uri $uri --ca-file "$CA_FILE" list alice
    assert_one_line_error "$tool"
    assert_contains "$(last_stderr)" "libldap checks the certificate against this machine's canonical name '$checked', not 'localhost'" "names libldap's checked name ($uri)"
    assert_contains "$(last_stderr)" "127.0.0.1:" "suggests the address the certificate holds"
    if last_stderr | grep -q '(('; then fail "doubled parentheses: $(last_stderr)"; fi
  done
  pass "ldaps://localhost: the canonical-name check of libldap is named, with the fix"
else
  # This machine's canonical name is localhost: libldap and the tool both accept the URI.
  expect_exit 0 "$tool" "${cfg[@]}" --uri "ldaps://localhost:$SLAPD_LDAPS_PORT" --ca-file "$CA_FILE" list alice
  pass "ldaps://localhost accepted, as by ldapsearch (canonical name is localhost here)"
fi

# Verification off only when asked: then the mismatching name and unknown CA are accepted.
expect_exit 0 "$tool" "${cfg[@]}" --uri "ldaps://127.0.0.2:$other_port" --tls-verify no list alice
pass "tls_verify = no"

# ldaps:// to the plain port, and StartTLS against a server without TLS.
expect_exit 3 "$tool" "${cfg[@]}" --uri "ldaps://127.0.0.1:$SLAPD_PORT" --ca-file "$CA_FILE" list alice
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "TLS" "not TLS reason"
slapd_stop
SLAPD_EXTRA_URLS=""
T_OLD="$T"; T="$T/plain"; mkdir -p "$T"
slapd_start
expect_exit 3 "$tool" --config "$T_OLD/tool.conf" --uri "$SLAPD_URI" --starttls --ca-file "$CA_FILE" list alice
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "StartTLS" "StartTLS refused reason"
T="$T_OLD"
pass "no TLS on the server side is named as such"
