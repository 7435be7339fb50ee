#!/bin/bash
# sslvpn-trace without the evidence for a verdict (issue 15): an empty capture, a capture with no
# SSL VPN in it (IKE; plain HTTPS with NTLM and its key log), a capture cut short. Each is
# inconclusive (exit 4) with the reason, never a pass and never a diagnosed failure. What the
# captures hold is established with tshark/editcap, not with sslvpn-trace.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures/sslvpn"
E="$SECKIT_SOURCE_DIR/examples"
summary() { jq -r "select(.type==\"summary\").data.$2" "$1"; }
reason() { jq -r 'select(.type=="summary").data.reasons[0].message' "$1"; }
none_of() {  # file type message
  jq -e -s --arg t "$2" 'all(.[]; .type != $t)' "$1" >/dev/null || fail "$3: $(jq -c --arg t "$2" 'select(.type==$t)' "$1" | first_line)"
}

# Empty: the pcap file header of a committed capture and no packet (capinfos counts 0).
head -c 24 "$C/sslvpn-dtls12.pcap" >"$T/empty.pcap"
assert_eq "$(capinfos -c -M "$T/empty.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}')" 0 "capinfos: empty capture"
expect_exit 4 sslvpn-trace --json "$T/empty.pcap"
last_stdout >"$T/empty.jsonl"
assert_envelope "$T/empty.jsonl"
assert_eq "$(summary "$T/empty.jsonl" verdict)" inconclusive "empty capture verdict"
assert_eq "$(summary "$T/empty.jsonl" exit_code)" 4 "empty capture exit_code"
assert_eq "$(reason "$T/empty.jsonl")" "the capture holds no packets: nothing to judge" "empty capture reason"
expect_exit 4 sslvpn-trace --color never "$T/empty.pcap"
assert_contains "$(last_stdout)" "inconclusive: the capture holds no packets" "empty capture, text"
pass "empty capture: inconclusive"

# Irrelevant: an IKEv2 capture (tshark: no TLS, no DTLS; isakmp only).
ike="$E/captures/ikev2-cert.pcap"
assert_eq "$(tshark -r "$ike" -Y 'tls || dtls' 2>/dev/null | wc -l)" 0 "tshark: TLS in the IKE capture"
frames=$(tshark -r "$ike" 2>/dev/null | wc -l)
expect_exit 4 sslvpn-trace --json "$ike"
last_stdout >"$T/ike.jsonl"
assert_eq "$(summary "$T/ike.jsonl" outcome)" no-vpn-traffic "IKE capture outcome"
assert_contains "$(reason "$T/ike.jsonl")" "no TLS or DTLS on the gateway ports in $frames frames" "IKE capture reason"
none_of "$T/ike.jsonl" finding "finding on an IKE capture"
pass "irrelevant capture (IKE): inconclusive"

# Plain HTTPS: NTLM to a web server, TLS 1.3, with its key log. tshark decrypts it: 401
# challenges and NTLM, no CONNECT, no config-auth. Not an SSL VPN session: no phases, no
# download-failed, every session "other", inconclusive.
https="$E/epa/epa-https.pcap"
keys="$E/epa/epa-https.keys"
port=$(tshark -r "$https" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e tcp.dstport 2>/dev/null | first_line)
codes=$(tshark -r "$https" -o "tls.keylog_file:$keys" -Y http.response -T fields -e http.response.code 2>/dev/null | sort | uniq -c | awk '{print $2"x"$1}' | paste -sd' ')
assert_contains "$codes" "401x" "tshark: 401 answers in the plain HTTPS capture"
assert_eq "$(tshark -r "$https" -o "tls.keylog_file:$keys" -Y 'http.request.method == "CONNECT" || http.file_data contains "config-auth"' 2>/dev/null | wc -l)" 0 \
  "tshark: CONNECT or config-auth in the plain HTTPS capture"
sessions=$(tshark -r "$https" -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)
expect_exit 4 sslvpn-trace --json --tls-port "$port" "$https" --keylog "$keys"
last_stdout >"$T/https.jsonl"
assert_envelope "$T/https.jsonl"
assert_eq "$(summary "$T/https.jsonl" verdict)" inconclusive "plain HTTPS verdict"
assert_eq "$(summary "$T/https.jsonl" outcome)" not-vpn "plain HTTPS outcome"
assert_eq "$(summary "$T/https.jsonl" counts.decrypted_sessions)" "$sessions" "plain HTTPS decrypted sessions"
assert_contains "$(reason "$T/https.jsonl")" \
  "$sessions decrypted TLS sessions show no AnyConnect/OpenConnect marker" "plain HTTPS reason"
