// --connect: fetch the chain a TLS server sends, optionally after a STARTTLS dialogue. Nothing
// is verified during the handshake (VERIFY_NONE): the point is to see and check what the server
// presents, including broken chains a verifying client would refuse to show.
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "certcheck.hpp"
#include "seckit/bytes.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const ConnectOptions& o, const std::string& what) {
  throw seckit::environment_error(fmt::format("{}:{}", o.host, o.port), what);
}

int connect_tcp(const ConnectOptions& o) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &res);
  if (rc != 0) fail(o, fmt::format("cannot resolve: {}", gai_strerror(rc)));
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (::poll(&p, 1, o.timeout_seconds * 1000) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        break;
      }
      last_error = err ? std::strerror(err) : "connection timed out";
    } else {
      last_error = std::strerror(errno);
    }
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) fail(o, "cannot connect: " + last_error);
  // Blocking from here on, with timeouts, so OpenSSL's blocking handshake cannot hang forever.
  timeval tv{o.timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(const ConnectOptions& o, int fd, std::string_view data) {
  int flags = MSG_NOSIGNAL;
  // Back to blocking mode for simple sends.
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), flags);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, o.timeout_seconds * 1000) != 1) fail(o, "STARTTLS: send timed out");
      continue;
    }
    if (n <= 0) fail(o, fmt::format("STARTTLS: send failed: {}", std::strerror(errno)));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads one byte at a time so nothing of the TLS handshake that follows is consumed.
std::string read_line(const ConnectOptions& o, int fd) {
  std::string line;
  while (line.size() < 8192) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, o.timeout_seconds * 1000) != 1) fail(o, "STARTTLS: server went silent");
    char c;
    ssize_t n = ::recv(fd, &c, 1, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) fail(o, "STARTTLS: connection closed by the server");
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    line += c;
  }
  fail(o, "STARTTLS: response line too long");
}

std::string read_bytes(const ConnectOptions& o, int fd, std::size_t n) {
  std::string data;
  while (data.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, o.timeout_seconds * 1000) != 1) fail(o, "STARTTLS: server went silent");
    char buf[512];
    ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - data.size()), 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) fail(o, "STARTTLS: connection closed by the server");
    data.append(buf, static_cast<std::size_t>(got));
  }
  return data;
}

// SMTP/FTP replies: "250-..." continues, "250 ..." ends (RFC 5321 4.2.1, RFC 959 4.2).
std::string read_reply(const ConnectOptions& o, int fd) {
  for (int i = 0; i < 200; ++i) {
    std::string line = read_line(o, fd);
    if (line.size() >= 4 && line[3] == '-') continue;
    return line;
  }
  fail(o, "STARTTLS: reply too long");
}

void expect_code(const ConnectOptions& o, const std::string& line, std::string_view code,
                 std::string_view step) {
  if (line.compare(0, code.size(), code) != 0) {
    fail(o, fmt::format("STARTTLS {}: {} refused: {}", o.starttls, step, line.substr(0, 120)));
  }
}

// LDAP StartTLS (RFC 4511 4.14): ExtendedRequest { requestName 1.3.6.1.4.1.1466.20037 }.
void ldap_starttls(const ConnectOptions& o, int fd) {
  static constexpr std::string_view kOid = "1.3.6.1.4.1.1466.20037";
  std::string req;
  req += '\x30';
  req += static_cast<char>(3 + 2 + 2 + kOid.size());
  req += std::string("\x02\x01\x01", 3);  // messageID 1
  req += '\x77';                          // [APPLICATION 23] ExtendedRequest
  req += static_cast<char>(2 + kOid.size());
  req += '\x80';  // [0] requestName
  req += static_cast<char>(kOid.size());
  req += kOid;
  send_all(o, fd, req);
  // Response: SEQUENCE { INTEGER id, [APPLICATION 24] { ENUMERATED resultCode, ... } }.
  std::string head = read_bytes(o, fd, 2);
  seckit::bytes::Reader hr(seckit::bytes::as_bytes(head));
  if (hr.u8() != 0x30) fail(o, "STARTTLS ldap: not an LDAP message");
  std::size_t len = hr.u8();
  if (len & 0x80) {
    std::size_t count = len & 0x7F;
    if (count == 0 || count > 3) fail(o, "STARTTLS ldap: bad length");
    std::string more = read_bytes(o, fd, count);
    len = 0;
    for (unsigned char c : more) len = (len << 8) | c;
  }
  if (len > 65536) fail(o, "STARTTLS ldap: response too large");
  std::string body = read_bytes(o, fd, len);
  seckit::bytes::Reader r(seckit::bytes::as_bytes(body));
  if (r.u8() != 0x02) fail(o, "STARTTLS ldap: bad messageID");
  r.skip(r.u8());
  if (r.u8() != 0x78) fail(o, "STARTTLS ldap: not an ExtendedResponse");
  std::size_t inner = r.u8();
  if (inner & 0x80) r.skip(inner & 0x7F);
  if (r.u8() != 0x0A || r.u8() != 0x01) fail(o, "STARTTLS ldap: bad resultCode");
  std::uint8_t result = r.u8();
  if (!r.ok()) fail(o, "STARTTLS ldap: truncated response");
  if (result != 0) fail(o, fmt::format("STARTTLS ldap: refused with resultCode {}", result));
}

