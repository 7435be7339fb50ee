// The policy's rules for one key, shared by audit (every key in the directory) and check (a key
// file): pure, over the parsed key, the policy and the time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy.hpp"
#include "seckit/out.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

struct KeyProblem {
  std::string code;  // dsa-key, rsa-too-small, rsa-below-recommended, forbidden-option,
                     // expired-certificate, certificate-not-yet-valid, ssh-rsa-sha1
  seckit::out::Severity severity = seckit::out::Severity::kError;
  std::string message;  // names the key by its SHA256 fingerprint
  seckit::out::Json details = seckit::out::Json::object();  // option, valid_before/after
};

// Every problem of the key, not only the first. sha256: the key's fingerprint
// (sshkey::fingerprint_sha256), which the messages name; callers hash each key once.
std::vector<KeyProblem> judge_key(const Policy& policy, const sshkey::AuthorizedKey& key,
                                  const std::string& sha256, std::int64_t now);

}  // namespace sshkey_ldap
