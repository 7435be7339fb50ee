// Per-certificate checks and chain verification. Each finding names the Windows error the peer
// would log for the same defect, so a FailureErrorCode from an event log maps back to a check.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <set>

#include "certcheck.hpp"
#include "chain.hpp"
#include "seckit/winerr.hpp"
#include "strict.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;
using seckit::crypto::Digest;

std::string eku_label(std::string_view oid) {
  const x::EkuInfo* info = x::eku_info(oid);
  if (!info) return std::string(oid);
  if (*info->windows_name) return fmt::format("{} ({})", info->windows_name, oid);
  if (*info->openssl_name) return fmt::format("{} ({})", info->openssl_name, oid);
  return std::string(oid);
}

Json eku_list(const std::vector<std::string>& oids) {
  Json list = Json::array();
  for (const auto& oid : oids) {
    const x::EkuInfo* info = x::eku_info(oid);
    list.push_back(Json{{"oid", oid},
                        {"name", info && *info->windows_name   ? info->windows_name
                                 : info && *info->openssl_name ? info->openssl_name
                                                               : oid.c_str()}});
  }
  return list;
}

Finding make(std::string code, Severity severity, std::string message, std::string_view win = {},
             Json details = Json::object()) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.message = std::move(message);
  f.details = std::move(details);
  if (!win.empty()) f.windows_error = windows_error(win);
  return f;
}

// Which key usages make sense with which EKU (RFC 5280 4.2.1.12 "consistent with both";
// the per-EKU bits are those OpenSSL's purpose checks and RFC 4945 5.1.3.2 accept).
struct EkuKeyUsage {
  std::string_view oid;
  std::uint32_t any_of;
};
constexpr EkuKeyUsage kEkuKeyUsage[] = {
    {x::kOidServerAuth, x::kDigitalSignature | x::kKeyEncipherment | x::kKeyAgreement},
    {x::kOidClientAuth, x::kDigitalSignature | x::kKeyAgreement},
    {x::kOidCodeSigning, x::kDigitalSignature},
    {x::kOidEmailProtection,
     x::kDigitalSignature | x::kNonRepudiation | x::kKeyEncipherment | x::kKeyAgreement},
    {x::kOidIpsecIke, x::kDigitalSignature | x::kNonRepudiation},
    {x::kOidIkeIntermediate, x::kDigitalSignature | x::kNonRepudiation},
};

void check_validity(X509* cert, const CheckOptions& o, std::vector<Finding>& out) {
  std::int64_t nb = x::not_before(cert);
  std::int64_t na = x::not_after(cert);
  std::int64_t left = na - o.now;
  if (o.now < nb) {
    out.push_back(make(
        "not-yet-valid", Severity::kError,
        fmt::format("not valid before {} (notBefore is in the future)", seckit::out::rfc3339(nb)),
        "CERT_E_EXPIRED", Json{{"not_before", seckit::out::rfc3339(nb)}}));
  }
  if (o.now > na) {  // notAfter itself is still valid (RFC 5280 4.1.2.5)
    Json details{{"not_after", seckit::out::rfc3339(na)}};
    if (o.strict) details["rule"] = "RFC 5280 4.1.2.5";
    out.push_back(make("expired", Severity::kError,
                       fmt::format("expired on {}", seckit::out::rfc3339(na)), "CERT_E_EXPIRED",
                       details));
    return;
  }
  std::int64_t days = left / 86400;
  Json details{{"not_after", seckit::out::rfc3339(na)}, {"days_left", days}};
  if (o.expires_within && left < *o.expires_within) {
    out.push_back(make("expires-soon", Severity::kError,
                       fmt::format("expires in {} days ({})", days, seckit::out::rfc3339(na)), {},
                       details));
  } else if (o.crit_days && days < *o.crit_days) {
    out.push_back(make(
        "expires-soon", Severity::kError,
        fmt::format("expires in {} days, under the critical threshold of {}", days, *o.crit_days),
        {}, details));
  } else if (o.warn_days && days < *o.warn_days) {
    out.push_back(make(
        "expires-soon", Severity::kWarning,
        fmt::format("expires in {} days, under the warning threshold of {}", days, *o.warn_days),
        {}, details));
  }
}

