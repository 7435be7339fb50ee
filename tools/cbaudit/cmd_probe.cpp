// cbaudit probe: find out which EPA level a server enforces by authenticating three times on
// fresh TLS connections, with the right channel binding, with none (an unaware client: no
// MsvAvChannelBindings at all) and with a wrong one, using our own NTLM client.
#include <fmt/format.h>

#include "binding.hpp"
#include "commands.hpp"
#include "ldap_msg.hpp"
#include "ntlm.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"
#include "seckit/tlsclient.hpp"
#include "token.hpp"

namespace cbaudit {

namespace {

using seckit::enc::ascii_lower;
using seckit::tlsclient::Connection;

struct Url {
  std::string scheme, host, path = "/";
  std::uint16_t port = 0;
};

Url parse_url(const std::string& text) {
  Url u;
  auto sep = text.find("://");
  if (sep == std::string::npos)
    throw seckit::usage_error("not a URL: " + text, "https://host/path, ldaps://host, ldap://host");
  u.scheme = ascii_lower(text.substr(0, sep));
  std::string rest = text.substr(sep + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  std::uint16_t default_port = u.scheme == "https" ? 443 : u.scheme == "ldaps" ? 636 : 389;
  if (u.scheme != "https" && u.scheme != "ldaps" && u.scheme != "ldap") {
    throw seckit::usage_error("unsupported scheme " + u.scheme,
                              "https://, ldaps:// or ldap:// (StartTLS)");
  }
  auto endpoint = seckit::tlsclient::parse_endpoint(authority, default_port);
  u.host = endpoint.host;
  u.port = endpoint.port;
  return u;
}

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A small HTTP/1.1 response reader for our own requests (Content-Length bodies; chunked bodies
// are read until the terminating chunk without decoding: only the status matters here).
HttpResponse read_response(Connection& c) {
  std::string buf;
  std::size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    std::string more = c.read_some();
    if (more.empty()) throw seckit::environment_error("http", "server closed the connection");
    buf += more;
    if (buf.size() > (1 << 20))
      throw seckit::environment_error("http", "response header too large");
  }
  HttpResponse r;
  std::string head = buf.substr(0, end);
  std::string rest = buf.substr(end + 4);
  std::size_t pos = head.find("\r\n");
  std::string status_line = head.substr(0, pos);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    throw seckit::environment_error("http", "not an HTTP response: " + status_line.substr(0, 60));
  }
  r.status = std::atoi(status_line.c_str() + 9);
  while (pos != std::string::npos && pos < head.size()) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.emplace_back(ascii_lower(line.substr(0, colon)), value);
    }
    pos = next;
  }
  std::size_t length = 0;
  bool chunked = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "content-length") length = std::strtoul(v.c_str(), nullptr, 10);
    if (k == "transfer-encoding" && ascii_lower(v).find("chunked") != std::string::npos)
      chunked = true;
  }
  if (chunked) {
    while (rest.find("\r\n0\r\n\r\n") == std::string::npos && rest.rfind("0\r\n\r\n", 0) != 0) {
      std::string more = c.read_some();
      if (more.empty()) break;
      rest += more;
    }
  } else {
    while (rest.size() < length) {
      std::string more = c.read_some();
      if (more.empty()) break;
      rest += more;
    }
  }
  r.body = rest.substr(0, std::min(rest.size(), std::size_t{4096}));
  return r;
}

std::string request(const Url& u, const std::string& authorization) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (!((u.scheme == "https" && u.port == 443))) host += fmt::format(":{}", u.port);
  std::string r =
      fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: cbaudit\r\n", u.path, host);
  if (!authorization.empty()) r += "Authorization: " + authorization + "\r\n";
  return r + "\r\n";
}

// The challenge token of `scheme` in the WWW-Authenticate headers.
std::optional<std::string> challenge_of(const HttpResponse& r, const std::string& scheme) {
  for (const auto& [k, v] : r.headers) {
    if (k != "www-authenticate") continue;
    if (ascii_lower(v).rfind(ascii_lower(scheme) + " ", 0) == 0) return v.substr(scheme.size() + 1);
  }
  return std::nullopt;
}

