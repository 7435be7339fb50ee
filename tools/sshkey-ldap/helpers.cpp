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

using seckit::out::JsonWriter;

void write_options(JsonWriter& w, const std::vector<sshkey::CertificateOption>& options) {
  w.begin_array();
  for (const auto& o : options) {
    w.begin_object().key("name").wire_text(o.name);
    if (o.value) w.key("value").wire_text(*o.value);
    if (!o.unknown_data_hex.empty()) w.field("unknown_data_hex", o.unknown_data_hex);
    w.end_object();
  }
  w.end_array();
}

void write_certificate(JsonWriter& w, const sshkey::Certificate& c) {
  w.begin_object()
      .field("serial", c.serial)
      .field("cert_type", c.cert_type == 1 ? "user" : "host")
      .key("key_id")
      .wire_text(c.key_id)
      .key("principals")
      .begin_array();
  for (const auto& p : c.principals) w.value(p);
  w.end_array()
      .field("valid_after", cert_time(c.valid_after))
      .field("valid_before", cert_time(c.valid_before))
      .key("critical_options");
  write_options(w, c.critical_options);
  w.key("extensions");
  write_options(w, c.extensions);
  w.field("signature_algorithm", c.signature_algorithm)
      .field("ca_sha256", c.signature_key_sha256)
      .end_object();
}

}  // namespace

void write_key_fields(JsonWriter& w, const sshkey::AuthorizedKey& key, const std::string& sha256) {
  w.field("type", key.key.type)
      .field("bits", key.key.bits)
      .field("sha256", sha256)
      .field("md5", sshkey::fingerprint_md5(key.key))
      .key("comment")
      .wire_text(key.comment)
      .key("options")
      .begin_array();
  for (const auto& o : key.options) {
    w.begin_object().field("name", o.name);
    if (o.value) w.field("value", *o.value);
    w.end_object();
  }
  w.end_array();
  if (key.key.certificate) {
    w.key("certificate");
    write_certificate(w, *key.key.certificate);
  }
}

seckit::out::Json key_json(const sshkey::AuthorizedKey& key) {
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  write_key_fields(w, key, sshkey::fingerprint_sha256(key.key));
  w.end_object();
  return seckit::out::Json::parse(text);
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
