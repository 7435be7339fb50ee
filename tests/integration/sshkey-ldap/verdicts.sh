# Honest verdicts (issue 15) against a real slapd, the directory's state read with ldapsearch and
# fingerprints from ssh-keygen:
#  - case 7: add/remove/import forget the cached answers of the users they change at once;
#    `cache flush [USER...]` does it for changes made elsewhere; stale_ok serves an answer only
#    up to stale_max and says how old it is;
#  - the evidence-free family: empty input (import of an empty file or directory, audit of a
#    subtree without keys), irrelevant input (users that match nothing, named in a finding), cut
#    short (import file whose last line is truncated), wrong keys (remove with a fingerprint of
#    another user's key) -> inconclusive (exit 4) or fail (exit 1), with the reason's wording.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
slapd_start

for n in alice1 alice2 bob1 carol1; do ssh-keygen -q -t ed25519 -N '' -C "$n" -f "$T/$n"; done
fp() { ssh-keygen -l -f "$T/$1.pub" | cut -d' ' -f2; }
{ user_ldif alice 5001 "$(cat "$T/alice1.pub")"; user_ldif bob 5002; user_ldif carol 5003; } >"$T/users.ldif"
ldap_root_add "$T/users.ldif"
ldap_keys() {  # user -> the raw sshPublicKey values, as ldapsearch sees them
  ldapsearch -LLL -o ldif-wrap=no -x -H "$SLAPD_URI" -b "$BASE" "(uid=$1)" sshPublicKey |
    sed -n 's/^sshPublicKey: //p'
}
# The sshd side reads as the reader with a 1 h cache; the admin writes as the rootdn. Both on
# this host, so they share cache_dir.
write_tool_config "$T/reader.conf" "cache_ttl = 1h"
printf 'uri = %s\nbase = %s\nbind_dn = %s\nbind_password_file = %s\ncache_dir = %s\n' \
  "$SLAPD_URI" "$BASE" "$ROOT_DN" "$ROOT_PW_FILE" "$T/cache" >"$T/admin.conf"
r=(--config "$T/reader.conf")
w=(--config "$T/admin.conf")
summary() { jq -c "select(.type==\"summary\").data | $1" "$2"; }

# ---- case 7: a removed key is not served from the cache, an added key is seen at once ----
assert_eq "$("$tool" "${r[@]}" authorized-keys alice)" "$(cat "$T/alice1.pub")" "warm cache"
expect_exit 0 "$tool" "${w[@]}" remove alice "$(fp alice1)"
assert_eq "$(ldap_keys alice)" "" "removed in LDAP"
expect_exit 0 "$tool" "${r[@]}" authorized-keys alice
assert_eq "$(last_stdout)" "" "the removed key is not served from the cache"
expect_exit 0 "$tool" "${w[@]}" add alice "$T/alice2.pub"
assert_eq "$("$tool" "${r[@]}" authorized-keys alice)" "$(cat "$T/alice2.pub")" "added key seen at once"
assert_eq "$("$tool" "${r[@]}" authorized-keys bob)" "" "bob: no keys yet (cached)"
printf '{"user":"bob","key":"%s"}\n' "$(cat "$T/bob1.pub")" >"$T/bob.jsonl"
expect_exit 0 "$tool" "${w[@]}" import "$T/bob.jsonl"
assert_eq "$("$tool" "${r[@]}" authorized-keys bob)" "$(cat "$T/bob1.pub")" "imported key seen at once"
pass "add, remove and import invalidate the users they change"

# A change made elsewhere (ldapmodify, another host's sshkey-ldap) is served from the cache
# until `cache flush`.
assert_eq "$("$tool" "${r[@]}" authorized-keys carol)" "" "carol: empty answer cached"
printf 'dn: uid=carol,ou=people,%s\nchangetype: modify\nadd: objectClass\nobjectClass: ldapPublicKey\n-\nadd: sshPublicKey\nsshPublicKey: %s\n' \
  "$BASE" "$(cat "$T/carol1.pub")" >"$T/carol.ldif"
ldap_root_modify "$T/carol.ldif"
assert_eq "$("$tool" "${r[@]}" authorized-keys carol)" "" "cached until flushed"
expect_exit 0 "$tool" --json "${r[@]}" cache flush carol nobody-cached
last_stdout >"$T/flush.jsonl"
assert_envelope "$T/flush.jsonl"
assert_eq "$(summary '[.verdict, .counts.flushed, .counts.not_cached, .exit_code]' "$T/flush.jsonl")" '["pass",1,1,0]' "flush counts"
assert_eq "$("$tool" "${r[@]}" authorized-keys carol)" "$(cat "$T/carol1.pub")" "flushed: LDAP asked again"
expect_exit 0 "$tool" "${r[@]}" cache flush
assert_contains "$(last_stdout)" "flushed 3 cached answer(s)" "flush all"
ls "$T/cache" | grep -q '\.json$' && fail "cache flush left answers behind"
pass "cache flush [USER...] forgets answers changed elsewhere"

