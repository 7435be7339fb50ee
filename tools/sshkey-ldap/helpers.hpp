// Small pieces shared by the commands: JSON for a key, the name of an entry, value checks.
#pragma once

#include <optional>
#include <string>

#include "seckit/ldap.hpp"
#include "seckit/out.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

// An LDAP value that becomes one line of sshd's input: no line breaks, no NUL, at most 8 KiB
// (the longest real key lines, RSA-16384 certificates, stay well below).
inline constexpr std::size_t kMaxKeyValue = 8192;
std::optional<std::string> check_key_value(const std::string& value);

seckit::out::Json key_json(const sshkey::AuthorizedKey& key);
// uid, else cn, else the DN.
std::string entry_name(const seckit::ldap::Entry& entry);
// "2026-11-22T17:05:05Z" or "forever" for certificate validity bounds.
std::string cert_time(std::uint64_t t);

}  // namespace sshkey_ldap
