# A private MIT KDC for tests and example generators (bash; source it). krb5_kdc_start DIR
# writes krb5.conf/kdc.conf into DIR, creates realm SECKIT.TEST with a user alice (password in
# DIR/alice.pw) and the services HTTP/host.seckit.test (aes256-cts-hmac-sha1-96,
# aes128-cts-hmac-sha256-128 and rc4-hmac keys: its tickets use aes256), HTTP/sha2.seckit.test
# (aes128-cts-hmac-sha256-128 only, also as session key), HTTP/rc4.seckit.test (rc4-hmac only;
# the session key is aes256-cts-hmac-sha1-96 all the same: MIT assumes every service has it),
# HTTP/sha384.seckit.test (aes256-cts-hmac-sha384-192 only, also as session key) and
# HTTP/rc4sess.seckit.test (rc4-hmac only, also as session key), exports their keys to
# DIR/http.keytab (kvno 1; rc4 and rc4sess share kvno and etype, so the key must be picked by
# principal), starts krb5kdc on 127.0.0.1 on a free port, kinits alice and sets KRB5_CONFIG,
# KRB5_KDC_PROFILE, KRB5CCNAME, KRB5_KTNAME and KRB5RCACHENAME for the peers. The KDC's PID is
# in $krb5_kdc_pid: the caller stops it.
# Session keys: a service's session_enctypes string attribute names the enctypes it takes; an
# rc4-hmac session key also needs allow_rc4 = true in [libdefaults] (Debian's krb5
# 1.20.1-2+deb12u4 and later, CVE-2025-3576; without it the KDC logs "BAD_ENCRYPTION_TYPE ...
# KDC has no support for encryption type"). aes256-cts-hmac-sha384-192 comes last in the
# client's lists so that it changes no other service's session key.
# Needs: krb5-kdc krb5-admin-server krb5-user, and free_port from tests/lib.sh.
krb5_kdc_start() {
  local dir="$1" port tool q i
  PATH="$PATH:/usr/sbin"
  for tool in krb5kdc kdb5_util kadmin.local kinit; do
    command -v "$tool" >/dev/null || {
      echo "$tool missing (scripts/deps.d/cbaudit.txt: krb5-kdc krb5-admin-server krb5-user)" >&2
      return 1
    }
  done
  port=$(free_port)
  local enctypes="aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha256-128 rc4-hmac"
  enctypes+=" aes256-cts-hmac-sha384-192"
  cat > "$dir/krb5.conf" <<KRB5
[libdefaults]
  default_realm = SECKIT.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  allow_rc4 = true
  dns_canonicalize_hostname = false
  udp_preference_limit = 1
  permitted_enctypes = $enctypes
  default_tgs_enctypes = $enctypes
  default_tkt_enctypes = $enctypes
[realms]
  SECKIT.TEST = {
    kdc = 127.0.0.1:$port
  }
KRB5
  cat > "$dir/kdc.conf" <<KDC
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port
[realms]
  SECKIT.TEST = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    master_key_type = aes256-cts-hmac-sha1-96
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha256-128:normal rc4-hmac:normal
  }
[logging]
  kdc = FILE:$dir/kdc.log
KDC
  touch "$dir/kadm5.acl"
  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf" KRB5CCNAME="FILE:$dir/ccache"
  export KRB5_KTNAME="FILE:$dir/http.keytab" KRB5RCACHENAME="file2:$dir/rcache"
  kdb5_util create -s -r SECKIT.TEST -P "master-$RANDOM$RANDOM" > "$dir/kdb.log" 2>&1
  printf 'Al1ce-pw-%s\n' "$RANDOM" > "$dir/alice.pw"
  chmod 600 "$dir/alice.pw"
  for q in "addprinc -pw $(cat "$dir/alice.pw") alice" \
    "addprinc -randkey -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha256-128:normal,rc4-hmac:normal HTTP/host.seckit.test" \
    "addprinc -randkey -e aes128-cts-hmac-sha256-128:normal HTTP/sha2.seckit.test" \
    "setstr HTTP/sha2.seckit.test session_enctypes aes128-cts-hmac-sha256-128" \
    "addprinc -randkey -e rc4-hmac:normal HTTP/rc4.seckit.test" \
    "addprinc -randkey -e aes256-cts-hmac-sha384-192:normal HTTP/sha384.seckit.test" \
    "setstr HTTP/sha384.seckit.test session_enctypes aes256-cts-hmac-sha384-192" \
    "addprinc -randkey -e rc4-hmac:normal HTTP/rc4sess.seckit.test" \
    "setstr HTTP/rc4sess.seckit.test session_enctypes rc4-hmac" \
    "ktadd -k $dir/http.keytab -norandkey HTTP/host.seckit.test" \
    "ktadd -k $dir/http.keytab -norandkey HTTP/sha2.seckit.test" \
    "ktadd -k $dir/http.keytab -norandkey HTTP/rc4.seckit.test" \
    "ktadd -k $dir/http.keytab -norandkey HTTP/sha384.seckit.test" \
    "ktadd -k $dir/http.keytab -norandkey HTTP/rc4sess.seckit.test"; do
    kadmin.local -q "$q" > /dev/null 2>> "$dir/kadmin.log"
  done
  krb5kdc -n -r SECKIT.TEST > "$dir/kdc.out" 2>&1 &
  krb5_kdc_pid=$!
  for ((i = 0; i < 100; i++)); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  kinit alice@SECKIT.TEST < "$dir/alice.pw" > "$dir/kinit.log" 2>&1 || {
    cat "$dir/kinit.log" "$dir/kdc.out" >&2
    return 1
  }
  krb5_kdc_port=$port
}
