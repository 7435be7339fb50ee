#!/bin/bash
# sslvpn-trace on a client-side capture with other traffic (issue 20): openconnect against
# ocserv plus curl page loads from an unrelated web server (its own CA) and a chat flow the
# capture joined mid-session (examples/gen/sslvpn-ocserv.sh sslvpn-mixed). Without a key log:
# exactly one gateway, with its evidence; its phases only; the other sessions as context.
# Expected values come from tshark and openconnect's log, not from sslvpn-trace.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"
cap="$C/sslvpn-mixed.pcap"
log="$C/sslvpn-mixed.openconnect.log"
summary() { jq -r "select(.type==\"summary\").data.$2" "$1"; }

# The gateway, as openconnect saw it ("Connected to 10.252.0.2:443"), and its host name.
gateway=$(sed -n 's/^Connected to \([0-9.]*:[0-9]*\)$/\1/p' "$log" | first_line)
host=$(sed -n 's/^Connected to HTTPS on \([^ ]*\) .*/\1/p' "$log" | first_line)
[ -n "$gateway" ] && [ -n "$host" ] || fail "no gateway in $log"
# Every TCP session, per server, as tshark counts them (SYNs from the client).
tshark -r "$cap" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e ip.dst -e tcp.dstport 2>/dev/null |
  awk '{print $1":"$2}' >"$T/syns"
# ... and the flow that was already open when the capture started (first packet, no SYN).
tshark -r "$cap" -c 1 -T fields -e ip.dst -e tcp.dstport 2>/dev/null | awk '{print $1":"$2}' >>"$T/syns"
others=$(grep -vc "^$gateway\$" "$T/syns")
other_servers=$(grep -v "^$gateway\$" "$T/syns" | sort -u | wc -l)
[ "$others" -ge 4 ] && [ "$other_servers" -eq 2 ] || fail "capture: $others other sessions to $other_servers servers"
# DTLS answered by the gateway (tshark: datagrams from its address on 443).
gw_addr=${gateway%:*}
answered=$(tshark -r "$cap" -Y "udp.srcport == 443 && ip.src == $gw_addr" 2>/dev/null | wc -l)
[ "$answered" -gt 0 ] || fail "tshark: the gateway never answered DTLS"

expect_exit 0 sslvpn-trace --json "$cap"
last_stdout >"$T/nokey.jsonl"
assert_envelope "$T/nokey.jsonl"
assert_eq "$(jq -s '[.[] | select(.type=="gateway")] | length' "$T/nokey.jsonl")" 1 "one gateway"
assert_eq "$(jq -r 'select(.type=="gateway").data.server' "$T/nokey.jsonl")" "$gateway" "gateway server"
jq -e -s --arg h "$host" 'any(.[] | select(.type=="gateway"); .data.names | any(.[]; . == $h))' "$T/nokey.jsonl" >/dev/null || fail "gateway names lack $host"
jq -e -s 'any(.[] | select(.type=="gateway"); .data | (.confidence=="high" or .confidence=="medium") and any(.evidence[]; .kind=="dtls"))' "$T/nokey.jsonl" >/dev/null \
  || fail "gateway evidence: $(jq -c 'select(.type=="gateway").data' "$T/nokey.jsonl")"
assert_eq "$(summary "$T/nokey.jsonl" verdict)" pass "verdict without key log"
assert_eq "$(summary "$T/nokey.jsonl" outcome)" dtls-seen "outcome without key log"
assert_eq "$(summary "$T/nokey.jsonl" counts.other_sessions)" "$others" "other sessions"
# Other sessions: role other, never a phase, never a finding.
gw_sessions=$(jq -c -s '[.[] | select(.type=="tls_session" and .data.server==$g) | .data.session]' --arg g "$gateway" "$T/nokey.jsonl")
assert_eq "$(jq -r --arg g "$gateway" 'select(.type=="tls_session" and .data.server!=$g) | .data.role' "$T/nokey.jsonl" | sort -u)" other "roles of the other sessions"
jq -e -s --argjson gw "$gw_sessions" 'all(.[] | select(.type=="sslvpn_phase" and (.data.name != "dtls-handshake")); .data.session as $s | $gw | index($s))' "$T/nokey.jsonl" >/dev/null \
  || fail "a phase on a session that is not the gateway's"
