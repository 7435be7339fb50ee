# certcheck at the command line: inputs, checks, findings, exit statuses and output formats on
# a PKI generated here by examples/certcheck/gen-pki (OpenSSL config fragments). Expected values
# come from openssl x509 and from arithmetic done by the shell, never from certcheck itself.
source "$SECKIT_TESTS_DIR/lib.sh"
"$SECKIT_SOURCE_DIR/examples/certcheck/gen-pki" "$T/pki" >/dev/null
cd "$T/pki"
codes() { last_stdout | jq -r 'select(.type=="finding").data.code' | sort -u | tr '\n' ' '; }
ossl_sha256() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }

# --- errcode: every spelling of CERT_E_WRONG_USAGE (the L2TP/IPsec EKU case), plus RAS 809 -
for spelling in 2148204816 0x800B0110 0x800b0110 -2146762480 CERT_E_WRONG_USAGE; do
  expect_exit 0 certcheck errcode --json "$spelling"
  rec=$(last_stdout | jq -c 'select(.type=="windows_error").data')
  assert_eq "$(jq -r .name <<<"$rec")" "CERT_E_WRONG_USAGE" "errcode $spelling"
  assert_eq "$(jq -r .unsigned <<<"$rec")" "$(printf '%d' 0x800B0110)" "unsigned of $spelling"
  assert_eq "$(jq -r .signed <<<"$rec")" "$((0x800B0110 - 0x100000000))" "signed of $spelling"
  assert_eq "$(jq -r .hex <<<"$rec")" "0x800B0110" "hex of $spelling"
done
for spelling in 13805 0x35ED 0x800735ED "$((0x800735ED - 0x100000000))"; do
  expect_exit 0 certcheck errcode --json "$spelling"
  rec=$(last_stdout | jq -c 'select(.type=="windows_error").data')
  assert_eq "$(jq -r .name <<<"$rec")" "ERROR_IPSEC_IKE_TIMED_OUT" "errcode $spelling"
  assert_eq "$(jq -r .win32 <<<"$rec")" "13805" "win32 of $spelling"
  assert_eq "$(jq -r .hex <<<"$rec")" "0x800735ED" "HRESULT_FROM_WIN32 of $spelling"
done
expect_exit 0 certcheck errcode 809
assert_contains "$(last_stdout)" "ERROR_VPN_TIMEOUT" "RAS 809"
expect_exit 0 certcheck errcode 2148204816
assert_contains "$(last_stdout)" "IP security IKE intermediate" "meaning names the missing EKU"
assert_contains "$(last_stdout)" "eku-missing" "found by eku-missing"
expect_exit 1 certcheck errcode 0x12345678
assert_one_line_error certcheck
expect_exit 2 certcheck errcode not-a-code
assert_one_line_error certcheck
pass "errcode: 2148204816, 0x800B0110, -2146762480, 13805, 0x35ED, 0x800735ED, 809"

expect_exit 0 certcheck profiles --json
assert_eq "$(last_stdout | jq -r 'select(.type=="profile").data.name' | tr '\n' ' ')" \
  "tls-server tls-client rfc4945 win-ikev2-server win-ikev2-device win-l2tp-ipsec tmg-rras anyconnect-server code-signing email " \
  "profile list"
pass "profiles"

# --- the L2TP/IPsec EKU case: TMG server certificate without IKE intermediate ---------------
expect_exit 1 certcheck --json --profile tmg-rras leaf-eku-sc.pem
last_stdout > out.jsonl
assert_envelope out.jsonl
f=$(jq -c 'select(.type=="finding" and .data.code=="eku-missing").data' out.jsonl)
assert_eq "$(jq -r '.details.missing[0].oid' <<<"$f")" "1.3.6.1.5.5.8.2.2" "missing IKE intermediate"
assert_eq "$(jq -r '.windows_error.name' <<<"$f")" "CERT_E_WRONG_USAGE" "windows error name"
assert_eq "$(jq -r '.windows_error.unsigned' <<<"$f")" "2148204816" "windows error unsigned"
assert_eq "$(jq -r '.windows_error.signed' <<<"$f")" "-2146762480" "windows error signed"
assert_eq "$(jq -r '.windows_error.hex' <<<"$f")" "0x800B0110" "windows error hex"
assert_eq "$(jq -r 'select(.type=="summary").data.exit_code' out.jsonl)" "1" "summary exit code"
expect_exit 0 certcheck --profile tmg-rras leaf-eku-sci.pem
expect_exit 1 certcheck --json --profile win-l2tp-ipsec leaf-eku-c.pem
assert_eq "$(codes)" "eku-missing " "client without IKE intermediate"
expect_exit 0 certcheck --profile win-l2tp-ipsec leaf-eku-ci.pem
expect_exit 0 certcheck --profile win-ikev2-server leaf-eku-si.pem
expect_exit 1 certcheck --profile win-ikev2-server leaf-eku-s.pem
expect_exit 0 certcheck --json --profile win-l2tp-ipsec leaf-eku-none.pem
assert_eq "$(codes)" "eku-absent " "absent EKU is a warning for Windows profiles"
pass "TMG/L2TP profiles: eku-missing with CERT_E_WRONG_USAGE 0x800B0110 / 2148204816"

