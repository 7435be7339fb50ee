// sshkey-ldap configuration: /etc/seckit/sshkey-ldap.conf (or --config FILE) with `key = value`
// lines, every key overridable by a flag of the same name (--bind-dn for bind_dn).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seckit/ldap.hpp"

namespace sshkey_ldap {

inline constexpr const char* kDefaultConfigPath = "/etc/seckit/sshkey-ldap.conf";

struct Config {
  std::vector<std::string> uris;
  std::string base;
  std::string bind_dn;
  std::string bind_password_file;
  bool starttls = false;
  bool ldaps = false;
  std::string ca_file;
  bool tls_verify = true;
  std::chrono::milliseconds timeout{5000};
  std::string user_filter = "(&(objectClass=ldapPublicKey)(uid=%s))";
  std::string enroll_filter = "(uid=%s)";
  std::string key_attribute = "sshPublicKey";
  std::string host_filter = "(&(objectClass=ldapPublicKey)(|(cn=%s)(ipHostNumber=%s)))";
  std::string hosts_filter =
      "(&(objectClass=ldapPublicKey)(|(objectClass=ipHost)(objectClass=device)))";
  std::string cache_dir = "/var/cache/seckit/sshkey-ldap";
  std::chrono::seconds cache_ttl{60};
  bool stale_ok = false;
  // authorized-keys withholds keys the policy refuses to enroll (DSA, RSA below rsa_fail_bits,
  // forbidden options), each with a syslog line.
  bool enforce_policy = false;
  // The oldest cached answer stale_ok may serve while LDAP is unreachable.
  std::chrono::seconds stale_max{86400};
  int page_size = 500;

  // Sets one key from a file line or a flag; throws input_error naming `origin` on bad values.
  void set(std::string_view key, std::string_view value, const std::string& origin);
  // Reads `key = value` lines ('#' comments, repeated `uri` lines add servers).
  void load_file(const std::string& path);
  // What libldap needs, the bind password read from bind_password_file.
  seckit::ldap::Options ldap_options() const;
  // Throws usage_error when a setting every directory command needs is missing.
  void require_directory() const;
};

// The config keys, in documentation order (also the flag names with '_' -> '-').
const std::vector<std::string>& config_keys();

std::chrono::milliseconds parse_duration(std::string_view text, const std::string& origin);
bool parse_bool(std::string_view text, const std::string& origin);

}  // namespace sshkey_ldap
