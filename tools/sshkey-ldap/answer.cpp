#include "answer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {

void check_user_name(const std::string& user) {
  if (user.empty()) throw seckit::input_error("user", "empty user name");
  if (user.size() > 256) throw seckit::input_error("user", "user name longer than 256 bytes");
  for (char c : user) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      throw seckit::input_error("user", "user name contains a control character or NUL");
    }
  }
}

std::optional<sshkey::Buffer> offered_key_blob(const std::vector<std::string>& extra) {
  if (extra.size() < 3) return std::nullopt;
  auto blob = seckit::enc::base64_decode(extra[2]);
  if (!blob) return std::nullopt;
  return *blob;
}

std::vector<sshkey::AuthorizedKey> keys_to_serve(const std::vector<std::string>& lines,
                                                 const std::optional<sshkey::Buffer>& offered) {
  std::vector<sshkey::AuthorizedKey> keys;
  for (const auto& line : lines) {
    auto key = sshkey::parse_authorized_key_line(line);
    if (!key) continue;
    if (offered && key->key.blob != *offered) continue;
    keys.push_back(std::move(*key));
  }
  return keys;
}

std::optional<std::int64_t> fresh_cache_age(const Config& config, const CachedAnswer& cached,
                                            std::int64_t now) {
  std::int64_t age = std::max<std::int64_t>(0, now - cached.fetched);
  if (config.cache_ttl.count() > 0 && now >= cached.fetched && age < config.cache_ttl.count()) {
    return age;
  }
  return std::nullopt;
}

std::string served_log_line(const std::string& user, std::size_t keys, const std::string& source) {
  return fmt::format("authorized-keys {}: {} key(s) from {}", user, keys, source);
}

}  // namespace sshkey_ldap