# RFC 4945 5.1.3.12: EKU absent, ipsecIKE or anyEKU pass; an EKU without them fails.
for ok in leaf-eku-none.pem leaf-eku-ipsecike.pem leaf-eku-any.pem; do
  expect_exit 0 certcheck --profile rfc4945 "$ok"
done
expect_exit 1 certcheck --profile rfc4945 leaf-eku-s.pem
expect_exit 1 certcheck --json --profile rfc4945 leaf-ku-keyagreement-only.pem
assert_contains "$(codes)" "ku-missing" "RFC 4945 5.1.3.2 key usage"
assert_eq "$(last_stdout | jq -r 'select(.data.code=="ku-missing").data.windows_error.win32')" "13818" \
  "ERROR_IPSEC_IKE_INVALID_KEY_USAGE"
pass "rfc4945 profile"

# --require-eku by OID, OpenSSL name and Windows name; --eku-match any.
expect_exit 0 certcheck --require-eku 1.3.6.1.5.5.8.2.2 --require-eku clientAuth leaf-eku-ci.pem
expect_exit 0 certcheck --require-eku "IP security IKE intermediate" leaf-eku-sci.pem
expect_exit 1 certcheck --require-eku serverAuth --require-eku ike-intermediate leaf-eku-s.pem
expect_exit 0 certcheck --require-eku serverAuth --require-eku ike-intermediate --eku-match any leaf-eku-s.pem
expect_exit 2 certcheck --require-eku no-such-usage leaf-eku-s.pem
assert_one_line_error certcheck
pass "--require-eku"

# --- the certificate record, compared with openssl x509 ----------------------------------------
expect_exit 0 certcheck --json leaf-full.pem
rec=$(last_stdout | jq -c 'select(.type=="certificate").data')
assert_eq "$(jq -r .fingerprints.sha256 <<<"$rec")" "$(ossl_sha256 leaf-full.pem)" "sha256 fingerprint"
assert_eq "$(jq -r .fingerprints.sha1 <<<"$rec")" \
  "$(openssl x509 -in leaf-full.pem -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')" "sha1"
assert_eq "$(jq -r .serial <<<"$rec")" \
  "$(openssl x509 -in leaf-full.pem -noout -serial | sed 's/serial=//' | tr 'A-F' 'a-f')" "serial"
assert_eq "$(jq -r .subject <<<"$rec")" \
  "$(openssl x509 -in leaf-full.pem -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" "subject RFC 4514"
assert_eq "$(jq -r .issuer <<<"$rec")" \
  "$(openssl x509 -in leaf-full.pem -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')" "issuer RFC 4514"
assert_eq "$(jq -r '.der' <<<"$rec" | base64 -d | openssl x509 -inform DER -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')" \
  "$(ossl_sha256 leaf-full.pem)" "der round trip"
assert_eq "$(jq -r '[.san[] | .type + ":" + .value] | join(",")' <<<"$rec")" "dns:tmg.example.test,ip:192.0.2.10" "SAN"
assert_eq "$(jq -r '.key_usage.usages | join(",")' <<<"$rec")" "digitalSignature,keyEncipherment" "KU"
assert_eq "$(jq -r '[.extended_key_usage.usages[] | .openssl_name + "/" + .windows_name] | join(",")' <<<"$rec")" \
  "serverAuth/Server Authentication,clientAuth/Client Authentication" "EKU names"
assert_eq "$(jq -r '[.authority_info_access[] | .method + "=" + .uri] | join(",")' <<<"$rec")" \
  "ocsp=http://ocsp.example.test/,ca_issuers=http://pki.example.test/int.crt" "AIA"
