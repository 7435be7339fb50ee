# authorized-keys against a real slapd: options preserved, unknown and hostile user names,
# ambiguous entries, values with line breaks / over 8 KiB / base64 (::) in LDIF, %f %t %k,
# the per-user cache (TTL, stale_ok when slapd is stopped) and a server that never answers.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
slapd_start

for n in alice bob carol; do ssh-keygen -q -t ed25519 -N '' -C "$n@test" -f "$T/$n"; done
ssh-keygen -q -t rsa -b 3072 -N '' -C "alice-rsa" -f "$T/alice_rsa"
alice_opts="restrict,command=\"/usr/bin/true\",from=\"127.0.0.1\" $(cat "$T/alice.pub")"
big="ssh-ed25519 $(cut -d' ' -f2 "$T/bob.pub") $(head -c 9000 /dev/zero | tr '\0' x)"
{
  user_ldif alice 2001 "$alice_opts" "$(cat "$T/alice_rsa.pub")"
  user_ldif bob 2002 "$(cat "$T/bob.pub")" "$big" "not a key at all"
  # carol's key only as base64 (::), plus a value with an embedded newline (valid LDIF, hostile).
  printf 'dn: uid=carol,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: ldapPublicKey\n' "$BASE"
  printf 'uid: carol\ncn: carol\nsn: carol\n'
  printf 'sshPublicKey:: %s\n' "$(tr -d '\n' <"$T/carol.pub" | base64 -w0)"
  printf 'sshPublicKey:: %s\n\n' "$(printf 'ssh-ed25519 %s\nssh-ed25519 %s evil' "$(cut -d' ' -f2 "$T/bob.pub")" "$(cut -d' ' -f2 "$T/alice.pub")" | base64 -w0)"
  # two entries for "twin": refused
  printf 'dn: cn=twin1,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: ldapPublicKey\nuid: twin\ncn: twin1\nsn: t\nsshPublicKey: %s\n\n' "$BASE" "$(cat "$T/bob.pub")"
  printf 'dn: cn=twin2,ou=hosts,%s\nobjectClass: inetOrgPerson\nobjectClass: ldapPublicKey\nuid: twin\ncn: twin2\nsn: t\nsshPublicKey: %s\n\n' "$BASE" "$(cat "$T/carol.pub")"
} >"$T/users.ldif"
ldap_root_add "$T/users.ldif"
write_tool_config "$T/tool.conf" "cache_ttl = 0"
cfg=(--config "$T/tool.conf")

"$tool" "${cfg[@]}" authorized-keys alice >"$T/alice.out"
assert_eq "$(sed -n 1p "$T/alice.out")" "$alice_opts" "options preserved"
assert_eq "$(sed -n 2p "$T/alice.out")" "$(cat "$T/alice_rsa.pub")" "second key"
assert_eq "$(wc -l <"$T/alice.out")" "2" "alice has two keys"
"$tool" --json "${cfg[@]}" authorized-keys alice >"$T/alice.jsonl"
assert_envelope "$T/alice.jsonl"
assert_eq "$(jq -r 'select(.type=="key") | .data.line' "$T/alice.jsonl")" "$(cat "$T/alice.out")" "JSON key lines"
assert_eq "$(jq -r 'select(.type=="summary") | .data.counts.source' "$T/alice.jsonl")" "ldap" "JSON source"
pass "authorized-keys prints the key lines with options"

expect_exit 0 "$tool" "${cfg[@]}" authorized-keys bob
assert_eq "$(last_stdout)" "$(cat "$T/bob.pub")" "bob: only the valid key (8 KiB value and garbage skipped)"
pass "oversized and malformed values skipped"

# Values with line breaks (issue 19): a value holding several lines is read as sshd reads the
# command's output, one key per line; a trailing \n or \r\n (an LDIF `sshPublicKey:< file://`
# stores the file's newline) is trimmed.
expect_exit 0 "$tool" "${cfg[@]}" authorized-keys carol
assert_eq "$(last_stdout)" "$(cat "$T/carol.pub")
ssh-ed25519 $(cut -d' ' -f2 "$T/bob.pub")
ssh-ed25519 $(cut -d' ' -f2 "$T/alice.pub") evil" "carol: the base64 value and both lines of the multi-line value"
ssh-keygen -q -t ed25519 -N '' -C dora-crlf -f "$T/dora1"
ssh-keygen -q -t ed25519 -N '' -C dora-lf -f "$T/dora2"
printf 'dn: uid=dora,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: ldapPublicKey\nuid: dora\ncn: dora\nsn: dora\nsshPublicKey:: %s\nsshPublicKey:< file://%s\n\n' \
  "$BASE" "$(printf '%s\r\n' "$(cat "$T/dora1.pub")" | base64 -w0)" "$T/dora2.pub" >"$T/dora.ldif"
