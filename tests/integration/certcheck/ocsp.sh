# Online revocation (--ocsp, --ocsp-url) against a real `openssl ocsp -index` responder on
# 127.0.0.1, and stapling (--connect --ocsp) against `openssl s_server -status_file`. The PKI
# (root -> leaves good, revoked, not in the index; a delegated responder with id-kp-OCSPSigning;
# a "responder" without it) is made here with openssl. Every expected status comes from
# openssl's own client: `openssl ocsp -issuer root.pem -cert LEAF -url URL -CAfile root.pem`.
#
# `openssl ocsp -port N` listens on every interface (3.0 takes no address), so the whole test runs
# in a network namespace of its own whose only interface is loopback.
if [ -z "${CERTCHECK_OCSP_NETNS:-}" ]; then
  exec unshare -rn env CERTCHECK_OCSP_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
source "$SECKIT_TESTS_DIR/lib.sh"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY
mkdir -p "$T/pki" && cd "$T/pki"
port=$(free_port)
url="http://127.0.0.1:$port"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
  -subj "/CN=OCSP test root" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
  -subj "/CN=leaf" -out leaf.csr 2>/dev/null
serial=4096
sign() {  # NAME EXTENSIONS...
  local name="$1"
  shift
  printf '%s\n' "$@" > "$name.ext"
  serial=$((serial + 1))
  openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial "$serial" -days 365 \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
}
aia="authorityInfoAccess=OCSP;URI:$url"
sign good "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:good.test" "$aia"
sign revoked "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:revoked.test" "$aia"
sign unknown "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:unknown.test" "$aia"
sign noaia "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:noaia.test"
sign responder "basicConstraints=CA:FALSE" "extendedKeyUsage=OCSPSigning"
sign wrongsigner "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth"

# The responder's database (openssl ca's index.txt): good and noaia valid, revoked with
# keyCompromise; "unknown" is deliberately absent.
index_line() {  # STATUS PEM [REVOCATION]
  local end s dn
  end=$(date -u -d "$(openssl x509 -in "$2" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
  s=$(openssl x509 -in "$2" -noout -serial | cut -d= -f2)
  dn=$(openssl x509 -in "$2" -noout -subject -nameopt compat | sed 's/^subject=//')
  printf '%s\t%s\t%s\t%s\tunknown\t%s\n' "$1" "$end" "${3:-}" "$s" "$dn"
}
{
  index_line V good.pem
  index_line R revoked.pem "$(date -u -d '-1 day' +%y%m%d%H%M%SZ),keyCompromise"
  index_line V noaia.pem
} > index.txt
echo "unique_subject = no" > index.txt.attr  # every leaf is CN=leaf

start_responder() {  # SIGNER KEY: a responder on $port, stopped by PID at exit
  openssl ocsp -index index.txt -port "$port" -rsigner "$1" -rkey "$2" -CA root.pem \
    -ndays 7 -ignore_err >"$T/responder.log" 2>&1 &
  responder=$!
  stop_on_exit $responder
  wait_port "$port"
}
stop_responder() { kill "$responder"; wait "$responder" 2>/dev/null || true; }

# openssl's view: "good", "revoked", "unknown", or "verify-failure" for a response its client
# refuses.
openssl_status() {  # LEAF
  local out
  out=$(openssl ocsp -issuer root.pem -cert "$1" -url "$url" -CAfile root.pem 2>&1) || true
  if grep -q "Response Verify Failure" <<<"$out"; then echo verify-failure; return; fi
  sed -n "s|^$1: \([a-z]*\)\$|\1|p" <<<"$out"
}

start_responder responder.pem leaf.key
for leaf in good revoked unknown; do
  want=$(openssl_status "$leaf.pem")
  echo "  openssl ocsp says $leaf.pem: $want"
  rc=0
  certcheck --json --ca-file root.pem --ocsp "$leaf.pem" >"$T/$leaf.jsonl" 2>"$T/$leaf.err" || rc=$?
  assert_envelope "$T/$leaf.jsonl"
  got=$(jq -r 'select(.type=="certificate").data.chain.ocsp.status' "$T/$leaf.jsonl")
  assert_eq "$got" "$want" "$leaf: status as openssl ocsp reports it"
  case "$want" in
    good) assert_eq "$rc" 0 "$leaf: exit" ;;
    revoked)
      assert_eq "$rc" 1 "$leaf: exit"
      assert_eq "$(jq -r 'select(.type=="finding").data | "\(.code) \(.details.reason)"' "$T/$leaf.jsonl")" \
        "ocsp-revoked keyCompromise" "$leaf: finding and reason"
      ;;
    unknown)
      assert_eq "$rc" 4 "$leaf: exit (no evidence)"
      assert_eq "$(jq -r 'select(.type=="summary").data.reasons[].code' "$T/$leaf.jsonl")" \
        "ocsp-no-evidence" "$leaf: inconclusive reason"
      ;;
    *) fail "openssl ocsp gave no status for $leaf.pem: $want" ;;
  esac
  pass "responder via AIA: $leaf.pem is $want, as openssl ocsp says"