assert_eq "$(jq -r '.crl_distribution_points | join(",")' <<<"$rec")" "http://pki.example.test/int.crl" "CRL DP"
assert_eq "$(jq -r '.policies | join(",")' <<<"$rec")" "1.3.6.1.4.1.99999.1.1" "policies"
ski=$(openssl x509 -in leaf-full.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :' | tr 'A-F' 'a-f')
assert_eq "$(jq -r .subject_key_id <<<"$rec")" "$ski" "SKI"
assert_eq "$(jq -r '.not_after' <<<"$rec" | cut -c1-19)" \
  "$(date -u -d "$(openssl x509 -in leaf-full.pem -noout -enddate | sed 's/notAfter=//')" +%Y-%m-%dT%H:%M:%S)" "notAfter"
expect_exit 0 certcheck --json leaf-eku-i.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.extended_key_usage.usages[0] | (.openssl_name|tostring) + "/" + .windows_name')" \
  "null/IP security IKE intermediate" "IKE intermediate: unknown to OpenSSL, named by Windows"
for k in "key-p256:ec:256:prime256v1" "key-p384:ec:384:secp384r1" "key-ed25519:ed25519:256:" "key-rsa1024:rsa:1024:"; do
  IFS=: read -r f type bits curve <<<"$k"
  certcheck --json "leaf-$f.pem" > k.jsonl || true
  assert_eq "$(jq -r 'select(.type=="certificate").data.public_key | .type + ":" + (.bits|tostring) + ":" + (.curve // "")' k.jsonl)" \
    "$type:$bits:$curve" "key of leaf-$f"
done
pass "certificate record fields agree with openssl x509"

# --- inputs: formats, stdin, JSON records mixed with other types ----------------------------
expect_exit 0 certcheck --json leaf-eku-sc.der
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.source.format')" "der" "DER file"
expect_exit 0 certcheck --json bundle-sc.p7b
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.source.format' | sort -u)" "pkcs7" "PKCS#7 DER"
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "2" "PKCS#7 has 2 certs"
expect_exit 0 certcheck --json bundle-sc.p7b.pem
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "2" "PKCS#7 PEM"
expect_exit 0 certcheck --json --password-file p12.pass leaf-eku-sc.p12
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "2" "PKCS#12 leaf + CA"
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate" and .data.source.index==0).data.fingerprints.sha256')" \
  "$(ossl_sha256 leaf-eku-sc.pem)" "PKCS#12 leaf"
expect_exit 2 certcheck leaf-eku-sc.p12
assert_one_line_error certcheck
assert_contains "$(last_stderr)" "--password-file" "hint names the flag"
printf 'wrong' > bad.pass; chmod 600 bad.pass
expect_exit 2 certcheck --password-file bad.pass leaf-eku-sc.p12
assert_one_line_error certcheck
expect_exit 0 certcheck --json - < leaf-eku-sc.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.source.file')" "-" "PEM on stdin"
expect_exit 0 certcheck --json - < leaf-eku-sc.der
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.source.format')" "der" "DER on stdin"
# A stream as ikedecode would write it: other record types are ignored, the source survives.
{
  echo '{"type":"begin","data":{"tool":"ikedecode"}}'
  echo '{"type":"ike_message","data":{"exchange":"IKE_AUTH"}}'
  printf '{"type":"certificate","data":{"der":"%s","source":{"pcap":"x.pcap","frame":7}}}\n' \
    "$(openssl x509 -in leaf-eku-sc.pem -outform DER | base64 -w0)"
  echo '{"type":"summary","data":{"exit_code":0}}'
} > stream.jsonl
expect_exit 1 certcheck --json --profile tmg-rras - < stream.jsonl
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "1" "one certificate from the stream"
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.source.frame')" "7" "source kept"
assert_eq "$(codes)" "eku-missing " "stream checked"
# certcheck's own output is a valid input: the pipe between seckit tools.
certcheck --json leaf-eku-sci.pem | certcheck --json --profile tmg-rras - > piped.jsonl
assert_eq "$(jq -r 'select(.type=="summary").data.exit_code' piped.jsonl)" "0" "certcheck | certcheck -"
echo '{"type":"certificate","data":{"der":"!!notbase64"}}' > badrec.jsonl
expect_exit 2 certcheck - < badrec.jsonl
assert_one_line_error certcheck
pass "PEM, DER, PKCS#7, PKCS#12, stdin, JSON records mixed with other types"

# --- unreadable input: exit 2, one line, never a crash --------------------------------------
for bad in truncated.pem truncated.der garbage.bin garbage.txt missing-file.pem; do
  expect_exit 2 certcheck "$bad"
  assert_one_line_error certcheck
done
expect_exit 2 certcheck --json leaf-eku-sc.pem truncated.pem
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "1" "good file still reported"
assert_eq "$(last_stdout | jq -r 'select(.type=="error").data.input')" "truncated.pem" "error record"
pass "truncated PEM/DER, garbage, missing file: exit 2"

# --- directory scan -------------------------------------------------------------------------
mkdir -p scan/sub
cp leaf-eku-sc.pem scan/; cp leaf-eku-sc.der scan/sub/; cp garbage.txt garbage.bin scan/sub/
echo "not a cert" > scan/README
expect_exit 2 certcheck scan
assert_one_line_error certcheck
expect_exit 0 certcheck --json -r scan
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.counts | "\(.certificates) \(.duplicates)"')" "1 1" "same certificate as PEM and DER: checked once"
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="skipped")] | length')" "3" "non-certificates skipped"
assert_eq "$(codes)" "" "no finding (never 'expired') for non-certificates"
expect_exit 0 certcheck -r scan
assert_contains "$(last_stdout)" "note: skipped scan/README" "text note"
pass "directory scan with -r skips non-certificates with a note"