void check_crypto(X509* cert, const CheckOptions& o, std::vector<Finding>& out) {
  x::KeyInfo key = x::public_key_info(cert);
  if (key.type == "rsa" || key.type == "rsa-pss" || key.type == "dsa") {
    if (o.min_rsa_bits > 0 && key.bits < o.min_rsa_bits) {
      out.push_back(make("weak-key", Severity::kError,
                         fmt::format("{} key of {} bits, below --min-rsa-bits {}", key.type,
                                     key.bits, o.min_rsa_bits),
                         {}, Json{{"bits", key.bits}}));
    } else if (o.min_rsa_bits == 0 && key.bits < 2048) {
      out.push_back(make("weak-key", Severity::kWarning,
                         fmt::format("{} key of {} bits (NIST SP 800-131A wants 2048 or more)",
                                     key.type, key.bits),
                         {}, Json{{"bits", key.bits}}));
    }
  }
  // A root's own signature is never checked by anyone, so its hash does not matter.
  if (x::is_self_issued(cert) && x::is_ca(cert)) return;
  x::SignatureInfo sig = x::signature_info(cert);
  if (sig.digest == Digest::kMd5) {
    out.push_back(make("weak-signature", Severity::kError,
                       fmt::format("signed with MD5 ({})", sig.algorithm),
                       "TRUST_E_CERT_SIGNATURE"));
  } else if (sig.digest == Digest::kSha1) {
    out.push_back(make("sha1-signature", o.forbid_sha1 ? Severity::kError : Severity::kWarning,
                       fmt::format("signed with SHA-1 ({}); chosen-prefix collisions are practical",
                                   sig.algorithm),
                       {}, Json{{"algorithm", sig.algorithm}}));
  }
}

void check_profile(const Profile& p, const x::ExtendedKeyUsage& eku, const x::KeyUsage& ku,
                   std::vector<Finding>& out) {
  Json base{{"profile", p.name}};
  if (!eku.present) {
    if (!p.absent_eku_ok) {
      // CryptoAPI treats a certificate without EKU as valid for every purpose, so Windows
      // accepts it; but the profile's basis asks for explicit usages.
      out.push_back(make("eku-absent", Severity::kWarning,
                         fmt::format("profile {}: no extendedKeyUsage extension (Windows treats it "
                                     "as 'all purposes'; {} expects explicit usages)",
                                     p.name, p.summary),
                         {}, base));
    }
  } else if (!p.any_of_ekus.empty()) {
    bool ok = std::any_of(p.any_of_ekus.begin(), p.any_of_ekus.end(),
                          [&](std::string_view oid) { return eku.contains(oid); });
    if (!ok) {
      Json d = base;
      d["expected_any_of"] = eku_list({p.any_of_ekus.begin(), p.any_of_ekus.end()});
      std::vector<std::string> labels;
      for (auto oid : p.any_of_ekus) labels.push_back(eku_label(oid));
      out.push_back(make("eku-missing", Severity::kError,
                         fmt::format("profile {}: EKU present but contains none of {}", p.name,
                                     fmt::join(labels, ", ")),
                         "CERT_E_WRONG_USAGE", d));
    }
  } else {
    bool any = p.any_eku_ok && eku.contains(x::kOidAnyEku);
    std::vector<std::string> missing;
    for (auto oid : p.required_ekus) {
      if (!eku.contains(oid) && !any) missing.emplace_back(oid);
    }
    if (!missing.empty()) {
      Json d = base;
      d["missing"] = eku_list(missing);
      std::vector<std::string> labels;
      for (const auto& oid : missing) labels.push_back(eku_label(oid));
      out.push_back(make("eku-missing", Severity::kError,
                         fmt::format("profile {}: missing EKU {}", p.name, fmt::join(labels, ", ")),
                         "CERT_E_WRONG_USAGE", d));
    }
  }
  if (p.ku_any_of != 0 && !ku.allows_any(p.ku_any_of)) {
    x::KeyUsage wanted;
    wanted.bits = p.ku_any_of;
    Json d = base;
    d["expected_any_of"] = wanted.names();
    d["actual"] = ku.names();
    out.push_back(make(
        "ku-missing", Severity::kError,
        fmt::format("profile {}: keyUsage has none of {}", p.name, fmt::join(wanted.names(), ", ")),
        p.ku_windows_error, d));
  }
}

