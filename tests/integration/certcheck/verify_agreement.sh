# Verdicts agree with the real verifiers over the whole generated matrix:
#  * `openssl verify -purpose sslserver|sslclient` vs `certcheck --profile tls-server|tls-client`
#  * `certtool --verify --verify-purpose OID` (GnuTLS) vs `certcheck --require-eku OID
#    --forbid-sha1` (GnuTLS rejects SHA-1 signatures by default, so SHA-1 is an error on both)
# Every leaf is checked with its issuing CA as the untrusted intermediate, plus the deliberate
# misfits (wrong intermediate with the same name, expired intermediate, EKU-restricted CA).
source "$SECKIT_TESTS_DIR/lib.sh"
"$SECKIT_SOURCE_DIR/examples/certcheck/gen-pki" "$T/pki" >/dev/null
cd "$T/pki"

cases=()
for leaf in leaf-*.pem; do
  case "$leaf" in
    *under-serveronly*) cases+=("$leaf int-serveronly") ;;
    *under-expired*) cases+=("$leaf int-expired") ;;
    *) cases+=("$leaf int") ;;
  esac
done
cases+=("leaf-eku-sc.pem int-wrong" "leaf-eku-sci.pem int-wrong" "self-sha384.pem none")

compared=0
disagree=0
check_one() {  # name expected(pass|fail) certcheck-args...
  local name="$1" want="$2"
  shift 2
  local got=pass rc=0
  certcheck -q "$@" >/dev/null 2>"$T/err" || rc=$?
  [ "$rc" -le 1 ] || fail "$name: certcheck exit $rc: $(cat "$T/err")"
  [ "$rc" -eq 0 ] || got=fail
  compared=$((compared + 1))
  if [ "$got" != "$want" ]; then
    echo "DISAGREE $name: reference=$want certcheck=$got" >&2
    disagree=$((disagree + 1))
  fi
}

for c in "${cases[@]}"; do
  set -- $c
  leaf="$1" int="$2"
  untrusted=()
  if [ "$int" = none ]; then
    cat "$leaf" > bundle.pem
    cat "$leaf" root.pem > roots.pem
  else
    cat "$leaf" "$int.pem" > bundle.pem
    untrusted=(-untrusted "$int.pem")
    cp root.pem roots.pem
  fi
  for pair in sslserver:tls-server:1.3.6.1.5.5.7.3.1 sslclient:tls-client:1.3.6.1.5.5.7.3.2; do
    IFS=: read -r purpose profile oid <<<"$pair"
    want=pass
    openssl verify -CAfile roots.pem "${untrusted[@]}" -purpose "$purpose" "$leaf" >/dev/null 2>&1 \
      || want=fail
    check_one "$leaf/$int openssl $purpose" "$want" --profile "$profile" --ca-file roots.pem bundle.pem

    want=pass
    certtool --verify --load-ca-certificate roots.pem --infile bundle.pem --verify-purpose "$oid" \
      >/dev/null 2>&1 || want=fail
    check_one "$leaf/$int certtool $oid" "$want" --require-eku "$oid" --forbid-sha1 \
      --ca-file roots.pem bundle.pem
  done
done
echo "compared $compared verdicts, $disagree disagreements"
[ "$disagree" -eq 0 ] || fail "certcheck disagrees with openssl verify / certtool"
[ "$compared" -ge 100 ] || fail "matrix too small: $compared"
pass "certcheck agrees with openssl verify and certtool on $compared verdicts"