# --- validity, expiry windows ----------------------------------------------------------------
expect_exit 1 certcheck --json leaf-expired.pem
assert_eq "$(codes)" "expired " "expired"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.windows_error.name')" "CERT_E_EXPIRED" "expired win error"
expect_exit 1 certcheck --json leaf-not-yet-valid.pem
assert_eq "$(codes)" "not-yet-valid " "future notBefore"
expect_exit 1 certcheck --json --expires-within 400d leaf-eku-sc.pem
assert_eq "$(codes)" "expires-soon " "--expires-within 400d"
expect_exit 0 certcheck --expires-within 30d leaf-eku-sc.pem
expect_exit 0 certcheck --expires-within 8000h leaf-eku-sc.pem
expect_exit 1 certcheck --expires-within 9000h leaf-eku-sc.pem
expect_exit 0 certcheck --json --warn-days 400 leaf-eku-sc.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.severity')" "warning" "warn-days"
expect_exit 1 certcheck --warn-days 400 --crit-days 380 leaf-eku-sc.pem
expect_exit 2 certcheck --expires-within 30x leaf-eku-sc.pem
assert_one_line_error certcheck
pass "expired, not yet valid, --expires-within, --warn-days, --crit-days"

# --- names ---------------------------------------------------------------------------------
expect_exit 0 certcheck --host tmg.example.test leaf-eku-sc.pem
expect_exit 1 certcheck --json --host other.example.test leaf-eku-sc.pem
assert_eq "$(codes)" "host-mismatch " "host mismatch"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.windows_error.name')" "CERT_E_CN_NO_MATCH" "CN_NO_MATCH"
expect_exit 0 certcheck --host a.example.test leaf-san-wildcard.pem
expect_exit 1 certcheck --host a.b.example.test leaf-san-wildcard.pem
expect_exit 1 certcheck --host example.test leaf-san-wildcard.pem
expect_exit 0 certcheck --host tmg.example.test leaf-san-none.pem
# CN only when there is no SAN: san-dns has CN tmg.example.test but SAN vpn.example.test.
expect_exit 1 certcheck --host tmg.example.test leaf-san-dns.pem
expect_exit 0 certcheck --host vpn.example.test leaf-san-dns.pem
expect_exit 0 certcheck --ip 192.0.2.10 leaf-san-ip.pem
expect_exit 0 certcheck --ip 2001:db8::10 leaf-san-ip.pem
expect_exit 1 certcheck --ip 192.0.2.11 leaf-san-ip.pem
expect_exit 1 certcheck --ip 192.0.2.10 leaf-san-dns.pem
expect_exit 2 certcheck --ip not-an-ip leaf-san-ip.pem
expect_exit 0 certcheck --json leaf-san-email.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.san | map(.type + ":" + .value) | join(",")')" \
  "email:alice@example.test,uri:https://example.test/alice" "email + URI SAN"
