#include "token.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "seckit/enc.hpp"
#include "seckit/http.hpp"

namespace cbaudit {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
}  // namespace

seckit::Result<DecodedToken> decode_token_text(std::string_view text) {
  DecodedToken t;
  t.form = "base64";
  std::string_view s = trim(text);
  for (std::string_view header :
       {"authorization:", "proxy-authorization:", "www-authenticate:", "proxy-authenticate:"}) {
    if (seckit::http::name_starts_with(s, header)) {
      s = trim(s.substr(header.size()));
      t.form = "http-header";
    }
  }
  for (std::string_view scheme : {"NTLM", "Negotiate", "Kerberos"}) {
    if (seckit::http::name_starts_with(s, scheme) &&
        (s.size() == scheme.size() || std::isspace(static_cast<unsigned char>(s[scheme.size()])))) {
      t.scheme = std::string(scheme);
      s = trim(s.substr(scheme.size()));
      t.form = "http-header";
      break;
    }
  }
  if (s.empty()) return seckit::parse_error("no token after the authentication scheme");
  if (t.scheme.empty()) {
    // Another HTTP scheme (Basic, Bearer, Digest...): a credential without channel binding.
    std::size_t word = s.find_first_of(" \t");
    std::string_view first = s.substr(0, word);
    bool scheme_like = word != std::string_view::npos && !first.empty() &&
                       std::all_of(first.begin(), first.end(), [](char c) {
                         return std::isalpha(static_cast<unsigned char>(c)) || c == '-';
                       });
    if (scheme_like) {
      return seckit::parse_error(fmt::format(
          "the {} scheme carries no NTLM or Kerberos token (cbaudit reads NTLM, Negotiate and "
          "Kerberos tokens, bare or in an Authorization header)",
          first));
    }
  }
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

namespace {
// The Kerberos part of analyze_token: describe the AP-REQ and, with a keytab, open it.
void analyze_kerberos(TokenAnalysis& a, const KerberosApReq& ap, const krb5::Keytab* keytab) {
  a.mechanism = "kerberos";
  a.kerberos = ap;
  a.description = describe(ap);
  a.description["wrapping"] = a.wrapping;
  a.evidence.binding = Binding::kOpaque;
  if (!keytab) return;
  a.kerberos_decryption = krb5::decrypt_ap_req(ap, *keytab);
  a.evidence = evidence_of(*a.kerberos_decryption);
  a.description["channel_bindings"] = binding_name(a.evidence.binding);
  a.description["decrypted"] = krb5::describe(*a.kerberos_decryption);
}

// The server's Kerberos answer (mutual authentication or an error): nothing to classify.
void describe_kerberos_reply(TokenAnalysis& a, const std::string& reply) {
  a.mechanism = "kerberos";
  a.description = Json::object();
  a.description["mechanism"] = "kerberos";
  a.description["message_type"] = reply;
  a.description["wrapping"] = a.wrapping;
}
}  // namespace

seckit::Result<TokenAnalysis> analyze_token(seckit::bytes::Bytes token, const krb5::Keytab* keytab,
                                            Describe describe_token) {
  const bool described = describe_token == Describe::kYes;
  TokenAnalysis a;
  seckit::bytes::Bytes inner = token;
  std::vector<std::uint8_t> inner_storage;  // the NTLM message inside SPNEGO
  Json spnego_json = nullptr;
  if (ntlm::looks_like_ntlm(token)) {
    a.wrapping = "raw";
  } else if (auto reply = kerberos_reply_type(token)) {
    a.wrapping = token[0] == 0x60 ? "gss" : "raw";
    describe_kerberos_reply(a, *reply);
    return a;
  } else {
    auto sp = parse_spnego(token);
    if (!sp) return sp.error();
    if (described || sp->ap_req) spnego_json = describe(*sp);
    if (sp->kind == "gss-krb5" || sp->kind == "kerberos-ap-req") {
      a.wrapping = sp->kind == "gss-krb5" ? "gss" : "raw";
      analyze_kerberos(a, *sp->ap_req, keytab);
      return a;
    }
    a.wrapping = sp->kind == "neg-token-init" ? "spnego-init" : "spnego-resp";
    if (sp->ap_req) {
      analyze_kerberos(a, *sp->ap_req, keytab);
      a.description["spnego"] = spnego_json;
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
    if (auto reply = kerberos_reply_type(sp->inner)) {
      describe_kerberos_reply(a, *reply);
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
  if (described) {
    a.description = ntlm::describe(*m);
    a.description["wrapping"] = a.wrapping;
    if (!spnego_json.is_null()) a.description["spnego"] = spnego_json;
  }
  a.evidence = evidence_of(*m);
  a.ntlm = std::move(*m);
  return a;
}

}  // namespace cbaudit
