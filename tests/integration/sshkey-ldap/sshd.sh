# End to end through a real OpenSSH sshd: AuthorizedKeysCommand runs sshkey-ldap (copied with its
# commands module into a fresh root-owned 0755 directory under /run, because sshd refuses a command
# whose parent directories are writable by others, as /tmp is) as AuthorizedKeysCommandUser nobody.
#  - a key that exists only in LDAP logs in, a key not in LDAP does not;
#  - a removed key stops working;
#  - with slapd stopped and a warm cache, login works only when stale_ok;
#  - a hung LDAP (accepts, never answers) costs at most the deadline per lookup;
#  - ssh's KnownHostsCommand verifies the sshd host key from LDAP (StrictHostKeyChecking=yes).
source "$SECKIT_TESTS_DIR/lib.sh"
source "$SECKIT_TESTS_DIR/integration/sshkey-ldap/slapd.sh"
tool=sshkey-ldap
if [ "$(id -u)" != 0 ]; then echo "skip: needs root (useradd, sshd)"; exit 77; fi
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || fail "openssh-server is not installed"

user="skl$$$RANDOM"
D=$(mktemp -d /run/seckit-sshtest.XXXXXX)
chmod 755 "$D"
extra_cleanup() {
  userdel "$user" 2>/dev/null || true
  rm -rf "$D"
}
trap 'extra_cleanup; cleanup' EXIT
useradd -M -d /nonexistent -s /bin/sh "$user"
usermod -p '*' "$user"   # not locked ("!"), no usable password
mkdir -p /run/sshd && chmod 755 /run/sshd   # sshd's privilege separation directory