expect_exit 0 certcheck --profile email leaf-san-email.pem
pass "--host (wildcards, CN fallback only without SAN), --ip"

# --- keys, signatures, KU/EKU consistency, CA flag ------------------------------------------
expect_exit 0 certcheck --json leaf-key-rsa1024.pem
assert_eq "$(codes)" "weak-key " "RSA 1024 warning"
expect_exit 1 certcheck --min-rsa-bits 2048 leaf-key-rsa1024.pem
expect_exit 0 certcheck --min-rsa-bits 2048 leaf-key-p256.pem
expect_exit 0 certcheck --json leaf-sha1.pem
assert_eq "$(codes)" "sha1-signature " "SHA-1 warning"
expect_exit 1 certcheck --forbid-sha1 leaf-sha1.pem
expect_exit 0 certcheck --json leaf-ku-crlsign-only.pem
assert_eq "$(codes)" "ku-eku-inconsistent " "KU/EKU consistency"
expect_exit 0 certcheck --json --profile tls-server leaf-leaf-ca-flag.pem
assert_eq "$(codes)" "ca-flag-on-leaf " "CA flag on a leaf"
expect_exit 0 certcheck --key leaf.key leaf-eku-sc.pem
expect_exit 1 certcheck --json --key other.key leaf-eku-sc.pem
assert_eq "$(codes)" "key-mismatch " "key mismatch"
expect_exit 0 certcheck --ignore key-mismatch --key other.key leaf-eku-sc.pem
pass "key size, SHA-1, KU/EKU consistency, CA flag, --key"

# --- chains ---------------------------------------------------------------------------------
cat leaf-eku-sci.pem int.pem > ok-chain.pem
expect_exit 0 certcheck --profile tmg-rras --ca-file root.pem ok-chain.pem
# Intermediate in a separate file: every input is a candidate issuer in chain mode.
expect_exit 0 certcheck --json --profile tmg-rras --ca-file root.pem leaf-eku-sci.pem int.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.role' | tr '\n' ' ')" "leaf issuer " "roles"
cat leaf-under-expired.pem int-expired.pem > exp-chain.pem
expect_exit 1 certcheck --json --ca-file root.pem exp-chain.pem
assert_contains "$(codes)" "chain-expired" "expired intermediate fails"
assert_eq "$(last_stdout | jq -r 'select(.data.code=="chain-expired").data.details.depth' | first_line)" "1" "depth 1"
cat leaf-eku-sc.pem int-wrong.pem > wrong-chain.pem
# Same issuer name, other key: OpenSSL matches AKI/SKI, so it finds no issuer at all (exactly
# what `openssl verify -untrusted int-wrong.pem` reports: error 20).
expect_exit 1 certcheck --json --ca-file root.pem wrong-chain.pem
assert_eq "$(codes)" "chain-incomplete " "wrong intermediate"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.details.openssl_error')" "20" "X509_V_ERR 20"
expect_exit 1 certcheck --json --ca-file root.pem leaf-eku-sc.pem
assert_eq "$(codes)" "chain-incomplete " "missing intermediate"
cat leaf-under-serveronly.pem int-serveronly.pem > so-chain.pem
expect_exit 1 certcheck --json --profile tmg-rras --ca-file root.pem so-chain.pem
assert_eq "$(codes)" "chain-eku-restricted " "effective EKU across the chain"
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate" and .data.role=="leaf").data.chain.effective_eku[].oid')" \
  "1.3.6.1.5.5.7.3.1" "effective EKU = serverAuth only"
expect_exit 0 certcheck --profile tmg-rras --ca-file root.pem --ignore chain-eku-restricted so-chain.pem
mkdir -p cadir && cp root.pem cadir/ && openssl rehash cadir 2>/dev/null
expect_exit 0 certcheck --ca-dir cadir ok-chain.pem
pass "chains: expired intermediate, wrong intermediate, incomplete, effective EKU, --ca-dir"

# --- JUnit ----------------------------------------------------------------------------------
expect_exit 2 certcheck --format junit --profile tmg-rras leaf-eku-sc.pem leaf-eku-sci.pem truncated.pem
last_stdout > junit.xml
python3 - junit.xml <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
assert suite.get("tests") == "3", suite.attrib
assert suite.get("failures") == "1", suite.attrib
assert suite.get("errors") == "1", suite.attrib
failure = suite.find("testcase/failure")
assert failure.get("type") == "eku-missing" and "0x800B0110" in failure.get("message"), failure.attrib
PY
expect_exit 0 certcheck --format json leaf-eku-sc.pem
last_stdout > fmt.jsonl
assert_envelope fmt.jsonl
pass "JUnit report parses, counts failures and errors; --format json"

