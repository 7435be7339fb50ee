# certcheck --strict: every rule has a positive case (a certificate that breaks it, found with the
# rule's code and citation) and a negative case (the compliant twin, not flagged), each on a PKI
# built here with `openssl req/x509 -extfile`. Expected values come from the RFC 5280 / Baseline
# Requirements text and, where the rule overlaps, from openssl itself (verify -x509_strict,
# -auth_level 2, x509 -checkhost, -attime), never from certcheck's own output.
source "$SECKIT_TESTS_DIR/lib.sh"
set -E  # the ERR trap names the failing command inside functions too
cd "$T"

# --- PKI helpers ----------------------------------------------------------------------------
key() {  # file type
  case "$2" in
    p256 | p384 | p192)
      openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2/p/P-}" -out "$1" 2>/dev/null ;;
    secp256k1) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out "$1" ;;
    rsa*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa}" -out "$1" 2>/dev/null ;;
    dsa) openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.param \
           2>/dev/null && openssl genpkey -paramfile dsa.param -out "$1" ;;
  esac
}
# issue NAME SUBJECT SIGNER EXTENSIONS [KEYTYPE [DAYS [DIGEST]]]: NAME.pem signed by SIGNER.
issue() {
  local name=$1 subj=$2 signer=$3 ext=$4 type=${5:-p256} days=${6:-90} md=${7:-sha256}
  [[ -f "$name.key" ]] || key "$name.key" "$type"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$signer.pem" -CAkey "$signer.key" -days "$days" \
    "-$md" -set_serial "0x$(openssl rand -hex 8)" -extfile "$name.ext" -out "$name.pem" 2>/dev/null
}
CA_EXT='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid'
# A BR-conforming TLS server leaf for NAME.example.com, with what $2 adds.
leaf_ext() {
  printf '%s' "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:$1.example.com\nauthorityKeyIdentifier=keyid${2:+\\n$2}"
}
# leaf NAME [EXT-OVERRIDE] [KEYTYPE] [DAYS] [DIGEST]: a leaf of `int`, CN = SAN = NAME.example.com.
leaf() {
  local ext=${2:-$(leaf_ext "$1")}
  issue "$1" "/CN=$1.example.com" int "$ext" "${3:-p256}" "${4:-90}" "${5:-sha256}"
}

key root.key p256
printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\n%b\n' "${CA_EXT%\\nauthorityKeyIdentifier=keyid}" >root.cnf
openssl req -x509 -new -key root.key -subj "/CN=Strict Root" -days 3650 -sha256 -config root.cnf \
  -extensions ext -out root.pem
issue int "/CN=Strict Issuing CA" root "$CA_EXT" p256 1825