void starttls(const ConnectOptions& o, int fd) {
  const std::string& p = o.starttls;
  if (p.empty()) return;
  if (p == "smtp") {
    expect_code(o, read_reply(o, fd), "220", "greeting");
    send_all(o, fd, "EHLO certcheck.invalid\r\n");
    expect_code(o, read_reply(o, fd), "250", "EHLO");
    send_all(o, fd, "STARTTLS\r\n");
    expect_code(o, read_reply(o, fd), "220", "STARTTLS");
  } else if (p == "imap") {
    expect_code(o, read_line(o, fd), "* OK", "greeting");
    send_all(o, fd, "a1 STARTTLS\r\n");
    for (int i = 0; i < 50; ++i) {
      std::string line = read_line(o, fd);
      if (line.rfind("a1 ", 0) == 0) {
        expect_code(o, line, "a1 OK", "STARTTLS");
        return;
      }
    }
    fail(o, "STARTTLS imap: no tagged response");
  } else if (p == "ftp") {
    expect_code(o, read_reply(o, fd), "220", "greeting");
    send_all(o, fd, "AUTH TLS\r\n");
    expect_code(o, read_reply(o, fd), "234", "AUTH TLS");
  } else if (p == "ldap") {
    ldap_starttls(o, fd);
  } else if (p == "postgres") {
    // SSLRequest (PostgreSQL protocol 3, 53.2.9): Int32 length 8, Int32 80877103.
    send_all(o, fd, std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
    std::string answer = read_bytes(o, fd, 1);
    if (answer != "S") fail(o, "STARTTLS postgres: server refused SSL");
  } else {
    throw seckit::usage_error("unknown --starttls protocol " + p);
  }
}

}  // namespace

std::vector<x::Certificate> fetch_chain(const ConnectOptions& o, Json* session,
                                        std::vector<std::uint8_t>* stapled) {
  Socket sock(connect_tcp(o));
  starttls(o, sock.fd());
  std::unique_ptr<SSL_CTX, seckit::crypto::Deleter<SSL_CTX_free>> ctx(
      SSL_CTX_new(TLS_client_method()));
  if (!ctx) seckit::crypto::throw_openssl("SSL_CTX_new");
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  // Old servers (SHA-1, small RSA) are exactly what this tool must be able to inspect.
  SSL_CTX_set_security_level(ctx.get(), 0);
  std::unique_ptr<SSL, seckit::crypto::Deleter<SSL_free>> ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), sock.fd());
  std::string sni = o.sni.empty() && !x::is_ip_literal(o.host) ? o.host : o.sni;
  if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
  if (stapled) SSL_set_tlsext_status_type(ssl.get(), TLSEXT_STATUSTYPE_ocsp);
  // The socket was non-blocking for connect(); poll-driven handshake with the timeout.
  for (;;) {
    ERR_clear_error();
    int rc = SSL_connect(ssl.get());
    if (rc == 1) break;
    int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      pollfd p{sock.fd(), static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
      if (::poll(&p, 1, o.timeout_seconds * 1000) != 1) fail(o, "TLS handshake timed out");
      continue;
    }
    std::string why = seckit::crypto::openssl_errors();
    fail(o, "TLS handshake failed: " + (why.empty() ? std::string("connection closed") : why));
  }
  if (stapled) {
    const unsigned char* response = nullptr;
    long length = SSL_get_tlsext_status_ocsp_resp(ssl.get(), &response);
    stapled->clear();
    if (response && length > 0) stapled->assign(response, response + length);
  }
  std::vector<x::Certificate> certs;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    unsigned char* der = nullptr;
    int len = i2d_X509(sk_X509_value(chain, i), &der);
    if (len <= 0) continue;
    std::vector<std::uint8_t> buf(der, der + len);
    OPENSSL_free(der);
    Json source{{"connect", fmt::format("{}:{}", o.host, o.port)}, {"index", i}};
    if (!sni.empty()) source["sni"] = sni;
    if (!o.starttls.empty()) source["starttls"] = o.starttls;
    auto cert = x::from_der(buf, source);
    if (cert) certs.push_back(std::move(*cert));
  }
  if (session) {
    *session = Json{{"connect", fmt::format("{}:{}", o.host, o.port)},
                    {"sni", sni.empty() ? Json(nullptr) : Json(sni)},
                    {"starttls", o.starttls.empty() ? Json(nullptr) : Json(o.starttls)},
                    {"protocol", SSL_get_version(ssl.get())},
                    {"cipher", SSL_get_cipher_name(ssl.get())},
                    {"chain_length", certs.size()}};
    if (stapled) (*session)["ocsp_stapled"] = !stapled->empty();
  }
  SSL_shutdown(ssl.get());
  return certs;
}

}  // namespace certcheck
