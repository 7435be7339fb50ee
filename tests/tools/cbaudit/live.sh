#!/bin/bash
# cbaudit pcap -i: live capture on lo of real NTLM/HTTP authentications replayed over loopback
# sockets (tests/tools/cbaudit/live_driver.py), the exit status and summary of a capture ended by
# SIGINT, -c, and live usage errors.
source "$SECKIT_TESTS_DIR/lib.sh"
E="$SECKIT_SOURCE_DIR/examples/epa"

expect_exit 2 cbaudit pcap -i lo "$E/epa-http.pcap"
assert_one_line_error cbaudit
expect_exit 2 cbaudit pcap --duration 5 "$E/epa-http.pcap"
assert_one_line_error cbaudit
expect_exit 2 cbaudit pcap
assert_one_line_error cbaudit
expect_exit 3 cbaudit pcap -i seckit-no-such-if0
assert_one_line_error cbaudit
pass "live usage and environment errors"

if [ "$(id -u)" != 0 ]; then
  echo "SKIPPED: live capture needs root or CAP_NET_RAW"
  exit 0
fi
python3 "$SECKIT_SOURCE_DIR/tests/tools/cbaudit/live_driver.py" "$E/epa-http.pcap" "$E/server.pem" ||
  fail "live capture on lo"
pass "live capture on lo: each authentication a record before the next; SIGINT exit 130"

# -c ends a live capture by itself once that many packets passed the filter.
assert_count_ends_live_capture cbaudit pcap
