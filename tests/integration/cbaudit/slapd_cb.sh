# A private OpenLDAP slapd that checks channel bindings on SASL GSS-SPNEGO binds (bash; source it
# after tests/lib.sh). NTLM inside SPNEGO comes from gss-ntlmssp (registered in /etc/gss/mech.d)
# through cyrus-sasl's GSSAPI plugin (libsasl2-modules-gssapi-mit) and MIT's SPNEGO; the
# acceptor's users are the DOMAIN:user:password lines of $NTLM_USER_FILE, which must be set
# (and exported) before cb_slapd_start.
#
#   cb_slapd_ca DIR          -> DIR/ca.pem, DIR/server.pem (SHA-384 signed: tls-server-end-point
#                               uses SHA-384, RFC 5929 4.1), DIR/server.key; made with openssl now
#   cb_slapd_start DIR LEVEL -> slapd with olcSaslCBinding LEVEL (none | tls-unique |
#                               tls-endpoint), the certificate from cb_slapd_ca DIR, listening on
#                               CB_LDAP_URL (ldap://127.0.0.1:P, StartTLS) and CB_LDAPS_URL;
#                               PID in CB_SLAPD_PID, log in DIR/slapd-LEVEL/slapd.log
#   cb_slapd_stop            -> stops it by PID (stop_on_exit also does at exit)
#
# sasl-host is 127.0.0.1: gss-ntlmssp's initiator refuses the challenge of an acceptor whose
# host name differs from the host in its target name (ldap@127.0.0.1 when the client connects to
# 127.0.0.1 without canonicalisation), failing with "Invalid argument". No Kerberos keytab is
# needed: MIT's SPNEGO acceptor just leaves krb5 out when it has no key.
CB_SLAPD_PID=""

cb_slapd_ca() {
  local d="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -sha384 -days 2 -subj "/CN=seckit cbaudit test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" \
    -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
  openssl x509 -req -sha384 -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
}

cb_slapd_start() {
  local ca="$1" level="$2" d="$1/slapd-$2" port sport
  [ -n "${NTLM_USER_FILE:-}" ] || fail "cb_slapd_start: NTLM_USER_FILE is not set"
  [ -n "$(find /usr/lib -name 'libgssapiv2.so*' -print -quit)" ] \
    || fail "cyrus-sasl GSSAPI plugin missing (scripts/deps.d/cbaudit.txt: libsasl2-modules-gssapi-mit)"
  mkdir -p "$d/db"
  cat >"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $d/slapd.pid
argsfile $d/slapd.args
TLSCACertificateFile $ca/ca.pem
TLSCertificateFile $ca/server.pem
TLSCertificateKeyFile $ca/server.key
sasl-host 127.0.0.1
sasl-cbinding $level
database mdb
maxsize 10485760
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
directory $d/db
CONF
  slaptest -u -f "$d/slapd.conf" >/dev/null 2>&1 || { slaptest -u -f "$d/slapd.conf"; fail "slapd.conf invalid"; }
  port=$(free_port)
  sport=$(free_port)
  CB_LDAP_URL="ldap://127.0.0.1:$port"
  CB_LDAPS_URL="ldaps://127.0.0.1:$sport"
  # KRB5_KTNAME: a keytab that does not exist, so a host keytab never joins in.
  KRB5_KTNAME="FILE:$d/no.keytab" slapd -f "$d/slapd.conf" -h "$CB_LDAP_URL/ $CB_LDAPS_URL/" \
    -d stats >"$d/slapd.log" 2>&1 &
  CB_SLAPD_PID=$!
  stop_on_exit "$CB_SLAPD_PID"
  wait_port "$port" 30
  wait_port "$sport" 30
}

cb_slapd_stop() {
  if [ -n "$CB_SLAPD_PID" ]; then
    kill "$CB_SLAPD_PID" 2>/dev/null || true
    wait "$CB_SLAPD_PID" 2>/dev/null || true
    CB_SLAPD_PID=""
  fi
}
