// Our own TLS connection (cbaudit expect --connect, cbaudit probe): TCP to host:port, optional
// STARTTLS (LDAP extended operation, SMTP, IMAP), OpenSSL handshake with verification on unless
// --insecure, and the channel bindings only an endpoint of the connection can know: tls-unique
// (RFC 5929 3, TLS <= 1.2) and tls-exporter (RFC 9266).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seckit/x509.hpp"

namespace cbaudit {

using Buffer = std::vector<std::uint8_t>;

struct TlsOptions {
  std::string host;
  std::uint16_t port = 443;
  std::string starttls;  // "", "ldap", "smtp", "imap"
  std::string ca_file;
  bool insecure = false;
  std::string server_name;  // SNI / verification name (default host)
  int timeout_seconds = 10;
};

class TlsClient {
 public:
  explicit TlsClient(const TlsOptions& options);  // connects; throws ToolError (exit 3)
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  void write(const std::string& data);
  // Up to max bytes; empty at end of stream. Throws on errors and timeouts.
  std::string read_some(std::size_t max = 16384);

  std::string version() const;
  std::string cipher() const;
  bool extended_master_secret() const;
  std::optional<Buffer> tls_unique() const;  // nullopt for TLS 1.3
  Buffer tls_exporter() const;
  std::vector<seckit::x509::Certificate> peer_chain() const;

 private:
  void connect(const TlsOptions& options);
  void release();
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// A plain TCP connection (used for ldap:// before StartTLS and for raw probes).
int tcp_connect(const std::string& host, std::uint16_t port, int timeout_seconds);

// host:port with a default port; [v6]:port accepted.
std::pair<std::string, std::uint16_t> split_host_port(const std::string& text,
                                                      std::uint16_t default_port);

// The LDAP StartTLS extended request (RFC 4511 4.14) and a check of its response on fd.
void ldap_starttls(int fd, int timeout_seconds);

}  // namespace cbaudit