struct Variant {
  std::string name;  // correct, absent, wrong
  std::optional<Buffer> cbt;
};

struct Attempt {
  std::string variant;
  std::optional<Buffer> cbt;
  bool accepted = false;
  std::string detail;  // HTTP status / LDAP result
};

seckit::tlsclient::ConnectSpec tls_options(const Url& u, const ProbeOptions& o) {
  seckit::tlsclient::ConnectSpec t;
  t.endpoint = {u.host, u.port};
  t.ca_file = o.ca_file;
  t.verify =
      o.insecure ? seckit::tlsclient::VerifyMode::kOff : seckit::tlsclient::VerifyMode::kRequire;
  t.timeout_seconds = o.timeout;
  if (u.scheme == "ldap") t.starttls = seckit::tlsclient::StartTls::kLdap;
  return t;
}

// Our NTLM initiator for one authentication: raw NTLMSSP (HTTP "NTLM") or inside SPNEGO (HTTP
// "Negotiate", LDAP GSS-SPNEGO). Inside SPNEGO the AUTHENTICATE carries a MIC (MsvAvFlags), so
// acceptors that follow MS-SPNG (Windows, MIT with gss-ntlmssp) require the mechListMIC: the
// NTLM signature over the offered MechTypeList, sequence number 0 (RFC 4178 5, MS-SPNG 3.3.5.1).
class NtlmInitiator {
 public:
  NtlmInitiator(bool spnego, bool sign)
      : spnego_(spnego), negotiate_(ntlm::build_negotiate(sign)) {}

  Buffer first_token() const {
    return spnego_ ? build_neg_token_init(kOidNtlm, negotiate_) : negotiate_;
  }
  std::string mechanism() const { return spnego_ ? "SPNEGO(NTLM)" : "NTLM"; }

  // The AUTHENTICATE answering the server's token; an error names what the server sent instead
  // of an NTLM CHALLENGE.
  seckit::Result<Buffer> answer(Bytes server_token, const ntlm::ClientCredentials& creds,
                                const std::optional<Buffer>& cbt, const std::string& spn) const {
    Buffer raw(server_token.begin(), server_token.end());
    bool wrapped = !ntlm::looks_like_ntlm(raw);
    if (wrapped) {
      auto sp = parse_spnego(raw);
      if (!sp) return seckit::parse_error("neither NTLM nor SPNEGO: " + sp.error().message);
      if (sp->neg_state == "reject") return seckit::parse_error("SPNEGO negState reject");
      if (sp->supported_mech && *sp->supported_mech != kOidNtlm) {
        return seckit::parse_error("SPNEGO chose " + mech_name(*sp->supported_mech) +
                                   " instead of NTLM");
      }
      raw = sp->inner;
    }
    auto challenge = ntlm::parse(raw);
    if (!challenge) return seckit::parse_error("bad NTLM CHALLENGE: " + challenge.error().message);
    if (challenge->type != 2) {
      return seckit::parse_error("NTLM " + ntlm::message_type_name(challenge->type) +
                                 " instead of a CHALLENGE");
    }
    auto auth = ntlm::build_authenticate(negotiate_, raw, *challenge, creds, cbt, spn);
    if (!wrapped && !spnego_) return auth.message;
    Buffer mic = ntlm::client_signature(auth, 0, mech_type_list(kOidNtlm));
    return build_neg_token_resp(auth.message, mic);
  }

 private:
  bool spnego_;
  Buffer negotiate_;
};

