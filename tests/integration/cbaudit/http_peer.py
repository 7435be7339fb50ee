"""The HTTP(S) server half shared by the cbaudit test peers (ntlm_peer.py, krb5_peer.py): a quiet
request handler with a one-line reply, and a ThreadingHTTPServer on 127.0.0.1 wrapped in TLS
whose expected tls-server-end-point application data is put on the handler class."""
import hashlib
import http.server
import ssl


class QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app_data = None  # b"tls-server-end-point:" + hash of the server certificate (TLS only)

    def log_message(self, fmt, *a):  # quiet: the tests read only what they ask for
        pass

    def reply(self, code, body, auth_header=None):
        data = (body + "\n").encode()
        self.send_response(code)
        if auth_header:
            self.send_header("WWW-Authenticate", auth_header)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(handler, port, cert=None, key=None, keylog=None, hash_name="sha256"):
    """Serves handler on 127.0.0.1:port, over TLS when cert is given (key log optional); prints
    "listening" once the socket is ready and never returns."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        if keylog:
            context.keylog_filename = keylog
        with open(cert, "rb") as f:
            der = ssl.PEM_cert_to_DER_cert(f.read().decode())
        handler.app_data = b"tls-server-end-point:" + hashlib.new(hash_name, der).digest()
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening", flush=True)
    server.serve_forever()