jq -e -s 'all(.[]; .type != "finding")' "$T/nokey.jsonl" >/dev/null || fail "findings: $(jq -c 'select(.type=="finding").data' "$T/nokey.jsonl")"
# The mid-session chat flow is there, as context.
assert_eq "$(jq -r --arg g "$gateway" 'select(.type=="tls_session" and .data.handshake_seen==false) | .data.role' "$T/nokey.jsonl")" other "mid-session flow role"
expect_exit 0 sslvpn-trace --color never "$cap"
last_stdout >"$T/nokey.txt"
assert_contains "$(cat "$T/nokey.txt")" "$others other TLS sessions to $other_servers servers, not the gateway" "context line"
assert_contains "$(cat "$T/nokey.txt")" "gateway  $gateway ($host): " "gateway line"
assert_contains "$(cat "$T/nokey.txt")" " confidence: DTLS (" "gateway line evidence"
for id in $(jq -r --arg g "$gateway" 'select(.type=="tls_session" and .data.server!=$g) | .data.session' "$T/nokey.jsonl"); do
  ! grep -E "tls#$id " "$T/nokey.txt" >/dev/null || fail "timeline lines for other session tls#$id: $(grep "tls#$id " "$T/nokey.txt")"
done
pass "without a key log: one gateway with its evidence, other sessions as context"

# --gateway naming the gateway: the same, with the name as evidence.
expect_exit 0 sslvpn-trace --json --gateway "$host" "$cap"
last_stdout >"$T/named.jsonl"
assert_eq "$(jq -r 'select(.type=="gateway").data.server' "$T/named.jsonl")" "$gateway" "--gateway $host"
jq -e -s 'any(.[] | select(.type=="gateway"); any(.data.evidence[]; .kind=="name"))' "$T/named.jsonl" >/dev/null || fail "no name evidence"
# --gateway naming another host: no gateway, inconclusive, the name in a finding.
expect_exit 4 sslvpn-trace --json --gateway vpn.wrong.example "$cap"
last_stdout >"$T/wrong.jsonl"
assert_eq "$(summary "$T/wrong.jsonl" verdict)" inconclusive "wrong --gateway verdict"
assert_eq "$(summary "$T/wrong.jsonl" outcome)" no-gateway "wrong --gateway outcome"
assert_contains "$(jq -r 'select(.type=="summary").data.reasons[0].message' "$T/wrong.jsonl")" \
  "no server showed VPN evidence (--gateway vpn.wrong.example matched no SNI, certificate name or address" "wrong --gateway reason"
assert_eq "$(jq -r 'select(.type=="finding").data.code' "$T/wrong.jsonl")" gateway-unmatched "wrong --gateway finding"
jq -e -s 'all(.[]; .type != "sslvpn_phase" and .type != "gateway")' "$T/wrong.jsonl" >/dev/null || fail "phases with a wrong --gateway"
expect_exit 4 sslvpn-trace --color never --gateway vpn.wrong.example "$cap"
assert_contains "$(last_stdout)" "inconclusive: no server showed VPN evidence" "wrong --gateway text"
assert_contains "$(last_stdout)" "pass --gateway HOST or a key log" "wrong --gateway text"
pass "--gateway: the right host is the gateway; a wrong one leaves the run inconclusive"

# With openconnect's key log: the gateway by its plaintext, connected; the web sessions (curl
# wrote no key log) and the chat flow stay context.
expect_exit 0 sslvpn-trace --json "$cap" --keylog "$C/sslvpn-mixed.keylog"
last_stdout >"$T/key.jsonl"
assert_eq "$(summary "$T/key.jsonl" outcome)" connected-dtls "outcome with the key log"
assert_eq "$(jq -r 'select(.type=="gateway").data.evidence[0].kind' "$T/key.jsonl")" marker "marker evidence"
assert_eq "$(summary "$T/key.jsonl" counts.other_sessions)" "$others" "other sessions with the key log"
pass "with the key log: the gateway by its plaintext, others as context"
