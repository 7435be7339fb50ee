#include "headers.hpp"

#include <fmt/format.h>

#include "config_auth.hpp"

namespace sslvpn {

using seckit::http::name_equals;
using seckit::http::name_starts_with;

namespace {

// "a=1; webvpn=SECRET; path=/" -> each cookie value redacted, attributes kept.
std::string redact_cookies(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  bool first = true;
  while (pos <= value.size()) {
    auto semi = value.find(';', pos);
    std::string_view part =
        value.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    if (!first) out += ";";
    auto eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view trimmed = name;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    bool attribute = name_equals(trimmed, "path") || name_equals(trimmed, "expires") ||
                     name_equals(trimmed, "max-age") || name_equals(trimmed, "domain") ||
                     name_equals(trimmed, "secure") || name_equals(trimmed, "httponly");
    if (eq == std::string_view::npos || attribute || eq + 1 == part.size()) {
      out += part;
    } else {
      out += std::string(name) + "=" + redact(part.substr(eq + 1), false);
    }
    first = false;
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return out;
}

}  // namespace

bool is_secret_header(std::string_view name) {
  return name_equals(name, "X-DTLS-Master-Secret") || name_equals(name, "Cookie") ||
         name_equals(name, "Set-Cookie") || name_equals(name, "Authorization") ||
         name_equals(name, "Proxy-Authorization");
}

std::string shown_header_value(std::string_view name, std::string_view value, bool show) {
  if (show || !is_secret_header(name)) return std::string(value);
  if (name_equals(name, "Cookie") || name_equals(name, "Set-Cookie")) return redact_cookies(value);
  if (name_equals(name, "Authorization") || name_equals(name, "Proxy-Authorization")) {
    auto sp = value.find(' ');
    if (sp != std::string_view::npos) {
      return std::string(value.substr(0, sp)) + " " + redact(value.substr(sp + 1), false);
    }
  }
  return redact(value, false);
}

Json headers_json(const seckit::http::Message& m, bool show) {
  Json out = Json::array();
  for (const auto& h : m.headers) {
    out.push_back({{"name", h.name}, {"value", shown_header_value(h.name, h.value, show)}});
  }
  return out;
}

Json tunnel_headers_json(const seckit::http::Message& m, bool show) {
  Json out = Json::object();
  for (const auto& h : m.headers) {
    if (!name_starts_with(h.name, "X-CSTP-") && !name_starts_with(h.name, "X-DTLS")) continue;
    std::string v = shown_header_value(h.name, h.value, show);
    if (out.contains(h.name)) {
      if (!out[h.name].is_array()) out[h.name] = Json::array({out[h.name]});
      out[h.name].push_back(v);
    } else {
      out[h.name] = v;
    }
  }
  return out;
}

namespace {
std::optional<long> number(const seckit::http::Message& m, std::string_view name) {
  const auto* h = m.header(name);
  if (!h || h->value.empty() || h->value.size() > 9) return std::nullopt;
  long v = 0;
  for (char c : h->value) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}
void set_text(Json& j, const char* key, const seckit::http::Message& m, std::string_view name) {
  if (const auto* h = m.header(name)) j[key] = h->value;
}
void set_number(Json& j, const char* key, const seckit::http::Message& m, std::string_view name) {
  if (auto v = number(m, name)) j[key] = *v;
}
}  // namespace

Json tunnel_parameters(const seckit::http::Message& req, const seckit::http::Message& resp) {
  Json p = Json::object();
  set_text(p, "address", resp, "X-CSTP-Address");
  set_text(p, "netmask", resp, "X-CSTP-Netmask");
  set_text(p, "address_ipv6", resp, "X-CSTP-Address-IP6");
  set_number(p, "cstp_mtu", resp, "X-CSTP-MTU");
  set_number(p, "base_mtu", resp, "X-CSTP-Base-MTU");
  set_number(p, "dtls_mtu", resp, "X-DTLS-MTU");
  set_number(p, "dtls_port", resp, "X-DTLS-Port");
  set_number(p, "dpd", resp, "X-CSTP-DPD");
  set_number(p, "dtls_dpd", resp, "X-DTLS-DPD");
  set_number(p, "keepalive", resp, "X-CSTP-Keepalive");
  set_number(p, "rekey_time", resp, "X-CSTP-Rekey-Time");
  set_text(p, "rekey_method", resp, "X-CSTP-Rekey-Method");
  set_text(p, "idle_timeout", resp, "X-CSTP-Idle-Timeout");
  set_text(p, "default_domain", resp, "X-CSTP-Default-Domain");
  set_text(p, "server_name", resp, "X-CSTP-Server-Name");
  set_text(p, "dtls_cipher_suite", resp, "X-DTLS-CipherSuite");
  set_text(p, "dtls12_cipher_suite", resp, "X-DTLS12-CipherSuite");
  set_text(p, "dtls_session_id", resp, "X-DTLS-Session-ID");
  set_text(p, "dtls_app_id", resp, "X-DTLS-App-ID");
  for (auto [key, name] :
       {std::pair{"split_include", "X-CSTP-Split-Include"},
        std::pair{"split_exclude", "X-CSTP-Split-Exclude"}, std::pair{"dns", "X-CSTP-DNS"}}) {
    auto v = resp.header_values(name);
    if (!v.empty()) p[key] = v;
  }
  Json offered = Json::object();
  set_text(offered, "dtls_cipher_suites", req, "X-DTLS-CipherSuite");
  set_text(offered, "dtls12_cipher_suites", req, "X-DTLS12-CipherSuite");
  set_text(offered, "cstp_address_type", req, "X-CSTP-Address-Type");
  set_number(offered, "cstp_mtu", req, "X-CSTP-MTU");
  set_number(offered, "base_mtu", req, "X-CSTP-Base-MTU");
  offered["dtls_master_secret_sent"] = req.header("X-DTLS-Master-Secret") != nullptr;
  p["client_offered"] = offered;
  // ASA sends the post-authentication config-auth document in a header of its own.
  if (const auto* post = resp.header("X-CSTP-Post-Auth-XML")) {
    auto xml = parse_config_auth(post->value, {});
    if (xml) {
      p["post_auth_xml"] = to_json(*xml);
    } else {
      p["post_auth_xml_error"] = xml.error().message;
    }
  }
  // Which MTU the data uses: DTLS's while DTLS carries it, CSTP's after a fallback; the caller
  // picks, both are here.
  return p;
}

std::string webvpn_cookie(const seckit::http::Message& m) {
  for (const char* name : {"Cookie", "Set-Cookie"}) {
    for (const auto& v : m.header_values(name)) {
      std::size_t pos = 0;
      while ((pos = v.find("webvpn=", pos)) != std::string::npos) {
        if (pos == 0 || v[pos - 1] == ' ' || v[pos - 1] == ';') {
          auto end = v.find(';', pos);
          std::string val = v.substr(pos + 7, end == std::string::npos ? end : end - pos - 7);
          if (!val.empty()) return val;
        }
        pos += 7;
      }
    }
  }
  return "";
}

}  // namespace sslvpn