void check_required_ekus(const CheckOptions& o, const x::ExtendedKeyUsage& eku,
                         std::vector<Finding>& out) {
  if (o.require_ekus.empty()) return;
  if (!eku.present) {
    // GnuTLS (certtool --verify-purpose) and CryptoAPI both read "no EKU" as "any purpose".
    out.push_back(make("eku-absent", Severity::kWarning,
                       "no extendedKeyUsage extension: usable for any purpose, the required EKUs "
                       "are not stated explicitly"));
    return;
  }
  if (eku.contains(x::kOidAnyEku) && std::find(o.require_ekus.begin(), o.require_ekus.end(),
                                               x::kOidAnyEku) == o.require_ekus.end()) {
    // RFC 5280 4.2.1.12, GnuTLS and CryptoAPI accept anyExtendedKeyUsage for any purpose
    // (OpenSSL's purpose checks do not; the tls-* profiles follow OpenSSL).
    out.push_back(make("eku-any", Severity::kWarning,
                       "anyExtendedKeyUsage satisfies --require-eku, but the usages are not "
                       "stated explicitly (OpenSSL purpose checks reject it)"));
    return;
  }
  std::vector<std::string> missing;
  for (const auto& oid : o.require_ekus) {
    if (!eku.contains(oid)) missing.push_back(oid);
  }
  bool fail = o.eku_match_all ? !missing.empty() : missing.size() == o.require_ekus.size();
  if (!fail) return;
  std::vector<std::string> labels;
  for (const auto& oid : missing) labels.push_back(eku_label(oid));
  out.push_back(make("eku-missing", Severity::kError,
                     fmt::format("--require-eku ({}): missing {}", o.eku_match_all ? "all" : "any",
                                 fmt::join(labels, ", ")),
                     "CERT_E_WRONG_USAGE", Json{{"missing", eku_list(missing)}}));
}

void check_consistency(const x::ExtendedKeyUsage& eku, const x::KeyUsage& ku,
                       std::vector<Finding>& out) {
  if (!eku.present || !ku.present) return;
  for (const auto& rule : kEkuKeyUsage) {
    if (eku.contains(rule.oid) && !ku.allows_any(rule.any_of)) {
      x::KeyUsage wanted;
      wanted.bits = rule.any_of;
      out.push_back(make("ku-eku-inconsistent", Severity::kWarning,
                         fmt::format("EKU {} but keyUsage has none of {}", eku_label(rule.oid),
                                     fmt::join(wanted.names(), ", ")),
                         {}, Json{{"eku", std::string(rule.oid)}, {"key_usage", ku.names()}}));
    }
  }
}

