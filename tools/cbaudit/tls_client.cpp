#include "tls_client.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "seckit/asn1.hpp"
#include "seckit/crypto.hpp"
#include "seckit/error.hpp"

namespace cbaudit {

namespace {

[[noreturn]] void fail(const std::string& what, std::string hint = {}) {
  throw seckit::environment_error("connect", what, std::move(hint));
}

void wait_fd(int fd, short events, int timeout_seconds, const char* what) {
  pollfd p{fd, events, 0};
  int rc = ::poll(&p, 1, timeout_seconds * 1000);
  if (rc == 0) fail(fmt::format("timed out waiting for {}", what));
  if (rc < 0) fail(fmt::format("poll: {}", std::strerror(errno)));
}

std::string read_line(int fd, int timeout_seconds) {
  std::string line;
  char c = 0;
  while (line.size() < 4096) {
    wait_fd(fd, POLLIN, timeout_seconds, "the server's STARTTLS answer");
    ssize_t n = ::recv(fd, &c, 1, 0);
    if (n <= 0) fail("server closed the connection during STARTTLS");
    line += c;
    if (c == '\n') break;
  }
  return line;
}

void send_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) fail(fmt::format("send: {}", std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

void smtp_starttls(int fd, int timeout) {
  std::string line;
  auto read_reply = [&](const char* code) {
    do {
      line = read_line(fd, timeout);
      if (line.rfind(code, 0) != 0)
        fail("SMTP server answered: " + line.substr(0, line.find('\r')));
    } while (line.size() > 3 && line[3] == '-');
  };
  read_reply("220");
  send_all(fd, "EHLO cbaudit\r\n");
  read_reply("250");
  send_all(fd, "STARTTLS\r\n");
  read_reply("220");
}

void imap_starttls(int fd, int timeout) {
  std::string line = read_line(fd, timeout);
  if (line.rfind("* OK", 0) != 0) fail("IMAP greeting: " + line.substr(0, line.find('\r')));
  send_all(fd, "a1 STARTTLS\r\n");
  for (;;) {
    line = read_line(fd, timeout);
    if (line.rfind("a1 ", 0) == 0) break;
  }
  if (line.rfind("a1 OK", 0) != 0)
    fail("IMAP STARTTLS refused: " + line.substr(0, line.find('\r')));
}

std::string ssl_error_text() {
  std::string e = seckit::crypto::openssl_errors();
  return e.empty() ? "unknown TLS error" : e;
}

}  // namespace

std::pair<std::string, std::uint16_t> split_host_port(const std::string& text,
                                                      std::uint16_t default_port) {
  std::string host = text;
  std::string port;
  if (!host.empty() && host[0] == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) throw seckit::usage_error("bad address " + text);
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  std::uint16_t value = default_port;
  if (!port.empty()) {
    try {
      int p = std::stoi(port);
      if (p <= 0 || p > 65535) throw std::out_of_range("port");
      value = static_cast<std::uint16_t>(p);
    } catch (const std::exception&) {
      throw seckit::usage_error("bad port in " + text);
    }
  }
  if (host.empty()) throw seckit::usage_error("no host in " + text);
  return {host, value};
}

int tcp_connect(const std::string& host, std::uint16_t port, int timeout_seconds) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &result);
  if (rc != 0) fail(fmt::format("cannot resolve {}: {}", host, gai_strerror(rc)));
  std::string last = "no address";
  int fd = -1;
  for (addrinfo* ai = result; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, timeout_seconds * 1000) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) break;
        last = std::strerror(err);
      } else {
        last = "timed out";
      }
    } else {
      last = std::strerror(errno);
    }
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(result);
  if (fd < 0) fail(fmt::format("cannot connect to {}:{}: {}", host, port, last));
  // Blocking from here on; every read waits with poll() first.
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

void ldap_starttls(int fd, int timeout) {
  // LDAPMessage { messageID 1, extendedReq [APPLICATION 23] { requestName [0]
  // "1.3.6.1.4.1.1466.20037" } }
  static const char kOid[] = "1.3.6.1.4.1.1466.20037";
  std::string req;
  std::string name = std::string("\x80") + static_cast<char>(sizeof kOid - 1) + kOid;
  std::string ext = std::string("\x77") + static_cast<char>(name.size()) + name;
  std::string body = std::string("\x02\x01\x01", 3) + ext;
  req = std::string("\x30") + static_cast<char>(body.size()) + body;
  send_all(fd, req);
  std::string resp;
  std::size_t need = 2;
  while (resp.size() < need && resp.size() < 65536) {
    wait_fd(fd, POLLIN, timeout, "the StartTLS response");
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) fail("LDAP server closed the connection during StartTLS");
    resp.append(buf, static_cast<std::size_t>(n));
    seckit::bytes::Reader r(seckit::bytes::as_bytes(resp));
    auto tlv = seckit::asn1::read_tlv(r);
    if (tlv) break;
    need = resp.size() + 1;
  }
  seckit::bytes::Reader r(seckit::bytes::as_bytes(resp));
  auto msg = seckit::asn1::read_tlv(r);
  if (!msg) fail("malformed StartTLS response");
  auto items = seckit::asn1::children(*msg);
  if (!items || items->size() < 2 || !(*items)[1].application(24)) {
    fail("StartTLS answered with something other than an ExtendedResponse");
  }
  auto fields = seckit::asn1::children((*items)[1]);
  if (!fields || fields->empty()) fail("empty StartTLS response");
  auto code = seckit::asn1::integer((*fields)[0].value);
  if (!code || *code != 0) {
    fail(fmt::format("StartTLS refused (resultCode {})", code ? *code : -1));
  }
}

