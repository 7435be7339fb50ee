// What authorized-keys hands sshd, decided without a directory: the user-name check, the key sshd
// offers (%k), which cached lines are served, whether a cached answer is fresh, the syslog line.
// Shared by the cache fast path in the sshkey-ldap executable (fast_path.cpp) and the full command
// in the commands module (lookup.cpp), so the two cannot disagree. Links neither libldap nor
// OpenSSL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cache.hpp"
#include "config.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

// User names reach LDAP filters and logs: refuse what no account name contains (control
// characters, NUL, over 256 bytes) before anything is sent.
void check_user_name(const std::string& user);

// sshd expands "%f %t %k" to fingerprint, type and base64 key; only the key is needed.
std::optional<sshkey::Buffer> offered_key_blob(const std::vector<std::string>& extra);

// The answer's lines that go to sshd: each parsed again (never hand sshd a line we could not parse
// ourselves) and, when sshd named the offered key, only that key.
std::vector<sshkey::AuthorizedKey> keys_to_serve(const std::vector<std::string>& lines,
                                                 const std::optional<sshkey::Buffer>& offered);

// The age of a cached answer that may be served without asking LDAP (younger than cache_ttl, not
// from the future), or nullopt.
std::optional<std::int64_t> fresh_cache_age(const Config& config, const CachedAnswer& cached,
                                            std::int64_t now);

// "authorized-keys USER: N key(s) from SOURCE", the LOG_INFO line of every answer.
std::string served_log_line(const std::string& user, std::size_t keys, const std::string& source);

}  // namespace sshkey_ldap
