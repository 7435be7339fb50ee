# audit over a real slapd holding more than 500 keyed entries (slapd's default size limit),
# read as a non-root identity: every entry is audited through the paged-results control. Each
# finding of the issue is planted once; --policy changes thresholds. known-hosts output is
# checked with ssh-keygen -F (plain and hashed) and SSHFP with ssh-keygen -r.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
slapd_start

# 600 users with distinct ed25519 keys (random 32-byte points; audit does not need real ones).
python3 - "$BASE" >"$T/many.ldif" <<'PY'
import base64, os, struct, sys
base = sys.argv[1]
def s(b): return struct.pack(">I", len(b)) + b
for i in range(600):
    blob = s(b"ssh-ed25519") + s(os.urandom(32))
    print("dn: uid=bulk%d,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: ldapPublicKey\n"
          "uid: bulk%d\ncn: bulk%d\nsn: b\nsshPublicKey: ssh-ed25519 %s bulk%d\n"
          % (i, base, i, i, base64.b64encode(blob).decode(), i))
PY
ldap_root_add "$T/many.ldif"

k="$T/k"; mkdir -p "$k"
ssh-keygen -q -t rsa -b 1024 -N '' -C small -f "$k/rsa1024"
ssh-keygen -q -t rsa -b 2048 -N '' -C medium -f "$k/rsa2048"
ssh-keygen -q -t ed25519 -N '' -C shared -f "$k/shared"
ssh-keygen -q -t ed25519 -N '' -C ok -f "$k/ok"
ssh-keygen -q -t ed25519 -N '' -C ca -f "$k/ca"
ssh-keygen -q -t rsa -b 3072 -N '' -C rsaca -f "$k/rsaca"
ssh-keygen -q -t ed25519 -N '' -C certkey -f "$k/certkey"
ssh-keygen -q -t ed25519 -N '' -C certkey2 -f "$k/certkey2"
ssh-keygen -q -t ed25519 -N "" -C gone -f "$k/gonekey"
ssh-keygen -q -t ecdsa -N "" -C gone2 -f "$k/gonekey2"
ssh-keygen -q -t ed25519 -N "" -C self -f "$k/selfkey"
ssh-keygen -q -s "$k/ca" -I self -n certself -V -1d:+52w "$k/selfkey.pub"
ssh-keygen -q -s "$k/ca" -I expired -n certuser -V 20200101:20210101 "$k/certkey.pub"
ssh-keygen -q -s "$k/rsaca" -t ssh-rsa -I sha1 -n sha1user -V +52w "$k/certkey2.pub"
have_dsa=0
if ssh-keygen -q -t dsa -N '' -C dsa -f "$k/dsa" 2>/dev/null; then have_dsa=1; fi
ed_b64=$(cut -d' ' -f2 "$k/ok.pub")
{
  user_ldif small 4001 "$(cat "$k/rsa1024.pub")"
  user_ldif medium 4002 "$(cat "$k/rsa2048.pub")"
  user_ldif share1 4003 "$(cat "$k/shared.pub")"
  user_ldif share2 4004 "$(cut -d' ' -f1,2 "$k/shared.pub") copied"
  user_ldif envopt 4005 "environment=\"LD_PRELOAD=/tmp/x\" $(cat "$k/ok.pub")"
  user_ldif certuser 4006 "$(cat "$k/certkey-cert.pub")"
  user_ldif sha1user 4007 "$(cat "$k/certkey2-cert.pub")"
  user_ldif broken 4008 "ssh-ed25519 ${ed_b64:0:30}"
  user_ldif strange 4009 "ssh-foo $ed_b64"
  if [ $have_dsa = 1 ]; then user_ldif dsauser 4010 "$(cat "$k/dsa.pub")"; fi
  # An expired account (shadowExpire = 1 day after 1970) still holding two keys: one finding.
  printf 'dn: uid=gone,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: shadowAccount\nobjectClass: ldapPublicKey\nuid: gone\ncn: gone\nsn: gone\nuidNumber: 4011\ngidNumber: 4011\nhomeDirectory: /home/gone\nshadowExpire: 1\nsshPublicKey: %s\nsshPublicKey: %s\n\n' "$BASE" "$(cat "$k/gonekey.pub")" "$(cat "$k/gonekey2.pub")"
  # One entry holding a key and its certificate: the same key, one holder, not shared.
  user_ldif certself 4012 "$(cat "$k/selfkey.pub")" "$(cat "$k/selfkey-cert.pub")"
} >"$T/findings.ldif"
ldap_root_add "$T/findings.ldif"
keyed=$((600 + 11 + have_dsa))