Attempt http_attempt(const Url& u, const ProbeOptions& o, const std::string& scheme,
                     const ntlm::ClientCredentials& creds, const Variant& v,
                     const std::string& spn) {
  Connection c(tls_options(u, o));
  NtlmInitiator ntlm(scheme == "Negotiate", true);
  c.write(request(u, scheme + " " + seckit::enc::base64_encode(ntlm.first_token())));
  HttpResponse first = read_response(c);
  auto challenge_b64 = challenge_of(first, scheme);
  Attempt a{v.name, v.cbt, false, ""};
  if (first.status != 401 || !challenge_b64) {
    a.detail = fmt::format("HTTP {} without a {} challenge", first.status, ntlm.mechanism());
    return a;
  }
  auto decoded = decode_token_text(*challenge_b64);
  if (!decoded)
    throw seckit::environment_error("http", "bad challenge: " + decoded.error().message);
  auto auth = ntlm.answer(decoded->bytes, creds, v.cbt, spn);
  if (!auth) {
    throw seckit::environment_error("http",
                                    "the server's " + scheme + " answer: " + auth.error().message);
  }
  c.write(request(u, scheme + " " + seckit::enc::base64_encode(*auth)));
  HttpResponse second = read_response(c);
  a.accepted = second.status >= 200 && second.status < 400;
  a.detail = fmt::format("HTTP {}", second.status);
  return a;
}

// One NTLM bind as SASL GSS-SPNEGO carrying SPNEGO-wrapped NTLMSSP (what Windows clients send;
// AD, Samba and OpenLDAP with cyrus-sasl accept it). Over ldap:// the StartTLS happened in
// Connection.
Attempt ldap_attempt(const Url& u, const ProbeOptions& o, const ntlm::ClientCredentials& creds,
                     const Variant& v, const std::string& spn) {
  Connection c(tls_options(u, o));
  auto exchange = [&](const Buffer& req) {
    c.write(std::string(req.begin(), req.end()));
    std::string buf;
    for (;;) {
      auto size = ldap::message_size(seckit::bytes::as_bytes(buf));
      if (!size) throw seckit::environment_error("ldap", size.error().message);
      if (*size) break;
      std::string more = c.read_some();
      if (more.empty()) throw seckit::environment_error("ldap", "server closed the connection");
      buf += more;
    }
    auto m = ldap::parse_message(seckit::bytes::as_bytes(buf));
    if (!m || !*m || (*m)->request) throw seckit::environment_error("ldap", "no BindResponse");
    return **m;
  };
  NtlmInitiator ntlm(true, false);
  auto first = exchange(ldap::encode_sasl_bind(1, "GSS-SPNEGO", ntlm.first_token()));
  Attempt a{v.name, v.cbt, false, ""};
  auto auth = first.result_code == 14
                  ? ntlm.answer(first.server_sasl_creds, creds, v.cbt, spn)
                  : seckit::Result<Buffer>(seckit::parse_error("no SASL continuation"));
  if (!auth) {
    a.detail =
        fmt::format("GSS-SPNEGO bind answered resultCode {} {}({})", first.result_code,
                    first.diagnostic.empty() ? "" : first.diagnostic + " ", auth.error().message);
    return a;
  }
  auto second = exchange(ldap::encode_sasl_bind(2, "GSS-SPNEGO", *auth));
  a.accepted = second.result_code == 0;
  a.detail = fmt::format("resultCode {}{}{}", second.result_code,
                         second.diagnostic.empty() ? "" : ": ", second.diagnostic);
  return a;
}

bool bad_bindings(const Attempt& a) { return a.detail.find("80090346") != std::string::npos; }

struct ProbeLevel {
  std::string level;  // required, allowed, none, unknown
  std::string reason;
};

// Without credentials (LDAP): the directory checks the binding before the password, so
// SEC_E_BAD_BINDINGS (80090346) instead of invalid credentials (data 52e) shows enforcement.
ProbeLevel judge_trick(std::map<std::string, Attempt>& results) {
  if (bad_bindings(results["absent"])) {
    return {"required",
            "a bind without bindings is refused with 80090346 before the password is checked"};
  }
  if (bad_bindings(results["wrong"])) {
    return {"allowed",
            "a wrong binding is refused with 80090346; a missing one reaches the password check"};
  }
  if (results["wrong"].detail.find("52e") != std::string::npos) {
    return {"none", "even a wrong binding reaches the password check (data 52e)"};
  }
  return {"unknown", "the directory answered neither 80090346 nor 52e: " + results["wrong"].detail};
}