# --- usage errors ---------------------------------------------------------------------------
expect_exit 2 certcheck
assert_one_line_error certcheck
expect_exit 2 certcheck --profile nope leaf-eku-sc.pem
assert_one_line_error certcheck
expect_exit 2 certcheck --starttls smtp leaf-eku-sc.pem
assert_one_line_error certcheck
expect_exit 2 certcheck --connect nocolon
assert_one_line_error certcheck
pass "usage errors are exit 2 with one line"

# --- issue 15: no pass without evidence -------------------------------------------------------
# verdict VERDICT: the summary's verdict; reason CODE: the first reason's code.
verdict() { last_stdout | jq -r 'select(.type=="summary").data.verdict'; }
reason_codes() { last_stdout | jq -r 'select(.type=="summary").data.reasons[].code' | tr '\n' ' '; }
der64() { openssl x509 -in "$1" -outform DER | base64 -w0; }
# record FILE SENDER FRAME: a certificate record as ikedecode writes it.
record() { printf '{"type":"certificate","data":{"der":"%s","source":{"pcap":"x.pcap","frame":%s,"sender":"%s"}}}\n' "$(der64 "$1")" "$3" "$2"; }

# Case 1: a stream with no certificate record, asked to check.
echo '{"type":"begin","data":{}}' > begin-only.jsonl
expect_exit 4 certcheck --profile tls-server - < begin-only.jsonl
assert_contains "$(last_stdout)" "inconclusive: 0 certificates read:" "text names the missing evidence"
assert_contains "$(last_stdout)" "give certificate files" "text says how to supply it"
expect_exit 4 certcheck --json --profile tls-server - < begin-only.jsonl
assert_envelope <(last_stdout)
assert_eq "$(verdict)" "inconclusive" "begin only: verdict"
assert_eq "$(reason_codes)" "no-certificates input-cut-short " "begin only: reasons"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.exit_code')" "4" "summary exit_code 4"
assert_eq "$(last_stdout | jq -r 'select(.type=="finding" and .data.code=="option-unused").data.details | .option + " " + .value')" \
  "--profile tls-server" "the unused profile is named in a finding"
# Irrelevant input: a whole stream (begin, other records, summary) without certificates.
{ echo '{"type":"begin","data":{"tool":"ikedecode"}}'; echo '{"type":"ike_message","data":{"exchange":"IKE_AUTH","encrypted":{"first_payload":"IDi","decrypted":false}}}'
  echo '{"type":"summary","data":{"exit_code":0}}'; } > no-certs.jsonl
expect_exit 4 certcheck --json --profile win-ikev2-server --host vpn.example.test - < no-certs.jsonl
assert_eq "$(reason_codes)" "no-certificates " "whole stream, no certificate: one reason"
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" \
  "0 certificates read: the JSON stream on stdin (from ikedecode) held 3 record(s), none a certificate (1 IKE message(s) not decrypted); IKEv2 sends certificates inside the encrypted IKE_AUTH exchange: give ikedecode --keys FILE" "reason names the producer and the fix"
assert_eq "$(last_stdout | jq -r 'select(.data.code=="option-unused").data.details.option' | tr '\n' ' ')" \
  "--profile --host " "--profile and --host named"
# Empty input: stdin, a named file, a directory without certificates.
expect_exit 4 certcheck - < /dev/null
assert_contains "$(last_stdout)" "inconclusive: 0 certificates read: stdin was empty" "empty stdin"
: > empty.pem
expect_exit 4 certcheck --json empty.pem
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" "empty.pem was empty" "empty file"
mkdir -p nocerts && cp garbage.txt nocerts/ && echo "not a cert" > nocerts/README
expect_exit 4 certcheck --json -r nocerts
assert_eq "$(verdict)" "inconclusive" "directory without certificates"
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" "2 file(s) in directories skipped" "skipped files counted"
# Cut short: the producer died mid-line. What came before is checked; the verdict says so.
{ echo '{"type":"begin","data":{"tool":"ikedecode"}}'; record leaf-eku-si.pem responder 6
  printf '{"type":"certificate","data":{"der":"MIIB'; } > cut.jsonl
