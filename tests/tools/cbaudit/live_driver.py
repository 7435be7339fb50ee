#!/usr/bin/env python3
"""cbaudit pcap as a live monitor: capture on lo while the TCP payloads of a committed NTLM/HTTP
capture (as tshark extracts them, stream by stream) are replayed over real loopback connections
between a tiny server and client in this process (127.0.0.1, a free port). Each authentication
is replayed only after the cb_audit record of the previous one was read from cbaudit's stdout,
so every record is proven to arrive while the capture is still running, and its user, domain,
workstation and channel binding must equal tshark's for the same authentication. SIGINT then
ends the capture: the summary follows and the exit status is 130.

usage: live_driver.py CAPTURE SERVER_CERT  (cbaudit and tshark on PATH; root or CAP_NET_RAW)"""
import os
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from live_capture import next_record  # noqa: E402


def tshark(capture, display_filter, fields):
    args = ["tshark", "-n", "-r", capture, "-Y", display_filter, "-T", "fields"]
    for field in fields:
        args += ["-e", field]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def streams_of(capture):
    """Per TCP stream, its payload segments in capture order as (from_client, bytes)."""
    streams = {}
    for stream, src, dst, payload in tshark(capture, "tcp.len > 0",
                                            ["tcp.stream", "tcp.srcport", "tcp.dstport",
                                             "tcp.payload"]):
        segments = streams.setdefault(int(stream), {"server": int(dst), "segments": []})
        segments["segments"].append((int(dst) == segments["server"], bytes.fromhex(payload)))
    return [streams[k]["segments"] for k in sorted(streams)]


def authentications_of(capture):
    """tshark's NTLM AUTHENTICATE messages: (user, domain, workstation, channel binding or None)."""
    rows = tshark(capture, "ntlmssp.messagetype == 3",
                  ["ntlmssp.auth.username", "ntlmssp.auth.domain", "ntlmssp.auth.hostname",
                   "ntlmssp.ntlmv2_response.channel_bindings"])
    return [(user, domain, host, cbt or None) for user, domain, host, cbt in rows]


def receive_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "peer closed early"
        data += chunk
    return data


def replay(listener, segments):
    """One TCP connection through loopback carrying the stream's payloads in their order."""
    client = socket.create_connection(listener.getsockname(), timeout=10)
    server, _ = listener.accept()
    server.settimeout(10)
    try:
        for from_client, payload in segments:
            sender, receiver = (client, server) if from_client else (server, client)
            sender.sendall(payload)
            receive_exactly(receiver, len(payload))
    finally:
        client.close()
        server.close()


def main():
    capture, cert = sys.argv[1], sys.argv[2]
    streams = streams_of(capture)
    expected = authentications_of(capture)
    assert len(expected) == len(streams) >= 2, \
        f"expected one NTLM authentication per stream, tshark: {len(expected)}, {len(streams)}"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    proc = subprocess.Popen(
        ["cbaudit", "pcap", "--json", "-i", "lo", "-f", f"tcp port {port}", "--cert", cert,
         "--duration", "120"], stdout=subprocess.PIPE, text=True)
    try:
        for index, segments in enumerate(streams):
            # The first stream is replayed until the capture is up; later ones once.
            for _ in range(40 if index == 0 else 1):
                replay(listener, segments)
                record = next_record(proc, "cb_audit", 0.5 if index == 0 else 10)
                if record is not None:
                    break
            assert record is not None, f"no cb_audit record for authentication {index + 1} live"
            got = (record["user"], record["domain"], record["workstation"], record["client_cbt"])
            assert got == expected[index], f"authentication {index + 1}: {got} != tshark's " \
                f"{expected[index]}"
            assert record["server"] == f"127.0.0.1:{port}", record["server"]
        proc.send_signal(signal.SIGINT)
        summary = next_record(proc, "summary", 15)
        status = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
        listener.close()
    assert summary is not None, "no summary after SIGINT"
    assert summary["counts"]["authentications"] >= len(expected), summary["counts"]
    assert status == 130, f"exit status {status} after SIGINT, expected 130"
    print(f"ok: {len(expected)} NTLM authentications seen live, each before the next was "
          f"replayed, fields equal to tshark's; SIGINT -> summary, exit 130")


if __name__ == "__main__":
    main()
