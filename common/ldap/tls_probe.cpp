// libldap reports a failed TLS handshake as "Can't contact LDAP server" or "Connect error" with
// no reason. After such a failure we repeat the handshake once with OpenSSL, verifying exactly
// as configured, to tell the user *why*: unknown CA, expired, wrong host name, not TLS at all.
#include "tls_probe.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "seckit/bytes.hpp"

namespace seckit::ldap {
namespace {

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

int connect_with_timeout(const std::string& host, const std::string& port, timeval tv,
                         std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = fmt::format("cannot resolve {}: {}", host, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    error = fmt::format("cannot connect to {}:{}: {}", host, port, std::strerror(errno));
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  return fd;
}

// Sends the RFC 4511 StartTLS extended request and checks the answer's resultCode.
std::string start_tls(int fd) {
  static const char kOid[] = "1.3.6.1.4.1.1466.20037";
  std::string request = {0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, static_cast<char>(0x80), 0x16};
  request += kOid;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return "cannot send the StartTLS request";
  }
  std::uint8_t buffer[512];
  ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) return "no answer to the StartTLS request";
  bytes::Reader r(bytes::Bytes(buffer, static_cast<std::size_t>(n)));
  auto skip_header = [&](std::uint8_t tag) {
    if (r.u8() != tag) return false;
    std::uint8_t len = r.u8();
    if (len & 0x80) r.skip(len & 0x7f);
    return r.ok();
  };
  if (!skip_header(0x30)) return "the answer to StartTLS is not an LDAP message";
  if (!skip_header(0x02)) return "the answer to StartTLS is not an LDAP message";
  r.skip(1);  // message id 1
  if (!skip_header(0x78) || r.u8() != 0x0a || r.u8() != 0x01) {
    return "the answer to StartTLS is not an extended response";
  }
  std::uint8_t code = r.u8();
  if (!r.ok()) return "truncated StartTLS response";
  if (code != 0) return fmt::format("the server refused StartTLS (resultCode {})", code);
  return {};
}

}  // namespace

std::string libldap_checked_name(const std::string& host) {
  if (!host.empty() && ::strcasecmp(host.c_str(), "localhost") != 0) return host;
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0) return host;
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* info = nullptr;
  std::string canonical = name;
  if (::getaddrinfo(name, nullptr, &hints, &info) == 0 && info) {
    if (info->ai_canonname) canonical = info->ai_canonname;
    ::freeaddrinfo(info);
  }
  return canonical;
}

std::string diagnose_tls(const std::string& host, const std::string& port, bool starttls,
                         const std::string& ca_file, timeval timeout,
                         const std::string& checked_name) {
  std::string error;
  FdCloser sock{connect_with_timeout(host, port, timeout, error)};
  if (sock.fd < 0) return error;
  if (starttls) {
    if (auto e = start_tls(sock.fd); !e.empty()) return e;
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  if (!ctx) return "cannot create a TLS context";
  if (!ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
      ERR_clear_error();
      return fmt::format("cannot load CA file '{}'", ca_file);
    }
  } else {
    SSL_CTX_set_default_verify_paths(ctx.get());
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  in6_addr ip{};
  if (::inet_pton(AF_INET, checked_name.c_str(), &ip) == 1 ||
      ::inet_pton(AF_INET6, checked_name.c_str(), &ip) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(param, checked_name.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, checked_name.c_str(), 0);
    SSL_set_tlsext_host_name(ssl.get(), host.c_str());
  }
  SSL_set_fd(ssl.get(), sock.fd);
  if (SSL_connect(ssl.get()) == 1) return {};
  long verify = SSL_get_verify_result(ssl.get());
  if (verify != X509_V_OK) {
    std::string subject;
    if (X509* cert = SSL_get1_peer_certificate(ssl.get())) {
      char name[256] = {0};
      X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
      subject = name;
      X509_free(cert);
    }
    ERR_clear_error();
    return fmt::format("certificate verify failed: {}{}", X509_verify_cert_error_string(verify),
                       subject.empty() ? "" : fmt::format(" (server certificate {})", subject));
  }
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e != 0) {
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return fmt::format("TLS handshake failed: {}", text);
  }
  return "TLS handshake failed: the peer closed the connection or does not speak TLS";
}

}  // namespace seckit::ldap