void check_names(X509* cert, const CheckOptions& o, std::vector<Finding>& out) {
  if (!o.host.empty()) {
    bool ok =
        x::is_ip_literal(o.host) ? x::matches_ip(cert, o.host) : x::matches_host(cert, o.host);
    if (!ok) {
      out.push_back(make("host-mismatch", Severity::kError,
                         fmt::format("{} is not among the certificate's names (SAN DNS, or CN when "
                                     "there is no SAN)",
                                     o.host),
                         "CERT_E_CN_NO_MATCH", Json{{"host", o.host}}));
    }
  }
  if (!o.ip.empty() && !x::matches_ip(cert, o.ip)) {
    out.push_back(make("ip-mismatch", Severity::kError,
                       fmt::format("{} is not an iPAddress SAN of the certificate", o.ip),
                       "CERT_E_CN_NO_MATCH", Json{{"ip", o.ip}}));
  }
  bool needs_name = std::any_of(o.profiles.begin(), o.profiles.end(),
                                [](const Profile* p) { return p->needs_name; });
  if (needs_name && o.host.empty() && o.ip.empty()) {
    bool has_name = false;
    for (const auto& gn : x::subject_alt_names(cert)) {
      if (gn.type == "dns" || gn.type == "ip") has_name = true;
    }
    std::string cn = x::subject_common_name(cert);
    if (!has_name && (cn.find('.') != std::string::npos || x::is_ip_literal(cn))) has_name = true;
    if (!has_name) {
      out.push_back(make("name-missing", Severity::kWarning,
                         "neither SAN nor subject CN holds a DNS name or IP address; the peer "
                         "matches the name it dials against them",
                         "CERT_E_CN_NO_MATCH"));
    }
  }
}

// Whether the leaf is a TLS server certificate for the Baseline Requirements: it says so
// (serverAuth EKU) or is checked as one (a profile or --require-eku asking for serverAuth).
bool tls_server_leaf(const x::ExtendedKeyUsage& eku, const CheckOptions& o) {
  auto server_auth = [](std::string_view oid) { return oid == x::kOidServerAuth; };
  if (eku.contains(x::kOidServerAuth) ||
      std::any_of(o.require_ekus.begin(), o.require_ekus.end(), server_auth)) {
    return true;
  }
  return std::any_of(o.profiles.begin(), o.profiles.end(), [&](const Profile* p) {
    return std::any_of(p->required_ekus.begin(), p->required_ekus.end(), server_auth);
  });
}

// The --strict rules' violations as error findings citing their rule; `element` names a chain
// element (depth, subject) when the certificate is not the one reported.
void add_strict_findings(X509* cert, const strict::Placement& placement, const Json& element,
                         std::vector<Finding>& out) {
  for (const auto& v : strict::evaluate(strict::extract_facts(cert), placement)) {
    Json details = element.is_object() ? element : Json::object();
    details["rule"] = v.citation;
    std::string message = fmt::format("{}: {}", v.citation, v.message);
    if (element.is_object()) {
      message = fmt::format("chain element {} ({}): {}", element["depth"].get<int>(),
                            element["element_subject"].get<std::string>(), message);
    }
    out.push_back(make(std::string(v.code), Severity::kError, std::move(message), {}, details));
  }
}

// The finding code of a revocation (CRL) error, empty for the other verify errors.
std::string_view crl_finding_code(int err) {
  switch (err) {
    case X509_V_ERR_CERT_REVOKED:
      return "certificate-revoked";
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return "crl-expired";
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return "crl-not-yet-valid";
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
      return "crl-signature-failure";
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return "unable-to-get-crl";
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
      return "crl-invalid";
    default:
      return {};
  }
}

std::string_view verify_error_windows(int err) {
  // CryptoAPI's chain policy reports revocation as CRYPT_E_*: revoked, no usable CRL
  // (CRYPT_E_NO_REVOCATION_CHECK), or only a stale/premature one (CRYPT_E_REVOCATION_OFFLINE,
  // what Windows logs when it cannot fetch a current CRL).
  std::string_view crl = crl_finding_code(err);
  if (crl == "certificate-revoked") return "CRYPT_E_REVOKED";
  if (crl == "crl-expired" || crl == "crl-not-yet-valid") return "CRYPT_E_REVOCATION_OFFLINE";
  if (!crl.empty()) return "CRYPT_E_NO_REVOCATION_CHECK";
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "CERT_E_EXPIRED";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "CERT_E_CHAINING";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "CERT_E_UNTRUSTEDROOT";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "TRUST_E_CERT_SIGNATURE";
    case X509_V_ERR_INVALID_CA:
      return "TRUST_E_BASIC_CONSTRAINTS";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
      return "CERT_E_PATHLENCONST";
    case X509_V_ERR_INVALID_PURPOSE:
      return "CERT_E_WRONG_USAGE";
    default:
      return "CERT_E_CHAINING";
  }
}

