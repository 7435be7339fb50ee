# A throwaway slapd for the golden cases of sshkey-ldap, started by tests/golden/run: the base
# entries of tests/integration/sshkey-ldap/slapd.sh plus the people and hosts of $GOLDEN_SEED.
# Prints the URI on stdout, then serves until stdin closes; lib.sh's EXIT trap stops slapd by PID.
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
slapd_start >&2
awk -v RS= -v ORS='\n\n' '/^dn: (uid|cn=[^,]*,ou=hosts)/' "$GOLDEN_SEED" >"$T/seed.ldif"
ldap_root_add "$T/seed.ldif"
echo "$SLAPD_URI"
read -r _ || true
