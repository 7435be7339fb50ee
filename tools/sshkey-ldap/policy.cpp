#include "policy.hpp"

#include <fmt/format.h>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Severity;

Severity parse_severity(const seckit::out::Json& value, const std::string& path,
                        const std::string& key) {
  if (value.is_string()) {
    auto s = value.get<std::string>();
    if (s == "error") return Severity::kError;
    if (s == "warning") return Severity::kWarning;
    if (s == "info") return Severity::kInfo;
  }
  throw seckit::input_error(path,
                            fmt::format("{} must be \"error\", \"warning\" or \"info\"", key));
}

}  // namespace

Policy Policy::load(const std::string& path) {
  std::string text = seckit::fs::read_file(path, 1 << 20);
  seckit::out::Json json;
  try {
    json = seckit::out::Json::parse(text);
  } catch (const std::exception& e) {
    throw seckit::input_error(path, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!json.is_object()) throw seckit::input_error(path, "the policy must be a JSON object");
  Policy policy;
  for (const auto& item : json.items()) {
    // Named copies, not structured bindings: clang 14 cannot capture those in the lambda.
    const std::string key = item.key();
    const auto& value = item.value();
    auto want_int = [&](int& target) {
      if (!value.is_number_integer() || value.get<long long>() < 0 ||
          value.get<long long>() > 65536) {
        throw seckit::input_error(path, fmt::format("{} must be an integer 0..65536", key));
      }
      target = value.get<int>();
    };
    if (key == "rsa_fail_bits") {
      want_int(policy.rsa_fail_bits);
    } else if (key == "rsa_warn_bits") {
      want_int(policy.rsa_warn_bits);
    } else if (key == "allow_dsa") {
      if (!value.is_boolean()) throw seckit::input_error(path, "allow_dsa must be true or false");
      policy.allow_dsa = value.get<bool>();
    } else if (key == "forbidden_options") {
      if (!value.is_array()) throw seckit::input_error(path, "forbidden_options must be an array");
      policy.forbidden_options.clear();
      for (const auto& item : value) {
        if (!item.is_string()) {
          throw seckit::input_error(path, "forbidden_options must hold option names");
        }
        policy.forbidden_options.push_back(seckit::enc::ascii_lower(item.get<std::string>()));
      }
    } else if (key == "duplicate_severity") {
      policy.duplicate_severity = parse_severity(value, path, key);
    } else if (key == "disabled_account_severity") {
      policy.disabled_account_severity = parse_severity(value, path, key);
    } else if (key == "sha1_certificate_severity") {
      policy.sha1_certificate_severity = parse_severity(value, path, key);
    } else {
      throw seckit::input_error(path, fmt::format("unknown policy key '{}'", key),
                                "see sshkey-ldap(1) POLICY");
    }
  }
  if (policy.rsa_warn_bits < policy.rsa_fail_bits) policy.rsa_warn_bits = policy.rsa_fail_bits;
  return policy;
}

seckit::out::Json Policy::to_json() const {
  return {{"rsa_fail_bits", rsa_fail_bits},
          {"rsa_warn_bits", rsa_warn_bits},
          {"allow_dsa", allow_dsa},
          {"forbidden_options", forbidden_options},
          {"duplicate_severity", seckit::out::severity_name(duplicate_severity)},
          {"disabled_account_severity", seckit::out::severity_name(disabled_account_severity)},
          {"sha1_certificate_severity", seckit::out::severity_name(sha1_certificate_severity)}};
}

}  // namespace sshkey_ldap
