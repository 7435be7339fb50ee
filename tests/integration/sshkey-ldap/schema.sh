# The cn=config (LDIF) form of `sshkey-ldap schema`: loaded with slapadd -n0 into a fresh
# cn=config directory next to Debian's core/cosine/nis/inetorgperson LDIF schemas, checked by
# slaptest, then served by slapd -F with an mdb database holding a key that authorized-keys reads.
source "$SECKIT_TESTS_DIR/lib.sh"
tool=sshkey-ldap
base="dc=example,dc=org"
mkdir -p "$T/cn" "$T/db"
{
  printf 'dn: cn=config\nobjectClass: olcGlobal\ncn: config\nolcPidFile: %s/slapd.pid\n\n' "$T"
  printf 'dn: cn=module{0},cn=config\nobjectClass: olcModuleList\ncn: module{0}\nolcModulePath: /usr/lib/ldap\nolcModuleLoad: back_mdb\n\n'
  printf 'dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n\n'
  for s in core cosine nis inetorgperson; do cat "/etc/ldap/schema/$s.ldif"; echo; done
  "$tool" schema --format ldif
  printf '\ndn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\nolcDatabase: {0}config\n\n'
  printf 'dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\nolcDatabase: {1}mdb\nolcDbDirectory: %s/db\nolcSuffix: %s\nolcRootDN: cn=admin,%s\nolcRootPW: secret\nolcDbIndex: uid eq\nolcAccess: to * by * read\n' "$T" "$base" "$base"
} >"$T/config.ldif"
slapadd -q -n0 -F "$T/cn" -l "$T/config.ldif" || fail "slapadd -n0 rejects the cn=config schema"
slaptest -Q -u -F "$T/cn" || fail "slaptest rejects the cn=config directory"
[ -f "$T/cn/cn=config/cn=schema/cn={4}openssh-lpk.ldif" ] || fail "schema entry not stored"
pass "cn=config LDIF schema accepted by slapadd and slaptest"

ssh-keygen -q -t ed25519 -N '' -C cnconfig -f "$T/k"
printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: x\ndc: example\n\ndn: uid=zoe,%s\nobjectClass: account\nobjectClass: ldapPublicKey\nuid: zoe\nsshPublicKey: %s\n' \
  "$base" "$base" "$(cat "$T/k.pub")" >"$T/data.ldif"
slapadd -q -F "$T/cn" -b "$base" -l "$T/data.ldif"
port=$(free_port)
slapd -F "$T/cn" -h "ldap://127.0.0.1:$port/" -d 0 >"$T/slapd.log" 2>&1 &
stop_on_exit $!
wait_port "$port" 20
: >"$T/empty.conf"
expect_exit 0 "$tool" --config "$T/empty.conf" --uri "ldap://127.0.0.1:$port" --base "$base" --cache-dir "$T/cache" authorized-keys zoe
assert_eq "$(last_stdout)" "$(cat "$T/k.pub")" "key served from a cn=config slapd"
pass "slapd configured from the LDIF schema serves sshPublicKey"