# ---- stale_ok / stale_max: the answer's age is stated, and too old is refused ----
assert_eq "$("$tool" "${r[@]}" authorized-keys alice)" "$(cat "$T/alice2.pub")" "warm alice"
cache_file="$T/cache/$(printf %s alice | sha256sum | cut -d' ' -f1).json"
[ -f "$cache_file" ] || fail "cache file named by SHA-256 of the user"
touch -d "@$(($(date +%s) - 30 * 3600))" "$cache_file"   # the answer is 30 hours old
dead=(--uri "ldap://127.0.0.1:$(free_port)")
expect_exit 3 "$tool" "${r[@]}" "${dead[@]}" --stale-ok authorized-keys alice
assert_eq "$(last_stdout)" "" "too old: nothing served"
assert_one_line_error "$tool"
assert_contains "$(last_stderr)" "is 30 h old, over stale_max (24 h)" "stale_max refusal names the age"
rm -f "$T/cache/outage"
expect_exit 0 "$tool" "${r[@]}" "${dead[@]}" --stale-ok --stale-max 48h authorized-keys alice
assert_eq "$(last_stdout)" "$(cat "$T/alice2.pub")" "within stale_max: served"
assert_contains "$(last_stderr)" "(30 h old, stale_max 48 h)" "stale warning states the age"
expect_exit 0 "$tool" --json "${r[@]}" "${dead[@]}" --stale-ok --stale-max 48h authorized-keys alice
last_stdout >"$T/stale.jsonl"
assert_contains "$(last_stderr)" "30 h old" "recent-outage shortcut states the age too"
assert_eq "$(summary '[.verdict, .counts.source, .exit_code]' "$T/stale.jsonl")" '["pass","stale-cache",0]' "stale JSON"
jq -e 'select(.type=="summary").data.counts.age_seconds | . >= 108000 and . < 108600' "$T/stale.jsonl" >/dev/null \
  || fail "age_seconds: $(summary .counts "$T/stale.jsonl")"
pass "stale_ok serves up to stale_max and states the answer's age"

# ---- authorized-keys and known-hosts: "nothing" is an answer (sshd and ssh need exit 0) ----
expect_exit 0 "$tool" --json "${r[@]}" authorized-keys nobody-here
last_stdout >"$T/none.jsonl"
assert_eq "$(summary '[.verdict, .counts.keys, .exit_code]' "$T/none.jsonl")" '["pass",0,0]' "unknown user"
expect_exit 0 "$tool" "${r[@]}" known-hosts unknown.example.org
assert_eq "$(last_stdout)" "" "unknown host: no lines"
pass "lookups for sshd and ssh answer 'no keys' with exit 0"

# ---- empty input ----
: >"$T/empty.jsonl"
expect_exit 4 "$tool" --json "${w[@]}" import "$T/empty.jsonl"
last_stdout >"$T/empty-import.jsonl"
assert_envelope "$T/empty-import.jsonl"
assert_eq "$(summary '[.verdict, .exit_code, .reasons[0].code]' "$T/empty-import.jsonl")" '["inconclusive",4,"no-keys"]' "empty import"
assert_eq "$(summary '.reasons[0].message' "$T/empty-import.jsonl")" "\"0 public keys read from $T/empty.jsonl: nothing was imported\"" "empty import reason"
expect_exit 4 "$tool" "${w[@]}" import "$T/empty.jsonl"
assert_eq "$(last_stdout)" "inconclusive: 0 public keys read from $T/empty.jsonl: nothing was imported" "text reason"
printf '{"account":"alice@example.org","issuer":"Example"}\n' >"$T/otp-only.jsonl"
expect_exit 4 "$tool" "${w[@]}" import "$T/otp-only.jsonl"
assert_contains "$(last_stdout)" "(1 entries without a key skipped): nothing was imported" "otpgen-only file"
mkdir -p "$T/emptydir"
expect_exit 4 "$tool" "${w[@]}" import "$T/emptydir"
assert_contains "$(last_stdout)" "inconclusive: 0 public keys read from $T/emptydir" "empty directory"
: >"$T/empty.pub"
expect_exit 4 "$tool" "${w[@]}" add alice "$T/empty.pub"
assert_contains "$(last_stdout)" "inconclusive: 0 public keys read from $T/empty.pub: nothing was added" "add of an empty file"
expect_exit 4 "$tool" --json "${r[@]}" --base "ou=hosts,$BASE" audit
last_stdout >"$T/empty-audit.jsonl"
assert_eq "$(summary '[.verdict, .exit_code, .counts.entries, .reasons[0].code]' "$T/empty-audit.jsonl")" '["inconclusive",4,0,"no-entries"]' "empty audit"
assert_eq "$(summary '.reasons[0].message' "$T/empty-audit.jsonl")" \
  "\"0 entries match (sshPublicKey=*) under ou=hosts,$BASE: nothing was audited (check base, key_attribute and what bind_dn may read)\"" "empty audit reason"
expect_exit 4 "$tool" "${r[@]}" --base "ou=hosts,$BASE" audit
assert_contains "$(last_stdout)" "inconclusive: 0 entries match" "text: not '0 problems, pass'"
expect_exit 0 "$tool" "${r[@]}" audit
assert_contains "$(last_stdout)" "audited 3 entries, 3 keys: 0 error(s), 0 warning(s)" "a real audit passes"
pass "empty input is inconclusive (exit 4) with the reason"

