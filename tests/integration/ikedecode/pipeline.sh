#!/bin/bash
# The suite's pipeline: certificates carried in IKE_AUTH, decrypted by ikedecode, checked by
# certcheck. The generator gave the initiator (sun) only clientAuth and the responder (moon)
# serverAuth, clientAuth and IP security IKE intermediate. Skipped (77) when certcheck is not
# built in this tree.
source "$SECKIT_TESTS_DIR/lib.sh"
command -v certcheck >/dev/null || { echo "certcheck not built here: skipped"; exit 77; }
C="$SECKIT_SOURCE_DIR/examples/captures"
rc=0
ikedecode --json --keys "$C/ikev2-cert.ikev2_decryption_table" "$C/ikev2-cert.pcap" |
  certcheck --profile win-l2tp-ipsec --json - >"$T/out.jsonl" || rc=$?
assert_eq "$rc" 1 "certcheck finds the initiator's missing EKU"
missing=$(jq -r 'select(.type=="finding" and .data.code=="eku-missing") | .data.message' "$T/out.jsonl")
assert_contains "$missing" "1.3.6.1.5.5.8.2.2" "IKE intermediate EKU reported missing"
assert_eq "$(jq -s '[.[] | select(.type=="finding" and .data.code=="eku-missing")] | length' "$T/out.jsonl")" 1 \
  "only the initiator's certificate lacks it"
pass "ikedecode | certcheck"
