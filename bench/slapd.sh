# start_slapd DIR USERS: a throwaway slapd on 127.0.0.1 with USERS users (uid indexed, one
# ed25519 key each, every 10th two), loaded offline with slapadd; used by bench/latency/run and
# bench/sshkey-ldap/run.
# Sets uri, base and slapd_pid (the caller stops it by PID).
start_slapd() {
  local d="$1" users="$2"
  base="dc=bench,dc=example"
  "$BIN/sshkey-ldap" schema --format slapd >"$d/openssh-lpk.schema"
  mkdir -p "$d/db"
  cat >"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include $d/openssh-lpk.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $d/slapd.pid
database mdb
maxsize 4294967296
suffix "$base"
rootdn "cn=admin,$base"
rootpw bench
directory $d/db
index objectClass eq
index uid eq
access to * by * read
limits anonymous size.prtotal=unlimited
CONF
  python3 - "$base" "$users" >"$d/users.ldif" <<'PY'
import base64, os, struct, sys
base, n = sys.argv[1], int(sys.argv[2])
def s(b): return struct.pack(">I", len(b)) + b
print(f"dn: {base}\nobjectClass: dcObject\nobjectClass: organization\no: bench\ndc: bench\n")
print(f"dn: ou=people,{base}\nobjectClass: organizationalUnit\nou: people\n")
for i in range(n):
    lines = [f"dn: uid=user{i},ou=people,{base}", "objectClass: inetOrgPerson",
             "objectClass: ldapPublicKey", f"uid: user{i}", f"cn: user{i}", "sn: bench"]
    for k in range(2 if i % 10 == 0 else 1):
        blob = s(b"ssh-ed25519") + s(os.urandom(32))
        lines.append(f"sshPublicKey: ssh-ed25519 {base64.b64encode(blob).decode()} user{i}-{k}")
    print("\n".join(lines) + "\n")
PY
  slapadd -q -f "$d/slapd.conf" -l "$d/users.ldif"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  slapd -f "$d/slapd.conf" -h "ldap://127.0.0.1:$port/" -d 0 >"$d/slapd.log" 2>&1 &
  slapd_pid=$!
  for _ in $(seq 300); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  uri="ldap://127.0.0.1:$port"
  echo "slapd $slapd_pid on $uri with $users users"
}
