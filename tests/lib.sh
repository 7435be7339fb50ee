# Shared helpers for tool-level and integration tests (bash). Source it:
#   source "$SECKIT_TESTS_DIR/lib.sh"
# Every test gets a private temp dir ($T) removed on exit, and the built binaries first on PATH.
set -euo pipefail

T="$(mktemp -d /tmp/seckit-test-XXXXXX)"
_seckit_cleanup_pids=()
cleanup() {
  local pid
  for pid in "${_seckit_cleanup_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup EXIT

# Stop this process (by PID) when the test ends.
stop_on_exit() { _seckit_cleanup_pids+=("$1"); }

fail() { echo "FAIL: $*" >&2; exit 1; }
# set -e stops a test without a word; say which command did it.
trap 'echo "FAIL: ${BASH_SOURCE[0]}:$LINENO: exit status $? from: $BASH_COMMAND" >&2' ERR

# First line of a stream. Reads all of it: `producer | head -1` under pipefail fails at random
# when head exits before the producer's last write (SIGPIPE, status 141).
first_line() { sed -n 1p; }
pass() { echo "ok: $*"; }

assert_eq() {  # actual expected message
  [ "$1" == "$2" ] || fail "$3: expected [$2], got [$1]"
}

assert_contains() {  # haystack needle message
  [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in [$1]"
}

# Runs a command and checks its exit status: expect_exit 2 otpgen code --bad
expect_exit() {
  local want="$1"; shift
  local got=0
  "$@" >"$T/.stdout" 2>"$T/.stderr" || got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stdout" >&2; cat "$T/.stdout" >&2
    echo "--- stderr" >&2; cat "$T/.stderr" >&2
    fail "exit status $got, expected $want: $*"
  fi
}
last_stdout() { cat "$T/.stdout"; }
last_stderr() { cat "$T/.stderr"; }

# The error line must be exactly one line and start with "<tool>: error:".
assert_one_line_error() {  # tool
  local lines; lines=$(wc -l < "$T/.stderr")
  [ "$lines" -eq 1 ] || { cat "$T/.stderr" >&2; fail "stderr has $lines lines, expected one error line"; }
  grep -q "^$1: error: " "$T/.stderr" || fail "stderr does not start with '$1: error:': $(cat "$T/.stderr")"
}

# A free TCP port on 127.0.0.1 (the kernel picks; tiny race window accepted in tests).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something listens on 127.0.0.1:$1 (up to $2 seconds, default 10).
wait_port() {
  local port="$1" limit="${2:-10}" i
  for ((i = 0; i < limit * 10; i++)); do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$port after ${limit}s"
}

# Every line of a JSON Lines file is an object with "type" and "data", begin first, summary last.
assert_envelope() {  # file
  jq -e -s 'length >= 2 and .[0].type == "begin" and .[-1].type == "summary"
            and all(.[]; has("type") and has("data"))' "$1" >/dev/null \
    || fail "JSON Lines envelope broken in $1: $(head -c 500 "$1")"
}

# A live capture on lo with `-c 1` ends by itself once one packet passed the filter: one UDP
# datagram to port 9, which is nothing the tool judges, so the run is inconclusive (exit 4) with
# one frame counted. Args: the tool's command (e.g. `ikedecode` or `cbaudit pcap`).
assert_count_ends_live_capture() {
  timeout 60 "$@" --json -i lo -c 1 -f 'udp and dst port 9 and src port 9' >"$T/count.jsonl" &
  local pid=$! status=0
  for _ in $(seq 40); do
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 9)); s.sendto(b"x", ("127.0.0.1", 9))' 2>/dev/null
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  wait "$pid" || status=$?
  [ "$status" != 124 ] || fail "-c 1 did not end the live capture"
  assert_eq "$status" 4 "-c 1 exit status"
  assert_eq "$(jq -r 'select(.type=="summary") | .data.counts.frames' "$T/count.jsonl")" 1 "-c 1 frames"
  pass "-c ends a live capture"
}
