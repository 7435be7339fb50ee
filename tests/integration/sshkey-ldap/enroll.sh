# add / remove / list / import against a real slapd, checked with ldapsearch (not with our own
# reader): idempotence by decoded blob, the ldapPublicKey object class added when missing,
# hostile names and hostile keys refused with one line and nothing written.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
slapd_start

{ user_ldif alice 3001; user_ldif bob 3002; user_ldif dave 3004; } >"$T/users.ldif"
ldap_root_add "$T/users.ldif"
# The enrolling identity is the rootdn (the reader may not write).
printf 'uri = %s\nbase = %s\nbind_dn = %s\nbind_password_file = %s\n' \
  "$SLAPD_URI" "$BASE" "$ROOT_DN" "$ROOT_PW_FILE" >"$T/admin.conf"
cfg=(--config "$T/admin.conf")
ldap_keys() {  # user -> the raw sshPublicKey values, as ldapsearch sees them
  ldapsearch -LLL -o ldif-wrap=no -x -H "$SLAPD_URI" -b "$BASE" "(uid=$1)" sshPublicKey |
    sed -n 's/^sshPublicKey: //p'
}
ldap_dump() { ldapsearch -LLL -o ldif-wrap=no -x -H "$SLAPD_URI" -b "$BASE" >"$1"; }

for n in alice1 alice2 bob1; do ssh-keygen -q -t ed25519 -N '' -C "$n" -f "$T/$n"; done
ssh-keygen -q -t rsa -b 1024 -N '' -C weak -f "$T/weak"

"$tool" "${cfg[@]}" add alice "$T/alice1.pub" >"$T/out"
assert_contains "$(cat "$T/out")" "added alice $(ssh-keygen -l -f "$T/alice1.pub" | cut -d' ' -f2)" "added line"
assert_eq "$(ldap_keys alice)" "$(cat "$T/alice1.pub")" "stored exactly once"
ldapsearch -LLL -x -H "$SLAPD_URI" -b "$BASE" "(&(uid=alice)(objectClass=ldapPublicKey))" dn | grep -q "^dn: uid=alice" \
  || fail "ldapPublicKey object class added"
# Same blob with another comment and options: present, not added again.
printf 'no-pty %s other-comment\n' "$(cut -d' ' -f1,2 "$T/alice1.pub")" >"$T/alice1-again.pub"
"$tool" --json "${cfg[@]}" add alice "$T/alice1-again.pub" >"$T/again.jsonl"
assert_envelope "$T/again.jsonl"
assert_eq "$(jq -r 'select(.type=="enrollment").data.action' "$T/again.jsonl")" "present" "idempotent"
assert_eq "$(ldap_keys alice | wc -l)" "1" "still one value"
cat "$T/alice2.pub" | "$tool" "${cfg[@]}" add alice - >/dev/null
assert_eq "$(ldap_keys alice | wc -l)" "2" "stdin key added"
pass "add: validated, idempotent by blob, object class added"

# Hostile input: one-line error, directory unchanged (compared with ldapsearch before/after).
ldap_dump "$T/before.ldif"
b64=$(cut -d' ' -f2 "$T/bob1.pub")
printf 'ssh-ed25519 %s\n%s bob\n' "${b64:0:30}" "${b64:30}" >"$T/newline.pub"
printf 'ssh-rsa %s wrongtype\n' "$b64" >"$T/wrongtype.pub"
printf 'ssh-ed25519 %s\n' "${b64:0:41}" >"$T/truncated.pub"
printf '%s\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA\n' "$(cat "$T/bob1.pub")" >"$T/goodthenbad.pub"
for bad in newline wrongtype truncated goodthenbad weak; do
  expect_exit 2 "$tool" "${cfg[@]}" add bob "$T/$bad.pub"
  assert_one_line_error "$tool"
