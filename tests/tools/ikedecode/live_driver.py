#!/usr/bin/env python3
"""ikedecode as a live monitor: capture on lo while real IKE datagrams (the UDP payloads of a
committed capture, as tshark extracts them) are sent to 127.0.0.1 on their original ports.
Each datagram is sent only after the record of the previous one was read from ikedecode's
stdout, so every record is proven to arrive while the capture is still running. SIGINT then
ends the capture: the summary follows and the exit status is 130.

usage: live_driver.py CAPTURE  (ikedecode and tshark on PATH; needs root or CAP_NET_RAW)"""
import os
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from live_capture import next_record  # noqa: E402


def tshark_rows(capture):
    out = subprocess.run(
        ["tshark", "-n", "-r", capture, "-Y", "isakmp", "-T", "fields", "-e", "udp.dstport",
         "-e", "isakmp.ispi", "-e", "isakmp.exchangetype", "-e", "udp.payload"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        port, spi, exchange, payload = line.split("\t")
        rows.append((int(port), spi.replace(":", ""), int(exchange), bytes.fromhex(payload)))
    return rows


def main():
    rows = tshark_rows(sys.argv[1])
    assert len(rows) >= 4, f"expected IKE messages in {sys.argv[1]}, tshark found {len(rows)}"
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind(("127.0.0.1", 0))
    src_port = sender.getsockname()[1]
    proc = subprocess.Popen(
        ["ikedecode", "--json", "-i", "lo", "-f", f"udp and src port {src_port}",
         "--duration", "120"], stdout=subprocess.PIPE, text=True)
    try:
        seen = []
        for index, (port, spi, exchange, payload) in enumerate(rows):
            # The first datagram is repeated until the capture is up; later ones are sent once.
            for _ in range(40 if index == 0 else 1):
                sender.sendto(payload, ("127.0.0.1", port))
                record = next_record(proc, "ike_message", 0.5 if index == 0 else 10)
                if record is not None:
                    break
            assert record is not None, f"no ike_message record for datagram {index + 1} while live"
            got = (record["spi_i"], record["exchange"], record["source"]["dst_port"])
            assert got == (spi, exchange, port), f"datagram {index + 1}: {got} != tshark's " \
                f"{(spi, exchange, port)}"
            seen.append(got)
        proc.send_signal(signal.SIGINT)
        summary = next_record(proc, "summary", 15)
        status = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert summary is not None, "no summary after SIGINT"
    assert summary["counts"]["ike_messages"] >= len(rows), summary["counts"]
    assert status == 130, f"exit status {status} after SIGINT, expected 130"
    print(f"ok: {len(seen)} IKE datagrams seen live, each before the next was sent; "
          f"SIGINT -> summary, exit 130")


if __name__ == "__main__":
    main()
