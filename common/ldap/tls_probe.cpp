// libldap reports a failed TLS handshake as "Can't contact LDAP server" or "Connect error" with
// no reason. After such a failure we repeat the handshake once with seckit's TLS client
// (common/tlsclient), verifying exactly as configured, to tell the user *why*: unknown CA,
// expired, wrong host name, not TLS at all.
#include "tls_probe.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "seckit/error.hpp"
#include "seckit/tlsclient.hpp"

namespace seckit::ldap {

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
  tlsclient::ConnectSpec spec;
  spec.endpoint.host = host;
  unsigned port_number = 0;
  std::from_chars(port.data(), port.data() + port.size(), port_number);
  spec.endpoint.port = static_cast<std::uint16_t>(port_number);
  spec.starttls = starttls ? tlsclient::StartTls::kLdap : tlsclient::StartTls::kNone;
  spec.ca_file = ca_file;
  spec.verify_name = checked_name;
  spec.verify = tlsclient::VerifyMode::kReport;
  // libldap sends the URI's host as SNI, never an address.
  spec.timeout_seconds =
      static_cast<int>(std::max<long>(1, timeout.tv_sec + (timeout.tv_usec > 0)));
  try {
    tlsclient::Connection connection(spec);
    const tlsclient::Verification& v = connection.session().verification;
    if (v.verified) return {};
    return fmt::format(
        "certificate verify failed: {}{}", v.error,
        v.error_subject.empty() ? "" : fmt::format(" (server certificate {})", v.error_subject));
  } catch (const ToolError& e) {
    return e.what();
  }
}

}  // namespace seckit::ldap
