#!/bin/bash
# ikedecode -i: live capture on lo of real IKE datagrams (tests/tools/ikedecode/live_driver.py),
# the exit status and summary of a capture ended by SIGINT, and live usage errors.
source "$SECKIT_TESTS_DIR/lib.sh"
C="$SECKIT_SOURCE_DIR/examples/captures"

expect_exit 2 ikedecode -i lo "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
expect_exit 2 ikedecode --duration 5 "$C/ikev2-psk.pcap"
assert_one_line_error ikedecode
expect_exit 3 ikedecode -i seckit-no-such-if0
assert_one_line_error ikedecode
pass "live usage and environment errors"

if [ "$(id -u)" != 0 ]; then
  echo "SKIPPED: live capture needs root or CAP_NET_RAW"
  exit 0
fi
python3 "$SECKIT_SOURCE_DIR/tests/tools/ikedecode/live_driver.py" "$C/ikev2-psk.pcap" ||
  fail "live capture on lo"
pass "live capture on lo: each datagram a record before the next is sent; SIGINT exit 130"

# -c ends a live capture by itself once that many packets passed the filter.
assert_count_ends_live_capture ikedecode