// With credentials: the right binding is the control; the wrong and missing ones show the level.
ProbeLevel judge_attempts(std::map<std::string, Attempt>& results) {
  if (!results["correct"].accepted) {
    return {"unknown", "the control attempt with the right binding failed (" +
                           results["correct"].detail +
                           "): check the credentials, the domain and the URL"};
  }
  if (results["wrong"].accepted) {
    if (results["absent"].accepted) {
      return {"none", "a wrong binding is accepted: channel binding is not checked"};
    }
    return {"unknown", "a wrong binding is accepted but a missing one is refused: inconsistent"};
  }
  if (results["absent"].accepted) {
    return {"allowed", "a wrong binding is refused, a client without bindings is accepted"};
  }
  return {"required", "wrong and missing bindings are both refused"};
}

// The server's certificate decides the right binding (recorded as expected_binding).
Buffer probe_expected(seckit::out::Emitter& e, const Url& u, const ProbeOptions& o) {
  Connection c(tls_options(u, o));
  auto chain = peer_chain(c.session());
  if (chain.empty()) throw seckit::environment_error(o.url, "the server sent no certificate");
  auto ep = end_point_expectation(chain.front());
  Buffer hash = ep.defined ? ep.hash : ep.windows_hash;
  Json d = expected_for_certificate(chain.front());
  d["connect"] = fmt::format("{}:{}", u.host, u.port);
  e.record("expected_binding", d);
  return channel_bindings_hash(application_data("tls-server-end-point", hash));
}

// The HTTP scheme to authenticate with, or why there is nothing to probe (the URL does not ask
// for NTLM or Negotiate): then the level cannot be measured.
struct SchemeChoice {
  std::string scheme;
  std::string nothing_to_probe;  // non-empty: the reason
};

SchemeChoice choose_scheme(const Url& u, const ProbeOptions& o) {
  Connection c(tls_options(u, o));
  c.write(request(u, ""));
  HttpResponse r = read_response(c);
  if (r.status != 401) {
    return {"", fmt::format("{} answers HTTP {} without authentication: no NTLM or Negotiate "
                            "to probe; give the URL of a resource that requires Windows "
                            "authentication",
                            o.url, r.status)};
  }
  if (challenge_of(r, "NTLM") || challenge_of(r, "Negotiate")) return {"NTLM", ""};
  bool ntlm = false, negotiate = false;
  for (const auto& [k, v] : r.headers) {
    if (k != "www-authenticate") continue;
    ntlm |= ascii_lower(v).rfind("ntlm", 0) == 0;
    negotiate |= ascii_lower(v).rfind("negotiate", 0) == 0;
  }
  if (!ntlm && !negotiate) {
    return {"", fmt::format("{} answers 401 but offers neither NTLM nor Negotiate: channel "
                            "binding does not apply to its authentication",
                            o.url)};
  }
  return {ntlm ? "NTLM" : "Negotiate", ""};
}

void print_attempt(seckit::cli::Tool& tool, const Attempt& a, bool trick) {
  if (tool.emitter().json() || tool.common().quiet) return;
  tool.emitter().line(
      fmt::format("{:<8} binding: {} ({})", a.variant,
                  trick ? (bad_bindings(a) ? "80090346 bad bindings" : "not refused for bindings")
                        : (a.accepted ? "accepted" : "rejected"),
                  a.detail));
}

// EPA not enforced is the finding; an unknown level is inconclusive, with the probe's reason.
seckit::out::Conclusion judge_probe(const ProbeLevel& p) {
  seckit::out::Conclusion out;
  if (p.level == "none" || p.level == "allowed") {
    out.fail("epa-not-" + std::string(p.level == "none" ? "enforced" : "required"),
             "EPA level " + p.level + ": " + p.reason);
  } else if (p.level == "unknown") {
    out.inconclusive("level-unknown", "EPA level unknown: " + p.reason);
  }
  return out;
}

