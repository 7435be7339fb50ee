#include "helpers.hpp"

#include <fmt/format.h>

namespace sshkey_ldap {

KeyValueLines split_key_value(const std::string& value) {
  KeyValueLines out;
  if (value.size() > kMaxKeyValue) {
    out.problem =
        fmt::format("value is {} bytes, over the {} byte limit", value.size(), kMaxKeyValue);
    return out;
  }
  if (value.find('\0') != std::string::npos) {
    out.problem = "value contains a NUL byte";
    return out;
  }
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find('\n', start);
    if (end == std::string::npos) end = value.size();
    std::string line = value.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find('\r') != std::string::npos) {
      out.problem = "value contains a carriage return inside a line";
      out.lines.clear();
      return out;
    }
    if (!sshkey::is_blank_or_comment(line)) out.lines.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

namespace {

seckit::out::Json options_json(const std::vector<sshkey::CertificateOption>& options) {
  seckit::out::Json out = seckit::out::Json::array();
  for (const auto& o : options) {
    seckit::out::Json j = {{"name", seckit::out::wire_text(o.name)}};
    if (o.value) j["value"] = seckit::out::wire_text(*o.value);
    if (!o.unknown_data_hex.empty()) j["unknown_data_hex"] = o.unknown_data_hex;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

seckit::out::Json key_json(const sshkey::AuthorizedKey& key) {
  return key_json(key, sshkey::fingerprint_sha256(key.key));
}

seckit::out::Json key_json(const sshkey::AuthorizedKey& key, const std::string& sha256) {
  seckit::out::Json j = {{"type", key.key.type},
                         {"bits", key.key.bits},
                         {"sha256", sha256},
                         {"md5", sshkey::fingerprint_md5(key.key)},
                         {"comment", seckit::out::wire_text(key.comment)}};
  seckit::out::Json options = seckit::out::Json::array();
  for (const auto& o : key.options) {
    options.push_back(o.value ? seckit::out::Json{{"name", o.name}, {"value", *o.value}}
                              : seckit::out::Json{{"name", o.name}});
  }
  j["options"] = options;
  if (key.key.certificate) {
    const auto& c = *key.key.certificate;
    j["certificate"] = {{"serial", c.serial},
                        {"cert_type", c.cert_type == 1 ? "user" : "host"},
                        {"key_id", seckit::out::wire_text(c.key_id)},
                        {"principals", c.principals},
                        {"valid_after", cert_time(c.valid_after)},
                        {"valid_before", cert_time(c.valid_before)},
                        {"critical_options", options_json(c.critical_options)},
                        {"extensions", options_json(c.extensions)},
                        {"signature_algorithm", c.signature_algorithm},
                        {"ca_sha256", c.signature_key_sha256}};
  }
  return j;
}

std::string entry_name(const seckit::ldap::Entry& entry) {
  if (entry.has("uid")) return entry.values("uid").front();
  if (entry.has("cn")) return entry.values("cn").front();
  return entry.dn;
}

std::string cert_time(std::uint64_t t) {
  if (t == ~std::uint64_t{0}) return "forever";
  if (t > 253402300799ULL) return "forever";  // past year 9999
  return seckit::out::rfc3339(static_cast<std::int64_t>(t));
}

}  // namespace sshkey_ldap
