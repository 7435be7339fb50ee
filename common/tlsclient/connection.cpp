// Connection: socket, STARTTLS, a poll-driven handshake under the one deadline, the session
// facts, then the verification policy. Reads and writes after the handshake get timeout_seconds
// each.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include "seckit/crypto.hpp"
#include "seckit/error.hpp"
#include "socket.hpp"
#include "verify.hpp"

namespace seckit::tlsclient {

using detail::Clock;

namespace {

std::string tls_error(std::string_view fallback) {
  std::string why = crypto::openssl_errors();
  ERR_clear_error();
  return why.empty() ? std::string(fallback) : why;
}

Buffer der_of(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  Buffer out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// Protocol, cipher, the chain as sent and the stapled OCSP response, once the handshake is done.
void read_session_facts(SSL* ssl, bool request_ocsp, Session& session) {
  session.protocol = SSL_get_version(ssl);
  session.cipher = SSL_get_cipher_name(ssl);
  session.extended_master_secret = SSL_get_extms_support(ssl) == 1;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    session.chain.push_back(der_of(sk_X509_value(chain, i)));
  }
  if (!request_ocsp) return;
  const unsigned char* response = nullptr;
  long length = SSL_get_tlsext_status_ocsp_resp(ssl, &response);
  if (response != nullptr && length > 0)
    session.ocsp_response = Buffer(response, response + length);
}

}  // namespace

struct Connection::Handles {
  detail::Socket socket;
  std::unique_ptr<SSL_CTX, crypto::Deleter<SSL_CTX_free>> ctx;
  std::unique_ptr<SSL, crypto::Deleter<SSL_free>> ssl;
  int timeout_seconds = 10;

  ~Handles() {
    // Best effort close_notify; the socket is non-blocking, so this never waits.
    if (ssl && SSL_is_init_finished(ssl.get())) SSL_shutdown(ssl.get());
    ERR_clear_error();
  }

  Clock::time_point next_deadline() const {
    return Clock::now() + std::chrono::seconds(timeout_seconds);
  }

  // The SSL_CTX and SSL over the connected socket: no verification inside the handshake (the
  // policy is applied after it, so the facts are read either way), SNI, OCSP stapling asked for.
  // Returns the security level to verify at: the system's, even when --legacy-servers lowers
  // the handshake's.
  int prepare_tls(const ConnectSpec& spec, const std::string& sni) {
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx) crypto::throw_openssl("SSL_CTX_new");
    const int auth_level = SSL_CTX_get_security_level(ctx.get());
    if (spec.legacy_servers) SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    ssl.reset(SSL_new(ctx.get()));
    if (!ssl) crypto::throw_openssl("SSL_new");
    SSL_set_fd(ssl.get(), socket.fd());
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
    if (spec.request_ocsp) SSL_set_tlsext_status_type(ssl.get(), TLSEXT_STATUSTYPE_ocsp);
    return auth_level;
  }

  // SSL_connect, polling the socket for what OpenSSL wants until done or the deadline.
  void handshake(const ConnectSpec& spec, Clock::time_point deadline) {
    for (;;) {
      ERR_clear_error();
      int rc = SSL_connect(ssl.get());
      if (rc == 1) return;
      if (retry(rc, deadline, "the TLS handshake")) continue;
      socket.fail("TLS handshake failed: " +
                      tls_error("the server closed the connection (does it speak TLS here?)"),
                  spec.starttls == StartTls::kNone ? "a plaintext port needs --starttls PROTO"
                                                   : std::string());
    }
  }

  // Waits for what OpenSSL asks for after rc; false when the error is not a retry.
  bool retry(int rc, Clock::time_point deadline, std::string_view what) const {
    int err = SSL_get_error(ssl.get(), rc);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return false;
    socket.wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, what);
    return true;
  }
};

Connection::Connection(const ConnectSpec& spec)
    : handles_(std::make_unique<Handles>()), spec_(spec) {
  Handles& h = *handles_;
  h.timeout_seconds = spec.timeout_seconds;
  const auto deadline = Clock::now() + std::chrono::seconds(spec.timeout_seconds);
  // The trust is read before dialling, so a bad --ca-file is a usage error, not a network one.
  detail::StorePtr store = spec.verify == VerifyMode::kOff ? nullptr : detail::load_trust(spec);
  h.socket.connect(spec.endpoint, deadline);
  detail::starttls(h.socket, spec, deadline);
  session_.sni = effective_sni(spec);
  const int auth_level = h.prepare_tls(spec, session_.sni);
  h.handshake(spec, deadline);
  read_session_facts(h.ssl.get(), spec.request_ocsp, session_);
  if (spec.verify == VerifyMode::kOff) return;
  session_.verification = detail::verify_peer(h.ssl.get(), store.get(), effective_verify_name(spec),
                                              auth_level, detail::trust_description(spec));
  if (spec.verify == VerifyMode::kRequire && !session_.verification.verified) {
    h.socket.fail("TLS certificate " + describe(session_.verification),
                  spec.ca_file.empty() ? "--ca-file FILE names the CA that issued it"
                                       : "check --ca-file and the name (--sni)");
  }
}

Connection::~Connection() = default;

void Connection::write(std::string_view data) {
  Handles& h = *handles_;
  auto deadline = h.next_deadline();
  while (!data.empty()) {
    ERR_clear_error();
    int n = SSL_write(h.ssl.get(), data.data(), static_cast<int>(data.size()));
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (h.retry(n, deadline, "the server to accept data")) continue;
    h.socket.fail("TLS write failed: " + tls_error("the connection was closed"));
  }
}

std::string Connection::read_some(std::size_t max) {
  Handles& h = *handles_;
  auto deadline = h.next_deadline();
  std::string buf(max, '\0');
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(h.ssl.get(), buf.data(), static_cast<int>(max));
    if (n > 0) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    if (h.retry(n, deadline, "the server")) continue;
    int err = SSL_get_error(h.ssl.get(), n);
    // A clean close_notify, or a peer that just closed the TCP connection: end of stream.
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
      return {};
    }
    h.socket.fail("TLS read failed: " + tls_error("the connection broke"));
  }
}

std::optional<Buffer> Connection::tls_unique() const {
  SSL* ssl = handles_->ssl.get();
  if (SSL_version(ssl) >= TLS1_3_VERSION) return std::nullopt;
  // RFC 5929 3.1: the first Finished of the latest handshake; in a full handshake that we start
  // (never resumed here) it is the client's, i.e. ours.
  Buffer out(64);
  out.resize(SSL_get_finished(ssl, out.data(), out.size()));
  return out;
}

Buffer Connection::tls_exporter() const {
  static constexpr std::string_view kLabel = "EXPORTER-Channel-Binding";
  Buffer out(32);
  // No context, as `openssl s_client -keymatexport` computes it; for TLS 1.3 this equals the
  // zero-length context of RFC 9266 (the TLS 1.3 exporter always hashes the context).
  if (SSL_export_keying_material(handles_->ssl.get(), out.data(), out.size(), kLabel.data(),
                                 kLabel.size(), nullptr, 0, 0) != 1) {
    handles_->socket.fail("SSL_export_keying_material failed: " + tls_error("unknown error"));
  }
  return out;
}

}  // namespace seckit::tlsclient
