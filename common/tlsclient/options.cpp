// The pure half of the client: protocol names, HOST:PORT, the shared flags resolved into a spec,
// the names sent and verified, and the one-line description of a verification.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <charconv>

#include "seckit/error.hpp"
#include "seckit/tlsclient.hpp"

namespace seckit::tlsclient {
namespace {

struct ProtocolName {
  StartTls protocol;
  std::string_view name;
};
constexpr std::array<ProtocolName, 5> kProtocols = {{{StartTls::kSmtp, "smtp"},
                                                     {StartTls::kImap, "imap"},
                                                     {StartTls::kFtp, "ftp"},
                                                     {StartTls::kLdap, "ldap"},
                                                     {StartTls::kPostgres, "postgres"}}};

bool is_ip_literal(const std::string& text) {
  in6_addr address{};
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

std::uint16_t parse_port(std::string_view text, std::string_view spec) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    throw usage_error(fmt::format("bad port in '{}'", spec), "a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string_view starttls_name(StartTls protocol) {
  for (const auto& p : kProtocols) {
    if (p.protocol == protocol) return p.name;
  }
  return "";
}

std::optional<StartTls> starttls_from_name(std::string_view name) {
  if (name.empty()) return StartTls::kNone;
  for (const auto& p : kProtocols) {
    if (p.name == name) return p.protocol;
  }
  return std::nullopt;
}

std::vector<std::string> starttls_names() {
  std::vector<std::string> names;
  for (const auto& p : kProtocols) names.emplace_back(p.name);
  return names;
}

std::string Endpoint::text() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

Endpoint parse_endpoint(std::string_view spec, std::optional<std::uint16_t> default_port) {
  const std::string hint = "HOST:PORT, e.g. mail.example.com:25 or [2001:db8::1]:443";
  Endpoint e;
  std::string_view port;
  if (!spec.empty() && spec.front() == '[') {
    auto close = spec.find(']');
    if (close == std::string_view::npos)
      throw usage_error(fmt::format("bad address '{}'", spec), hint);
    e.host = std::string(spec.substr(1, close - 1));
    std::string_view rest = spec.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      throw usage_error(fmt::format("bad address '{}'", spec), hint);
    if (!rest.empty()) port = rest.substr(1);
  } else if (auto colon = spec.rfind(':'); colon != std::string_view::npos) {
    if (spec.find(':') != colon) {
      throw usage_error(fmt::format("bad address '{}': write an IPv6 address in brackets", spec),
                        hint);
    }
    e.host = std::string(spec.substr(0, colon));
    port = spec.substr(colon + 1);
    if (port.empty()) throw usage_error(fmt::format("no port in '{}'", spec), hint);
  }
  if (e.host.empty() && spec.find_first_of("[:") == std::string_view::npos)
    e.host = std::string(spec);
  if (e.host.empty()) throw usage_error(fmt::format("no host in '{}'", spec), hint);
  if (!port.empty()) {
    e.port = parse_port(port, spec);
  } else if (default_port) {
    e.port = *default_port;
  } else {
    throw usage_error(fmt::format("no port in '{}'", spec), hint);
  }
  return e;
}

std::optional<ConnectSpec> resolve_connect(const ConnectFlags& flags,
                                           std::optional<std::uint16_t> default_port) {
  if (flags.connect.empty()) {
    if (!flags.starttls.empty()) throw usage_error("--starttls needs --connect HOST:PORT");
    if (!flags.sni.empty()) throw usage_error("--sni needs --connect HOST:PORT");
    return std::nullopt;
  }
  ConnectSpec spec;
  spec.endpoint = parse_endpoint(flags.connect, default_port);
  auto protocol = starttls_from_name(flags.starttls);
  if (!protocol) {
    throw usage_error(fmt::format("unknown --starttls protocol '{}'", flags.starttls),
                      "smtp, imap, ftp, ldap or postgres");
  }
  spec.starttls = *protocol;
  if (flags.timeout_seconds < 1) throw usage_error("--timeout must be at least 1 second");
  spec.timeout_seconds = flags.timeout_seconds;
  spec.sni = flags.sni;
  spec.ca_file = flags.ca_file;
  return spec;
}

std::string effective_sni(const ConnectSpec& spec) {
  if (!spec.sni.empty()) return spec.sni;
  return is_ip_literal(spec.endpoint.host) ? std::string() : spec.endpoint.host;
}

std::string effective_verify_name(const ConnectSpec& spec) {
  if (!spec.verify_name.empty()) return spec.verify_name;
  return spec.sni.empty() ? spec.endpoint.host : spec.sni;
}

std::string describe(const Verification& v) {
  if (!v.checked) return "not verified (verification disabled)";
  if (v.verified) return fmt::format("verified against the {} for {}", v.trust, v.name);
  std::string where;
  if (v.error_depth >= 0) {
    where = v.error_subject.empty()
                ? fmt::format(" (at depth {})", v.error_depth)
                : fmt::format(" (at depth {}, {})", v.error_depth, v.error_subject);
  }
  return fmt::format("NOT verified against the {} for {}: {}{}", v.trust, v.name, v.error, where);
}

}  // namespace seckit::tlsclient