expect_exit 4 certcheck --json --profile win-ikev2-server - < cut.jsonl
assert_eq "$(last_stdout | jq -s '[.[] | select(.type=="certificate")] | length')" "1" "records before the cut are checked"
assert_eq "$(reason_codes)" "input-cut-short " "cut short"
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" "line 3 is cut off" "names the line"
{ echo '{"type":"begin","data":{"tool":"ikedecode"}}'; record leaf-eku-s.pem responder 6
  printf '{"type":"summa'; } > cut-fail.jsonl
expect_exit 1 certcheck --json --profile win-ikev2-server - < cut-fail.jsonl
assert_eq "$(verdict)" "fail" "a defect found before the cut fails (fail wins)"
# Garbled in the middle is malformed input, exit 2, one line.
{ record leaf-eku-si.pem responder 6; echo '{"type":'; record leaf-eku-si.pem responder 7; } > garbled.jsonl
expect_exit 2 certcheck - < garbled.jsonl
assert_one_line_error certcheck
pass "issue 15 case 1: empty, irrelevant, cut-short input are inconclusive (exit 4), garbled exit 2"

# Case 2: roles. The initiator's certificate has Client Authentication only, the responder's
# Server Authentication + IKE intermediate (openssl x509 -ext extendedKeyUsage says so).
assert_contains "$(openssl x509 -in leaf-eku-c.pem -noout -ext extendedKeyUsage)" "TLS Web Client Authentication" "initiator EKU"
[[ "$(openssl x509 -in leaf-eku-c.pem -noout -ext extendedKeyUsage)" != *"Server Authentication"* ]] || fail "initiator cert has serverAuth"
assert_contains "$(openssl x509 -in leaf-eku-si.pem -noout -ext extendedKeyUsage)" "1.3.6.1.5.5.8.2.2" "responder EKU"
{ echo '{"type":"begin","data":{"tool":"ikedecode"}}'; record leaf-eku-c.pem initiator 4; record leaf-eku-si.pem responder 6
  echo '{"type":"summary","data":{"exit_code":0}}'; } > roles.jsonl
expect_exit 0 certcheck --json --profile win-ikev2-server - < roles.jsonl
assert_eq "$(verdict)" "pass" "server profile on the responder's certificate"
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate") | .data.sender + ":" + (if .data.checked == false then "false" else "true" end)' | tr '\n' ' ')" \
  "initiator:false responder:true " "initiator skipped, responder checked"
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.counts | "\(.certificates) \(.checked) \(.skipped)"')" "2 1 1" "counts"
assert_contains "$(last_stdout | jq -r 'select(.data.sender=="initiator").data.skip_reason')" \
  "win-ikev2-server checks responder/server" "skip reason names the profile's side"
expect_exit 0 certcheck --profile win-ikev2-server - < roles.jsonl
assert_contains "$(last_stdout)" "not checked: sent by the initiator" "text says why"
expect_exit 1 certcheck --json --profile win-ikev2-server --role any - < roles.jsonl
assert_eq "$(codes)" "eku-missing " "--role any checks the initiator too"
expect_exit 1 certcheck --json --profile win-ikev2-server --role initiator - < roles.jsonl
assert_eq "$(last_stdout | jq -r 'select(.type=="finding" and .data.code=="eku-missing").data.details.subject')" \
  "$(openssl x509 -in leaf-eku-c.pem -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" "--role initiator checks the initiator"
expect_exit 0 certcheck --json --profile tls-client - < roles.jsonl
assert_eq "$(last_stdout | jq -r 'select(.data.checked == null and .type=="certificate").data.sender')" "initiator" "client profile: initiator"
# The profile's side has nothing in the input: inconclusive, the profile named.
{ record leaf-eku-c.pem initiator 4; } > initiator-only.jsonl
expect_exit 4 certcheck --json --profile win-ikev2-server - < initiator-only.jsonl
assert_eq "$(reason_codes)" "no-certificate-in-role " "none left to check"
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[0].message')" "0 of 1 certificate(s) checked: sent by the initiator" "reason"
expect_exit 4 certcheck --json --profile tls-server --profile tls-client - < <(record leaf-eku-si.pem server 3)
assert_eq "$(reason_codes)" "profile-unused " "one of two profiles had nothing to check"
assert_eq "$(last_stdout | jq -r 'select(.data.code=="option-unused").data.details.value')" "tls-client" "tls-client named"
# Files carry no sender: every profile applies (the user named the file).
expect_exit 1 certcheck --profile win-ikev2-server leaf-eku-c.pem
expect_exit 2 certcheck --role nobody leaf-eku-c.pem
assert_one_line_error certcheck
pass "issue 15 case 2: profiles check their side's certificates, --role overrides, skipped counted"