struct VerifyError {
  int depth;
  int code;
  std::string subject;
  std::int64_t not_after;  // of the element, for RFC 5280's inclusive notAfter under --strict
  Json crl;                // the CRL OpenSSL was checking (null when none applied)
  Json revocation;         // the certificate's CRL entry, for X509_V_ERR_CERT_REVOKED
};

int errors_index() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int collect_errors(int ok, X509_STORE_CTX* ctx) {
  if (ok) return 1;
  auto* errors =
      static_cast<std::vector<VerifyError>*>(X509_STORE_CTX_get_ex_data(ctx, errors_index()));
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (errors) {
    VerifyError e{X509_STORE_CTX_get_error_depth(ctx),
                  X509_STORE_CTX_get_error(ctx),
                  cert ? x::name_rfc4514(X509_get_subject_name(cert)) : std::string(),
                  cert ? x::not_after(cert) : 0,
                  nullptr,
                  nullptr};
    // Only valid during the callback: OpenSSL drops its reference once the check returns.
    if (X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx);
        crl && !crl_finding_code(e.code).empty()) {
      e.crl = describe_crl(crl);
      if (e.code == X509_V_ERR_CERT_REVOKED && cert) e.revocation = describe_revocation(crl, cert);
    }
    errors->push_back(std::move(e));
  }
  return 1;  // keep going: report every problem of every element, not just the first
}

// The finding for one element's problem. `subject` names the checked certificate once the
// reporter has seen the finding, so the chain element keeps its own name in `element_subject`.
Finding chain_error_finding(const VerifyError& e, const std::string& code) {
  Json details{{"depth", e.depth},
               {"subject", e.subject},
               {"element_subject", e.subject},
               {"openssl_error", e.code},
               {"openssl_message", X509_verify_cert_error_string(e.code)}};
  std::string message = fmt::format("chain element {} ({}): {}", e.depth, e.subject,
                                    X509_verify_cert_error_string(e.code));
  if (!e.revocation.is_null()) {
    details["revocation"] = e.revocation;
    const Json& r = e.revocation;
    message += fmt::format(" on {}", r["revocation_date"].is_null()
                                         ? std::string("?")
                                         : r["revocation_date"].get<std::string>());
    if (!r["reason_code"].is_null()) {
      message += fmt::format(
          ", reason {} ({})",
          r["reason"].is_null() ? std::string("unassigned") : r["reason"].get<std::string>(),
          r["reason_code"].get<long>());
    }
  }
  if (!e.crl.is_null()) {
    details["crl"] = e.crl;
    message += fmt::format(
        " [CRL of {}, thisUpdate {}, nextUpdate {}]", e.crl["issuer"].get<std::string>(),
        e.crl["this_update"].is_null() ? "-" : e.crl["this_update"].get<std::string>(),
        e.crl["next_update"].is_null() ? "-" : e.crl["next_update"].get<std::string>());
  }
  return make(code, Severity::kError, message, verify_error_windows(e.code), details);
}

}  // namespace

