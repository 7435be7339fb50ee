"""Helpers of the live-capture tests (tests/tools/*/live_driver.py): reading a tool's JSON Lines
records as they arrive on its stdout."""
import json
import select
import time


def next_record(proc, kind, timeout):
    """The next stdout record of this type within timeout seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            return None
        line = proc.stdout.readline()
        if not line:
            return None
        record = json.loads(line)
        if record["type"] == kind:
            return record["data"]