# strict CODE FILE [CHAIN?]: certcheck --strict --json on FILE through int to root; the codes found.
run_strict() {
  local file=$1
  shift
  local rc=0
  certcheck --strict --json --ca-file root.pem --untrusted int.pem "$@" "$file" >strict.jsonl \
    2>strict.err || rc=$?
  echo "$rc" >strict.rc
}
# strict_json ARGS...: certcheck --strict --json ARGS into strict.jsonl, whatever its exit status.
strict_json() { certcheck --strict --json "$@" >strict.jsonl 2>strict.err || true; }
codes() { jq -r 'select(.type=="finding").data.code' strict.jsonl | sort -u | tr '\n' ' '; }
rule_of() { jq -r --arg c "$1" 'select(.type=="finding" and .data.code==$c).data.details.rule' strict.jsonl | sort -u; }
# expect_rule CODE CITATION FILE [certcheck args]: FILE breaks the rule: the finding cites it, exit 1.
expect_rule() {
  local code=$1 citation=$2 file=$3
  shift 3
  run_strict "$file" "$@"
  assert_contains "$(codes)" "$code" "$file: $code found"
  assert_eq "$(rule_of "$code")" "$citation" "$file: $code cites $citation"
  assert_eq "$(jq -r --arg c "$code" 'select(.type=="finding" and .data.code==$c).data.severity' strict.jsonl | sort -u)" \
    "error" "$file: $code is an error"
  assert_eq "$(cat strict.rc)" "1" "$file: exit 1 under --strict"
}
# expect_clean CODE FILE [certcheck args]: FILE keeps the rule: no finding with CODE.
expect_clean() {
  local code=$1 file=$2
  shift 2
  run_strict "$file" "$@"
  case " $(codes)" in *" $code "*) fail "$file: $code found on the compliant certificate" ;; esac
}
# openssl verify -x509_strict must reject FILE (the rule overlaps OpenSSL's strict checks).
ossl_strict_rejects() {
  if openssl verify -x509_strict -CAfile root.pem -untrusted "${2:-int.pem}" "$1" >/dev/null 2>&1; then
    fail "openssl verify -x509_strict accepts $1"
  fi
}
ossl_strict_accepts() {
  openssl verify -x509_strict -CAfile root.pem -untrusted "${2:-int.pem}" "$1" >/dev/null 2>&1 \
    || fail "openssl verify -x509_strict rejects $1"
}
rules_tested=0
tested() { rules_tested=$((rules_tested + 1)); pass "$*"; }

# --- the compliant PKI: openssl -x509_strict accepts it, so does certcheck --strict ------------
leaf good
ossl_strict_accepts good.pem
run_strict good.pem --profile tls-server --host good.example.com
assert_eq "$(codes)" "" "a BR-conforming chain has no strict finding"
assert_eq "$(cat strict.rc)" "0" "a BR-conforming chain passes --strict"
pass "compliant chain: certcheck --strict and openssl verify -x509_strict both accept it"

# --- RFC 5280 4.2.1.3: keyCertSign only with cA TRUE -----------------------------------------
leaf kcs "$(leaf_ext kcs | sed 's/digitalSignature/digitalSignature,keyCertSign/')"
ossl_strict_rejects kcs.pem
expect_rule strict-keycertsign-non-ca "RFC 5280 4.2.1.3" kcs.pem
expect_clean strict-keycertsign-non-ca good.pem
expect_clean strict-keycertsign-non-ca int.pem # keyCertSign with cA TRUE
tested "keyCertSign on a non-CA certificate (RFC 5280 4.2.1.3), as openssl -x509_strict"

# --- RFC 5280 4.2.1.9: a CA has basicConstraints, marked critical --------------------------------
issue int-nobc "/CN=Strict No-BC CA" root 'keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid'
issue leaf-nobc "/CN=nobc.example.com" int-nobc "$(leaf_ext nobc)"
ossl_strict_rejects leaf-nobc.pem int-nobc.pem
strict_json --ca-file root.pem --untrusted int-nobc.pem leaf-nobc.pem
assert_contains "$(codes)" "strict-ca-basic-constraints-missing" "CA without basicConstraints"
assert_eq "$(rule_of strict-ca-basic-constraints-missing)" "RFC 5280 4.2.1.9" "cites 4.2.1.9"
assert_eq "$(jq -r 'select(.data.code=="strict-ca-basic-constraints-missing").data.details.depth' strict.jsonl)" \
  "1" "the intermediate (depth 1) is named"
expect_clean strict-ca-basic-constraints-missing good.pem
tested "CA without basicConstraints (RFC 5280 4.2.1.9), as openssl -x509_strict"

issue int-bcnc "/CN=Strict BC-noncritical CA" root 'basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid'
issue leaf-bcnc "/CN=bcnc.example.com" int-bcnc "$(leaf_ext bcnc)"
ossl_strict_rejects leaf-bcnc.pem int-bcnc.pem
openssl verify -CAfile root.pem -untrusted int-bcnc.pem leaf-bcnc.pem >/dev/null \
  || fail "plain openssl verify accepts a non-critical basicConstraints"
