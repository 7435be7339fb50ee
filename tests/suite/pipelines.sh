# End-to-end pipelines between tools, on committed real captures. Expected values come from
# openssl reading the same DER bytes, never from the tools themselves.
source "$SECKIT_TESTS_DIR/lib.sh"
src="$SECKIT_SOURCE_DIR"
built=",${SECKIT_BUILT_TOOLS:-},"

# --- ikedecode | certcheck: the EKU story of seed 000 -----------------------------------------
if [[ "$built" == *",ikedecode,"* && "$built" == *",certcheck,"* ]]; then
  cap="$src/examples/captures/ikev2-cert.pcap"
  keys="$src/examples/captures/ikev2-cert.ikev2_decryption_table"
  ikedecode "$cap" --keys "$keys" --json > "$T/ike.jsonl"
  assert_envelope "$T/ike.jsonl"
  jq -r 'select(.type=="certificate").data.der' "$T/ike.jsonl" > "$T/ders"
  [ -s "$T/ders" ] || fail "ikedecode emitted no certificate records for $cap"

  # What openssl says about each certificate on the wire.
  expected_missing=0
  : > "$T/expected_fps"
  while read -r der; do
    echo "$der" | base64 -d > "$T/cert.der"
    fp=$(openssl x509 -inform DER -in "$T/cert.der" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
    echo "$fp" >> "$T/expected_fps"
    eku=$(openssl x509 -inform DER -in "$T/cert.der" -noout -ext extendedKeyUsage 2>/dev/null || true)
    # Windows IKEv2 server certificates need Server Authentication and IKE intermediate.
    if [[ "$eku" != *"TLS Web Server Authentication"* || "$eku" != *"1.3.6.1.5.5.8.2.2"* ]]; then
      expected_missing=$((expected_missing + 1))
    fi
  done < "$T/ders"

  rc=0
  certcheck --profile win-ikev2-server - --json < "$T/ike.jsonl" > "$T/cc.jsonl" || rc=$?
  assert_envelope "$T/cc.jsonl"
  jq -r 'select(.type=="certificate").data.fingerprints.sha256' "$T/cc.jsonl" > "$T/got_fps"
  assert_eq "$(sort "$T/got_fps")" "$(sort "$T/expected_fps")" "certcheck saw exactly the certificates on the wire"
  got_missing=$(jq -s '[.[] | select(.type=="finding" and .data.code=="eku-missing")] | length' "$T/cc.jsonl")
  assert_eq "$got_missing" "$expected_missing" "eku-missing findings vs openssl's view of the EKUs"
  if [ "$expected_missing" -gt 0 ]; then
    assert_eq "$rc" 1 "certcheck exit status with findings"
    jq -e -s '[.[] | select(.type=="finding" and .data.code=="eku-missing")]
              | all(.data.windows_error.unsigned == 2148204816)' "$T/cc.jsonl" >/dev/null || fail "eku-missing names CERT_E_WRONG_USAGE (2148204816)"
  else
    assert_eq "$rc" 0 "certcheck exit status without findings"
  fi
  # The source of each record survives the pipe, so a finding can be traced to its packet.
  jq -e -s '[.[] | select(.type=="certificate") | .data.source.frame] | all(. != null)' "$T/cc.jsonl" >/dev/null \
    || fail "certificate records lost their pcap source in the pipe"
  pass "ikedecode | certcheck --profile win-ikev2-server"
fi
