#include "token.hpp"

#include <cctype>

#include "seckit/enc.hpp"

namespace cbaudit {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}
}  // namespace

seckit::Result<DecodedToken> decode_token_text(std::string_view text) {
  DecodedToken t;
  t.form = "base64";
  std::string_view s = trim(text);
  for (std::string_view header :
       {"authorization:", "proxy-authorization:", "www-authenticate:", "proxy-authenticate:"}) {
    if (starts_with_ci(s, header)) {
      s = trim(s.substr(header.size()));
      t.form = "http-header";
    }
  }
  for (std::string_view scheme : {"NTLM", "Negotiate", "Kerberos"}) {
    if (starts_with_ci(s, scheme) &&
        (s.size() == scheme.size() || std::isspace(static_cast<unsigned char>(s[scheme.size()])))) {
      t.scheme = std::string(scheme);
      s = trim(s.substr(scheme.size()));
      t.form = "http-header";
      break;
    }
  }
  if (s.empty()) return seckit::parse_error("no token after the authentication scheme");
  auto decoded = seckit::enc::base64_decode(s);
  if (!decoded) return seckit::parse_error("token is not base64: " + decoded.error().message);
  t.bytes = std::move(*decoded);
  if (t.bytes.empty()) return seckit::parse_error("empty token");
  return t;
}

seckit::Result<DecodedToken> decode_token_file(std::string_view contents) {
  auto bytes = seckit::bytes::as_bytes(contents);
  if (ntlm::looks_like_ntlm(bytes) ||
      (!contents.empty() && (static_cast<std::uint8_t>(contents[0]) == 0x60 ||
                             static_cast<std::uint8_t>(contents[0]) == 0xa1 ||
                             static_cast<std::uint8_t>(contents[0]) == 0x6e))) {
    DecodedToken t;
    t.form = "raw";
    t.bytes.assign(bytes.begin(), bytes.end());
    return t;
  }
  return decode_token_text(contents);
}

seckit::Result<TokenAnalysis> analyze_token(seckit::bytes::Bytes token) {
  TokenAnalysis a;
  seckit::bytes::Bytes inner = token;
  std::vector<std::uint8_t> inner_storage;  // the NTLM message inside SPNEGO
  Json spnego_json = nullptr;
  if (ntlm::looks_like_ntlm(token)) {
    a.wrapping = "raw";
  } else {
    auto sp = parse_spnego(token);
    if (!sp) return sp.error();
    spnego_json = describe(*sp);
    if (sp->kind == "gss-krb5" || sp->kind == "kerberos-ap-req") {
      a.wrapping = sp->kind == "gss-krb5" ? "gss" : "raw";
      a.mechanism = "kerberos";
      a.kerberos = sp->ap_req;
      a.description = describe(*sp->ap_req);
      a.description["wrapping"] = a.wrapping;
      a.evidence.binding = Binding::kOpaque;
      return a;
    }
    a.wrapping = sp->kind == "neg-token-init" ? "spnego-init" : "spnego-resp";
    if (sp->ap_req) {
      a.mechanism = "kerberos";
      a.kerberos = sp->ap_req;
      a.description = describe(*sp->ap_req);
      a.description["wrapping"] = a.wrapping;
      a.description["spnego"] = spnego_json;
      a.evidence.binding = Binding::kOpaque;
      return a;
    }
    if (sp->inner.empty()) {
      a.mechanism = "spnego";
      a.description = Json::object();
      a.description["mechanism"] = "spnego";
      a.description["message_type"] = sp->kind;
      a.description["wrapping"] = a.wrapping;
      a.description["spnego"] = spnego_json;
      return a;
    }
    inner_storage = sp->inner;
    inner = inner_storage;
    if (!ntlm::looks_like_ntlm(inner)) {
      return seckit::parse_error("SPNEGO token carries neither NTLM nor a Kerberos AP-REQ");
    }
  }
  auto m = ntlm::parse(inner);
  if (!m) return m.error();
  a.mechanism = "ntlm";
  a.description = ntlm::describe(*m);
  a.description["wrapping"] = a.wrapping;
  if (!spnego_json.is_null()) a.description["spnego"] = spnego_json;
  a.evidence = evidence_of(*m);
  a.ntlm = std::move(*m);
  return a;
}

}  // namespace cbaudit
