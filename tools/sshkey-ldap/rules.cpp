#include "rules.hpp"

#include <fmt/format.h>

#include "helpers.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;
using seckit::out::Severity;

void judge_certificate(const Policy& policy, const sshkey::Certificate& c,
                       const std::string& sha256, std::int64_t now, std::vector<KeyProblem>& out) {
  Json d = {{"valid_before", cert_time(c.valid_before)}, {"valid_after", cert_time(c.valid_after)}};
  auto when = static_cast<std::uint64_t>(now);
  if (c.valid_before != ~std::uint64_t{0} && c.valid_before <= when) {
    out.push_back({"expired-certificate", Severity::kError,
                   fmt::format("certificate {} (id \"{}\") expired {}", sha256, c.key_id,
                               cert_time(c.valid_before)),
                   d});
  } else if (c.valid_after > when) {
    out.push_back(
        {"certificate-not-yet-valid", Severity::kWarning,
         fmt::format("certificate {} is valid only from {}", sha256, cert_time(c.valid_after)), d});
  }
  if (c.signature_algorithm == "ssh-rsa") {
    out.push_back({"ssh-rsa-sha1", policy.sha1_certificate_severity,
                   fmt::format("certificate {} is signed with ssh-rsa (SHA-1), refused by "
                               "OpenSSH 8.2 and later",
                               sha256),
                   d});
  }
}

}  // namespace

std::vector<KeyProblem> judge_key(const Policy& policy, const sshkey::AuthorizedKey& key,
                                  const std::string& sha256, std::int64_t now) {
  std::vector<KeyProblem> out;
  const auto& k = key.key;
  if (k.algorithm == sshkey::Algorithm::kDsa && !policy.allow_dsa) {
    out.push_back({"dsa-key", Severity::kError,
                   fmt::format("DSA key {} (disabled since OpenSSH 7.0)", sha256)});
  }
  if (k.algorithm == sshkey::Algorithm::kRsa && k.bits < policy.rsa_fail_bits) {
    out.push_back(
        {"rsa-too-small", Severity::kError,
         fmt::format("RSA key {} has {} bits, below {}", sha256, k.bits, policy.rsa_fail_bits)});
  } else if (k.algorithm == sshkey::Algorithm::kRsa && k.bits < policy.rsa_warn_bits) {
    out.push_back({"rsa-below-recommended", Severity::kWarning,
                   fmt::format("RSA key {} has {} bits, below the recommended {}", sha256, k.bits,
                               policy.rsa_warn_bits)});
  }
  for (const auto& o : key.options) {
    for (const auto& f : policy.forbidden_options) {
      if (o.name != f) continue;
      out.push_back({"forbidden-option",
                     Severity::kError,
                     fmt::format("key {} has the forbidden option {}", sha256, o.name),
                     {{"option", o.name}}});
    }
  }
  if (k.certificate) judge_certificate(policy, *k.certificate, sha256, now, out);
  return out;
}

}  // namespace sshkey_ldap