# --- issue 17 item 2: read what admins point it at -------------------------------------------
ln -sf leaf-eku-sc.pem link.pem
expect_exit 0 certcheck link.pem
mkdir -p store && cp leaf-eku-sc.pem leaf-eku-sci.pem store/ && ln -s leaf-eku-sc.pem store/aaaa.0 && cat leaf-eku-sc.pem > store/bundle.crt
expect_exit 0 certcheck --json -r store
assert_eq "$(last_stdout | jq -r 'select(.type=="summary").data.counts | "\(.certificates) \(.duplicates)"')" "2 2" "symlinks read, duplicates counted once"
expect_exit 0 certcheck --json --password-file <(cat p12.pass) leaf-eku-sc.p12
expect_exit 0 certcheck -q -r store --expires-within 30d
assert_eq "$(last_stdout)" "" "-q prints nothing when all is well"
expect_exit 1 certcheck -q -r store --expires-within 400d
assert_contains "$(last_stdout)" "expires-soon" "-q prints the problems"
assert_contains "$(last_stdout)" "2 certificate(s): 2 error(s)" "and the summary"
expect_exit 2 certcheck --expires-within 90m leaf-eku-sc.pem
assert_contains "$(last_stderr)" "ambiguous" "m refused with a hint"
expect_exit 0 certcheck --expires-within 90min leaf-eku-sc.pem
expect_exit 1 certcheck --json --expires-within 20mo leaf-eku-sc.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.details.source | "\(.file) \(.index)"')" "leaf-eku-sc.pem 0" "finding carries source file and index"
if [ -d /etc/ssl/certs ]; then
  rc=0; certcheck -r /etc/ssl/certs --json > store.jsonl || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "system store: exit $rc"
  assert_eq "$(jq -s '[.[] | select(.type=="error")] | length' store.jsonl)" "0" "no refusal in the system store"
  want=$(find -L /etc/ssl/certs -maxdepth 1 -name '*.pem' -type f -exec openssl x509 -in {} -noout -fingerprint -sha256 \; | sort -u | wc -l)
  assert_eq "$(jq -r 'select(.type=="certificate").data.fingerprints.sha256' store.jsonl | sort -u | wc -l)" "$want" "every distinct certificate of the store (openssl x509)"
fi
pass "issue 17: symlinks, -r dedupe, /dev/fd secrets, -q, --expires-within units, finding source, system store"

# --- issue 17: legacy PKCS#12 (RC2-40 certificate bag, 3DES key bag: old Windows/Java exports) -
openssl pkcs12 -export -legacy -in leaf-eku-sc.pem -inkey leaf.key -passout file:p12.pass \
  -out legacy.p12
# (openssl itself stops at the RC2 bag without -legacy, after naming its algorithm)
info=$(openssl pkcs12 -in legacy.p12 -info -noout -passin file:p12.pass 2>&1 || true)
assert_contains "$info" "pbeWithSHA1And40BitRC2-CBC" "openssl made an RC2-40 PKCS#12"
want=$(ossl_sha256 leaf-eku-sc.pem)
expect_exit 0 certcheck --json --password-file p12.pass legacy.p12
assert_eq "$(last_stdout | jq -r 'select(.type=="certificate").data.fingerprints.sha256')" "$want" \
  "the legacy PKCS#12 opens (legacy provider loaded on demand)"
# Without the provider's module (OPENSSL_MODULES pointing nowhere): an environment error, exit 3,
# naming the package; a modern PKCS#12 still opens.
expect_exit 3 env OPENSSL_MODULES="$T/no-modules" certcheck --password-file p12.pass legacy.p12
assert_contains "$(last_stderr)" "legacy provider" "the error names the legacy provider"
assert_contains "$(last_stderr)" "libssl3" "and the Debian package"
expect_exit 0 env OPENSSL_MODULES="$T/no-modules" certcheck --password-file p12.pass leaf-eku-sc.p12
pass "issue 17: legacy PKCS#12 with the legacy provider on demand; exit 3 without it"
