# common/tlsclient: the one outbound TLS client (sockets with deadlines, STARTTLS for smtp, imap,
# ftp, ldap and postgres, one verification policy). certcheck, cbaudit and the ldap module's
# handshake diagnosis use it; the shared option group is seckit/connect_cli.hpp (header-only).
seckit_module(tlsclient
  SOURCES tlsclient/options.cpp tlsclient/starttls_parse.cpp tlsclient/socket.cpp
          tlsclient/starttls.cpp tlsclient/connection.cpp tlsclient/verify.cpp
  DEPS seckit::bytes seckit::asn1 seckit::crypto OpenSSL::SSL fmt::fmt)
