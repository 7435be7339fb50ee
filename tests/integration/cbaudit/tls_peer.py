#!/usr/bin/python3
"""TLS peer for `cbaudit expect --connect` tests: CPython's ssl module (OpenSSL underneath, but
not our code) accepts one connection, optionally after an SMTP, IMAP or LDAP StartTLS exchange,
and prints the tls-unique value of that connection as the server saw it (hex) on stdout.

  tls_peer.py --port P --cert C --key K [--starttls smtp|imap|ldap] [--max-version 1.2|1.3]
"""
import argparse
import socket
import ssl


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def starttls(conn, proto):
    if proto == "smtp":
        conn.sendall(b"220 test ESMTP\r\n")
        read_line(conn)  # EHLO
        conn.sendall(b"250-test\r\n250 STARTTLS\r\n")
        read_line(conn)  # STARTTLS
        conn.sendall(b"220 go ahead\r\n")
    elif proto == "imap":
        conn.sendall(b"* OK test IMAP ready\r\n")
        tag = read_line(conn).split(b" ")[0]
        conn.sendall(tag + b" OK begin TLS now\r\n")
    elif proto == "ldap":
        request = conn.recv(4096)
        message_id = request[4]  # 30 LL 02 01 ID: the tests send single-byte IDs
        # ExtendedResponse { resultCode success, matchedDN "", diagnosticMessage "" }
        conn.sendall(bytes([0x30, 0x0c, 0x02, 0x01, message_id, 0x78, 0x07,
                            0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--starttls")
    p.add_argument("--max-version", default="1.2")
    args = p.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    context.maximum_version = (ssl.TLSVersion.TLSv1_2 if args.max_version == "1.2"
                               else ssl.TLSVersion.TLSv1_3)
    listener = socket.create_server(("127.0.0.1", args.port))
    print("listening", flush=True)
    conn, _ = listener.accept()
    if args.starttls:
        starttls(conn, args.starttls)
    tls = context.wrap_socket(conn, server_side=True)
    unique = tls.get_channel_binding("tls-unique")
    print(unique.hex() if unique else "none", flush=True)
    try:
        tls.recv(1)
    except (ssl.SSLError, OSError):
        pass
    tls.close()


if __name__ == "__main__":
    main()
