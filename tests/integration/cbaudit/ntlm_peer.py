#!/usr/bin/python3
"""Real NTLM peers for the cbaudit tests: gss-ntlmssp (Debian) through python3-gssapi.

  ntlm_peer.py tokens --cb HEX|none|zero [--acceptor-cb HEX]
      Runs a gss-ntlmssp initiator against a gss-ntlmssp acceptor in this process and prints
      one JSON object: the three NTLM messages (base64), what the acceptor said (accepted or
      the GSS error) and whether it set GSS_C_CHANNEL_BOUND_FLAG.
  ntlm_peer.py client --url http(s)://127.0.0.1:P/ --cb HEX|none [--cafile C] [--keylog F]
                     [--spnego] [--tls12]
      One GET authenticated by a gss-ntlmssp initiator (raw NTLM, or Negotiate through MIT's
      SPNEGO initiator), over TLS 1.3 or 1.2; prints the final HTTP status.
  ntlm_peer.py server --port P --level none|allow|require --cert C --key K [--keylog F] [--plain]
                     [--spnego]
      HTTPS (or plain HTTP) server answering NTLM/Negotiate authentication like IIS with
      extendedProtection tokenChecking None / Allow / Require: the acceptor gets the
      tls-server-end-point binding at Allow and Require (gss-ntlmssp rejects a mismatch and
      accepts matching or missing bindings), and Require also demands the channel-bound flag.
      With --spnego it offers only Negotiate and accepts through MIT's SPNEGO mechanism (which
      wants SPNEGO-wrapped NTLM and, for an AUTHENTICATE with a MIC, a valid mechListMIC).

NTLM_USER_FILE (DOMAIN:user:password lines) must be set in the environment: gss-ntlmssp reads
the initiator's password and the acceptor's user database from it.
"""
import argparse
import base64
import json
import ssl
import struct

import gssapi
import gssapi.raw

from http_peer import QuietHandler, serve

NTLM = gssapi.OID.from_int_seq("1.3.6.1.4.1.311.2.2.10")
SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
CHANNEL_BOUND = 2048


def bindings(app_data):
    if app_data is None:
        return None
    return gssapi.raw.ChannelBindings(application_data=app_data)


def app_data_for(cb):
    """--cb values: 'none' (no bindings), 'zero' (not possible through GSSAPI: see below) or the
    hex of the application data (e.g. tls-server-end-point:HASH)."""
    if cb == "none":
        return None
    return bytes.fromhex(cb)


def run_tokens(args):
    user = gssapi.Name(args.user, gssapi.NameType.user)
    icreds = gssapi.Credentials(name=user, usage="initiate", mechs=[NTLM])
    target = gssapi.Name("HTTP@" + args.host, gssapi.NameType.hostbased_service)
    ictx = gssapi.SecurityContext(name=target, creds=icreds, mech=NTLM, usage="initiate",
                                  channel_bindings=bindings(app_data_for(args.cb)))
    acreds = gssapi.Credentials(usage="accept", mechs=[NTLM])
    actx = gssapi.SecurityContext(creds=acreds, usage="accept",
                                  channel_bindings=bindings(app_data_for(args.acceptor_cb)))
    out = {"initiator_cb": args.cb, "acceptor_cb": args.acceptor_cb}
    negotiate = ictx.step()
    challenge = actx.step(negotiate)
    authenticate = ictx.step(challenge)
    out["negotiate"] = base64.b64encode(negotiate).decode()
    out["challenge"] = base64.b64encode(challenge).decode()
    out["authenticate"] = base64.b64encode(authenticate).decode()
    try:
        actx.step(authenticate)
        out["acceptor"] = "accepted"
        out["channel_bound"] = bool(int(actx.actual_flags) & CHANNEL_BOUND)
    except gssapi.exceptions.GSSError as e:
        out["acceptor"] = "rejected"
        out["error"] = str(e).splitlines()[0]
    print(json.dumps(out))