Json windows_error(std::string_view name) {
  auto e = seckit::winerr::by_name(name);
  return e ? seckit::winerr::to_json(*e) : Json(nullptr);
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  // "m" alone is refused: minute or month? (issue 17). Longest suffix first.
  struct Unit {
    std::string_view suffix;
    std::int64_t seconds;
  };
  static constexpr Unit kUnits[] = {{"min", 60}, {"mo", 30 * 86400LL}, {"s", 1},
                                    {"h", 3600}, {"d", 86400},         {"w", 7 * 86400LL}};
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 86400;  // bare number: days
  if (!std::isdigit(static_cast<unsigned char>(text.back()))) {
    const Unit* found = nullptr;
    for (const auto& u : kUnits) {
      if (text.size() > u.suffix.size() && text.substr(text.size() - u.suffix.size()) == u.suffix) {
        found = &u;
        break;
      }
    }
    if (!found) return std::nullopt;
    unit = found->seconds;
    text.remove_suffix(found->suffix.size());
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > 100000 * 86400LL / unit) {
    return std::nullopt;
  }
  return value * unit;
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  std::int64_t value = 0;
  if (!text.empty() && text.front() == '@') {
    auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.size() == 1) return {};
    return value;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int used = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) return {};
  std::string_view rest = text.substr(10);
  std::int64_t offset = 0;
  if (!rest.empty()) {
    if (rest.front() != 'T' && rest.front() != 't' && rest.front() != ' ') return {};
    if (std::sscanf(s.c_str() + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &used) != 3 || used != 8) {
      return {};
    }
    rest = rest.substr(9);
    if (!rest.empty() && rest.front() == '.') {  // fractions of a second: ignored
      rest.remove_prefix(1);
      while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
        rest.remove_prefix(1);
      }
    }
    if (rest == "Z" || rest == "z") {
      rest = {};
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
      int oh = 0, om = 0;
      std::string off(rest);
      if (std::sscanf(off.c_str() + 1, "%2d:%2d", &oh, &om) != 2) return {};
      offset = (rest[0] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
      rest = {};
    }
    if (!rest.empty()) return {};
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return {};
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

bool StrictIssuersSeen::first_time(X509* cert) {
  std::array<unsigned char, 20> sha1{};
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha1(), sha1.data(), &length) != 1) return true;
  return seen_.insert(sha1).second;
}

std::vector<Finding> check_certificate(const x::Certificate& cert, bool leaf, const CheckOptions& o,
                                       StrictIssuersSeen* issuers_seen) {
  std::vector<Finding> out;
  X509* c = cert.x509.get();
  check_validity(c, o, out);
  check_crypto(c, o, out);
  if (leaf) {
    x::ExtendedKeyUsage eku = x::extended_key_usage(c);
    x::KeyUsage ku = x::key_usage(c);
    for (const Profile* p : o.profiles) check_profile(*p, eku, ku, out);
    check_required_ekus(o, eku, out);
    check_consistency(eku, ku, out);
    check_names(c, o, out);
    if (o.leaf_checks_requested() && x::is_ca(c)) {
      out.push_back(make("ca-flag-on-leaf", Severity::kWarning,
                         "basicConstraints CA:TRUE on the certificate checked as an end entity"));
    }
    if (o.strict) add_strict_findings(c, {true, tls_server_leaf(eku, o)}, nullptr, out);
  } else if (o.strict && (!issuers_seen || issuers_seen->first_time(c))) {
    add_strict_findings(c, {false, false}, nullptr, out);
  }
  std::erase_if(out, [&](const Finding& f) {
    return std::find(o.ignore.begin(), o.ignore.end(), f.code) != o.ignore.end();
  });
  return out;
}