done
expect_exit 2 "$tool" "${cfg[@]}" add bob "$T/bob1"  # the private key
assert_contains "$(last_stderr)" "private key" "private key refused"
for name in '*)(uid=*' 'a\00b' '*' 'bob)(objectClass=*'; do
  expect_exit 2 "$tool" "${cfg[@]}" add "$name" "$T/bob1.pub"
  assert_one_line_error "$tool"
  assert_contains "$(last_stderr)" "no entry matches" "hostile name [$name] matches nothing"
done
expect_exit 2 "$tool" "${cfg[@]}" add "$(printf 'bob\001')" "$T/bob1.pub"
assert_one_line_error "$tool"
ldap_dump "$T/after.ldif"
diff "$T/before.ldif" "$T/after.ldif" >/dev/null || fail "the directory changed after refused input"
pass "hostile names and keys refused, nothing written"

# list agrees with ssh-keygen -l; remove by SHA256 and by MD5.
"$tool" "${cfg[@]}" list alice >"$T/list"
for n in alice1 alice2; do
  grep -qxF "alice $(ssh-keygen -l -f "$T/$n.pub")" "$T/list" || fail "list line for $n: $(cat "$T/list")"
done
"$tool" "${cfg[@]}" remove alice "$(ssh-keygen -l -f "$T/alice1.pub" | cut -d' ' -f2)" >/dev/null
assert_eq "$(ldap_keys alice)" "$(cat "$T/alice2.pub")" "removed by SHA256"
"$tool" "${cfg[@]}" remove alice "$(ssh-keygen -l -E md5 -f "$T/alice2.pub" | cut -d' ' -f2)" >/dev/null
assert_eq "$(ldap_keys alice)" "" "removed by MD5"
# A fingerprint that matches nothing: named, inconclusive (exit 4), nothing changed.
expect_exit 4 "$tool" "${cfg[@]}" remove alice "$(ssh-keygen -l -f "$T/alice1.pub" | cut -d' ' -f2)"
assert_contains "$(last_stdout)" "key-not-found: alice: $(ssh-keygen -l -f "$T/alice1.pub" | cut -d' ' -f2) matches none of the 0 key(s) of alice" "named"
pass "list and remove"

# import: JSON Lines shared with otpgen (account/issuer lines, unknown fields) + bad lines.
cat >"$T/users.jsonl" <<JSONL
{"user":"alice","key":"$(cat "$T/alice1.pub")","account":"alice@example.org","issuer":"Example"}
{"account":"carol@example.org","issuer":"Example"}
{"user":"bob","key":"$(cat "$T/bob1.pub")"}
{"user":"bob","key":"$(cat "$T/bob1.pub") same key again"}
{"user":"bob","key":"ssh-rsa $b64 wrong type"}
{"user":"ghost","key":"$(cat "$T/alice2.pub")"}
{"user":"*)(uid=*","key":"$(cat "$T/alice2.pub")"}
not json
{"user":"dave","key":"$(cat "$T/weak.pub")"}
JSONL
# Rejected lines make the run fail (exit 1, like otpgen enroll --batch); the rest is imported.
expect_exit 1 "$tool" --json "${cfg[@]}" import "$T/users.jsonl"
last_stdout >"$T/import.jsonl"
assert_envelope "$T/import.jsonl"
assert_eq "$(jq -c 'select(.type=="summary").data.counts | [.added,.present,.rejected,.skipped]' "$T/import.jsonl")" "[2,1,5,1]" "import counts"
assert_eq "$(jq -r 'select(.type=="error").data.origin' "$T/import.jsonl" | sort | tr '\n' ' ')" \
  "$T/users.jsonl:5 $T/users.jsonl:8 $T/users.jsonl:9 " "error origins"
# Users the directory does not know (the hostile name matches nothing either) are findings naming them.
assert_eq "$(jq -r 'select(.type=="finding").data | "\(.code) \(.details.user) \(.details.origin)"' "$T/import.jsonl")" \
  "user-not-found ghost $T/users.jsonl:6