TlsClient::TlsClient(const TlsOptions& o) {
  // A constructor that throws runs no destructor: release what was made so far.
  try {
    connect(o);
  } catch (...) {
    release();
    throw;
  }
}

void TlsClient::connect(const TlsOptions& o) {
  fd_ = tcp_connect(o.host, o.port, o.timeout_seconds);
  if (o.starttls == "ldap") ldap_starttls(fd_, o.timeout_seconds);
  if (o.starttls == "smtp") smtp_starttls(fd_, o.timeout_seconds);
  if (o.starttls == "imap") imap_starttls(fd_, o.timeout_seconds);
  timeval tv{o.timeout_seconds, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ctx_) fail("SSL_CTX_new: " + ssl_error_text());
  if (!o.insecure) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    bool ok = o.ca_file.empty()
                  ? SSL_CTX_set_default_verify_paths(ctx_) == 1
                  : SSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr) == 1;
    if (!ok) {
      throw seckit::input_error(o.ca_file, "cannot load CA certificates: " + ssl_error_text());
    }
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  std::string name = o.server_name.empty() ? o.host : o.server_name;
  if (!seckit::x509::is_ip_literal(name)) SSL_set_tlsext_host_name(ssl_, name.c_str());
  if (!o.insecure) SSL_set1_host(ssl_, name.c_str());
  if (SSL_connect(ssl_) != 1) {
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      fail(fmt::format("TLS verification of {} failed: {}", name,
                       X509_verify_cert_error_string(verify)),
           "--ca-file FILE, or --insecure to skip verification");
    }
    fail("TLS handshake failed: " + ssl_error_text());
  }
}

TlsClient::~TlsClient() { release(); }

void TlsClient::release() {
  if (ssl_) {
    if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (ctx_) SSL_CTX_free(ctx_);
  ctx_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TlsClient::write(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    int n = SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done));
    if (n <= 0) fail("TLS write failed: " + ssl_error_text());
    done += static_cast<std::size_t>(n);
  }
}

std::string TlsClient::read_some(std::size_t max) {
  std::string buf(max, '\0');
  int n = SSL_read(ssl_, buf.data(), static_cast<int>(max));
  if (n <= 0) {
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_ZERO_RETURN) return {};
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && (errno == 0 || errno == ECONNRESET)) {
      return {};
    }
    if (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      fail("timed out waiting for the server");
    }
    fail("TLS read failed: " + ssl_error_text());
  }
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

std::string TlsClient::version() const { return SSL_get_version(ssl_); }
std::string TlsClient::cipher() const { return SSL_get_cipher_name(ssl_); }
bool TlsClient::extended_master_secret() const { return SSL_get_extms_support(ssl_) == 1; }

std::optional<Buffer> TlsClient::tls_unique() const {
  if (SSL_version(ssl_) >= TLS1_3_VERSION) return std::nullopt;
  // RFC 5929 3.1: the first Finished of the latest handshake; in a full handshake that we
  // start (never resumed here) it is the client's, i.e. ours.
  Buffer out(64);
  std::size_t n = SSL_get_finished(ssl_, out.data(), out.size());
  out.resize(n);
  return out;
}

Buffer TlsClient::tls_exporter() const {
  static const char kLabel[] = "EXPORTER-Channel-Binding";
  Buffer out(32);
  // No context, as `openssl s_client -keymatexport` computes it; for TLS 1.3 this equals the
  // zero-length context of RFC 9266 (the TLS 1.3 exporter always hashes the context).
  if (SSL_export_keying_material(ssl_, out.data(), out.size(), kLabel, sizeof kLabel - 1, nullptr,
                                 0, 0) != 1) {
    fail("SSL_export_keying_material failed: " + ssl_error_text());
  }
  return out;
}

std::vector<seckit::x509::Certificate> TlsClient::peer_chain() const {
  std::vector<seckit::x509::Certificate> out;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl_);
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    X509* cert = sk_X509_value(chain, i);
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len <= 0) continue;
    auto c = seckit::x509::from_der(seckit::crypto::Bytes(der, static_cast<std::size_t>(len)),
                                    {{"tls_peer", i}});
    OPENSSL_free(der);
    if (c) out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace cbaudit