namespace {

// One finding per chain element and kind of problem OpenSSL reported.
std::vector<Finding> chain_error_findings(const std::vector<VerifyError>& errors,
                                          const CheckOptions& o) {
  std::vector<Finding> out;
  std::set<std::pair<int, std::string>> seen;
  for (const auto& e : errors) {
    // The leaf's own dates are already findings of check_certificate.
    if (e.depth == 0 &&
        (e.code == X509_V_ERR_CERT_HAS_EXPIRED || e.code == X509_V_ERR_CERT_NOT_YET_VALID)) {
      continue;
    }
    // OpenSSL counts the second of notAfter as expired; RFC 5280 4.1.2.5 does not.
    if (o.strict && e.code == X509_V_ERR_CERT_HAS_EXPIRED && o.now <= e.not_after) continue;
    std::string code = "chain-invalid";
    if (auto crl_code = crl_finding_code(e.code); !crl_code.empty()) {
      code = crl_code;
    } else if (e.code == X509_V_ERR_CERT_HAS_EXPIRED || e.code == X509_V_ERR_CERT_NOT_YET_VALID) {
      code = "chain-expired";
    } else if (e.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
               e.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
               e.code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) {
      code = "chain-incomplete";
    } else if (e.code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
               e.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
      code = "chain-untrusted";
    }
    std::string_view citation;
    if (o.strict) {
      citation =
          code == "chain-expired" ? "RFC 5280 4.1.2.5" : strict::chain_error_citation(e.code);
      if (code == "chain-invalid" && !citation.empty()) code = "strict-name-constraints";
    }
    if (!seen.insert({e.depth, code}).second) continue;
    Finding f = chain_error_finding(e, code);
    if (!citation.empty()) {
      f.details["rule"] = citation;
      f.message += fmt::format(" ({})", citation);
    }
    out.push_back(std::move(f));
  }
  return out;
}

// --strict on the issuers of the chain built (intermediates from anywhere, the anchor).
// Each issuer once per run when `issuers_seen` is given (see StrictIssuersSeen).
void strict_chain_findings(STACK_OF(X509) * chain, StrictIssuersSeen* issuers_seen,
                           std::vector<Finding>& out) {
  for (int i = 1; chain && i < sk_X509_num(chain); ++i) {
    X509* element = sk_X509_value(chain, i);
    if (issuers_seen && !issuers_seen->first_time(element)) continue;
    Json where{{"depth", i}, {"element_subject", x::name_rfc4514(X509_get_subject_name(element))}};
    add_strict_findings(element, {false, false}, where, out);
  }
}

// Effective EKU, as CryptoAPI computes it: the intersection over the chain, where a certificate
// without EKU (or with anyExtendedKeyUsage) restricts nothing. Empty when nothing restricts.
std::optional<std::set<std::string>> effective_ekus(STACK_OF(X509) * chain) {
  std::optional<std::set<std::string>> effective;
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    x::ExtendedKeyUsage eku = x::extended_key_usage(sk_X509_value(chain, i));
    if (!eku.present || eku.contains(x::kOidAnyEku)) continue;
    std::set<std::string> these(eku.oids.begin(), eku.oids.end());
    if (!effective) {
      effective = these;
    } else {
      std::set<std::string> both;
      std::set_intersection(effective->begin(), effective->end(), these.begin(), these.end(),
                            std::inserter(both, both.begin()));
      effective = both;
    }
  }
  return effective;
}

// The usages the leaf asks for (profiles, --require-eku) that an issuer's EKU takes away.
std::optional<Finding> eku_restriction(X509* leaf, const std::set<std::string>& effective,
                                       const CheckOptions& o) {
  x::ExtendedKeyUsage leaf_eku = x::extended_key_usage(leaf);
  std::vector<std::string> wanted = o.require_ekus;
  for (const Profile* p : o.profiles) {
    for (auto oid : p->required_ekus) wanted.emplace_back(oid);
  }
  std::vector<std::string> lost;
  for (const auto& oid : wanted) {
    bool leaf_has = !leaf_eku.present || leaf_eku.contains(oid) || leaf_eku.contains(x::kOidAnyEku);
    if (leaf_has && !effective.count(oid) &&
        std::find(lost.begin(), lost.end(), oid) == lost.end()) {
      lost.push_back(oid);
    }
  }
  if (lost.empty()) return std::nullopt;
  std::vector<std::string> labels;
  for (const auto& oid : lost) labels.push_back(eku_label(oid));
  return make("chain-eku-restricted", Severity::kError,
              fmt::format("an issuing CA's EKU removes {} from the chain's effective "
                          "usages (CryptoAPI intersects EKUs along the chain)",
                          fmt::join(labels, ", ")),
              "CERT_E_WRONG_USAGE", Json{{"lost", eku_list(lost)}});
}

using CtxPtr = std::unique_ptr<X509_STORE_CTX, seckit::crypto::Deleter<X509_STORE_CTX_free>>;

