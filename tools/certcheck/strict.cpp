// The --strict rules (see strict.hpp). Citations are to RFC 5280 and to the CA/Browser Forum
// Baseline Requirements for TLS server certificates, version 2 numbering.
#include "strict.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "psl.hpp"
#include "seckit/x509.hpp"

namespace certcheck::strict {
namespace {

namespace x = seckit::x509;

// The EKUs a TLS server leaf must not combine with serverAuth (BR 7.1.2.7.10).
constexpr std::string_view kOidTimeStamping = "1.3.6.1.5.5.7.3.8";
constexpr std::string_view kOidOcspSigning = "1.3.6.1.5.5.7.3.9";
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kForbiddenWithServerAuth{{
    {x::kOidCodeSigning, "codeSigning"},
    {x::kOidEmailProtection, "emailProtection"},
    {kOidTimeStamping, "timeStamping"},
    {kOidOcspSigning, "OCSPSigning"},
}};

// BR 6.1.5: the only curves for ECDSA keys (OpenSSL group names).
constexpr std::array<std::string_view, 3> kAllowedCurves{"prime256v1", "secp384r1", "secp521r1"};
// BR 6.1.5: the key algorithms it permits at all.
constexpr std::array<std::string_view, 4> kAllowedKeyTypes{"rsa", "ec", "ed25519", "ed448"};

bool has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool iequal(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char l, char r) {
    return std::tolower(static_cast<unsigned char>(l)) ==
           std::tolower(static_cast<unsigned char>(r));
  });
}

std::optional<std::string> keycertsign_non_ca(const CertFacts& f, const Placement&) {
  if ((f.key_usage_bits & x::kKeyCertSign) == 0 || f.ca) return std::nullopt;
  return "keyUsage keyCertSign is asserted but basicConstraints cA is not TRUE";
}

std::optional<std::string> ca_without_basic_constraints(const CertFacts& f, const Placement& p) {
  // A version 1 self-signed certificate can only be a trust anchor, which 4.2.1.9 leaves alone.
  if (p.leaf || f.basic_constraints || (f.self_signed && f.version == 1)) return std::nullopt;
  return "the certificate issues others but has no basicConstraints extension";
}

std::optional<std::string> basic_constraints_not_critical(const CertFacts& f, const Placement&) {
  if (!f.ca || f.basic_constraints_critical) return std::nullopt;
  return "basicConstraints cA TRUE is not marked critical";
}

std::optional<std::string> aki_missing(const CertFacts& f, const Placement&) {
  if (f.authority_key_id || f.self_signed) return std::nullopt;
  return "no authorityKeyIdentifier (only a self-signed certificate may omit it)";
}

std::optional<std::string> ski_missing(const CertFacts& f, const Placement&) {
  if (!f.ca || f.subject_key_id) return std::nullopt;
  return "CA certificate without subjectKeyIdentifier";
}

std::optional<std::string> empty_subject_san(const CertFacts& f, const Placement&) {
  if (!f.subject_empty) return std::nullopt;
  if (!f.san) return "empty subject and no subjectAltName";
  if (f.san_critical) return std::nullopt;
  return "empty subject with a non-critical subjectAltName";
}

std::optional<std::string> san_missing(const CertFacts& f, const Placement& p) {
  if (!p.leaf || !p.tls_server || !f.dns_names.empty() || !f.ip_addresses.empty()) {
    return std::nullopt;
  }
  return "TLS server certificate without a dNSName or iPAddress subjectAltName";
}

std::optional<std::string> cn_not_in_san(const CertFacts& f, const Placement& p) {
  if (!p.leaf || !p.tls_server || (f.dns_names.empty() && f.ip_addresses.empty())) {
    return std::nullopt;
  }
  for (const auto& cn : f.common_names) {
    bool listed = std::any_of(f.dns_names.begin(), f.dns_names.end(),
                              [&](const std::string& dns) { return iequal(dns, cn); }) ||
                  has(f.ip_addresses, cn);
    if (!listed) return fmt::format("subject CN {} is not one of the subjectAltName entries", cn);
  }
  if (f.common_names.size() > 1) return "more than one subject CN (at most one is allowed)";
  return std::nullopt;
}

// The first of the leaf's DNS names with wildcard problem `kind`.
std::optional<std::string> wildcard(const CertFacts& f, const Placement& p, std::string_view kind,
                                    std::string_view what) {
  if (!p.leaf) return std::nullopt;
  for (const auto& name : f.dns_names) {
    if (wildcard_problem(name) == kind) return fmt::format("dNSName {}: {}", name, what);
  }
  return std::nullopt;
}

std::optional<std::string> wildcard_partial(const CertFacts& f, const Placement& p) {
  return wildcard(f, p, "partial", "a wildcard must be the whole left-most label (\"*.\")");
}

std::optional<std::string> wildcard_not_leftmost(const CertFacts& f, const Placement& p) {
  return wildcard(f, p, "not-leftmost", "a wildcard is allowed only in the left-most label");
}