expect_exit 0 certcheck --ca-file root.pem --untrusted int-bcnc.pem leaf-bcnc.pem # = openssl verify
expect_rule strict-basic-constraints-not-critical "RFC 5280 4.2.1.9" int-bcnc.pem
strict_json --ca-file root.pem --untrusted int-bcnc.pem leaf-bcnc.pem
assert_contains "$(codes)" "strict-basic-constraints-not-critical" "leaf fails through its chain"
expect_clean strict-basic-constraints-not-critical int.pem
tested "CA basicConstraints not critical (RFC 5280 4.2.1.9), as openssl -x509_strict"

# --- RFC 5280 4.2.1.1 / 4.2.1.2: AKI keyIdentifier (not self-signed), SKI on CAs --------------
leaf noaki "$(leaf_ext noaki | sed 's/authorityKeyIdentifier=keyid/authorityKeyIdentifier=issuer/')"
ossl_strict_rejects noaki.pem
expect_rule strict-aki-missing "RFC 5280 4.2.1.1" noaki.pem
expect_clean strict-aki-missing root.pem # self-signed: may omit it (root.pem has none)
expect_clean strict-aki-missing good.pem
tested "missing authorityKeyIdentifier (RFC 5280 4.2.1.1), as openssl -x509_strict"

issue int-noski "/CN=Strict No-SKI CA" root 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=keyid'
issue leaf-noski "/CN=noski.example.com" int-noski "$(leaf_ext noski | sed 's/=keyid$/=issuer/')\nsubjectKeyIdentifier=none"
ossl_strict_rejects leaf-noski.pem int-noski.pem
strict_json --ca-file root.pem --untrusted int-noski.pem int-noski.pem
assert_contains "$(codes)" "strict-ski-missing" "CA without SKI"
assert_eq "$(rule_of strict-ski-missing)" "RFC 5280 4.2.1.2" "cites 4.2.1.2"
# A leaf without SKI is fine: BR 7.1.2.7.6 does not require it (RFC 5280: SHOULD).
[[ -z "$(openssl x509 -in leaf-noski.pem -noout -ext subjectKeyIdentifier 2>/dev/null)" ]] || fail "leaf-noski has an SKI"
strict_json leaf-noski.pem
case " $(codes)" in *" strict-ski-missing "*) fail "SKI required on a leaf" ;; esac
expect_clean strict-ski-missing int.pem
tested "CA without subjectKeyIdentifier (RFC 5280 4.2.1.2), as openssl -x509_strict"

# --- RFC 5280 4.2.1.6: an empty subject needs a critical SAN --------------------------------
issue empty "/" int "$(leaf_ext empty | sed 's/^subjectAltName=/subjectAltName=/')"
issue empty-crit "/" int "$(leaf_ext emptycrit | sed 's/subjectAltName=/subjectAltName=critical,/')"
[[ "$(openssl x509 -in empty.pem -noout -subject)" == "subject=" ]] || fail "empty.pem has a subject"
ossl_strict_rejects empty.pem
ossl_strict_accepts empty-crit.pem
expect_rule strict-empty-subject-san "RFC 5280 4.2.1.6" empty.pem
expect_clean strict-empty-subject-san empty-crit.pem
tested "empty subject with a non-critical SAN (RFC 5280 4.2.1.6), as openssl -x509_strict"

# --- BR 7.1.2.7.12: a TLS server leaf has a SAN; BR 7.1.4.3: its CN is one of them -----------
leaf nosan "$(leaf_ext nosan | sed '/^subjectAltName/d; s/\\nsubjectAltName=DNS:nosan.example.com//')"
[[ -z "$(openssl x509 -in nosan.pem -noout -ext subjectAltName 2>/dev/null)" ]] || fail "nosan has a SAN"
expect_rule strict-san-missing "BR 7.1.2.7.12" nosan.pem
expect_clean strict-san-missing good.pem
tested "TLS server leaf without SAN (BR 7.1.2.7.12)"

