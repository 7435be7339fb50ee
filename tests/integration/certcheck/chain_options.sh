# --at, --untrusted, --max-depth and --partial-chain give the verdicts of openssl verify's
# -attime, -untrusted, -verify_depth and -partial_chain on a PKI built here with openssl:
# root -> int -> leaf, plus int-short (same name and key as int, valid one day) so that at a
# later --at the expired int-short is a candidate off the chosen chain and must not fail the leaf.
source "$SECKIT_TESTS_DIR/lib.sh"
cd "$T"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec root.key; ec int.key; ec leaf.key
openssl req -x509 -new -key root.key -subj "/CN=Chain Root" -days 3650 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out root.pem 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > ca.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:leaf.chain.test\n' > leaf.ext
openssl req -new -key int.key -subj "/CN=Chain Int" -out int.csr 2>/dev/null
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 3000 \
  -extfile ca.ext -out int.pem 2>/dev/null
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 3 -days 1 \
  -extfile ca.ext -out int-short.pem 2>/dev/null
openssl req -new -key leaf.key -subj "/CN=leaf.chain.test" -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 4 -days 365 \
  -extfile leaf.ext -out leaf.pem 2>/dev/null
cat int-short.pem int.pem > ints.pem

now=$(date +%s)
later=$((now + 10 * 86400))      # int-short expired, int and leaf valid
after=$((now + 400 * 86400))     # leaf expired
before=$((now - 10 * 86400))     # nothing valid yet
later_rfc=$(date -u -d "@$later" +%Y-%m-%dT%H:%M:%SZ)

compared=0
agree() {  # name "openssl verify args" "certcheck args"
  local name="$1" want=pass got=pass rc=0
  # shellcheck disable=SC2086
  openssl verify -purpose sslserver $2 leaf.pem >/dev/null 2>&1 || want=fail
  # shellcheck disable=SC2086
  certcheck -q --profile tls-server $3 leaf.pem >/dev/null 2>"$T/err" || rc=$?
  [ "$rc" -le 1 ] || fail "$name: certcheck exit $rc: $(cat "$T/err")"
  [ "$rc" -eq 0 ] || got=fail
  [ "$got" = "$want" ] || fail "$name: openssl verify says $want, certcheck $got"
  compared=$((compared + 1))
  echo "$name: $want"
}
agree untrusted "-CAfile root.pem -untrusted int.pem" "--ca-file root.pem --untrusted int.pem"
agree no-intermediate "-CAfile root.pem" "--ca-file root.pem"
agree at-later "-CAfile root.pem -untrusted ints.pem -attime $later" \
  "--ca-file root.pem --untrusted ints.pem --at @$later"
agree at-later-rfc3339 "-CAfile root.pem -untrusted ints.pem -attime $later" \
  "--ca-file root.pem --untrusted ints.pem --at $later_rfc"
agree only-expired-int "-CAfile root.pem -untrusted int-short.pem -attime $later" \
  "--ca-file root.pem --untrusted int-short.pem --at @$later"
agree at-after "-CAfile root.pem -untrusted int.pem -attime $after" \
  "--ca-file root.pem --untrusted int.pem --at @$after"
agree at-before "-CAfile root.pem -untrusted int.pem -attime $before" \
  "--ca-file root.pem --untrusted int.pem --at @$before"
agree depth-0 "-CAfile root.pem -untrusted int.pem -verify_depth 0" \
  "--ca-file root.pem --untrusted int.pem --max-depth 0"
agree depth-1 "-CAfile root.pem -untrusted int.pem -verify_depth 1" \
  "--ca-file root.pem --untrusted int.pem --max-depth 1"
agree anchor-int-no-partial "-CAfile int.pem" "--ca-file int.pem"
agree anchor-int-partial "-CAfile int.pem -partial_chain" "--ca-file int.pem --partial-chain"
agree anchor-int-partial-depth-0 "-CAfile int.pem -partial_chain -verify_depth 0" \
  "--ca-file int.pem --partial-chain --max-depth 0"

# --untrusted certificates are intermediates, never end entities: one record, the leaf's.
out=$(certcheck --json --ca-file root.pem --untrusted ints.pem leaf.pem)
assert_eq "$(jq -c 'select(.type=="certificate") | .data.role' <<<"$out" | tr '\n' ' ')" '"leaf" ' \
  "only the leaf is reported"
assert_eq "$(jq -c 'select(.type=="certificate") | .data.chain.chain | length' <<<"$out")" 3 \
  "chain leaf -> int -> root"
# Usage errors: chain options without a trust store, a bad time.
expect_exit 2 certcheck --untrusted int.pem leaf.pem
expect_exit 2 certcheck --ca-file root.pem --at 2030-13-01 leaf.pem
expect_exit 2 certcheck --ca-file root.pem --at 90m leaf.pem
pass "certcheck agrees with openssl verify on $compared chain-option cases"