ldap_root_add "$T/dora.ldif"
ldapsearch -LLL -o ldif-wrap=no -x -H "$SLAPD_URI" -b "$BASE" "(uid=dora)" sshPublicKey | grep -c '^sshPublicKey:: ' | grep -qx 2 \
  || fail "slapd stores both dora values with their line breaks (shown base64 by ldapsearch)"
expect_exit 0 "$tool" "${cfg[@]}" authorized-keys dora
assert_eq "$(last_stdout)" "$(cat "$T/dora1.pub" "$T/dora2.pub")" "trailing CRLF and LF trimmed"
assert_eq "$(last_stderr)" "" "no warning for a trailing line break"
expect_exit 1 "$tool" --json "${cfg[@]}" audit
last_stdout >"$T/audit.jsonl"
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="multiple-keys-in-one-value").data | "\(.severity) \(.details.user) \(.details.keys)"' "$T/audit.jsonl")" \
  "warning carol 2" "multi-line value: one warning"
assert_eq "$(jq -r 'select(.type=="finding" and .data.details.user=="dora").data.code' "$T/audit.jsonl")" "" "dora: no finding"
pass "multi-line values split, trailing line breaks trimmed, audit warns about multi-key values"

for name in nobody-here '*' '*)(uid=*' 'a\00b' 'alice)(uid=*' '\2a'; do
  expect_exit 0 "$tool" "${cfg[@]}" authorized-keys "$name"
  assert_eq "$(last_stdout)" "" "no output for [$name]"
done
pass "unknown and hostile user names give nothing, exit 0"

expect_exit 3 "$tool" "${cfg[@]}" authorized-keys twin
assert_eq "$(last_stdout)" "" "ambiguous user: nothing printed"
assert_contains "$(last_stderr)" "refusing to choose" "ambiguous user message"
pass "two entries for one name are refused"

# --enforce-policy: authorized-keys withholds the keys the policy refuses (RSA below 2048 bits,
# the forbidden option environment=), hands sshd the rest, and names each withheld key.
ssh-keygen -q -t rsa -b 1024 -N '' -C weak -f "$T/pol_weak"
ssh-keygen -q -t ed25519 -N '' -C env -f "$T/pol_env"
ssh-keygen -q -t ed25519 -N '' -C good -f "$T/pol_good"
user_ldif polly 5101 "$(cat "$T/pol_weak.pub")" "environment=\"A=b\" $(cat "$T/pol_env.pub")" \
  "$(cat "$T/pol_good.pub")" >"$T/polly.ldif"
ldap_root_add "$T/polly.ldif"
expect_exit 0 "$tool" "${cfg[@]}" authorized-keys polly
assert_eq "$(last_stdout | wc -l)" "3" "without enforce_policy: every key"
expect_exit 0 "$tool" "${cfg[@]}" --enforce-policy authorized-keys polly
assert_eq "$(last_stdout)" "$(cat "$T/pol_good.pub")" "enforce_policy: only the key the policy allows"
for f in pol_weak pol_env; do
  assert_contains "$(last_stderr)" "withheld key $(ssh-keygen -l -f "$T/$f.pub" | cut -d' ' -f2) by enforce_policy" "$f named"
done
pass "--enforce-policy withholds the keys the policy refuses"