issue cn-other "/CN=other.example.com" int "$(leaf_ext cnother)"
issue cn-case "/CN=CNCase.Example.COM" int "$(leaf_ext cncase)"
expect_rule strict-cn-not-in-san "BR 7.1.4.3" cn-other.pem
expect_clean strict-cn-not-in-san cn-case.pem # DNS names compare without case
expect_clean strict-cn-not-in-san good.pem
tested "CN not among the SANs (BR 7.1.4.3)"

# --- wildcards: the whole left-most label only, not over a single-label base ---------------------
wild() { issue "$1" "/CN=wild" int "$(leaf_ext x | sed "s/DNS:x.example.com/DNS:$2/")"; }
wild w-good '*.example.com'
wild w-partial 'f*o.example.com'
wild w-inner 'www.*.example.com'
wild w-tld '*.com'
# openssl's own host check: *.com and www.*.example.com match nothing (RFC 6125 6.4.3).
openssl x509 -in w-tld.pem -noout -checkhost foo.com | grep -q "does NOT match" || fail "*.com matched"
openssl x509 -in w-inner.pem -noout -checkhost www.a.example.com | grep -q "does NOT match" || fail "inner wildcard matched"
openssl x509 -in w-good.pem -noout -checkhost a.example.com | grep -q "does match" || fail "*.example.com"
expect_rule strict-wildcard-partial "BR 7.1.2.7.12" w-partial.pem
expect_clean strict-wildcard-partial w-good.pem
tested "partial wildcard f*o.example.com (BR 7.1.2.7.12)"
expect_rule strict-wildcard-not-leftmost "BR 7.1.2.7.12" w-inner.pem
expect_clean strict-wildcard-not-leftmost w-good.pem
tested "wildcard not in the left-most label (BR 7.1.2.7.12)"
expect_rule strict-wildcard-public-suffix "BR 3.2.2.6" w-tld.pem
expect_clean strict-wildcard-public-suffix w-good.pem
tested "wildcard over a public suffix *.com (BR 3.2.2.6)"
# A multi-label public suffix: co.uk is in the PSL's ICANN section, so *.co.uk covers every
# registrant under it (BR 3.2.2.6). openssl's host check knows no PSL: it lets *.co.uk match, which
# is where --strict goes beyond it; *.example.co.uk is a registrable base and stays clean.
grep -qx 'co.uk' /usr/share/publicsuffix/public_suffix_list.dat || fail "co.uk not in the PSL"
wild w-psl '*.co.uk'
wild w-psl-ok '*.example.co.uk'
openssl x509 -in w-psl.pem -noout -checkhost www.co.uk | grep -q "does match" || fail "openssl refuses *.co.uk"
openssl x509 -in w-psl-ok.pem -noout -checkhost a.example.co.uk | grep -q "does match" || fail "*.example.co.uk"
expect_rule strict-wildcard-public-suffix "BR 3.2.2.6" w-psl.pem
assert_contains "$(jq -r 'select(.data.code=="strict-wildcard-public-suffix").data.message' strict.jsonl)" \
  "co.uk is a public suffix" "the finding names the suffix"
expect_clean strict-wildcard-public-suffix w-psl-ok.pem
tested "wildcard over a multi-label public suffix *.co.uk (BR 3.2.2.6, Public Suffix List)"

# --- BR 6.1.5 keys: RSA >= 2048 and a multiple of 8, no DSA, ECDSA only on P-256/384/521 ---------
leaf rsa1024 "" rsa1024
leaf rsa2048 "" rsa2048
leaf rsa2052 "" rsa2052
leaf dsa "" dsa
leaf p192 "" p192
leaf k256 "" secp256k1
leaf p384 "" p384
# openssl's security level 2 (112 bits) refuses the 1024-bit RSA and the P-192 leaf too.
for weak in rsa1024 p192; do
  if openssl verify -auth_level 2 -CAfile root.pem -untrusted int.pem "$weak.pem" >/dev/null 2>&1; then
    fail "openssl -auth_level 2 accepts $weak"
  fi
