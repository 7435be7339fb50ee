#include "config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = {
      "uri",         "base",         "bind_dn",       "bind_password_file",
      "starttls",    "ldaps",        "ca_file",       "tls_verify",
      "timeout",     "user_filter",  "enroll_filter", "key_attribute",
      "host_filter", "hosts_filter", "cache_dir",     "cache_ttl",
      "stale_ok",    "stale_max",    "page_size",     "enforce_policy"};
  return keys;
}

std::chrono::milliseconds parse_duration(std::string_view text, const std::string& origin) {
  text = trim(text);
  double number = 0;
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
    ++digits;
  }
  std::string number_text(text.substr(0, digits));
  std::string_view unit = text.substr(digits);
  char* end = nullptr;
  if (!number_text.empty()) number = std::strtod(number_text.c_str(), &end);
  double scale = unit.empty() || unit == "s" ? 1000
                 : unit == "ms"              ? 1
                 : unit == "m"               ? 60000
                 : unit == "h"               ? 3600000
                                             : -1;
  if (number_text.empty() || end != number_text.c_str() + number_text.size() || scale < 0) {
    throw seckit::input_error(origin, fmt::format("bad duration '{}'", text),
                              "use seconds, or a number with ms, s, m or h");
  }
  return std::chrono::milliseconds(static_cast<long long>(number * scale));
}

bool parse_bool(std::string_view text, const std::string& origin) {
  text = trim(text);
  if (text == "yes" || text == "true" || text == "on" || text == "1") return true;
  if (text == "no" || text == "false" || text == "off" || text == "0") return false;
  throw seckit::input_error(origin, fmt::format("bad boolean '{}'", text), "use yes or no");
}

void Config::set(std::string_view key, std::string_view raw, const std::string& origin) {
  std::string value(trim(raw));
  if (key == "uri") {
    std::string_view words = value;
    while (!words.empty()) {  // whitespace-separated, like `words >> uri` without a stream
      std::size_t start = words.find_first_not_of(" \t\r\n\v\f");
      if (start == std::string_view::npos) break;
      words.remove_prefix(start);
      std::size_t end = std::min(words.find_first_of(" \t\r\n\v\f"), words.size());
      uris.emplace_back(words.substr(0, end));
      words.remove_prefix(end);
    }
  } else if (key == "base") {
    base = value;
  } else if (key == "bind_dn") {
    bind_dn = value;
  } else if (key == "bind_password_file") {
    bind_password_file = value;
  } else if (key == "bind_password" || key == "bind_pw") {
    throw seckit::input_error(origin, "a bind password is never accepted inline",
                              "put it in a file readable only by its owner: bind_password_file");
  } else if (key == "starttls") {
    starttls = parse_bool(value, origin);
  } else if (key == "ldaps") {
    ldaps = parse_bool(value, origin);
  } else if (key == "ca_file") {
    ca_file = value;
  } else if (key == "tls_verify") {
    tls_verify = parse_bool(value, origin);
  } else if (key == "timeout") {
    timeout = parse_duration(value, origin);
    if (timeout.count() <= 0 || timeout > std::chrono::minutes(5)) {
      throw seckit::input_error(origin, "timeout must be above 0 and at most 5 minutes");
    }
  } else if (key == "user_filter") {
    user_filter = value;
  } else if (key == "enroll_filter") {
    enroll_filter = value;
  } else if (key == "key_attribute") {
    key_attribute = value;
  } else if (key == "host_filter") {
    host_filter = value;
  } else if (key == "hosts_filter") {
    hosts_filter = value;
  } else if (key == "cache_dir") {
    cache_dir = value;
  } else if (key == "cache_ttl") {
    cache_ttl = std::chrono::duration_cast<std::chrono::seconds>(parse_duration(value, origin));
  } else if (key == "stale_ok") {
    stale_ok = parse_bool(value, origin);
  } else if (key == "enforce_policy") {
    enforce_policy = parse_bool(value, origin);
  } else if (key == "stale_max") {
    stale_max = std::chrono::duration_cast<std::chrono::seconds>(parse_duration(value, origin));
    if (stale_max.count() <= 0) {
      throw seckit::input_error(origin, "stale_max must be above 0", "e.g. 24h (the default)");
    }
  } else if (key == "page_size") {
    int n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || n < 0 || n > 100000) {
      throw seckit::input_error(origin, fmt::format("bad page_size '{}'", value),
                                "0 (no paging) to 100000");
    }
    page_size = n;
  } else {
    throw seckit::input_error(origin, fmt::format("unknown setting '{}'", key),
                              "see sshkey-ldap(1) CONFIGURATION");
  }
}

void Config::load_file(const std::string& path) {
  std::string text = seckit::fs::read_file(path, 1 << 20);
  // Split by hand, not with an istringstream: the authorized-keys cache path reads this file on
  // every login, and a stream's first use initialises libstdc++'s locales (issue 18).
  std::string_view rest = text;
  int number = 0;
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    ++number;
    std::string_view view = trim(line);
    if (view.empty() || view.front() == '#') continue;
    std::size_t split = view.find_first_of("= \t");
    std::string origin = fmt::format("{}:{}", path, number);
    if (split == std::string_view::npos) {
      throw seckit::input_error(origin, fmt::format("'{}' has no value", view));
    }
    std::string_view key = trim(view.substr(0, split));
    std::string_view value = trim(view.substr(split));
    if (!value.empty() && value.front() == '=') value = trim(value.substr(1));
    set(key, value, origin);
  }
}

seckit::ldap::Options Config::ldap_options() const {
  seckit::ldap::Options options;
  for (const auto& uri : uris) {
    if (ldaps && uri.rfind("ldap://", 0) == 0) {
      options.uris.push_back("ldaps://" + uri.substr(7));
    } else {
      options.uris.push_back(uri);
    }
  }
  options.bind_dn = bind_dn;
  if (!bind_password_file.empty()) {
    options.bind_password = seckit::fs::read_secret_file(bind_password_file);
  } else if (!bind_dn.empty()) {
    throw seckit::usage_error("bind_dn is set but bind_password_file is not",
                              "a bind password is only read from a file");
  }
  options.starttls = starttls && !ldaps;
  options.ca_file = ca_file;
  options.tls_verify = tls_verify;
  options.timeout = timeout;
  return options;
}

void Config::require_directory() const {
  if (uris.empty()) throw seckit::usage_error("no LDAP server configured", "set uri or --uri");
  if (base.empty()) throw seckit::usage_error("no search base configured", "set base or --base");
}

}  // namespace sshkey_ldap