// BR 3.2.2.6: `*.com` by syntax, `*.co.uk` by the Public Suffix List (ICANN section); without
// the list a multi-label base cannot be judged, and the finding says so rather than passing it.
std::optional<std::string> wildcard_public_suffix(const CertFacts& f, const Placement& p) {
  if (!p.leaf) return std::nullopt;
  for (const auto& name : f.dns_names) {
    std::string_view problem = wildcard_problem(name);
    if (problem == "public-suffix") {
      return fmt::format(
          "dNSName {}: a wildcard directly left of a top-level (public suffix) label", name);
    }
    if (!problem.empty() || name.rfind("*.", 0) != 0) continue;
    std::string_view base = std::string_view(name).substr(2);
    if (!f.public_suffixes) {
      return fmt::format(
          "dNSName {}: could not be checked against the Public Suffix List ({} cannot be read; "
          "install the publicsuffix package)",
          name, PublicSuffixList::kSystemPath);
    }
    if (f.public_suffixes->is_public_suffix(base)) {
      return fmt::format("dNSName {}: {} is a public suffix (Public Suffix List, ICANN section)",
                         name, base);
    }
  }
  return std::nullopt;
}

std::optional<std::string> rsa_too_small(const CertFacts& f, const Placement&) {
  if (f.key_type != "rsa" || f.key_bits >= 2048) return std::nullopt;
  return fmt::format("RSA key of {} bits (at least 2048)", f.key_bits);
}

std::optional<std::string> rsa_not_multiple_of_8(const CertFacts& f, const Placement&) {
  if (f.key_type != "rsa" || f.key_bits % 8 == 0) return std::nullopt;
  return fmt::format("RSA modulus of {} bits is not a multiple of 8", f.key_bits);
}

std::optional<std::string> key_algorithm(const CertFacts& f, const Placement&) {
  if (std::find(kAllowedKeyTypes.begin(), kAllowedKeyTypes.end(), f.key_type) !=
      kAllowedKeyTypes.end()) {
    return std::nullopt;
  }
  return fmt::format("{} key: only RSA, ECDSA (P-256/384/521) and EdDSA keys are permitted",
                     f.key_type.empty() ? "unknown" : f.key_type);
}

std::optional<std::string> ec_curve(const CertFacts& f, const Placement&) {
  if (f.key_type != "ec" ||
      std::find(kAllowedCurves.begin(), kAllowedCurves.end(), f.curve) != kAllowedCurves.end()) {
    return std::nullopt;
  }
  return fmt::format("EC key on {} (only NIST P-256, P-384 and P-521)",
                     f.curve.empty() ? "explicit parameters" : f.curve);
}

std::optional<std::string> weak_signature_hash(const CertFacts& f, const Placement&) {
  // Nobody checks a self-signed root's own signature: its hash does not matter.
  if (f.self_signed || !f.signature_digest) return std::nullopt;
  using seckit::crypto::Digest;
  if (*f.signature_digest != Digest::kMd5 && *f.signature_digest != Digest::kSha1) {
    return std::nullopt;
  }
  return fmt::format("signed with {} ({})", *f.signature_digest == Digest::kMd5 ? "MD5" : "SHA-1",
                     f.signature_algorithm);
}

std::optional<std::string> eku_any(const CertFacts& f, const Placement& p) {
  if (!p.leaf || !has(f.ekus, x::kOidAnyEku)) return std::nullopt;
  return "anyExtendedKeyUsage in an end-entity certificate";
}

std::optional<std::string> eku_mixed(const CertFacts& f, const Placement& p) {
  if (!p.leaf || !has(f.ekus, x::kOidServerAuth)) return std::nullopt;
  std::vector<std::string_view> mixed;
  for (const auto& [oid, name] : kForbiddenWithServerAuth) {
    if (has(f.ekus, oid)) mixed.push_back(name);
  }
  if (mixed.empty()) return std::nullopt;
  return fmt::format("serverAuth together with {} in one certificate", fmt::join(mixed, ", "));
}

std::optional<std::string> validity_too_long(const CertFacts& f, const Placement& p) {
  if (!p.leaf || !p.tls_server || f.not_before < kServerValidityLimitSince) return std::nullopt;
  std::int64_t period = f.not_after - f.not_before + 1;  // inclusive of both ends (BR 1.6.1)
  if (period <= kMaxServerValiditySeconds) return std::nullopt;
  return fmt::format("validity period of {} days (at most 398 for a TLS server certificate)",
                     (period + 86399) / 86400);
}