done
expect_rule strict-rsa-key-too-small "BR 6.1.5" rsa1024.pem
expect_clean strict-rsa-key-too-small rsa2048.pem
tested "RSA key under 2048 bits (BR 6.1.5), as openssl -auth_level 2"
[[ "$(openssl x509 -in rsa2052.pem -noout -text | grep -o 'Public-Key: ([0-9]* bit)')" == "Public-Key: (2052 bit)" ]] \
  || fail "rsa2052 is not 2052 bits"
expect_rule strict-rsa-modulus-size "BR 6.1.5" rsa2052.pem
expect_clean strict-rsa-modulus-size rsa2048.pem
tested "RSA modulus not a multiple of 8 bits (BR 6.1.5)"
expect_rule strict-key-algorithm "BR 6.1.5" dsa.pem
expect_clean strict-key-algorithm p384.pem
tested "DSA key (BR 6.1.5)"
expect_rule strict-ec-curve "BR 6.1.5" p192.pem
expect_rule strict-ec-curve "BR 6.1.5" k256.pem
expect_clean strict-ec-curve p384.pem
expect_clean strict-ec-curve good.pem
tested "EC key on P-192 or secp256k1 (BR 6.1.5), P-192 as openssl -auth_level 2"

# --- BR 7.1.3.2: no MD5 or SHA-1 signature on any non-root element ------------------------------
leaf sha1 "" p256 90 sha1
# ECDSA has no MD5 form: the MD5 leaf comes from an RSA intermediate.
issue int-rsa "/CN=Strict RSA CA" root "$CA_EXT" rsa2048 1825
issue md5 "/CN=md5.example.com" int-rsa "$(leaf_ext md5)" p256 90 md5
issue int-sha1 "/CN=Strict SHA-1 CA" root "$CA_EXT" p256 1825 sha1
issue leaf-sha1ca "/CN=sha1ca.example.com" int-sha1 "$(leaf_ext sha1ca)"
for weak in sha1.pem md5.pem; do
  if openssl verify -auth_level 2 -CAfile root.pem -untrusted int.pem -untrusted int-rsa.pem "$weak" \
    >/dev/null 2>&1; then
    fail "openssl -auth_level 2 accepts $weak"
  fi
done
expect_rule strict-weak-signature-hash "BR 7.1.3.2" sha1.pem
expect_rule strict-weak-signature-hash "BR 7.1.3.2" md5.pem --untrusted int-rsa.pem
strict_json --ca-file root.pem --untrusted int-sha1.pem leaf-sha1ca.pem
assert_contains "$(codes)" "strict-weak-signature-hash" "SHA-1 intermediate under a SHA-256 leaf"
# A self-signed root signed with SHA-1: nobody checks that signature.
printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\n%b\n' "${CA_EXT%\\nauthorityKeyIdentifier=keyid}" >r1.cnf
key root-sha1.key p256
openssl req -x509 -new -key root-sha1.key -subj "/CN=SHA-1 Root" -days 3650 -sha1 -config r1.cnf -extensions ext -out root-sha1.pem
expect_clean strict-weak-signature-hash root-sha1.pem
expect_clean strict-weak-signature-hash good.pem
tested "MD5/SHA-1 signature on a non-root element (BR 7.1.3.2), as openssl -auth_level 2"