class Handler(QuietHandler):
    level = "none"
    spnego = False
    contexts = {}

    def offer(self):
        return "Negotiate" if self.spnego else "NTLM"

    def starts_context(self, token):
        if self.spnego:
            return token[:1] == b"\x60"  # GSS InitialContextToken: NegTokenInit
        return token[8:12] == struct.pack("<I", 1)  # NTLM NEGOTIATE

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        scheme, _, b64 = auth.partition(" ")
        accepted = ("Negotiate",) if self.spnego else ("NTLM", "Negotiate")
        if scheme not in accepted or not b64:
            self.reply(401, "authentication required", self.offer())
            return
        token = base64.b64decode(b64)
        key = id(self.connection)
        if self.starts_context(token) or key not in self.contexts:
            cb = bindings(self.app_data) if self.level in ("allow", "require") else None
            mech = SPNEGO if self.spnego else NTLM
            creds = gssapi.Credentials(usage="accept", mechs=[mech])
            self.contexts[key] = gssapi.SecurityContext(creds=creds, usage="accept",
                                                        channel_bindings=cb)
        ctx = self.contexts[key]
        try:
            out = ctx.step(token)
            # Through SPNEGO, python-gssapi's step() returns MIT's reject token and keeps the
            # error for the next property access: reading `complete` here raises it.
            complete = ctx.complete
        except gssapi.exceptions.GSSError as e:
            self.contexts.pop(key, None)
            self.reply(401, "rejected: " + str(e).splitlines()[0], self.offer())
            return
        if not complete:
            self.reply(401, "continue", scheme + " " + base64.b64encode(out).decode())
            return
        self.contexts.pop(key, None)
        bound = bool(int(ctx.actual_flags) & CHANNEL_BOUND)
        if self.level == "require" and not bound:
            self.reply(401, "rejected: channel binding required", self.offer())
            return
        final = scheme + " " + base64.b64encode(out).decode() if out else None
        self.reply(200, "hello %s (channel bound: %s)" % (ctx.initiator_name, bound), final)


def run_server(args):
    Handler.level = args.level
    Handler.spnego = args.spnego
    if args.plain:
        serve(Handler, args.port)
    else:
        serve(Handler, args.port, args.cert, args.key, args.keylog, args.hash)


def run_client(args):
    """One NTLM-authenticated GET by a gss-ntlmssp initiator over HTTP or HTTPS; prints the
    status code. --cb as for `tokens` (hex application data or none)."""
    import http.client
    import urllib.parse
    url = urllib.parse.urlsplit(args.url)
    if url.scheme == "https":
        context = ssl.create_default_context(cafile=args.cafile)
        if args.tls12:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        if args.keylog:
            context.keylog_filename = args.keylog
        conn = http.client.HTTPSConnection(url.hostname, url.port, context=context)
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port)
    user = gssapi.Name(args.user, gssapi.NameType.user)
    creds = gssapi.Credentials(name=user, usage="initiate", mechs=[NTLM])
    target = gssapi.Name("HTTP@" + url.hostname, gssapi.NameType.hostbased_service)
    scheme = "Negotiate" if args.spnego else "NTLM"
    ctx = gssapi.SecurityContext(name=target, creds=creds, mech=SPNEGO if args.spnego else NTLM,
                                 usage="initiate", channel_bindings=bindings(app_data_for(args.cb)))
    token = ctx.step()
    status = 0
    while True:
        conn.request("GET", url.path or "/",
                     headers={"Authorization": scheme + " " + base64.b64encode(token).decode()})
        resp = conn.getresponse()
        resp.read()
        status = resp.status
        offer = resp.getheader("WWW-Authenticate", "")
        if status != 401 or ctx.complete or not offer.startswith(scheme + " "):
            break
        token = ctx.step(base64.b64decode(offer[len(scheme) + 1:]))
    conn.close()
    print(status)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tokens")
    t.add_argument("--user", default="EXAMPLE\\alice")
    t.add_argument("--host", default="www.example.test")
    t.add_argument("--cb", default="none")
    t.add_argument("--acceptor-cb", default="none")
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--level", choices=["none", "allow", "require"], required=True)
    s.add_argument("--cert")
    s.add_argument("--key")
    s.add_argument("--hash", default="sha256")
    s.add_argument("--keylog")
    s.add_argument("--plain", action="store_true")
    s.add_argument("--spnego", action="store_true")
    c = sub.add_parser("client")
    c.add_argument("--url", required=True)
    c.add_argument("--user", default="EXAMPLE\\alice")
    c.add_argument("--cb", default="none")
    c.add_argument("--cafile")
    c.add_argument("--keylog")
    c.add_argument("--spnego", action="store_true")
    c.add_argument("--tls12", action="store_true")
    args = p.parse_args()
    if args.cmd == "tokens":
        run_tokens(args)
    elif args.cmd == "client":
        run_client(args)
    else:
        run_server(args)


if __name__ == "__main__":
    main()