constexpr Rule kRules[] = {
    {"strict-keycertsign-non-ca", "RFC 5280 4.2.1.3", keycertsign_non_ca},
    {"strict-ca-basic-constraints-missing", "RFC 5280 4.2.1.9", ca_without_basic_constraints},
    {"strict-basic-constraints-not-critical", "RFC 5280 4.2.1.9", basic_constraints_not_critical},
    {"strict-aki-missing", "RFC 5280 4.2.1.1", aki_missing},
    {"strict-ski-missing", "RFC 5280 4.2.1.2", ski_missing},
    {"strict-empty-subject-san", "RFC 5280 4.2.1.6", empty_subject_san},
    {"strict-san-missing", "BR 7.1.2.7.12", san_missing},
    {"strict-cn-not-in-san", "BR 7.1.4.3", cn_not_in_san},
    {"strict-wildcard-partial", "BR 7.1.2.7.12", wildcard_partial},
    {"strict-wildcard-not-leftmost", "BR 7.1.2.7.12", wildcard_not_leftmost},
    {"strict-wildcard-public-suffix", "BR 3.2.2.6", wildcard_public_suffix},
    {"strict-rsa-key-too-small", "BR 6.1.5", rsa_too_small},
    {"strict-rsa-modulus-size", "BR 6.1.5", rsa_not_multiple_of_8},
    {"strict-key-algorithm", "BR 6.1.5", key_algorithm},
    {"strict-ec-curve", "BR 6.1.5", ec_curve},
    {"strict-weak-signature-hash", "BR 7.1.3.2", weak_signature_hash},
    {"strict-eku-any", "BR 7.1.2.7.10", eku_any},
    {"strict-eku-server-mixed", "BR 7.1.2.7.10", eku_mixed},
    {"strict-validity-too-long", "BR 6.3.2", validity_too_long},
};

std::vector<std::string> common_names(X509* cert) {
  std::vector<std::string> names;
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) names.emplace_back(reinterpret_cast<const char*>(utf8), len);
    OPENSSL_free(utf8);
  }
  return names;
}

// Presence and criticality of the extension `nid`.
std::pair<bool, bool> extension_flags(X509* cert, int nid) {
  int index = X509_get_ext_by_NID(cert, nid, -1);
  if (index < 0) return {false, false};
  return {true, X509_EXTENSION_get_critical(X509_get_ext(cert, index)) != 0};
}

}  // namespace

std::span<const Rule> rules() { return kRules; }

std::vector<Violation> evaluate(const CertFacts& facts, const Placement& placement) {
  std::vector<Violation> out;
  for (const Rule& rule : kRules) {
    if (auto message = rule.check(facts, placement)) {
      out.push_back({rule.code, rule.citation, std::move(*message)});
    }
  }
  return out;
}

std::string_view wildcard_problem(std::string_view name) {
  auto star = name.find('*');
  if (star == std::string_view::npos) return {};
  auto first_dot = name.find('.');
  if (first_dot == std::string_view::npos) return name == "*" ? "public-suffix" : "partial";
  if (star > first_dot) return "not-leftmost";
  if (first_dot != 1 || star != 0) return "partial";
  std::string_view base = name.substr(2);
  if (base.find('*') != std::string_view::npos) return "not-leftmost";
  if (base.empty() || base.find('.') == std::string_view::npos) return "public-suffix";
  return {};
}

std::string_view chain_error_citation(int openssl_error) {
  switch (openssl_error) {
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
    case X509_V_ERR_SUBTREE_MINMAX:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
      return "RFC 5280 4.2.1.10";
    default:
      return {};
  }
}

CertFacts extract_facts(X509* cert) {
  CertFacts f;
  f.public_suffixes = PublicSuffixList::system();
  f.version = static_cast<int>(X509_get_version(cert)) + 1;
  f.self_signed = X509_self_signed(cert, 1) == 1;
  std::tie(f.basic_constraints, f.basic_constraints_critical) =
      extension_flags(cert, NID_basic_constraints);
  f.ca = f.basic_constraints && (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  x::KeyUsage ku = x::key_usage(cert);
  f.key_usage = ku.present;
  f.key_usage_bits = ku.bits;
  x::ExtendedKeyUsage eku = x::extended_key_usage(cert);
  f.extended_key_usage = eku.present;
  f.ekus = eku.oids;
  f.authority_key_id = X509_get0_authority_key_id(cert) != nullptr;
  f.subject_key_id = X509_get0_subject_key_id(cert) != nullptr;
  f.subject_empty = X509_NAME_entry_count(X509_get_subject_name(cert)) == 0;
  std::tie(f.san, f.san_critical) = extension_flags(cert, NID_subject_alt_name);
  for (auto& gn : x::subject_alt_names(cert)) {
    if (gn.type == "dns") f.dns_names.push_back(std::move(gn.value));
    if (gn.type == "ip") f.ip_addresses.push_back(std::move(gn.value));
  }
  f.common_names = common_names(cert);
  x::KeyInfo key = x::public_key_info(cert);
  f.key_type = key.type;
  f.key_bits = key.bits;
  f.curve = key.curve;
  x::SignatureInfo sig = x::signature_info(cert);
  f.signature_digest = sig.digest;
  f.signature_algorithm = sig.algorithm;
  f.not_before = x::not_before(cert);
  f.not_after = x::not_after(cert);
  ERR_clear_error();  // X509_self_signed leaves errors behind for certificates it cannot check
  return f;
}

}  // namespace certcheck::strict