# --- BR 7.1.2.7.10: no anyExtendedKeyUsage, serverAuth alone with clientAuth ------------------
leaf eku-any "$(leaf_ext ekuany | sed 's/extendedKeyUsage=serverAuth/extendedKeyUsage=serverAuth,anyExtendedKeyUsage/')"
leaf eku-cs "$(leaf_ext ekucs | sed 's/extendedKeyUsage=serverAuth/extendedKeyUsage=serverAuth,codeSigning/')"
leaf eku-ts "$(leaf_ext ekuts | sed 's/extendedKeyUsage=serverAuth/extendedKeyUsage=serverAuth,timeStamping,OCSPSigning/')"
leaf eku-ca "$(leaf_ext ekuca | sed 's/extendedKeyUsage=serverAuth/extendedKeyUsage=serverAuth,clientAuth/')"
expect_rule strict-eku-any "BR 7.1.2.7.10" eku-any.pem
expect_clean strict-eku-any eku-ca.pem
tested "anyExtendedKeyUsage in a leaf (BR 7.1.2.7.10)"
expect_rule strict-eku-server-mixed "BR 7.1.2.7.10" eku-cs.pem
expect_rule strict-eku-server-mixed "BR 7.1.2.7.10" eku-ts.pem
expect_clean strict-eku-server-mixed eku-ca.pem
tested "serverAuth with codeSigning / timeStamping / OCSPSigning (BR 7.1.2.7.10)"

# --- BR 6.3.2: a TLS server leaf is valid for at most 398 days ----------------------------------
leaf long "" p256 399
leaf short "" p256 397
expect_rule strict-validity-too-long "BR 6.3.2" long.pem
expect_clean strict-validity-too-long short.pem
tested "TLS server leaf valid for more than 398 days (BR 6.3.2)"

# --- RFC 5280 4.2.1.10: name constraints, permitted and excluded, on an intermediate -----------
issue int-nc "/CN=Strict Constrained CA" root "$CA_EXT\nnameConstraints=critical,permitted;DNS:example.com,excluded;DNS:bad.example.com"
issue nc-ok "/CN=ok.example.com" int-nc "$(leaf_ext ok)"
issue nc-excluded "/CN=x.bad.example.com" int-nc "$(leaf_ext x.bad)"
issue nc-outside "/CN=www.example.org" int-nc "$(leaf_ext x | sed 's/DNS:x.example.com/DNS:www.example.org/')"
openssl verify -CAfile root.pem -untrusted int-nc.pem nc-ok.pem >/dev/null || fail "openssl rejects nc-ok"
for bad in nc-excluded nc-outside; do
  out=$(openssl verify -CAfile root.pem -untrusted int-nc.pem "$bad.pem" 2>&1) && fail "openssl accepts $bad"
  assert_contains "$out" "subtree violation" "openssl enforces the name constraints on $bad"
  expect_exit 1 certcheck --ca-file root.pem --untrusted int-nc.pem "$bad.pem" # = openssl verify
  strict_json --ca-file root.pem --untrusted int-nc.pem "$bad.pem"
  assert_contains "$(codes)" "strict-name-constraints" "$bad: name constraints finding"
  assert_eq "$(rule_of strict-name-constraints)" "RFC 5280 4.2.1.10" "$bad: cites 4.2.1.10"
done
expect_exit 0 certcheck --strict --ca-file root.pem --untrusted int-nc.pem nc-ok.pem
tested "name constraints, permitted and excluded subtrees (RFC 5280 4.2.1.10), as openssl verify"

# --- RFC 5280 4.1.2.5: valid through notAfter inclusive ----------------------------------------
issue int-short "/CN=Strict Short CA" root "$CA_EXT" p256 10
issue leaf-short "/CN=short.example.com" int-short "$(leaf_ext short)" p256 20
int_end=$(date -u -d "$(openssl x509 -in int-short.pem -noout -enddate | cut -d= -f2)" +%s)
leaf_end=$(date -u -d "$(openssl x509 -in good.pem -noout -enddate | cut -d= -f2)" +%s)
# openssl counts the second of notAfter as expired (X509_cmp_time: equal is "before").
openssl verify -attime "$int_end" -CAfile root.pem -untrusted int-short.pem leaf-short.pem >/dev/null 2>&1 \
  && fail "openssl accepts the intermediate at its notAfter"
