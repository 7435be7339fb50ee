// --strict: RFC 5280 and CA/Browser Forum Baseline Requirements (BR 2.x section numbers) rules
// as errors. A certificate's facts are extracted once (extract_facts), every rule is a pure
// function over them and the certificate's place (leaf or issuer, TLS server or not), and one
// table ties each finding code to the rule it cites. Rendering into findings happens in
// checks.cpp; the rules know nothing of JSON or OpenSSL.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/crypto.hpp"

namespace certcheck {
class PublicSuffixList;  // psl.hpp
}

namespace certcheck::strict {

// What the rules look at, read from the certificate once.
struct CertFacts {
  int version = 3;           // 1, 2 or 3
  bool self_signed = false;  // issuer == subject and the signature verifies with its own key
  bool basic_constraints = false;
  bool basic_constraints_critical = false;
  bool ca = false;  // basicConstraints cA TRUE
  bool key_usage = false;
  std::uint32_t key_usage_bits = 0;  // seckit::x509::KeyUsageBit
  bool extended_key_usage = false;
  std::vector<std::string> ekus;  // dotted OIDs
  bool authority_key_id = false;
  bool subject_key_id = false;
  bool subject_empty = false;
  bool san = false;
  bool san_critical = false;
  std::vector<std::string> dns_names;     // dNSName SANs
  std::vector<std::string> ip_addresses;  // iPAddress SANs, as text
  std::vector<std::string> common_names;  // every subject CN
  std::string key_type;                   // seckit::x509::KeyInfo::type
  int key_bits = 0;
  std::string curve;  // OpenSSL group name for EC keys
  std::optional<seckit::crypto::Digest> signature_digest;
  std::string signature_algorithm;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  // The ICANN Public Suffix List the wildcard rule checks `*.base` against; null when it could
  // not be read (the rule then says so instead of passing a multi-label base unchecked).
  const PublicSuffixList* public_suffixes = nullptr;
};
// The certificate's facts, with the system's Public Suffix List (PublicSuffixList::system()).
CertFacts extract_facts(X509* cert);

// Where the certificate stands: a leaf (end entity) or an issuer on a chain, and whether it is a
// TLS server leaf (serverAuth EKU, or checked with a profile that needs serverAuth), which is
// what the Baseline Requirements' subscriber certificate rules apply to.
struct Placement {
  bool leaf = true;
  bool tls_server = false;
};

// A rule: its finding code, the text it cites, and its check (a message when violated).
using RuleCheck = std::optional<std::string> (*)(const CertFacts&, const Placement&);
struct Rule {
  std::string_view code;
  std::string_view citation;  // "RFC 5280 4.2.1.9", "BR 6.1.5"
  RuleCheck check;
};
std::span<const Rule> rules();

struct Violation {
  std::string_view code;
  std::string_view citation;
  std::string message;
};
std::vector<Violation> evaluate(const CertFacts& facts, const Placement& placement);

// The wildcard problem of one dNSName by its syntax alone, empty when it is fine: "partial"
// (f*o.example.com, a '*' that is not the whole left-most label), "not-leftmost"
// (www.*.example.com) or "public-suffix" (*.com: a wildcard directly left of a single-label base;
// multi-label public suffixes such as co.uk are the rule's business, with the PSL).
std::string_view wildcard_problem(std::string_view dns_name);

// The citation for a chain verification error OpenSSL reports (name constraints: RFC 5280
// 4.2.1.10), empty for errors --strict does not reclassify.
std::string_view chain_error_citation(int openssl_error);

// The BR maximum validity period of a TLS server leaf (BR 6.3.2: 398 days, counted inclusively
// as BR 1.6.1 defines "Validity Period"), for leaves issued on or after 2020-09-01.
inline constexpr std::int64_t kMaxServerValiditySeconds = 398LL * 86400;
inline constexpr std::int64_t kServerValidityLimitSince = 1598918400;  // 2020-09-01T00:00:00Z

}  // namespace certcheck::strict