write_tool_config "$T/tool.conf"
cfg=(--config "$T/tool.conf")
# The server limit is real for this identity: a plain search stops at 500 (ldapsearch exit 4).
rc=0
ldapsearch -x -H "$SLAPD_URI" -D "$READER_DN" -y "$READER_PW_FILE" -b "$BASE" "(sshPublicKey=*)" dn >/dev/null 2>&1 || rc=$?
assert_eq "$rc" "4" "plain ldapsearch hits the size limit"
expect_exit 3 "$tool" "${cfg[@]}" --page-size 0 audit
assert_contains "$(last_stderr)" "size limit" "unpaged audit names the size limit"

expect_exit 1 "$tool" --json "${cfg[@]}" audit
last_stdout >"$T/audit.jsonl"
assert_envelope "$T/audit.jsonl"
assert_eq "$(jq -r 'select(.type=="summary").data.counts.entries' "$T/audit.jsonl")" "$keyed" "every keyed entry audited"
assert_eq "$(jq -r 'select(.type=="summary").data.exit_code' "$T/audit.jsonl")" "1" "exit code in summary"
assert_eq "$(jq -r 'select(.type=="summary").data.verdict' "$T/audit.jsonl")" "fail" "verdict"
assert_eq "$(jq -s '[.[] | select(.type=="key")] | length' "$T/audit.jsonl")" "$keyed" "key records (minus 2 unparsable, plus gone's and certself's second key)"
pass "paged audit reads all $keyed entries past the 500-entry limit"

finding() {  # code user -> severity
  jq -r --arg c "$1" --arg u "$2" 'select(.type=="finding" and .data.code==$c and (.data.details.user==$u or ((.data.details.users // []) | index($u)))) .data.severity' "$T/audit.jsonl" | first_line
}
assert_eq "$(finding rsa-too-small small)" "error" "rsa 1024"
assert_eq "$(finding rsa-below-recommended medium)" "warning" "rsa 2048"
assert_eq "$(finding duplicate-key share1)" "warning" "duplicate key (by blob, comments differ)"
assert_eq "$(finding forbidden-option envopt)" "error" "environment= forbidden"
assert_eq "$(finding expired-certificate certuser)" "error" "expired certificate"
assert_eq "$(finding ssh-rsa-sha1 sha1user)" "error" "certificate signed with ssh-rsa"
assert_eq "$(finding malformed-key broken)" "error" "truncated key"
assert_eq "$(finding unknown-key-type strange)" "warning" "unknown type"
assert_eq "$(finding disabled-account-key gone)" "warning" "key of an expired account"
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="disabled-account-key").data.message' "$T/audit.jsonl")" \
  "gone: the account is disabled (shadowExpire 1 is in the past) but still holds 2 keys: $(ssh-keygen -l -f "$k/gonekey.pub" | cut -d' ' -f2), $(ssh-keygen -l -f "$k/gonekey2.pub" | cut -d' ' -f2)" \
  "disabled account: one finding naming both keys"
assert_eq "$(finding duplicate-key certself)" "" "a key and its certificate in one entry are not a shared key"
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="duplicate-key").data.message' "$T/audit.jsonl")" \
  "ED25519 key $(ssh-keygen -l -f "$k/shared.pub" | cut -d' ' -f2) is shared by 2 entries: share1, share2" "duplicate counts entries"