# known-hosts HOST returns the pattern entries ssh would apply (issue 19): '*', '?', negation,
# case, [pattern]:port. The same lines in a known_hosts file, searched by ssh-keygen -F (ssh's
# own matching), give the expected keys for every host name.
for n in hk_ca hk_q hk_port hk_exact hk_ip; do ssh-keygen -q -t ed25519 -N '' -f "$T/$n"; done
k64() { cut -d' ' -f2 "$T/$1.pub"; }
host_entry() {  # the first cn (the RDN), then "attr: value" lines
  local rdn="$1"; shift
  printf 'dn: cn=%s,ou=hosts,%s\nobjectClass: device\nobjectClass: ipHost\nobjectClass: ldapPublicKey\n' "$rdn" "$BASE"
  printf '%s\n' "$@"; echo
}
{
  host_entry '*.example.org' 'cn: !bad.example.org' 'ipHostNumber: 0.0.0.0' "sshPublicKey: @cert-authority ssh-ed25519 $(k64 hk_ca)"
  host_entry 'db?.test.org' 'ipHostNumber: 0.0.0.1' "sshPublicKey: ssh-ed25519 $(k64 hk_q)"
  host_entry '[*.example.net]:2222' 'ipHostNumber: 0.0.0.2' "sshPublicKey: ssh-ed25519 $(k64 hk_port)"
  host_entry 'db.example.org' 'ipHostNumber: 198.51.100.7' "sshPublicKey: ssh-ed25519 $(k64 hk_exact)"
  # ipHostNumber has no substring rule (nis schema): an address pattern is stored in cn.
  host_entry '203.0.113.*' 'ipHostNumber: 0.0.0.3' "sshPublicKey: ssh-ed25519 $(k64 hk_ip)"
} >"$T/hosts.ldif"
ldap_root_add "$T/hosts.ldif"
{
  echo "@cert-authority *.example.org,!bad.example.org,0.0.0.0 ssh-ed25519 $(k64 hk_ca)"
  echo "db?.test.org,0.0.0.1 ssh-ed25519 $(k64 hk_q)"
  echo "[*.example.net]:2222,0.0.0.2 ssh-ed25519 $(k64 hk_port)"
  echo "db.example.org,198.51.100.7 ssh-ed25519 $(k64 hk_exact)"
  echo "203.0.113.*,0.0.0.3 ssh-ed25519 $(k64 hk_ip)"
} >"$T/known_hosts"
compared=0
for h in db.example.org web.example.org bad.example.org WEB.Example.ORG example.org a.b.example.org \
  db1.test.org db12.test.org db.test.org '[x.example.net]:2222' x.example.net '[x.example.net]:22' \
  '[db2.example.org]:2222' 203.0.113.9 203.0.114.9 net nothing.invalid; do
  want=$({ ssh-keygen -F "$h" -f "$T/known_hosts" || true; } | { grep -v "^#" || true; } | awk "{print \$NF}" | sort)
  got=$("$tool" "${cfg[@]}" known-hosts "$h" | awk '{print $NF}' | sort)
  assert_eq "$got" "$want" "known-hosts $h vs ssh-keygen -F"
  compared=$((compared + 1))
done
# The line keeps the marker and every name of the entry, the negation included (slapd's order).
line=$("$tool" "${cfg[@]}" known-hosts web.example.org)
assert_eq "$(echo "$line" | cut -d' ' -f1,3,4)" "@cert-authority ssh-ed25519 $(k64 hk_ca)" "marker and key"
assert_eq "$(echo "$line" | cut -d' ' -f2 | tr ',' '\n' | sort | tr '\n' ' ')" "!bad.example.org *.example.org 0.0.0.0 " "names as stored"
pass "known-hosts HOST: pattern entries agree with ssh-keygen -F on $compared host names"

# %f %t %k: only the offered key.
fp=$(ssh-keygen -l -f "$T/alice_rsa.pub" | cut -d' ' -f2)
expect_exit 0 "$tool" "${cfg[@]}" authorized-keys alice "$fp" ssh-rsa "$(cut -d' ' -f2 "$T/alice_rsa.pub")"
assert_eq "$(last_stdout)" "$(cat "$T/alice_rsa.pub")" "only the offered key"
pass "%f %t %k narrows the answer to the offered key"

