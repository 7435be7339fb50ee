#!/usr/bin/python3
"""Independent LDAP SASL GSS-SPNEGO client for the cbaudit tests: MIT's SPNEGO initiator with
gss-ntlmssp (through python3-gssapi) does the authentication, with the channel bindings we
choose; only the LDAP framing (BindRequest / StartTLS ExtendedRequest, RFC 4511) is written
here.

  ldap_gss_client.py --url ldaps://127.0.0.1:P | ldap://127.0.0.1:P --cafile C
                     --cb HEX|none [--target ldap@127.0.0.1]

--cb is the hex of the channel bindings' application data (e.g. "tls-server-end-point:" +
hash), or none for no bindings at all. Prints one JSON object: resultCode and diagnostic of the
last BindResponse, the number of bind round trips, and "accepted". NTLM_USER_FILE
(DOMAIN:user:password) must be set: gss-ntlmssp takes the initiator's password from it.
"""
import argparse
import json
import socket
import ssl
import sys

import gssapi
import gssapi.raw

SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
STARTTLS_OID = b"1.3.6.1.4.1.1466.20037"


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, value):
    return bytes([tag]) + ber_len(len(value)) + value


def integer(n):
    return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big"))


def parse_tlv(buf, pos):
    """(tag, value, next position) of the element at pos."""
    tag = buf[pos]
    length = buf[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(buf[pos:pos + count], "big")
        pos += count
    return tag, buf[pos:pos + length], pos + length


def read_message(sock):
    """One LDAPMessage (a complete SEQUENCE) from the socket."""
    buf = b""
    while True:
        if len(buf) >= 2:
            length = buf[1]
            header = 2
            if length & 0x80:
                count = length & 0x7F
                if len(buf) >= 2 + count:
                    length = int.from_bytes(buf[2:2 + count], "big")
                    header = 2 + count
                else:
                    length = None
            if length is not None and len(buf) >= header + length:
                return buf[:header + length]
        more = sock.recv(65536)
        if not more:
            raise SystemExit("ldap_gss_client: server closed the connection")
        buf += more


def parse_response(msg):
    """(protocolOp tag, resultCode, diagnosticMessage, serverSaslCreds or None)."""
    _, seq, _ = parse_tlv(msg, 0)
    _, _, pos = parse_tlv(seq, 0)  # messageID
    op_tag, op, _ = parse_tlv(seq, pos)
    _, code, p = parse_tlv(op, 0)
    _, _, p = parse_tlv(op, p)  # matchedDN
    _, diag, p = parse_tlv(op, p)
    creds = None
    while p < len(op):
        tag, value, p = parse_tlv(op, p)
        if tag == 0x87:  # serverSaslCreds [7]
            creds = value
    return op_tag, int.from_bytes(code, "big"), diag.decode("utf-8", "replace"), creds


def sasl_bind(msgid, token):
    creds = tlv(0x04, b"GSS-SPNEGO") + tlv(0x04, token)
    bind = integer(3) + tlv(0x04, b"") + tlv(0xA3, creds)
    return tlv(0x30, integer(msgid) + tlv(0x60, bind))


def connect(url, cafile):
    scheme, rest = url.split("://", 1)
    host, port = rest.rstrip("/").rsplit(":", 1)
    raw = socket.create_connection((host, int(port)), timeout=20)
    tls = ssl.create_default_context(cafile=cafile)
    if scheme == "ldap":
        raw.sendall(tlv(0x30, integer(1) + tlv(0x77, tlv(0x80, STARTTLS_OID))))
        op_tag, code, diag, _ = parse_response(read_message(raw))
        if op_tag != 0x78 or code != 0:
            raise SystemExit(f"ldap_gss_client: StartTLS refused: {code} {diag}")
    return tls.wrap_socket(raw, server_hostname=host)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--cb", required=True)
    ap.add_argument("--target", default="ldap@127.0.0.1")
    args = ap.parse_args()
    bindings = None
    if args.cb != "none":
        bindings = gssapi.raw.ChannelBindings(application_data=bytes.fromhex(args.cb))
    sock = connect(args.url, args.cafile)
    target = gssapi.Name(args.target, gssapi.NameType.hostbased_service)
    ctx = gssapi.SecurityContext(name=target, mech=SPNEGO, usage="initiate",
                                 channel_bindings=bindings)
    token = ctx.step()
    msgid, rounds = 2, 0
    out = {"cb": args.cb, "accepted": False}
    while True:
        sock.sendall(sasl_bind(msgid, token))
        msgid += 1
        rounds += 1
        _, code, diag, creds = parse_response(read_message(sock))
        out.update(result_code=code, diagnostic=diag, rounds=rounds)
        if code == 14 and creds and not ctx.complete:
            token = ctx.step(creds)
            continue
        if code == 0:
            # The acceptor's last NegTokenResp (accept-completed + mechListMIC) must verify too.
            if creds and not ctx.complete:
                ctx.step(creds)
            out["accepted"] = True
        break
    sock.close()
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