if [ $have_dsa = 1 ]; then assert_eq "$(finding dsa-key dsauser)" "error" "DSA"; fi
assert_eq "$(jq -r 'select(.type=="finding") | .data.code' "$T/audit.jsonl" | grep -c .)" "$((9 + have_dsa))" "no other findings"
# Fingerprints in the key records agree with ssh-keygen.
assert_eq "$(jq -r 'select(.type=="key" and .data.user=="medium") | "\(.data.bits) \(.data.sha256) \(.data.md5)"' "$T/audit.jsonl")" \
  "$(ssh-keygen -l -f "$k/rsa2048.pub" | cut -d' ' -f1,2) $(ssh-keygen -l -E md5 -f "$k/rsa2048.pub" | cut -d' ' -f2)" "fingerprints"
pass "each planted finding reported once, with its severity"

# Text output names the findings too.
expect_exit 1 "$tool" "${cfg[@]}" audit
assert_contains "$(last_stdout)" "error rsa-too-small: small: RSA key" "text finding"
assert_contains "$(last_stdout)" "audited $keyed entries" "text summary"

# --policy: 1024-bit RSA allowed, 2048 fine, nothing forbidden, duplicates only info.
cat >"$T/policy.json" <<'JSON'
{"rsa_fail_bits": 1024, "rsa_warn_bits": 2048, "forbidden_options": [], "duplicate_severity": "info",
 "allow_dsa": true, "sha1_certificate_severity": "warning"}
JSON
expect_exit 1 "$tool" --json "${cfg[@]}" --policy "$T/policy.json" audit
last_stdout >"$T/policy.jsonl"
codes=$(jq -r 'select(.type=="finding") | "\(.data.code)/\(.data.severity)"' "$T/policy.jsonl" | sort | tr '\n' ' ')
assert_eq "$codes" "disabled-account-key/warning duplicate-key/info expired-certificate/error malformed-key/error rsa-below-recommended/warning ssh-rsa-sha1/warning unknown-key-type/warning " "policy applied"
pass "--policy changes thresholds and severities"

# A subtree without keys is not "0 problems, pass": nothing was audited (exit 4).
expect_exit 4 "$tool" "${cfg[@]}" --base "ou=hosts,$BASE" audit
assert_contains "$(last_stdout)" "inconclusive: 0 entries match (sshPublicKey=*) under ou=hosts,$BASE: nothing was audited" "reason"
# A clean subtree with keys: exit 0.
expect_exit 0 "$tool" --json "${cfg[@]}" --base "uid=bulk7,ou=people,$BASE" audit
assert_eq "$(last_stdout | jq -c 'select(.type=="summary").data | [.verdict, .counts.entries, .exit_code]')" '["pass",1,0]' "clean entry passes"
pass "an empty subtree is inconclusive, a clean one passes"

# ---- known-hosts ----
ssh-keygen -q -t ed25519 -N '' -f "$k/host_ed"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$k/host_ec"
ssh-keygen -q -t rsa -b 3072 -N '' -f "$k/host_rsa"
ssh-keygen -q -t ed25519 -N '' -f "$k/hostca"
cat >"$T/hosts.ldif" <<LDIF
dn: cn=web1.example.org,ou=hosts,$BASE
objectClass: device
objectClass: ipHost
objectClass: ldapPublicKey
cn: web1.example.org
cn: web1
ipHostNumber: 192.0.2.10
sshPublicKey: $(cut -d' ' -f1,2 "$k/host_ed.pub")
sshPublicKey: $(cut -d' ' -f1,2 "$k/host_ec.pub")

dn: cn=db1.example.org,ou=hosts,$BASE
objectClass: device
objectClass: ldapPublicKey
cn: db1.example.org
sshPublicKey: $(cut -d' ' -f1,2 "$k/host_rsa.pub")

dn: cn=*.example.org,ou=hosts,$BASE
objectClass: device
objectClass: ldapPublicKey
cn: *.example.org
sshPublicKey: @cert-authority $(cut -d' ' -f1,2 "$k/hostca.pub")
LDIF
ldap_root_add "$T/hosts.ldif"