assert_contains "$(reason "$T/https.jsonl")" "not an SSL VPN session" "plain HTTPS reason"
none_of "$T/https.jsonl" finding "finding on plain HTTPS"
none_of "$T/https.jsonl" sslvpn_phase "phase on plain HTTPS"
assert_eq "$(jq -r 'select(.type=="tls_session").data.role' "$T/https.jsonl" | sort -u)" other "plain HTTPS session roles"
expect_exit 4 sslvpn-trace --color never --tls-port "$port" "$https" --keylog "$keys"
! grep -q "download-failed\|phase " "$T/.stdout" || fail "plain HTTPS text shows phases: $(last_stdout)"
assert_contains "$(last_stdout)" "inconclusive: $sessions decrypted TLS sessions show no AnyConnect/OpenConnect marker" "plain HTTPS text"
pass "plain HTTPS with NTLM 401s: not an SSL VPN session, no phases, inconclusive"

# Cut short in the middle of the login: the first 14 frames of a connection whose CONNECT tshark
# finds later. The password POST is the last request and is unanswered in the cut capture.
name=sslvpn-tls12-dtls-psk
editcap -r "$C/$name.pcap" "$T/cut.pcap" 1-14 >/dev/null
tsh() { tshark -r "$1" -o "tls.keylog_file:$C/$name.keylog" -Y "$2" 2>/dev/null | wc -l; }
assert_eq "$(tsh "$C/$name.pcap" 'http.request.method == "CONNECT"')" 1 "tshark: CONNECT in the whole capture"
assert_eq "$(tsh "$T/cut.pcap" 'http.request')" 3 "tshark: requests in the cut capture"
assert_eq "$(tsh "$T/cut.pcap" 'http.response')" 2 "tshark: answers in the cut capture"
expect_exit 4 sslvpn-trace --json "$T/cut.pcap" --keylog "$C/$name.keylog"
last_stdout >"$T/cut.jsonl"
assert_eq "$(summary "$T/cut.jsonl" outcome)" incomplete "cut capture outcome"
assert_contains "$(reason "$T/cut.jsonl")" "the capture ends before the tunnel came up or was refused (1 request unanswered)" "cut capture reason"
none_of "$T/cut.jsonl" finding "diagnosis on a cut capture"
# Cut inside a packet record (the file itself truncated): the same, and the reason says so.
head -c $(( $(stat -c %s "$C/$name.pcap") / 3 )) "$C/$name.pcap" >"$T/trunc.pcap"
expect_exit 4 sslvpn-trace --json "$T/trunc.pcap" --keylog "$C/$name.keylog"
last_stdout >"$T/trunc.jsonl"
assert_contains "$(reason "$T/trunc.jsonl")" "the capture file is truncated" "truncated file reason"
# Cut right after the first DTLS ClientHello: too soon to call DTLS blocked.
name=sslvpn-dtls-blocked
first_udp=$(tshark -r "$C/$name.pcap" -Y 'udp.dstport == 443' -T fields -e frame.number 2>/dev/null | first_line)
editcap -r "$C/$name.pcap" "$T/cutd.pcap" "1-$first_udp" >/dev/null
expect_exit 0 sslvpn-trace --json "$T/cutd.pcap" --keylog "$C/$name.keylog"
last_stdout >"$T/cutd.jsonl"
assert_eq "$(summary "$T/cutd.jsonl" outcome)" connected-dtls-pending "DTLS cut short outcome"
none_of "$T/cutd.jsonl" finding "dtls-blocked diagnosed on one ClientHello"
assert_eq "$(jq -r 'select(.type=="dtls_session").data | "\(.blocked) \(.pending)"' "$T/cutd.jsonl")" "false true" "DTLS pending"
pass "cut short: incomplete, inconclusive, no diagnosis"

# Without a key log, inferred phases are placed at their own time: phase 1 (the handshake)
# before the inferred phase of the records after it, in JSON times and in the text timeline.
for name in sslvpn-tls13-dtls-psk sslvpn-profile-download; do
  sslvpn-trace --json "$C/$name.pcap" >"$T/order.jsonl" || true
  jq -e -s '[.[] | select(.type=="sslvpn_phase" and .data.session==1)] as $p
            | ($p | map(select(.data.phase==1)) | .[0].data.relative_time) as $one
            | all($p[] | select(.data.status=="inferred"); .data.relative_time >= $one)' "$T/order.jsonl" >/dev/null \
    || fail "$name: an inferred phase before phase 1"
  sslvpn-trace --color never "$C/$name.pcap" >"$T/order.txt" || true
  first=$(grep -n 'phase [0-9]' "$T/order.txt" | first_line)
  assert_contains "$first" "phase 1 tls-handshake" "$name: first phase line"
done
pass "inferred phases after phase 1"
