#!/usr/bin/env python3
"""A minimal STARTTLS server for certcheck's tests: speaks just enough SMTP, IMAP, FTP, LDAP or
PostgreSQL to reach the TLS upgrade, then hands the socket to Python's ssl module (OpenSSL) and
presents the given certificate chain. `openssl s_server` has no server-side STARTTLS, hence this.

usage: starttls_peer.py PROTO PORT_FILE CHAIN_PEM KEY_PEM
Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, serves until killed.
"""
import socket
import ssl
import sys


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        c = conn.recv(1)
        if not c:
            raise ConnectionError("client went away")
        data += c
    return data.decode("latin-1").rstrip("\r\n")


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def ber_length(n):
    return bytes([n]) if n < 0x80 else bytes([0x81, n])


def dialogue(proto, conn):
    if proto == "smtp":
        conn.sendall(b"220 peer.test ESMTP ready\r\n")
        while True:
            line = read_line(conn).upper()
            if line.startswith("EHLO") or line.startswith("HELO"):
                conn.sendall(b"250-peer.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            elif line.startswith("STARTTLS"):
                conn.sendall(b"220 2.0.0 go ahead\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 not here\r\n")
    elif proto == "imap":
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] peer ready\r\n")
        while True:
            tag, _, cmd = read_line(conn).partition(" ")
            cmd = cmd.upper()
            if cmd.startswith("CAPABILITY"):
                conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag.encode() + b" OK done\r\n")
            elif cmd.startswith("STARTTLS"):
                conn.sendall(tag.encode() + b" OK begin TLS\r\n")
                return
            else:
                conn.sendall(tag.encode() + b" BAD unknown\r\n")
    elif proto == "ftp":
        conn.sendall(b"220 peer FTP ready\r\n")
        while True:
            line = read_line(conn).upper()
            if line.startswith("AUTH TLS") or line.startswith("AUTH SSL"):
                conn.sendall(b"234 AUTH TLS ok\r\n")
                return
            conn.sendall(b"500 unknown\r\n")
    elif proto == "ldap":
        head = read_exact(conn, 2)
        assert head[0] == 0x30
        length = head[1]
        if length & 0x80:
            length = int.from_bytes(read_exact(conn, length & 0x7F), "big")
        body = read_exact(conn, length)
        assert body[0] == 0x02
        msgid = body[2:2 + body[1]]
        # ExtendedResponse: resultCode success, matchedDN "", diagnosticMessage "", responseName.
        oid = b"1.3.6.1.4.1.1466.20037"
        op = b"\x0a\x01\x00\x04\x00\x04\x00" + b"\x8a" + bytes([len(oid)]) + oid
        op = b"\x78" + ber_length(len(op)) + op
        msg = b"\x02" + bytes([len(msgid)]) + msgid + op
        conn.sendall(b"\x30" + ber_length(len(msg)) + msg)
    elif proto == "postgres":
        req = read_exact(conn, 8)
        assert req == b"\x00\x00\x00\x08\x04\xd2\x16\x2f", req
        conn.sendall(b"S")
    else:
        raise SystemExit("unknown protocol " + proto)


def main():
    proto, port_file, chain, key = sys.argv[1:5]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile=chain, keyfile=key)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    while True:
        conn, _ = server.accept()
        conn.settimeout(10)
        try:
            dialogue(proto, conn)
            tls = context.wrap_socket(conn, server_side=True)
            try:
                tls.recv(1)
            except (ssl.SSLError, OSError):
                pass
            tls.close()
        except (ConnectionError, ssl.SSLError, OSError, AssertionError):
            conn.close()


if __name__ == "__main__":
    main()