"$tool" "${cfg[@]}" known-hosts web1.example.org >"$T/kh_web1"
# web1's two keys, and the *.example.org CA entry ssh applies to web1.example.org (issue 19).
assert_eq "$(wc -l <"$T/kh_web1")" "3" "two keys for web1 and the wildcard CA"
for name_count in web1.example.org:3 web1:2 192.0.2.10:2; do
  name=${name_count%:*}
  out=$(ssh-keygen -F "$name" -f "$T/kh_web1" | grep -v '^#')
  assert_eq "$(echo "$out" | grep -c .)" "${name_count#*:}" "ssh-keygen -F $name finds both keys (and the CA when it matches)"
done
"$tool" "${cfg[@]}" known-hosts 192.0.2.10 >"$T/kh_ip"
assert_eq "$(cat "$T/kh_ip")" "$(grep -v '^@cert-authority' "$T/kh_web1")" "lookup by address (no pattern matches it)"
"$tool" "${cfg[@]}" known-hosts '[web1.example.org]:2222' >"$T/kh_port"
assert_eq "$(ssh-keygen -F '[web1.example.org]:2222' -f "$T/kh_port" | grep -vc '^#')" "2" "[host]:port"
assert_eq "$(ssh-keygen -F web1.example.org -f "$T/kh_port" | grep -vc '^#' || true)" "0" "port-qualified names only"
"$tool" "${cfg[@]}" known-hosts --hashed web1.example.org >"$T/kh_hashed"
grep -q '^|1|' "$T/kh_hashed" || fail "hashed names"
grep -q 'web1' "$T/kh_hashed" && fail "hashed file leaks the name"
for name_count in web1.example.org:3 web1:2 192.0.2.10:2; do
  name=${name_count%:*}
  assert_eq "$(ssh-keygen -F "$name" -f "$T/kh_hashed" | grep -vc '^#')" "${name_count#*:}" "ssh-keygen -F $name on hashed lines"
done
assert_eq "$(ssh-keygen -F other.example.net -f "$T/kh_hashed" | grep -vc '^#' || true)" "0" "no false match"
pass "known-hosts lines found by ssh-keygen -F (plain, [host]:port, hashed)"

"$tool" "${cfg[@]}" known-hosts --sshfp db1.example.org >"$T/sshfp"
assert_eq "$(cat "$T/sshfp")" "$(ssh-keygen -r db1.example.org -f "$k/host_rsa.pub")" "SSHFP = ssh-keygen -r"
"$tool" "${cfg[@]}" known-hosts --sshfp web1.example.org | grep '^web1.example.org ' >"$T/sshfp2"
assert_eq "$(cat "$T/sshfp2")" "$( (ssh-keygen -r web1.example.org -f "$k/host_ed.pub"; ssh-keygen -r web1.example.org -f "$k/host_ec.pub"))" "SSHFP ed25519 + ecdsa"
pass "SSHFP records equal ssh-keygen -r"

"$tool" "${cfg[@]}" known-hosts >"$T/all"
assert_eq "$(wc -l <"$T/all")" "4" "whole known_hosts file"
grep -qxF "@cert-authority *.example.org $(cut -d' ' -f1,2 "$k/hostca.pub")" "$T/all" || fail "cert-authority line: $(cat "$T/all")"
# ssh-keygen -F understands the CA line for a matching name.
ssh-keygen -F app.example.org -f "$T/all" | grep -q '@cert-authority' || fail "ssh-keygen -F sees the CA line"
# ... and so does a single-host lookup (issue 19).
assert_eq "$("$tool" "${cfg[@]}" known-hosts app.example.org)" "$(ssh-keygen -F app.example.org -f "$T/all" | grep -v '^#')" "the CA line for app.example.org"
expect_exit 0 "$tool" "${cfg[@]}" known-hosts unknown.example.net
assert_eq "$(last_stdout)" "" "unknown host"
expect_exit 0 "$tool" "${cfg[@]}" known-hosts '*'
assert_eq "$(last_stdout)" "" "a wildcard query is escaped and matches nothing"
expect_exit 2 "$tool" "${cfg[@]}" known-hosts '[web1:22'
assert_one_line_error "$tool"
pass "whole file, @cert-authority, unknown and hostile host names"
