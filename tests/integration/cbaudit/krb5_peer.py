#!/usr/bin/python3
"""Real Kerberos peers for the cbaudit tests: MIT krb5 through python3-gssapi.

  krb5_peer.py tokens --service HTTP/host@REALM --cb HEX|none --acceptor-cb HEX [--mech krb5|spnego]
      An MIT initiator (credentials from KRB5CCNAME) makes the first context token for the
      service with the given channel bindings (hex of the application data, or none); an MIT
      acceptor (keys from KRB5_KTNAME) with the acceptor's bindings then accepts or rejects it
      (GSS_S_BAD_BINDINGS on a mismatch). Prints one JSON object: the token (base64), what the
      acceptor said, and the client name it saw.
  krb5_peer.py server --port P --cert C --key K [--keylog F]
      HTTPS server answering Negotiate with the MIT acceptor (KRB5_KTNAME) given the
      tls-server-end-point binding of its certificate (SHA-384: examples/epa/server.pem): 200 when
      accepted, 401 when rejected.
  krb5_peer.py client --url https://127.0.0.1:P/ --service HTTP/host@REALM --cb HEX|none
      --cafile C [--keylog F]
      One GET with "Authorization: Negotiate" (SPNEGO, like a browser); prints the status.
"""
import argparse
import base64
import json
import ssl

import gssapi
import gssapi.raw

from http_peer import QuietHandler, serve

MECHS = {
    "krb5": gssapi.OID.from_int_seq("1.2.840.113554.1.2.2"),
    "spnego": gssapi.OID.from_int_seq("1.3.6.1.5.5.2"),
}


def bindings(cb):
    if cb == "none":
        return None
    return gssapi.raw.ChannelBindings(application_data=bytes.fromhex(cb))


def run_tokens(args):
    mech = MECHS[args.mech]
    target = gssapi.Name(args.service, gssapi.NameType.kerberos_principal)
    ictx = gssapi.SecurityContext(name=target, mech=mech, usage="initiate",
                                  flags=gssapi.RequirementFlag.mutual_authentication
                                  | gssapi.RequirementFlag.integrity
                                  | gssapi.RequirementFlag.confidentiality,
                                  channel_bindings=bindings(args.cb))
    token = ictx.step()
    out = {"token": base64.b64encode(token).decode(), "initiator_cb": args.cb,
           "acceptor_cb": args.acceptor_cb}
    acreds = gssapi.Credentials(usage="accept")
    # The raw call: the high-level step() swallows the error when MIT returns a KRB-ERROR token
    # (mutual authentication requested) and hands back the token instead.
    try:
        res = gssapi.raw.accept_sec_context(token, acreds,
                                            channel_bindings=bindings(args.acceptor_cb))
        out["acceptor"] = "accepted"
        out["client"] = str(gssapi.Name(res.initiator_name))
    except gssapi.exceptions.GSSError as e:
        out["acceptor"] = "rejected"
        out["error"] = str(e).splitlines()[0]
        # GSS_S_BAD_BINDINGS is routine error 4 (RFC 2744 3.9.1).
        out["bad_bindings"] = ((e.maj_code >> 16) & 0xff) == 4
    print(json.dumps(out))


class Handler(QuietHandler):

    def do_GET(self):
        scheme, _, b64 = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Negotiate" or not b64:
            self.reply(401, "authentication required", "Negotiate")
            return
        # The raw call, as in run_tokens: step() would hide the error behind a KRB-ERROR token.
        try:
            res = gssapi.raw.accept_sec_context(base64.b64decode(b64),
                                                gssapi.Credentials(usage="accept"),
                                                channel_bindings=bindings(self.app_data.hex()))
        except gssapi.exceptions.GSSError as e:
            self.reply(401, "rejected: " + str(e).splitlines()[0], "Negotiate")
            return
        header = "Negotiate " + base64.b64encode(res.token).decode() if res.token else None
        self.reply(200, "hello %s" % gssapi.Name(res.initiator_name), header)


def run_server(args):
    serve(Handler, args.port, args.cert, args.key, args.keylog, "sha384")


def run_client(args):
    import http.client
    import urllib.parse
    url = urllib.parse.urlsplit(args.url)
    context = ssl.create_default_context(cafile=args.cafile)
    if args.keylog:
        context.keylog_filename = args.keylog
    conn = http.client.HTTPSConnection(url.hostname, url.port, context=context)
    target = gssapi.Name(args.service, gssapi.NameType.kerberos_principal)
    ctx = gssapi.SecurityContext(name=target, mech=MECHS["spnego"], usage="initiate",
                                 flags=gssapi.RequirementFlag.mutual_authentication,
                                 channel_bindings=bindings(args.cb))
    token = ctx.step()
    conn.request("GET", url.path or "/",
                 headers={"Authorization": "Negotiate " + base64.b64encode(token).decode()})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    print(resp.status)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tokens")
    t.add_argument("--service", required=True)
    t.add_argument("--cb", required=True)
    t.add_argument("--acceptor-cb", required=True)
    t.add_argument("--mech", choices=sorted(MECHS), default="krb5")
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--keylog")
    c = sub.add_parser("client")
    c.add_argument("--url", required=True)
    c.add_argument("--service", required=True)
    c.add_argument("--cb", required=True)
    c.add_argument("--cafile", required=True)
    c.add_argument("--keylog")
    args = parser.parse_args()
    {"tokens": run_tokens, "server": run_server, "client": run_client}[args.command](args)


if __name__ == "__main__":
    main()