openssl verify -attime "$((int_end - 1))" -CAfile root.pem -untrusted int-short.pem leaf-short.pem >/dev/null \
  || fail "openssl rejects the intermediate a second before notAfter"
expect_exit 1 certcheck --at "@$int_end" --ca-file root.pem --untrusted int-short.pem leaf-short.pem # = openssl
expect_exit 0 certcheck --strict --at "@$int_end" --ca-file root.pem --untrusted int-short.pem leaf-short.pem
expect_exit 1 certcheck --strict --json --at "@$((int_end + 1))" --ca-file root.pem --untrusted int-short.pem leaf-short.pem
assert_eq "$(last_stdout | jq -r 'select(.data.code=="chain-expired").data.details.rule')" "RFC 5280 4.1.2.5" \
  "expiry cites 4.1.2.5 under --strict"
expect_exit 0 certcheck --strict --at "@$leaf_end" --ca-file root.pem --untrusted int.pem good.pem
expect_exit 1 certcheck --strict --json --at "@$((leaf_end + 1))" --ca-file root.pem --untrusted int.pem good.pem
assert_eq "$(last_stdout | jq -r 'select(.data.code=="expired").data.details.rule')" "RFC 5280 4.1.2.5" \
  "leaf expiry cites 4.1.2.5"
tested "valid at exactly notAfter, expired a second later (RFC 5280 4.1.2.5)"

# --- an issuer's findings once per run (docs/certcheck.md "Strict mode") ------------------------
# Two leaves under int-bcnc (non-critical basicConstraints, RFC 5280 4.2.1.9): openssl -x509_strict
# rejects both chains; certcheck names the intermediate's violation once, not once per leaf plus
# once on its own record.
issue leaf-bcnc2 "/CN=bcnc2.example.com" int-bcnc "$(leaf_ext bcnc2)"
ossl_strict_rejects leaf-bcnc2.pem int-bcnc.pem
count_bcnc() { jq -r 'select(.type=="finding" and .data.code=="strict-basic-constraints-not-critical") | "\(.data.details.depth // "own") \(.data.details.source.file)"' strict.jsonl; }
expect_exit 1 certcheck --strict --json --ca-file root.pem --untrusted int-bcnc.pem leaf-bcnc.pem leaf-bcnc2.pem
last_stdout >strict.jsonl
assert_eq "$(count_bcnc)" "1 leaf-bcnc.pem" "--untrusted intermediate: once, on the first leaf, at depth 1"
expect_exit 1 certcheck --strict --json --ca-file root.pem int-bcnc.pem leaf-bcnc.pem leaf-bcnc2.pem
last_stdout >strict.jsonl
assert_eq "$(count_bcnc)" "own int-bcnc.pem" "intermediate read first: once, on its own record"
expect_exit 1 certcheck --strict --json --ca-file root.pem leaf-bcnc.pem int-bcnc.pem leaf-bcnc2.pem
last_stdout >strict.jsonl
assert_eq "$(count_bcnc)" "1 leaf-bcnc.pem" "intermediate read after a leaf: once, on that leaf"
assert_eq "$(jq -r 'select(.type=="finding" and .data.code=="strict-basic-constraints-not-critical").data.details.element_subject' strict.jsonl)" \
  "CN=Strict BC-noncritical CA" "the leaf's finding names the element"
tested "an issuer's strict findings are reported once per run"

# --- without --strict nothing changes: the strict PKIs get no strict-* finding -----------------
for f in kcs noaki empty nosan cn-other w-partial rsa2052 dsa p192 eku-any eku-cs long; do
  certcheck --json --ca-file root.pem --untrusted int.pem "$f.pem" >plain.jsonl || true
  if jq -r 'select(.type=="finding").data.code' plain.jsonl | grep -q '^strict-'; then
    fail "$f: strict finding without --strict"
  fi
done
pass "without --strict no strict-* finding"
pass "$rules_tested rule groups with positive and negative tests"