void level_finding(seckit::cli::Tool& tool, const std::string& level) {
  if (level != "none" && level != "allowed") return;
  seckit::out::Finding f;
  f.code = level == "none" ? "epa-not-enforced" : "epa-not-required";
  f.severity = level == "none" ? seckit::out::Severity::kError : seckit::out::Severity::kWarning;
  f.message = level == "none"
                  ? "the server does not check channel bindings: NTLM relay to it works"
                  : "clients without channel bindings are still accepted (level Allowed)";
  tool.emitter().finding(f);
}

ntlm::ClientCredentials probe_credentials(const ProbeOptions& o, bool trick) {
  ntlm::ClientCredentials creds;
  creds.user = o.user.empty() ? "cbaudit-probe" : o.user;
  creds.domain = o.domain;
  creds.password = trick ? seckit::enc::hex_encode(seckit::crypto::random_bytes(12))
                         : seckit::fs::read_secret_file(o.password_file);
  return creds;
}

}  // namespace

int run_probe(seckit::cli::Tool& tool, const ProbeOptions& o) {
  auto& e = tool.emitter();
  if (o.url.empty()) throw seckit::usage_error("no URL given", "cbaudit probe https://host/path");
  Url u = parse_url(o.url);
  bool ldap_mode = u.scheme != "https";
  bool trick = ldap_mode && o.password_file.empty();
  if (!trick && (o.user.empty() || o.password_file.empty())) {
    throw seckit::usage_error("probe needs --user and --password-file",
                              ldap_mode
                                  ? "without a password, LDAP is probed with the 80090346 trick"
                                  : "--user NAME --domain DOMAIN --password-file FILE");
  }
  ntlm::ClientCredentials creds = probe_credentials(o, trick);
  std::string spn = !o.spn.empty() ? o.spn : (ldap_mode ? "ldap/" : "HTTP/") + u.host;
  e.begin({{"command", "probe"},
           {"url", o.url},
           {"user", creds.user},
           {"domain", o.domain},
           {"mode", trick ? "ldap-without-credentials" : "credentials"}});
  Buffer correct = probe_expected(e, u, o);
  SchemeChoice choice{"NTLM", ""};
  if (!ldap_mode) choice = choose_scheme(u, o);
  if (!choice.nothing_to_probe.empty()) {
    seckit::out::Conclusion nothing;
    nothing.inconclusive("nothing-to-probe", choice.nothing_to_probe);
    return e.conclude(nothing, {{"attempts", 0}}, {{"level", "unknown"}});
  }
  Buffer wrong = seckit::crypto::digest(seckit::crypto::Digest::kMd5,
                                        seckit::bytes::as_bytes("cbaudit wrong channel binding"));
  std::vector<Variant> variants = {
      {"correct", correct}, {"absent", std::nullopt}, {"wrong", wrong}};
  if (trick) variants = {{"absent", std::nullopt}, {"wrong", wrong}};
  std::map<std::string, Attempt> results;
  for (const auto& v : variants) {
    Attempt a = ldap_mode ? ldap_attempt(u, o, creds, v, spn)
                          : http_attempt(u, o, choice.scheme, creds, v, spn);
    Json d = {{"binding", a.variant},
              {"cbt", a.cbt ? Json(seckit::enc::hex_encode(*a.cbt)) : Json(nullptr)},
              {"accepted", a.accepted},
              {"result", a.detail}};
    if (trick) d["bad_bindings"] = bad_bindings(a);
    e.record("probe_attempt", d);
    print_attempt(tool, a, trick);
    results[a.variant] = a;
  }
  ProbeLevel p = trick ? judge_trick(results) : judge_attempts(results);
  e.record("probe_result", {{"url", o.url}, {"level", p.level}, {"reason", p.reason}});
  level_finding(tool, p.level);
  if (!e.json() && !tool.common().quiet) {
    e.line(fmt::format("{}: EPA level {} ({})", o.url, tool.style().bold(p.level), p.reason));
  }
  return e.conclude(judge_probe(p), {{"attempts", results.size()}}, {{"level", p.level}});
}

}  // namespace cbaudit
