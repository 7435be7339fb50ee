# Account state from the directory (issue 19): slapd with the ppolicy overlay locks an account
# after failed binds (pwdLockout, pwdMaxFailure 2) and sets pwdAccountLockedTime itself; the
# audit then reports the locked account that still holds keys, and not before.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
SLAPD_PPOLICY=1 slapd_start
ssh-keygen -q -t ed25519 -N '' -C locked -f "$T/locked"
ssh-keygen -q -t ed25519 -N '' -C fine -f "$T/fine"
{
  printf 'dn: ou=policies,%s\nobjectClass: organizationalUnit\nou: policies\n\n' "$BASE"
  printf 'dn: cn=default,ou=policies,%s\nobjectClass: person\nobjectClass: pwdPolicy\ncn: default\nsn: policy\n' "$BASE"
  printf 'pwdAttribute: userPassword\npwdLockout: TRUE\npwdMaxFailure: 2\npwdLockoutDuration: 0\n\n'
  user_ldif locked 8001 "$(cat "$T/locked.pub")" | sed '/^$/d'
  printf 'userPassword: right\n\n'
  user_ldif fine 8002 "$(cat "$T/fine.pub")"
} >"$T/ppolicy.ldif"
ldap_root_add "$T/ppolicy.ldif"
write_tool_config "$T/tool.conf" "cache_ttl = 0"
cfg=(--config "$T/tool.conf")

expect_exit 0 "$tool" --json "${cfg[@]}" audit
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code')" "" "nothing to report before the lockout"

user_dn="uid=locked,ou=people,$BASE"
for _ in 1 2 3; do
  ldapwhoami -x -H "$SLAPD_URI" -D "$user_dn" -w wrong >/dev/null 2>&1 && fail "a wrong password bound"
done
# The overlay itself set the lock (read back as the rootdn, operational attribute).
locked_at=$(ldapsearch -LLL -x -H "$SLAPD_URI" -D "$ROOT_DN" -y "$ROOT_PW_FILE" -b "$user_dn" -s base \
  pwdAccountLockedTime | sed -n 's/^pwdAccountLockedTime: //p')
[ -n "$locked_at" ] || fail "slapd's ppolicy overlay did not lock the account"
if ldapwhoami -x -H "$SLAPD_URI" -D "$user_dn" -w right >/dev/null 2>&1; then
  fail "the locked account still binds with the right password"
fi
pass "slapd's ppolicy overlay locked the account after failed binds (pwdAccountLockedTime $locked_at)"

expect_exit 1 "$tool" --json "${cfg[@]}" audit
last_stdout >"$T/audit.jsonl"
assert_envelope "$T/audit.jsonl"
assert_eq "$(jq -r 'select(.type=="finding") | "\(.data.code) \(.data.details.user) \(.data.details.reason)"' "$T/audit.jsonl")" \
  "disabled-account-key locked pwdAccountLockedTime is set" "the locked account, once"
assert_contains "$(jq -r 'select(.type=="finding").data.message' "$T/audit.jsonl")" \
  "$(ssh-keygen -l -f "$T/locked.pub" | cut -d' ' -f2)" "names the key"
pass "audit reports the account ppolicy locked"
