# Throwaway OpenLDAP slapd for the sshkey-ldap integration tests. Source after lib.sh:
#   slapd_start [tls]   -> (SLAPD_PPOLICY=1: the ppolicy overlay, default policy
#                          cn=default,ou=policies,$BASE, to be added by the test)
#                          SLAPD_URI (ldap://127.0.0.1:PORT), SLAPD_LDAPS_URI (with tls),
#                          SLAPD_PID, BASE, ROOT_DN, ROOT_PW_FILE, READER_DN, READER_PW_FILE,
#                          CA_FILE (with tls); config in $T/slapd, mdb under $T/slapd/db
#   ldap_root_add FILE  -> ldapadd as the rootdn
#   ldap_root_modify FILE
#   slapd_stop          -> stops it by PID (also done at exit)
# slapd runs from a slapd.conf written here (no Debian default config, no system slapd), with
# the core/cosine/nis/inetorgperson schemas and the openssh-lpk schema `sshkey-ldap schema`
# prints, back_mdb loaded from /usr/lib/ldap, on a free port of 127.0.0.1.

BASE="dc=example,dc=org"
ROOT_DN="cn=admin,$BASE"
READER_DN="cn=reader,$BASE"
SLAPD_PID=""

make_test_ca() {  # dir: CA + server certificate for 127.0.0.1/localhost, made with openssl now
  local d="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=seckit test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" \
    -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
  chmod 644 "$d/server.key"
}

slapd_start() {
  local tls="${1:-}" d="$T/slapd"
  mkdir -p "$d/db"
  sshkey-ldap schema --format slapd >"$d/openssh-lpk.schema"
  printf 'secret' >"$d/root.pw"
  printf 'readerpw' >"$d/reader.pw"
  chmod 600 "$d/root.pw" "$d/reader.pw"
  ROOT_PW_FILE="$d/root.pw"
  READER_PW_FILE="$d/reader.pw"
  local tls_conf="" ppolicy_module="" ppolicy_overlay=""
  if [ "${SLAPD_PPOLICY:-}" = 1 ]; then
    ppolicy_module="moduleload ppolicy"
    ppolicy_overlay="overlay ppolicy
ppolicy_default \"cn=default,ou=policies,$BASE\""
  fi
  if [ "$tls" = tls ]; then
    make_test_ca "$d"
    CA_FILE="$d/ca.pem"
    tls_conf="TLSCACertificateFile $d/ca.pem
TLSCertificateFile $d/server.pem
TLSCertificateKeyFile $d/server.key"
  fi
  cat >"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include $d/openssh-lpk.schema
modulepath /usr/lib/ldap
moduleload back_mdb
$ppolicy_module
pidfile $d/slapd.pid
argsfile $d/slapd.args
$tls_conf
database mdb
maxsize 1073741824
suffix "$BASE"
rootdn "$ROOT_DN"
rootpw secret
directory $d/db
index objectClass eq
index uid eq
index cn eq
# The size limit stays slapd's default (500 per search, also for the reader); the reader may walk
# further only with the paged-results control, which is what OpenLDAP's size.prtotal is for.
limits dn.exact="$READER_DN" size.prtotal=unlimited
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="$READER_DN" read by * read
$ppolicy_overlay
CONF
  slaptest -u -f "$d/slapd.conf" >/dev/null 2>&1 || { slaptest -u -f "$d/slapd.conf"; fail "slapd.conf invalid"; }
  SLAPD_PORT=$(free_port)
  SLAPD_URI="ldap://127.0.0.1:$SLAPD_PORT"
  local urls="$SLAPD_URI/"
  if [ "$tls" = tls ]; then
    SLAPD_LDAPS_PORT=$(free_port)
    SLAPD_LDAPS_URI="ldaps://127.0.0.1:$SLAPD_LDAPS_PORT"
    urls="$urls $SLAPD_LDAPS_URI/"
  fi
  if [ -n "${SLAPD_EXTRA_URLS:-}" ]; then urls="$urls $SLAPD_EXTRA_URLS"; fi
  slapd -f "$d/slapd.conf" -h "$urls" -d 0 >"$d/slapd.log" 2>&1 &
  SLAPD_PID=$!
  stop_on_exit "$SLAPD_PID"
  wait_port "$SLAPD_PORT" 20
  cat >"$d/base.ldif" <<LDIF
dn: $BASE
objectClass: dcObject
objectClass: organization
o: example
dc: example

dn: ou=people,$BASE
objectClass: organizationalUnit
ou: people

dn: ou=hosts,$BASE
objectClass: organizationalUnit
ou: hosts

dn: $READER_DN
objectClass: person
objectClass: simpleSecurityObject
cn: reader
sn: reader
userPassword: readerpw
LDIF
  ldap_root_add "$d/base.ldif"
}

ldap_root_add() { ldapadd -x -H "$SLAPD_URI" -D "$ROOT_DN" -y "$ROOT_PW_FILE" -f "$1" >/dev/null; }
ldap_root_modify() { ldapmodify -x -H "$SLAPD_URI" -D "$ROOT_DN" -y "$ROOT_PW_FILE" -f "$1" >/dev/null; }

# Prints a user entry (posixAccount + inetOrgPerson), optionally with ldapPublicKey + keys.
user_ldif() {  # name uidNumber [key-line...]
  local name="$1" number="$2"; shift 2
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$name" "$BASE"
  if [ $# -gt 0 ]; then printf 'objectClass: ldapPublicKey\n'; fi
  printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\nhomeDirectory: /home/%s\n' \
    "$name" "$name" "$name" "$number" "$number" "$name"
  local key
  for key in "$@"; do printf 'sshPublicKey: %s\n' "$key"; done
  printf '\n'
}

slapd_stop() {
  if [ -n "$SLAPD_PID" ]; then
    kill "$SLAPD_PID" 2>/dev/null || true
    wait "$SLAPD_PID" 2>/dev/null || true
    SLAPD_PID=""
  fi
}

# A config file for the tool pointing at this slapd, reading as the non-root reader (so the
# server's default size limit of 500 applies), cache in $T.
write_tool_config() {  # file [extra lines...]
  local file="$1"; shift
  {
    echo "uri = $SLAPD_URI"
    echo "base = $BASE"
    echo "bind_dn = $READER_DN"
    echo "bind_password_file = $READER_PW_FILE"
    echo "cache_dir = $T/cache"
    echo "timeout = 5s"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$file"
}
