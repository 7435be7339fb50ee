// See options.hpp.
#include "options.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "seckit/error.hpp"
#include "seckit/x509.hpp"

namespace certcheck {
namespace {

std::vector<std::string> resolve_ekus(const std::vector<std::string>& names) {
  std::vector<std::string> oids;
  for (const auto& name : names) {
    auto oid = seckit::x509::resolve_eku(name);
    if (!oid) {
      throw seckit::usage_error(fmt::format("unknown EKU name {}", name),
                                "use a dotted OID or a name listed in docs/certcheck.md");
    }
    oids.push_back(*oid);
  }
  return oids;
}

// A server profile checks the name the client dials, unless --host says otherwise.
void imply_host(const ConnectSpec& connect, CheckOptions& check) {
  bool server = std::any_of(check.profiles.begin(), check.profiles.end(),
                            [](const Profile* p) { return p->side == Side::kServer; });
  if (server && check.host.empty()) check.host = seckit::tlsclient::effective_verify_name(connect);
}

}  // namespace

std::optional<ConnectSpec> resolve_connect(const FlagValues& flags, const CheckOptions& check) {
  auto spec = seckit::tlsclient::resolve_connect(flags.net);
  if (!spec) return spec;
  spec->ca_file = check.ca_file;
  spec->verify = seckit::tlsclient::VerifyMode::kReport;
  spec->legacy_servers = true;  // old servers (SHA-1, small RSA) are what certcheck must inspect
  spec->request_ocsp = check.ocsp;
  spec->client_name = "certcheck.invalid";
  return spec;
}

std::int64_t resolve_expires_within(const std::string& text) {
  auto seconds = parse_duration(text);
  if (!seconds) {
    throw seckit::usage_error("bad --expires-within " + text,
                              !text.empty() && text.back() == 'm'
                                  ? "m is ambiguous: write 90min (minutes) or 3mo (months)"
                                  : "units: s, min, h, d, w, mo (30 days); bare = days");
  }
  return *seconds;
}

std::int64_t resolve_time(const std::string& text, std::int64_t now) {
  if (text.empty()) return now;
  auto at = parse_time(text);
  if (!at) {
    throw seckit::usage_error("bad --at " + text,
                              "RFC 3339 (2030-01-31T12:00:00Z) or @UNIX seconds (@1893456000)");
  }
  return *at;
}

void check_chain_options(const CheckOptions& check) {
  bool chain_option = !check.untrusted_files.empty() || check.max_depth || check.partial_chain;
  if (chain_option && !check.chain_mode()) {
    throw seckit::usage_error(
        "--untrusted, --max-depth and --partial-chain need --ca-file or --ca-dir",
        "they shape the chain built to a trusted root");
  }
  if (!check.crl_check.empty() && !check.chain_mode()) {
    throw seckit::usage_error("--crl and --crl-check need --ca-file or --ca-dir",
                              "revocation is checked while verifying the chain");
  }
  if (check.ocsp && !check.chain_mode()) {
    throw seckit::usage_error("--ocsp and --ocsp-url need --ca-file or --ca-dir",
                              "a response is checked against the verified chain's issuer");
  }
}

void resolve_options(const FlagValues& flags, std::int64_t now, RunOptions& run,
                     CheckOptions& check) {
  run.format = flags.json ? "json" : flags.format;
  run.problems_only = run.problems_only || flags.quiet;
  for (const auto& name : flags.profile_names) check.profiles.push_back(find_profile(name));
  if (!flags.role.empty()) {
    check.role = *parse_role(flags.role);  // CLI11 checked the spelling
    check.role_name = flags.role;
  }
  check.require_ekus = resolve_ekus(flags.require_ekus);
  check.eku_match_all = flags.eku_match == "all";
  if (!flags.expires_within.empty()) {
    check.expires_within = resolve_expires_within(flags.expires_within);
  }
  if (!check.ip.empty() && !seckit::x509::is_ip_literal(check.ip)) {
    throw seckit::usage_error("--ip " + check.ip + " is not an IPv4 or IPv6 address");
  }
  if (!check.crl_files.empty() && check.crl_check.empty()) check.crl_check = "leaf";
  if (!check.ocsp_url.empty()) check.ocsp = true;
  check.ocsp_timeout = flags.net.timeout_seconds;
  check_chain_options(check);
  if (!flags.password_file.empty()) run.password = read_password_file(flags.password_file);
  run.connect = resolve_connect(flags, check);
  if (run.connect) imply_host(*run.connect, check);
  if (run.inputs.empty() && !run.connect) {
    throw seckit::usage_error("no input", "give FILE..., - for stdin, or --connect HOST:PORT");
  }
  check.now = resolve_time(flags.at_time, now);
}

}  // namespace certcheck