// The anchors again, for OCSP_basic_verify: OpenSSL's default callback, --at as the time.
std::unique_ptr<X509_STORE, seckit::crypto::Deleter<X509_STORE_free>> ocsp_anchors(
    const CheckOptions& o) {
  std::unique_ptr<X509_STORE, seckit::crypto::Deleter<X509_STORE_free>> store(X509_STORE_new());
  if (!o.ca_file.empty()) X509_STORE_load_file(store.get(), o.ca_file.c_str());
  if (!o.ca_dir.empty()) X509_STORE_load_path(store.get(), o.ca_dir.c_str());
  ERR_clear_error();
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), static_cast<time_t>(o.now));
  if (o.partial_chain) X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

}  // namespace

TrustStore::TrustStore(const CheckOptions& o) : store_(X509_STORE_new()) {
  if (!o.ca_file.empty() && X509_STORE_load_file(store_.get(), o.ca_file.c_str()) != 1) {
    throw seckit::input_error(o.ca_file,
                              "cannot load CA certificates: " + seckit::crypto::openssl_errors());
  }
  if (!o.ca_dir.empty() && X509_STORE_load_path(store_.get(), o.ca_dir.c_str()) != 1) {
    throw seckit::input_error(o.ca_dir,
                              "cannot use CA directory: " + seckit::crypto::openssl_errors());
  }
  if (o.ocsp) ocsp_store_ = ocsp_anchors(o);
  X509_STORE_set_verify_cb(store_.get(), collect_errors);
  if (o.max_depth) X509_STORE_set_depth(store_.get(), *o.max_depth);
  if (o.partial_chain) X509_STORE_set_flags(store_.get(), X509_V_FLAG_PARTIAL_CHAIN);
  if (o.crl_check.empty()) return;
  for (const auto& crl : o.crls) {
    if (X509_STORE_add_crl(store_.get(), crl.get()) != 1) {
      throw seckit::input_error("--crl", "cannot use CRL: " + seckit::crypto::openssl_errors());
    }
  }
  unsigned long flags = X509_V_FLAG_CRL_CHECK;
  if (o.crl_check == "all") flags |= X509_V_FLAG_CRL_CHECK_ALL;
  X509_STORE_set_flags(store_.get(), flags);
}

std::vector<Finding> check_chain(const x::Certificate& leaf, const std::vector<X509*>& candidates,
                                 const TrustStore& trust, const CheckOptions& o, Json* chain_info,
                                 seckit::crypto::X509Ptr* issuer, StrictIssuersSeen* issuers_seen) {
  BorrowedCertStack untrusted(sk_X509_new_reserve(nullptr, static_cast<int>(candidates.size())));
  for (X509* c : candidates) sk_X509_push(untrusted.get(), c);
  CtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), trust.get(), leaf.x509.get(), untrusted.get());
  std::vector<VerifyError> errors;
  X509_STORE_CTX_set_ex_data(ctx.get(), errors_index(), &errors);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(o.now));
  X509_verify_cert(ctx.get());
  ERR_clear_error();

  std::vector<Finding> out = chain_error_findings(errors, o);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (o.strict) strict_chain_findings(chain, issuers_seen, out);
  if (issuer && chain && sk_X509_num(chain) > 1) {
    X509_up_ref(sk_X509_value(chain, 1));
    issuer->reset(sk_X509_value(chain, 1));
  }
  std::optional<std::set<std::string>> effective = effective_ekus(chain);
  if (chain_info) {
    Json chain_json = Json::array();
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
      chain_json.push_back(x::name_rfc4514(X509_get_subject_name(sk_X509_value(chain, i))));
    }
    *chain_info =
        Json{{"chain", chain_json},
             {"effective_eku",
              effective ? eku_list({effective->begin(), effective->end()}) : Json("any")}};
  }
  if (effective) {
    if (auto f = eku_restriction(leaf.x509.get(), *effective, o)) out.push_back(std::move(*f));
  }
  std::erase_if(out, [&](const Finding& f) {
    return std::find(o.ignore.begin(), o.ignore.end(), f.code) != o.ignore.end();
  });
  return out;
}

}  // namespace certcheck