slapd_start
# The executable and, at the same path relative to it as in the build tree and an install, the
# commands module it loads for everything but a cache hit (tools/sshkey-ldap/front.cpp).
built="$(dirname "$(command -v sshkey-ldap)")/.."
module=$(cd "$built" && find lib* -name sshkey-ldap-commands.so | head -1)
[ -n "$module" ] || fail "no sshkey-ldap-commands.so next to $(command -v sshkey-ldap)"
mkdir -p "$D/bin" "$D/$(dirname "$module")"
cp "$(command -v sshkey-ldap)" "$D/bin/sshkey-ldap"
cp "$built/$module" "$D/$module"
chmod -R go-w,a+rX "$D"
mkdir -m 700 "$D/cache" && chown nobody "$D/cache"
cp "$READER_PW_FILE" "$D/reader.pw" && chown nobody "$D/reader.pw" && chmod 600 "$D/reader.pw"
tool_conf() {  # extra config lines
  {
    echo "uri = ${URI_OVERRIDE:-$SLAPD_URI}"
    echo "base = $BASE"
    echo "bind_dn = $READER_DN"
    echo "bind_password_file = $D/reader.pw"
    echo "cache_dir = $D/cache"
    echo "cache_ttl = 0"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$D/sshkey-ldap.conf"
  chmod 644 "$D/sshkey-ldap.conf"
}
tool_conf "timeout = 3s"

ssh-keygen -q -t ed25519 -N '' -C in-ldap -f "$T/id_ldap"
ssh-keygen -q -t ed25519 -N '' -C not-in-ldap -f "$T/id_other"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key"
user_ldif "$user" 7001 "$(cat "$T/id_ldap.pub")" >"$T/user.ldif"
ldap_root_add "$T/user.ldif"

port=$(free_port)
cat >"$T/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile none
AuthorizedKeysCommand $D/bin/sshkey-ldap --config $D/sshkey-ldap.conf authorized-keys %u %f %t %k
AuthorizedKeysCommandUser nobody
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
StrictModes no
LogLevel VERBOSE
CONF
"$SSHD" -t -f "$T/sshd_config" || fail "sshd -t rejects the test config"
"$SSHD" -D -e -f "$T/sshd_config" -o "AllowUsers=$user" >"$T/sshd.log" 2>&1 &
stop_on_exit $!
wait_port "$port" 20

login() {  # key [extra ssh options...] -> exit status of ssh
  local key="$1"; shift
  ssh -F /dev/null -i "$key" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile="$T/known" \
    -o BatchMode=yes -o IdentitiesOnly=yes -o PasswordAuthentication=no -o ConnectTimeout=30 \
    "$@" "$user@127.0.0.1" true 2>>"$T/ssh.log"
}

login "$T/id_ldap" || { tail -20 "$T/sshd.log" >&2; fail "the LDAP key must log in"; }
if login "$T/id_other"; then fail "a key not in LDAP logged in"; fi
pass "a key that exists only in LDAP logs in; another key does not"

# Why authorized-keys exits 0 for every answer the directory gave (no keys, unknown user) and
# non-zero only when it got none: sshd ignores the output of an AuthorizedKeysCommand that exits
# non-zero. Shown with a second sshd whose command prints the right key and exits 0, then 4.
cat >"$D/fixed-akc" <<SH
#!/bin/sh
cat "$D/fixed.pub"
exit \$(cat "$D/fixed.status")
SH
chmod 755 "$D/fixed-akc"
cp "$T/id_ldap.pub" "$D/fixed.pub" && chmod 644 "$D/fixed.pub"
port2=$(free_port)
sed -e "s|^Port .*|Port $port2|" -e "s|^PidFile .*|PidFile $T/sshd2.pid|" \
  -e "s|^AuthorizedKeysCommand .*|AuthorizedKeysCommand $D/fixed-akc|" "$T/sshd_config" >"$T/sshd2_config"
"$SSHD" -D -e -f "$T/sshd2_config" -o "AllowUsers=$user" >"$T/sshd2.log" 2>&1 &
sshd2=$!
stop_on_exit "$sshd2"
wait_port "$port2" 20
port_main=$port; port=$port2
echo 0 >"$D/fixed.status"; chmod 644 "$D/fixed.status"
login "$T/id_ldap" || { tail -20 "$T/sshd2.log" >&2; fail "the fixed command with exit 0 must log in"; }
echo 4 >"$D/fixed.status"
if login "$T/id_ldap"; then fail "sshd used the output of a command that exited 4"; fi
port=$port_main
kill "$sshd2" 2>/dev/null || true
pass "sshd ignores AuthorizedKeysCommand output on a non-zero exit (so 'no keys' must exit 0)"

# Values as real directories hold them (issue 19): a key stored with a trailing CRLF, and a
# value of two lines whose second line is the key offered. The real sshd logs in with both.
ssh-keygen -q -t ed25519 -N '' -C crlf -f "$T/id_crlf"
ssh-keygen -q -t ecdsa -N '' -C second -f "$T/id_second"
printf 'dn: uid=%s,ou=people,%s\nchangetype: modify\nreplace: sshPublicKey\nsshPublicKey:: %s\nsshPublicKey:: %s\n' \
  "$user" "$BASE" "$(printf '%s\r\n' "$(cat "$T/id_crlf.pub")" | base64 -w0)" \
  "$(printf '%s\n%s\n' "$(cat "$T/id_other.pub")" "$(cat "$T/id_second.pub")" | base64 -w0)" >"$T/crlf.ldif"
ldap_root_modify "$T/crlf.ldif"
login "$T/id_crlf" || { tail -20 "$T/sshd.log" >&2; fail "a key stored with a trailing CRLF must log in"; }
login "$T/id_second" || { tail -20 "$T/sshd.log" >&2; fail "the second key of a multi-line value must log in"; }
pass "sshd logs in with a key stored with CRLF and with the 2nd key of a multi-line value"

printf 'dn: uid=%s,ou=people,%s\nchangetype: modify\ndelete: sshPublicKey\n' "$user" "$BASE" >"$T/del.ldif"
ldap_root_modify "$T/del.ldif"
if login "$T/id_ldap"; then fail "a removed key still logs in"; fi
pass "a removed key stops working"

ldap_root_add <(printf 'dn: uid=%s,ou=people,%s\nchangetype: modify\nadd: sshPublicKey\nsshPublicKey: %s\n' "$user" "$BASE" "$(cat "$T/id_ldap.pub")") 2>/dev/null \
  || ldap_root_modify <(printf 'dn: uid=%s,ou=people,%s\nchangetype: modify\nadd: sshPublicKey\nsshPublicKey: %s\n' "$user" "$BASE" "$(cat "$T/id_ldap.pub")")
login "$T/id_ldap" || fail "re-added key logs in (and warms the cache)"
slapd_stop
if login "$T/id_ldap"; then fail "LDAP down without stale_ok must not log in"; fi
tool_conf "timeout = 3s" "stale_ok = yes"
login "$T/id_ldap" || { tail -20 "$T/sshd.log" >&2; fail "LDAP down + warm cache + stale_ok must log in"; }
if login "$T/id_other"; then fail "stale cache let another key in"; fi
pass "LDAP stopped: the warm cache logs in only with stale_ok"

# A hung LDAP server: each lookup costs at most the deadline (2 s); sshd runs the command
# for each offered key/signature, so the whole login is a small multiple of it.
python3 "$SECKIT_TESTS_DIR/integration/sshkey-ldap/hung_server.py" "$T/hung.port" &
stop_on_exit $!
for _ in $(seq 50); do [ -s "$T/hung.port" ] && break; sleep 0.1; done
URI_OVERRIDE="ldap://127.0.0.1:$(cat "$T/hung.port")"
tool_conf "timeout = 2s"
start=$EPOCHREALTIME
if login "$T/id_ldap"; then fail "hung LDAP without stale_ok must not log in"; fi
t_fail=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
tool_conf "timeout = 2s" "stale_ok = yes"
rm -f "$D/cache/outage"   # the first lookup must wait for the deadline, later ones skip it
start=$EPOCHREALTIME
login "$T/id_ldap" || fail "hung LDAP + stale_ok + warm cache must log in"
t_stale=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
echo "hung LDAP, deadline 2s: refused login took ${t_fail}s, stale login took ${t_stale}s"
# Generous bound (no timing assertion beyond "it returns and does not hang").
awk -v t="$t_fail" 'BEGIN{exit !(t < 60)}' || fail "a hung LDAP held the login for ${t_fail}s"
grep -q "sshkey-ldap.*deadline\|AuthorizedKeysCommand" "$T/sshd.log" || true
pass "hung LDAP costs at most the deadline per lookup (${t_fail}s / ${t_stale}s)"

# KnownHostsCommand: the sshd host key from LDAP, verified strictly.
URI_OVERRIDE=""
T_MAIN="$T"; T="$T/slapd2"; mkdir -p "$T"; slapd_start; T="$T_MAIN"
printf 'dn: cn=testhost,ou=hosts,%s\nobjectClass: device\nobjectClass: ipHost\nobjectClass: ldapPublicKey\ncn: testhost\nipHostNumber: 127.0.0.1\nsshPublicKey: %s\n' \
  "$BASE" "$(cut -d' ' -f1,2 "$T/host_key.pub")" >"$T/host.ldif"
ldap_root_add "$T/host.ldif"
tool_conf "timeout = 3s"
user_ldif "$user" 7001 "$(cat "$T/id_ldap.pub")" >"$T/user2.ldif"
ldap_root_add "$T/user2.ldif"
khc="$D/bin/sshkey-ldap --config $D/sshkey-ldap.conf known-hosts %H"
ssh -F /dev/null -i "$T/id_ldap" -p "$port" -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
  -o GlobalKnownHostsFile=/dev/null -o "KnownHostsCommand=$khc" -o BatchMode=yes -o IdentitiesOnly=yes \
  "$user@127.0.0.1" true 2>>"$T/ssh.log" || { tail -5 "$T/ssh.log" >&2; fail "KnownHostsCommand must verify the host key"; }
# A wrong host key in LDAP: strict checking refuses.
ssh-keygen -q -t ed25519 -N '' -f "$T/wrong_host"
printf 'dn: cn=testhost,ou=hosts,%s\nchangetype: modify\nreplace: sshPublicKey\nsshPublicKey: %s\n' "$BASE" "$(cut -d' ' -f1,2 "$T/wrong_host.pub")" >"$T/wrong.ldif"
ldap_root_modify "$T/wrong.ldif"
if ssh -F /dev/null -i "$T/id_ldap" -p "$port" -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
  -o GlobalKnownHostsFile=/dev/null -o "KnownHostsCommand=$khc" -o BatchMode=yes -o IdentitiesOnly=yes \
  "$user@127.0.0.1" true 2>>"$T/ssh.log"; then fail "a wrong host key in LDAP was accepted"; fi
pass "ssh KnownHostsCommand verifies the host key from LDAP"

# A host certificate verified through a wildcard @cert-authority entry (issue 19): a third sshd
# presents a host certificate for db.example.org signed by a CA that LDAP holds only as
# "@cert-authority *.example.org,!bad.example.org"; ssh connects to 127.0.0.1 under the name
# db.example.org (HostKeyAlias), so KnownHostsCommand gets %H = db.example.org.
ssh-keygen -q -t ed25519 -N '' -C host-ca -f "$T/host_ca"
ssh-keygen -q -t ed25519 -N '' -C other-ca -f "$T/other_ca"
ssh-keygen -q -t ed25519 -N '' -f "$T/cert_host_key"
ssh-keygen -q -s "$T/host_ca" -h -I db -n db.example.org,bad.example.org "$T/cert_host_key.pub"
printf 'dn: cn=*.example.org,ou=hosts,%s\nobjectClass: device\nobjectClass: ldapPublicKey\ncn: *.example.org\ncn: !bad.example.org\nsshPublicKey: @cert-authority %s\n' \
  "$BASE" "$(cut -d' ' -f1,2 "$T/host_ca.pub")" >"$T/ca.ldif"
ldap_root_add "$T/ca.ldif"
port3=$(free_port)
sed -e "s|^Port .*|Port $port3|" -e "s|^PidFile .*|PidFile $T/sshd3.pid|" \
  -e "s|^HostKey .*|HostKey $T/cert_host_key\nHostCertificate $T/cert_host_key-cert.pub|" \
  "$T/sshd_config" >"$T/sshd3_config"
"$SSHD" -t -f "$T/sshd3_config" || fail "sshd -t rejects the host certificate config"
"$SSHD" -D -e -f "$T/sshd3_config" -o "AllowUsers=$user" >"$T/sshd3.log" 2>&1 &
stop_on_exit $!
wait_port "$port3" 20
cert_login() {  # host name ssh uses -> exit status of ssh
  ssh -F /dev/null -i "$T/id_ldap" -p "$port3" -o HostName=127.0.0.1 -o HostKeyAlias="$1" \
    -o CheckHostIP=no -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
    -o GlobalKnownHostsFile=/dev/null -o "KnownHostsCommand=$khc" -o BatchMode=yes \
    -o IdentitiesOnly=yes "$user@$1" true 2>>"$T/ssh-cert.log"
}
cert_login db.example.org || { tail -5 "$T/ssh-cert.log" >&2; fail "the host certificate must verify via the wildcard CA"; }
grep -q "Host certificate authority does not match\|REMOTE HOST IDENTIFICATION" "$T/ssh-cert.log" && fail "unexpected host warning"
if cert_login bad.example.org; then fail "a host the CA entry negates (!bad.example.org) was accepted"; fi
# The CA replaced by another one: the certificate no longer verifies.
printf 'dn: cn=*.example.org,ou=hosts,%s\nchangetype: modify\nreplace: sshPublicKey\nsshPublicKey: @cert-authority %s\n' \
  "$BASE" "$(cut -d' ' -f1,2 "$T/other_ca.pub")" >"$T/other_ca.ldif"
ldap_root_modify "$T/other_ca.ldif"
if cert_login db.example.org; then fail "a host certificate from a CA not in LDAP was accepted"; fi
pass "ssh KnownHostsCommand verifies a host certificate via a wildcard @cert-authority entry"
