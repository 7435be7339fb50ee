// Audit policy: thresholds and forbidden options, overridable with --policy FILE (JSON).
#pragma once

#include <string>
#include <vector>

#include "seckit/out.hpp"

namespace sshkey_ldap {

struct Policy {
  int rsa_fail_bits = 2048;  // below: error (also refused by add/import)
  int rsa_warn_bits = 3072;  // below: warning
  bool allow_dsa = false;    // DSA is refused by OpenSSH since 7.0 and removed in 9.8
  std::vector<std::string> forbidden_options = {"environment", "no-touch-required", "tunnel"};
  seckit::out::Severity duplicate_severity = seckit::out::Severity::kWarning;
  seckit::out::Severity disabled_account_severity = seckit::out::Severity::kWarning;
  seckit::out::Severity sha1_certificate_severity = seckit::out::Severity::kError;

  // Reads a JSON object with any of: rsa_fail_bits, rsa_warn_bits, allow_dsa,
  // forbidden_options, duplicate_severity, disabled_account_severity,
  // sha1_certificate_severity. Unknown keys are errors (a typo must not weaken the audit).
  static Policy load(const std::string& path);
  seckit::out::Json to_json() const;
};

}  // namespace sshkey_ldap