# Cache: with a TTL the second call is served from the cache even after the key is removed.
write_tool_config "$T/ttl.conf" "cache_ttl = 1h"
"$tool" --config "$T/ttl.conf" authorized-keys bob >/dev/null
printf 'dn: uid=bob,ou=people,%s\nchangetype: modify\ndelete: sshPublicKey\nsshPublicKey: %s\n' "$BASE" "$(cat "$T/bob.pub")" >"$T/del.ldif"
ldap_root_modify "$T/del.ldif"
assert_eq "$("$tool" --config "$T/ttl.conf" authorized-keys bob)" "$(cat "$T/bob.pub")" "fresh cache answer"
# A fresh answer comes from the executable alone (tools/sshkey-ldap/fast_path.cpp): neither the
# commands module nor libldap nor OpenSSL is loaded, and the answer is the module's own.
LD_DEBUG=libs "$tool" --config "$T/ttl.conf" authorized-keys bob >/dev/null 2>"$T/libs.log"
grep -E 'calling init: .*(libldap|libcrypto|libssl|sshkey-ldap-commands)' "$T/libs.log" \
  && fail "a cache hit loaded the directory libraries"
grep -q 'calling init: .*libc\.so' "$T/libs.log" || fail "LD_DEBUG=libs shows no library at all"
assert_eq "$("$tool" --config "$T/ttl.conf" --cache-ttl 1h authorized-keys bob)" "$(cat "$T/bob.pub")" \
  "the commands module serves the same cached answer"
bob_key=$(cut -d' ' -f2 "$T/bob.pub")
assert_eq "$("$tool" --config "$T/ttl.conf" authorized-keys bob SHA256:x ssh-ed25519 "$bob_key")" \
  "$(cat "$T/bob.pub")" "a cache hit with the offered key"
assert_eq "$("$tool" --config "$T/ttl.conf" authorized-keys bob SHA256:x ssh-rsa "$(cut -d' ' -f2 "$T/alice_rsa.pub")")" \
  "" "a cache hit, another key offered: nothing"
assert_eq "$("$tool" "${cfg[@]}" authorized-keys bob)" "" "ttl 0 asks LDAP: key gone"
ls "$T/cache" | grep -qv '^[0-9a-f]\{64\}\.json$' && fail "cache file names must be hashes"
[ "$(stat -c %a "$T/cache")" = 700 ] || fail "cache dir mode"
pass "per-user cache with TTL"

# LDAP down: stale answer only with stale_ok.
"$tool" "${cfg[@]}" authorized-keys alice >/dev/null   # warm
slapd_stop
expect_exit 3 "$tool" "${cfg[@]}" authorized-keys alice
assert_eq "$(last_stdout)" "" "no stale answer without stale_ok"
assert_one_line_error "$tool"
expect_exit 0 "$tool" "${cfg[@]}" --stale-ok authorized-keys alice
assert_eq "$(last_stdout)" "$(cat "$T/alice.out")" "stale answer with stale_ok"
assert_contains "$(last_stderr)" "serving the cached answer" "stale warning"
expect_exit 3 "$tool" "${cfg[@]}" --stale-ok authorized-keys never-cached
[ -f "$T/cache/outage" ] || fail "the outage is remembered"
expect_exit 0 "$tool" "${cfg[@]}" --stale-ok authorized-keys alice
assert_contains "$(last_stderr)" "without asking again for 30 s" "recent outage: served without waiting again"
pass "LDAP outage: stale_ok serves the last good answer"

# A server that accepts TCP and never answers: the deadline holds.
python3 "$SECKIT_TESTS_DIR/integration/sshkey-ldap/hung_server.py" "$T/hung.port" &
stop_on_exit $!
for _ in $(seq 50); do [ -s "$T/hung.port" ] && break; sleep 0.1; done
hung="ldap://127.0.0.1:$(cat "$T/hung.port")"
start=$EPOCHREALTIME
expect_exit 3 "$tool" "${cfg[@]}" --uri "$hung" --timeout 2s authorized-keys alice
elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
assert_eq "$(last_stdout)" "" "hung server: nothing printed"
assert_contains "$(last_stderr)" "deadline" "hung server message"
echo "hung server, 2s deadline: returned after ${elapsed}s"
rm -f "$T/cache/outage"   # no recent-outage shortcut: wait for the deadline, then fall back
expect_exit 0 "$tool" "${cfg[@]}" --uri "$hung" --timeout 2s --stale-ok authorized-keys alice
assert_eq "$(last_stdout)" "$(cat "$T/alice.out")" "hung server + stale_ok"
# Failover: the hung server first, a dead port second; both inside one deadline.
expect_exit 3 "$tool" "${cfg[@]}" --uri "$hung" --uri "ldap://127.0.0.1:$(free_port)" --timeout 1s list
pass "hung LDAP costs at most the deadline (${elapsed}s for 2s)"
