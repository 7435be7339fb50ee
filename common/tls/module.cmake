# common/tls: TLS/DTLS record layer, handshake parsing, NSS key log decryption (TLS 1.0-1.3,
# DTLS 1.0/1.2 and Cisco's DTLS 0x0100). Shared by sslvpn-trace and cbaudit.
seckit_module(tls
  SOURCES tls/names.cpp tls/keylog.cpp tls/handshake.cpp tls/record_crypto.cpp tls/engine.cpp
          tls/connection.cpp
  DEPS seckit::bytes seckit::crypto seckit::enc seckit::x509 OpenSSL::Crypto fmt::fmt)