done

# --ocsp-url for a certificate without AIA; without it the run lacks evidence (exit 4).
assert_eq "$(openssl_status noaia.pem)" good "openssl: noaia.pem"
expect_exit 0 certcheck --ca-file root.pem --ocsp-url "$url" noaia.pem
expect_exit 4 certcheck --json --ca-file root.pem --ocsp noaia.pem
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[].message')" \
  "--ocsp-url" "the missing responder is named, with the option that supplies it"
pass "--ocsp-url asks a responder the certificate does not name; no AIA is inconclusive"
stop_responder

# A responder signing with a certificate the CA never authorised for OCSP.
start_responder wrongsigner.pem leaf.key
assert_eq "$(openssl_status good.pem)" verify-failure "openssl refuses the wrong signer"
expect_exit 1 certcheck --json --ca-file root.pem --ocsp good.pem
assert_eq "$(last_stdout | jq -r 'select(.type=="finding").data.code')" "ocsp-bad-signature" \
  "wrong signer finding"
pass "wrong signer: openssl ocsp says Response Verify Failure, certcheck fails ocsp-bad-signature"
stop_responder

# Nothing listening: inconclusive (exit 4), never a pass.
expect_exit 4 certcheck --json --ca-file root.pem --ocsp --timeout 2 good.pem
assert_contains "$(last_stdout | jq -r 'select(.type=="summary").data.reasons[].message')" \
  "unreachable" "unreachable responder named"
pass "unreachable responder: exit 4, says what is missing"

# --- stapling: the responses come from the responder logic of openssl ocsp (-reqin/-respout) ---
staple() {  # LEAF SIGNER -> LEAF-SIGNER.der
  openssl ocsp -issuer root.pem -cert "$1.pem" -no_nonce -reqout "$T/$1.req" 2>/dev/null
  openssl ocsp -index index.txt -rsigner "$2.pem" -rkey leaf.key -CA root.pem -ndays 7 \
    -reqin "$T/$1.req" -respout "$T/$1-$2.der" >/dev/null 2>&1
  local out
  out=$(openssl ocsp -respin "$T/$1-$2.der" -issuer root.pem -cert "$1.pem" -CAfile root.pem 2>&1) || true
  sed -n "s|^$1.pem: \([a-z]*\)\$|\1|p; s|^Response Verify Failure.*|verify-failure|p" <<<"$out" | head -1
}
for case in "good responder" "revoked responder" "unknown responder" "good wrongsigner"; do
  set -- $case
  want=$(staple "$1" "$2")
  sport=$(free_port)
  openssl s_server -accept "127.0.0.1:$sport" -cert "$1.pem" -key leaf.key \
    -status_file "$T/$1-$2.der" -quiet -www >/dev/null 2>&1 </dev/null &
  server=$!
  stop_on_exit $server
  wait_port "$sport"
  rc=0
  certcheck --json --connect "127.0.0.1:$sport" --ca-file root.pem --ocsp >"$T/s.jsonl" 2>&1 || rc=$?
  assert_eq "$(jq -r 'select(.type=="tls_session").data.ocsp_stapled' "$T/s.jsonl")" true "$case: stapled"
  responder_field=$(jq -r 'select(.type=="certificate" and .data.source.index==0).data.chain.ocsp.responder' "$T/s.jsonl")
  assert_eq "$responder_field" stapled "$case: the stapled response was judged"
  status=$(jq -r 'select(.type=="certificate" and .data.source.index==0).data.chain.ocsp.status' "$T/s.jsonl")
  case "$want" in
    good) assert_eq "$rc/$status" "0/good" "$case" ;;
    revoked) assert_eq "$rc/$status" "1/revoked" "$case" ;;
    unknown) assert_eq "$rc/$status" "4/unknown" "$case" ;;
    verify-failure)
      assert_eq "$rc" 1 "$case: exit"
      assert_eq "$(jq -r 'select(.type=="finding").data.code' "$T/s.jsonl")" ocsp-bad-signature "$case"
      ;;
    *) fail "openssl gave no status for the $case staple: $want" ;;
  esac
  kill "$server"; wait "$server" 2>/dev/null || true
  pass "stapled ($case): openssl ocsp -respin says $want, certcheck agrees"
done
