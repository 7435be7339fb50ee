# RFC 5929 4.1 tls-server-end-point: the hash of the DER certificate with the signature's hash,
# MD5/SHA-1 replaced by SHA-256, undefined for signatures without one hash (Ed25519). The
# expected value comes from `openssl x509 -outform DER | openssl dgst -<hash>`, the hash chosen
# from the signature algorithm `openssl x509 -text` prints.
source "$SECKIT_TESTS_DIR/lib.sh"
"$SECKIT_SOURCE_DIR/examples/certcheck/gen-pki" "$T/pki" >/dev/null
cd "$T/pki"
n=0
seen=""
for cert in leaf-*.pem self-*.pem root.pem int.pem; do
  alg=$(openssl x509 -in "$cert" -noout -text | awk -F': ' '/Signature Algorithm/ {print $2; exit}')
  case "$alg" in
    md5*|sha1*|*SHA1*) hash=sha256 ;;
    sha256*|*SHA256*) hash=sha256 ;;
    sha384*|*SHA384*) hash=sha384 ;;
    sha512*|*SHA512*) hash=sha512 ;;
    ED25519|ED448) hash=none ;;
    *) fail "$cert: unexpected signature algorithm $alg" ;;
  esac
  rc=0
  certcheck --json "$cert" >"$T/out.jsonl" || rc=$?
  [ "$rc" -le 1 ] || fail "$cert: exit $rc"
  got=$(jq -r 'select(.type=="certificate").data.tls_server_end_point | if . == null then "none" else .hash + ":" + .value end' "$T/out.jsonl")
  if [ "$hash" = none ]; then
    want=none
  else
    want="$hash:$(openssl x509 -in "$cert" -outform DER | openssl dgst "-$hash" -r | cut -d' ' -f1)"
  fi
  assert_eq "$got" "$want" "$cert ($alg)"
  seen="$seen $hash"
  n=$((n + 1))
done
for h in sha256 sha384 sha512 none; do
  assert_contains "$seen" "$h" "hash $h covered"
done
pass "tls-server-end-point matches openssl dgst on $n certificates (SHA-1 -> SHA-256, Ed25519 undefined)"
