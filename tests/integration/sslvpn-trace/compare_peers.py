#!/usr/bin/env python3
"""sslvpn-trace against independent sources on every committed ocserv/openconnect capture:

* tshark with the same key log (-o tls.keylog_file:): HTTP methods, URIs and status codes in
  order, TLS records per direction (all and application data), the ServerHello version and
  cipher suite, the server certificate bytes, CertificateRequest presence, UDP datagrams per
  direction, DTLS ClientHellos and their times;
* openconnect's own -v log of the same run: every X-CSTP-*/X-DTLS-* header of the CONNECT
  answer, the tunnel address, the DTLS outcome and cipher family, login failure.

Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import base64
import json
import os
import re
import subprocess
import sys

CAPS = os.path.join(os.environ["SECKIT_SOURCE_DIR"], "examples", "captures", "sslvpn")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what}")


FIELDS = ["frame.number", "frame.time_relative", "frame.protocols", "tcp.stream", "tls.record.length",
          "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "tls.record.content_type", "tls.record.opaque_type",
          "tls.handshake.type", "tls.handshake.version", "tls.handshake.extensions.supported_version",
          "tls.handshake.ciphersuite", "tls.handshake.certificate", "http.request.method",
          "http.request.uri", "http.response.code", "dtls.handshake.type"]


def tshark(pcap, keylog):
    """One pass over the capture: every field of every interesting frame, as dicts."""
    cmd = ["tshark", "-r", pcap, "-o", f"tls.keylog_file:{keylog}", "-Y", "tls or http or udp or dtls",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def ours(pcap, keylog):
    out = subprocess.run(["sslvpn-trace", "--json", "--show-secrets", pcap, "--keylog", keylog],
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def of_type(records, t):
    return [r["data"] for r in records if r["type"] == t]


def split(v):
    return [x for x in v.split(",") if x != ""] if v else []


for name in sorted(f[:-5] for f in os.listdir(CAPS) if f.endswith(".pcap")):
    pcap = os.path.join(CAPS, name + ".pcap")
    keylog = os.path.join(CAPS, name + ".keylog")
    log = open(os.path.join(CAPS, name + ".openconnect.log"), encoding="utf-8").read()
    recs = ours(pcap, keylog)
    frames = tshark(pcap, keylog)
    exchanges = sorted(of_type(recs, "http_exchange"), key=lambda e: e["request"]["frame"])

    # HTTP requests and responses, in order.
    reqs = [(m, u) for f in frames
            for m, u in zip(split(f["http.request.method"]), split(f["http.request.uri"]))]
    check(reqs == [(e["request"]["method"], e["request"]["target"]) for e in exchanges],
          f"{name}: HTTP requests {reqs}")
    codes = [int(c) for f in frames for c in split(f["http.response.code"])]
    check(codes == [e["response"]["status"] for e in exchanges], f"{name}: HTTP status codes {codes}")

    # TLS records per direction of each TCP session, matched by the client's port (a capture
    # with other traffic has sessions without a handshake: no zip by order).
    sessions = sorted(of_type(recs, "tls_session"), key=lambda s: s["first_frame"])
    by_port = {s["client"].rsplit(":", 1)[1]: s for s in sessions}
    per, stream_port = {}, {}
    for f in frames:
        ct, ot = split(f["tls.record.content_type"]), split(f["tls.record.opaque_type"])
        if not f["tcp.stream"] or not (ct or ot):
            continue
        side = "server" if f["tcp.srcport"] == "443" else "client"
        port = f["tcp.dstport"] if side == "server" else f["tcp.srcport"]
        stream_port[f["tcp.stream"]] = port
        d = per.setdefault(port, {"client": [0, 0], "server": [0, 0]})
        d[side][0] += len(split(f["tls.record.length"]))
        d[side][1] += ot.count("23") if ot else ct.count("23")
    check(len(per) == len(sessions), f"{name}: {len(per)} TLS sessions")
    for port, d in sorted(per.items()):
        s = by_port.get(port, {"session": "?", "records": {"client": {}, "server": {}}})
        for side in ("client", "server"):
            got = [s["records"][side]["total"], s["records"][side]["application"]]
            check(got == d[side], f"{name}: tls#{s['session']} {side} records (all, application) {d[side]}")

    # ServerHello version and cipher suite; certificates; CertificateRequest.
    hellos = [f for f in frames if f["tcp.stream"] and "2" in split(f["tls.handshake.type"])]
    for f in hellos:
        s = by_port.get(stream_port.get(f["tcp.stream"]), {"version_id": "0", "cipher_suite_id": "0"})
        sv = split(f["tls.handshake.extensions.supported_version"])
        version = sv[-1] if sv else split(f["tls.handshake.version"])[-1]
        check(int(version, 16) == int(s["version_id"], 16), f"{name}: version {version}")
        suite = split(f["tls.handshake.ciphersuite"])[-1]
        check(int(suite, 16) == int(s["cipher_suite_id"], 16), f"{name}: cipher suite {suite}")
    certs = [base64.b64encode(bytes.fromhex(c.replace(":", ""))).decode()
             for f in frames if f["tcp.stream"] for c in split(f["tls.handshake.certificate"])]
    check(certs == [c["der"] for c in of_type(recs, "certificate")],
          f"{name}: {len(certs)} server certificates byte for byte")
    certreq = any("13" in split(f["tls.handshake.type"]) for f in frames if f["tcp.stream"])
    check(certreq == any(s["client_certificate_requested"] for s in sessions),
          f"{name}: client certificate requested = {certreq}")

    # UDP datagrams per direction (not the UDP headers quoted in ICMP errors) and DTLS
    # ClientHellos with their times.
    dtls = of_type(recs, "dtls_session")
    udp = [f for f in frames if f["udp.dstport"] and "icmp" not in f["frame.protocols"].split(":")]
    c_dgrams = sum(1 for f in udp if split(f["udp.dstport"])[0] == "443")
    s_dgrams = sum(1 for f in udp if split(f["udp.srcport"])[0] == "443")
    check(sum(d["datagrams"]["client"] for d in dtls) == c_dgrams, f"{name}: {c_dgrams} client datagrams")
    check(sum(d["datagrams"]["server"] for d in dtls) == s_dgrams, f"{name}: {s_dgrams} server datagrams")
    hello_times = [float(f["frame.time_relative"]) for f in udp
                   if split(f["udp.dstport"])[0] == "443" and "1" in split(f["dtls.handshake.type"])]
    if dtls:
        sched = [round(t - hello_times[0], 3) for t in hello_times]
        check([round(x, 3) for x in dtls[0]["client_hello_schedule"]] == sched,
              f"{name}: DTLS ClientHello schedule {sched}")
    icmp = sum(1 for f in frames if "icmp" in f["frame.protocols"].split(":"))
    check(sum(d["icmp_port_unreachable"] for d in dtls) == icmp, f"{name}: {icmp} ICMP port unreachable")

    # openconnect's own log of the same run.
    tunnels = of_type(recs, "cstp_tunnel")
    m = re.search(r"Got CONNECT response: (HTTP/1.1 \d+ .*)\n((?:X-[^\n]*\n)+)", log)
    if m:
        want = {}
        for line in m.group(2).splitlines():
            k, v = line.split(": ", 1)
            if k.upper().startswith(("X-CSTP-", "X-DTLS")):
                want.setdefault(k, []).append(v)
        got = {k: (v if isinstance(v, list) else [v]) for k, v in tunnels[0]["response_headers"].items()}
        check(got == want, f"{name}: {len(want)} X-CSTP/X-DTLS headers as openconnect logged them")
        addr = re.search(r"Configured as ([0-9.]+)", log).group(1)
        check(tunnels[0]["parameters"]["address"] == addr, f"{name}: tunnel address {addr}")
    else:
        check(not tunnels, f"{name}: no tunnel (openconnect logged no CONNECT response)")
    est = re.search(r"Established DTLS connection .*Ciphersuite \((DTLS[0-9.]+)\)-\(([A-Z0-9-]+)\)", log)
    if dtls:
        check(dtls[0]["established"] == bool(est), f"{name}: DTLS established = {bool(est)}")
        if est:
            family = {"DTLS0.9": "legacy-0x0100"}.get(est.group(1))
            if family:
                check(dtls[0]["mode"] == family, f"{name}: DTLS {est.group(1)} -> {family}")
            if est.group(2) == "PSK":
                check(dtls[0]["mode"] == "psk-negotiate" and "PSK" in dtls[0]["cipher_suite"],
                      f"{name}: PSK key exchange")
    failed_login = "Login failed" in log or "Failed to complete authentication" in log
    check(failed_login == any(f["code"] == "auth-failed" for f in of_type(recs, "finding")),
          f"{name}: login failed = {failed_login}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