# ---- irrelevant input: names that match nothing are named in a finding ----
printf '{"user":"ghost","key":"%s"}\n' "$(cat "$T/carol1.pub")" >"$T/ghost.jsonl"
expect_exit 1 "$tool" --json "${w[@]}" import "$T/ghost.jsonl"
last_stdout >"$T/ghost-import.jsonl"
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="user-not-found").data.details.user' "$T/ghost-import.jsonl")" "ghost" "ghost named"
assert_eq "$(summary '[.verdict, .exit_code]' "$T/ghost-import.jsonl")" '["fail",1]' "ghost import fails"
assert_contains "$(jq -r 'select(.type=="finding").data.message' "$T/ghost-import.jsonl")" "ghost: no entry matches (uid=ghost) under $BASE" "ghost wording"
expect_exit 4 "$tool" --json "${r[@]}" list ghost
last_stdout >"$T/ghost-list.jsonl"
assert_eq "$(jq -r 'select(.type=="finding").data | "\(.code) \(.details.user)"' "$T/ghost-list.jsonl")" "user-not-found ghost" "list ghost finding"
assert_eq "$(summary '[.verdict, .exit_code, .reasons[0].code]' "$T/ghost-list.jsonl")" '["inconclusive",4,"no-entries"]' "list ghost verdict"
pass "users that match nothing are named in a finding"

# ---- cut short: the last line of the import file is truncated ----
line_bob="{\"user\":\"bob\",\"key\":\"$(cat "$T/alice1.pub")\"}"
line_carol="{\"user\":\"carol\",\"key\":\"$(cat "$T/alice2.pub")\"}"
{ echo "$line_bob"; printf '%s' "${line_carol:0:40}"; } >"$T/cut.jsonl"
expect_exit 4 "$tool" --json "${w[@]}" import "$T/cut.jsonl"
last_stdout >"$T/cut-import.jsonl"
assert_eq "$(summary '[.verdict, .exit_code, .counts.added, .counts.cut_short, .reasons[0].code]' "$T/cut-import.jsonl")" \
  '["inconclusive",4,1,1,"input-cut-short"]' "cut short import"
assert_eq "$(summary '.reasons[0].message' "$T/cut-import.jsonl")" \
  "\"$T/cut.jsonl:2: the last line is cut short, so $T/cut.jsonl is incomplete; import the complete file again\"" "cut short reason"
assert_eq "$(jq -r 'select(.type=="finding").data.code' "$T/cut-import.jsonl")" "input-cut-short" "cut short finding"
assert_contains "$(ldap_keys bob)" "$(cat "$T/alice1.pub")" "the complete line before it was imported"
# A directory whose key file ends in half a key.
mkdir -p "$T/cutdir"
{ cat "$T/bob1.pub"; head -c 50 "$T/carol1.pub"; } >"$T/cutdir/carol.pub"
expect_exit 4 "$tool" "${w[@]}" import "$T/cutdir"
assert_contains "$(last_stdout)" "warning input-cut-short: $T/cutdir/carol.pub:2: the last line has no line break" "cut short key file"
# A rejected line as well: fail wins, both reasons kept.
{ echo '{"user":"bob","key":"ssh-ed25519 AAAA"}'; printf '%s' "${line_carol:0:40}"; } >"$T/cutbad.jsonl"
expect_exit 1 "$tool" --json "${w[@]}" import "$T/cutbad.jsonl"
assert_eq "$(last_stdout | jq -c 'select(.type=="summary").data | [.verdict, [.reasons[].code]]')" '["fail",["rejected","input-cut-short"]]' "fail wins"
pass "an import file cut short is inconclusive and named"

# ---- wrong keys: remove with a fingerprint alice does not hold ----
ldapsearch -LLL -x -H "$SLAPD_URI" -b "$BASE" >"$T/before.ldif"
expect_exit 4 "$tool" --json "${w[@]}" remove alice "$(fp carol1)"
last_stdout >"$T/wrong-remove.jsonl"
assert_eq "$(summary '[.verdict, .exit_code, .counts.removed]' "$T/wrong-remove.jsonl")" '["inconclusive",4,0]' "wrong key"
assert_eq "$(jq -r 'select(.type=="finding").data.message' "$T/wrong-remove.jsonl")" \
  "alice: $(fp carol1) matches none of the 1 key(s) of alice ($(fp alice2))" "finding names the key and what alice holds"
expect_exit 4 "$tool" "${w[@]}" remove alice "$(fp carol1)"
assert_contains "$(last_stdout)" "inconclusive: nothing removed: $(fp carol1) matches no key of alice; see sshkey-ldap list alice" "text reason"
ldapsearch -LLL -x -H "$SLAPD_URI" -b "$BASE" >"$T/after.ldif"
diff -q "$T/before.ldif" "$T/after.ldif" >/dev/null || fail "a remove that matched nothing changed the directory"
pass "remove with a key that matches nothing is named and inconclusive"