user-not-found *)(uid=* $T/users.jsonl:7" "unknown users named"
assert_eq "$(jq -r 'select(.type=="summary").data.verdict' "$T/import.jsonl")" "fail" "verdict"
assert_eq "$(ldap_keys alice)" "$(cat "$T/alice1.pub")" "alice imported"
assert_eq "$(ldap_keys bob)" "$(cat "$T/bob1.pub")" "bob imported once"
assert_eq "$(ldap_keys dave)" "" "weak key not imported"
pass "import from JSON Lines: per-line errors, the rest goes on"

# import from a directory of USER.pub and USER/authorized_keys files.
mkdir -p "$T/keys/dave"
cp "$T/alice2.pub" "$T/keys/alice.pub"
cat "$T/bob1.pub" "$T/alice1.pub" >"$T/keys/dave/authorized_keys"
echo "ignored" >"$T/keys/README"
expect_exit 0 "$tool" "${cfg[@]}" import "$T/keys"
assert_eq "$(ldap_keys alice | sort)" "$(cat "$T/alice1.pub" "$T/alice2.pub" | sort)" "alice.pub imported"
assert_eq "$(ldap_keys dave | sort)" "$(cat "$T/bob1.pub" "$T/alice1.pub" | sort)" "dave/authorized_keys imported"
expect_exit 0 "$tool" "${cfg[@]}" import "$T/keys"
assert_contains "$(last_stdout)" "present dave" "second import is a no-op"
pass "import from a directory"

# The reader identity may not write: exit 3 with the server's reason.
write_tool_config "$T/reader.conf"
expect_exit 3 "$tool" --config "$T/reader.conf" add bob "$T/alice2.pub"
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "Insufficient access" "server reason"
pass "write refused by ACL is an environment error"

# remove on a value holding two keys on two lines: the matching key goes, the other stays as a
# value of its own (checked with ldapsearch).
printf 'dn: uid=dave,ou=people,%s\nchangetype: modify\nreplace: sshPublicKey\nsshPublicKey:: %s\n' "$BASE" \
  "$(printf '%s\r\n%s\r\n' "$(cat "$T/alice2.pub")" "$(cat "$T/bob1.pub")" | base64 -w0)" >"$T/multi.ldif"
ldap_root_modify "$T/multi.ldif"
"$tool" "${cfg[@]}" list dave >"$T/list-dave"
assert_eq "$(wc -l <"$T/list-dave")" "2" "list reads both lines of the value"
expect_exit 0 "$tool" "${cfg[@]}" remove dave "$(ssh-keygen -l -f "$T/alice2.pub" | cut -d' ' -f2)"
assert_eq "$(ldap_keys dave)" "$(cat "$T/bob1.pub")" "the other key of the value stays, on its own"
pass "remove takes one key out of a multi-line value"

# RFC 4716 keys (ssh-keygen -e) are enrolled as the OpenSSH key ssh-keygen -i makes of them, and
# remove takes a key file (OpenSSH or RFC 4716) as add does.
ssh-keygen -e -f "$T/alice1.pub" >"$T/alice1.rfc"
"$tool" "${cfg[@]}" add dave "$T/alice1.rfc" >/dev/null
assert_eq "$(ldap_keys dave | grep -v "$(cut -d' ' -f2 "$T/bob1.pub")" | cut -d' ' -f1,2)" \
  "$(ssh-keygen -i -f "$T/alice1.rfc")" "RFC 4716 key stored as ssh-keygen -i converts it"
expect_exit 0 "$tool" "${cfg[@]}" remove dave "$T/alice1.rfc"
assert_eq "$(ldap_keys dave)" "$(cat "$T/bob1.pub")" "removed by RFC 4716 key file"
expect_exit 0 "$tool" "${cfg[@]}" remove dave "$T/bob1.pub"
assert_eq "$(ldap_keys dave)" "" "removed by OpenSSH key file"
expect_exit 4 "$tool" "${cfg[@]}" remove dave "$T/bob1.pub"
expect_exit 2 "$tool" "${cfg[@]}" remove dave "$T/bob1"
assert_one_line_error "$tool"
pass "add and remove read RFC 4716 keys; remove takes a key file"
