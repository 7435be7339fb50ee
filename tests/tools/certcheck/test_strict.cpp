// The --strict rules as pure functions over CertFacts: each case states the RFC 5280 / Baseline
// Requirements sentence it follows. The same rules on real certificates made by openssl are in
// strict.sh.
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "psl.hpp"
#include "seckit/x509.hpp"
#include "strict.hpp"

namespace {

namespace strict = certcheck::strict;
namespace x = seckit::x509;

// A BR-conforming TLS server leaf: P-256, SHA-256, SAN = CN, serverAuth, AKI, 90 days.
strict::CertFacts server_leaf() {
  strict::CertFacts f;
  f.basic_constraints = true;
  f.basic_constraints_critical = true;
  f.key_usage = true;
  f.key_usage_bits = x::kDigitalSignature;
  f.extended_key_usage = true;
  f.ekus = {std::string(x::kOidServerAuth)};
  f.authority_key_id = true;
  f.san = true;
  f.dns_names = {"www.example.com"};
  f.common_names = {"www.example.com"};
  f.key_type = "ec";
  f.key_bits = 256;
  f.curve = "prime256v1";
  f.signature_digest = seckit::crypto::Digest::kSha256;
  f.signature_algorithm = "ecdsa-with-SHA256";
  f.not_before = 1767225600;  // 2026-01-01
  f.not_after = f.not_before + 90LL * 86400 - 1;
  return f;
}

strict::CertFacts issuing_ca() {
  strict::CertFacts f = server_leaf();
  f.ca = true;
  f.key_usage_bits = x::kKeyCertSign | x::kCrlSign;
  f.extended_key_usage = false;
  f.ekus.clear();
  f.subject_key_id = true;
  f.san = false;
  f.dns_names.clear();
  f.common_names = {"Issuing CA"};
  return f;
}

constexpr strict::Placement kServerLeaf{true, true};
constexpr strict::Placement kIssuer{false, false};

std::set<std::string> codes(const strict::CertFacts& f, strict::Placement p) {
  std::set<std::string> out;
  for (const auto& v : strict::evaluate(f, p)) out.emplace(v.code);
  return out;
}

bool found(const strict::CertFacts& f, strict::Placement p, const std::string& code) {
  return codes(f, p).count(code) == 1;
}

}  // namespace

TEST_CASE("a conforming leaf and CA break no strict rule", "[certcheck][strict]") {
  CHECK(codes(server_leaf(), kServerLeaf).empty());
  CHECK(codes(issuing_ca(), kIssuer).empty());
}

TEST_CASE("every strict rule has a code and cites RFC 5280 or the BR", "[certcheck][strict]") {
  std::set<std::string_view> seen;
  for (const auto& rule : strict::rules()) {
    CHECK(rule.code.substr(0, 7) == "strict-");
    CHECK((rule.citation.substr(0, 9) == "RFC 5280 " || rule.citation.substr(0, 3) == "BR "));
    CHECK(seen.insert(rule.code).second);
  }
  CHECK(seen.size() == 19);
}

TEST_CASE("keyCertSign needs cA TRUE (RFC 5280 4.2.1.3)", "[certcheck][strict]") {
  auto f = server_leaf();
  f.key_usage_bits |= x::kKeyCertSign;
  CHECK(found(f, kServerLeaf, "strict-keycertsign-non-ca"));
  CHECK_FALSE(found(issuing_ca(), kIssuer, "strict-keycertsign-non-ca"));
}

TEST_CASE("a CA has basicConstraints marked critical (RFC 5280 4.2.1.9)", "[certcheck][strict]") {
  auto none = issuing_ca();
  none.basic_constraints = none.ca = none.basic_constraints_critical = false;
  CHECK(found(none, kIssuer, "strict-ca-basic-constraints-missing"));
  auto v1_root = none;  // a version 1 self-signed trust anchor has no extensions at all
  v1_root.version = 1;
  v1_root.self_signed = true;
  CHECK_FALSE(found(v1_root, kIssuer, "strict-ca-basic-constraints-missing"));
  auto non_critical = issuing_ca();
  non_critical.basic_constraints_critical = false;
  CHECK(found(non_critical, kIssuer, "strict-basic-constraints-not-critical"));
  CHECK_FALSE(found(issuing_ca(), kIssuer, "strict-basic-constraints-not-critical"));
}

TEST_CASE("AKI except when self-signed, SKI on every CA (RFC 5280 4.2.1.1-2)",
          "[certcheck][strict]") {
  auto leaf = server_leaf();
  leaf.authority_key_id = false;
  CHECK(found(leaf, kServerLeaf, "strict-aki-missing"));
  auto root = issuing_ca();
  root.authority_key_id = false;
  root.self_signed = true;
  CHECK_FALSE(found(root, kIssuer, "strict-aki-missing"));
  auto ca = issuing_ca();
  ca.subject_key_id = false;
  CHECK(found(ca, kIssuer, "strict-ski-missing"));
  CHECK_FALSE(found(server_leaf(), kServerLeaf, "strict-ski-missing"));  // BR: not on leaves
}

TEST_CASE("an empty subject needs a critical SAN (RFC 5280 4.2.1.6)", "[certcheck][strict]") {
  auto f = server_leaf();
  f.subject_empty = true;
  f.common_names.clear();
  CHECK(found(f, kServerLeaf, "strict-empty-subject-san"));
  f.san_critical = true;
  CHECK_FALSE(found(f, kServerLeaf, "strict-empty-subject-san"));
}

TEST_CASE("a TLS server leaf has a SAN holding its CN (BR 7.1.2.7.12, 7.1.4.3)",
          "[certcheck][strict]") {
  auto no_san = server_leaf();
  no_san.san = false;
  no_san.dns_names.clear();
  CHECK(found(no_san, kServerLeaf, "strict-san-missing"));
  CHECK_FALSE(found(no_san, {true, false}, "strict-san-missing"));  // not a TLS server leaf
  auto other_cn = server_leaf();
  other_cn.common_names = {"other.example.com"};
  CHECK(found(other_cn, kServerLeaf, "strict-cn-not-in-san"));
  auto upper = server_leaf();
  upper.common_names = {"WWW.Example.COM"};
  CHECK_FALSE(found(upper, kServerLeaf, "strict-cn-not-in-san"));
  auto ip = server_leaf();
  ip.ip_addresses = {"192.0.2.1"};
  ip.common_names = {"192.0.2.1"};
  CHECK_FALSE(found(ip, kServerLeaf, "strict-cn-not-in-san"));
}

TEST_CASE("wildcards: only the whole left-most label, never over a TLD", "[certcheck][strict]") {
  CHECK(strict::wildcard_problem("www.example.com").empty());
  CHECK(strict::wildcard_problem("*.example.com").empty());
  CHECK(strict::wildcard_problem("f*o.example.com") == "partial");
  CHECK(strict::wildcard_problem("*foo.example.com") == "partial");
  CHECK(strict::wildcard_problem("foo*.example.com") == "partial");
  CHECK(strict::wildcard_problem("www.*.example.com") == "not-leftmost");
  CHECK(strict::wildcard_problem("*.*.example.com") == "not-leftmost");
  CHECK(strict::wildcard_problem("*.com") == "public-suffix");
  CHECK(strict::wildcard_problem("*") == "public-suffix");
  auto f = server_leaf();
  f.dns_names = {"www.example.com", "*.com"};
  CHECK(found(f, kServerLeaf, "strict-wildcard-public-suffix"));
}

// The list's format (publicsuffix.org/list "Format of the List"): rules, `*.` wildcards, `!`
// exceptions, `//` comments, and only the ICANN section counts for the Baseline Requirements.
TEST_CASE("public suffix list: rules, wildcards, exceptions, the ICANN section only",
          "[certcheck][psl]") {
  auto list = certcheck::PublicSuffixList::parse(
      "// comment\nignored.before\n// ===BEGIN ICANN DOMAINS===\ncom\nuk\nco.uk\n*.ck\n!www.ck\n"
      "  jp   trailing words are ignored\n// ===END ICANN DOMAINS===\n"
      "// ===BEGIN PRIVATE DOMAINS===\nuk.com\n// ===END PRIVATE DOMAINS===\n");
  CHECK(list.size() == 6);
  CHECK(list.is_public_suffix("co.uk"));
  CHECK(list.is_public_suffix("CO.UK"));
  CHECK_FALSE(list.is_public_suffix("example.co.uk"));
  CHECK(list.is_public_suffix("anything.ck"));
  CHECK_FALSE(list.is_public_suffix("www.ck"));
  CHECK(list.public_suffix("www.www.ck") == "ck");
  CHECK_FALSE(list.is_public_suffix("uk.com"));  // PRIVATE section: not for CAs
  CHECK_FALSE(list.is_public_suffix("ignored.before"));
  CHECK(list.is_public_suffix("example"));  // unlisted TLD: the default rule "*"
  CHECK(list.public_suffix("a.b.example") == "example");
}

// Expected values: the list's own test vectors (github.com/publicsuffix/list, tests/test_psl.txt;
// checkPublicSuffix(domain, registrable) with null = the domain is itself a public suffix), on the
// Debian copy of the list, ICANN section.
TEST_CASE("public suffix list: the PSL test vectors on the system list", "[certcheck][psl]") {
  const auto* list = certcheck::PublicSuffixList::system();
  REQUIRE(list != nullptr);  // scripts/bootstrap installs the publicsuffix package
  for (const char* suffix : {"com", "jp", "ac.jp", "kyoto.jp", "ide.kyoto.jp", "c.kobe.jp", "ck",
                             "test.ck", "mm", "c.mm", "us", "ak.us", "k12.ak.us", "co.uk"}) {
    CAPTURE(suffix);
    CHECK(list->is_public_suffix(suffix));
  }
  struct Vector {
    const char* domain;
    const char* suffix;  // the registrable domain less its left-most label
  };
  for (const Vector& v :
       {Vector{"example.com", "com"}, Vector{"b.example.com", "com"}, Vector{"test.ac.jp", "ac.jp"},
        Vector{"b.ide.kyoto.jp", "ide.kyoto.jp"}, Vector{"b.c.kobe.jp", "c.kobe.jp"},
        Vector{"city.kobe.jp", "kobe.jp"}, Vector{"www.city.kobe.jp", "kobe.jp"},
        Vector{"b.test.ck", "test.ck"}, Vector{"www.ck", "ck"}, Vector{"www.www.ck", "ck"},
        Vector{"b.c.mm", "c.mm"}, Vector{"test.k12.ak.us", "k12.ak.us"},
        Vector{"example.example", "example"}}) {
    CAPTURE(v.domain);
    CHECK(list->public_suffix(v.domain) == v.suffix);
    CHECK_FALSE(list->is_public_suffix(v.domain));
  }
}

TEST_CASE("wildcards over a multi-label public suffix (BR 3.2.2.6), and no list is no pass",
          "[certcheck][strict][psl]") {
  auto list = certcheck::PublicSuffixList::parse(
      "// ===BEGIN ICANN DOMAINS===\ncom\nuk\nco.uk\n*.ck\n!www.ck\n// ===END ICANN DOMAINS===\n");
  auto f = server_leaf();
  f.public_suffixes = &list;
  f.dns_names = {"*.co.uk"};
  CHECK(found(f, kServerLeaf, "strict-wildcard-public-suffix"));
  f.dns_names = {"*.foo.ck"};
  CHECK(found(f, kServerLeaf, "strict-wildcard-public-suffix"));
  f.dns_names = {"*.example.co.uk", "*.www.ck"};
  CHECK_FALSE(found(f, kServerLeaf, "strict-wildcard-public-suffix"));
  f.public_suffixes = nullptr;  // the list could not be read: the rule says so
  auto v = strict::evaluate(f, kServerLeaf);
  auto it = std::find_if(v.begin(), v.end(), [](const strict::Violation& x) {
    return x.code == "strict-wildcard-public-suffix";
  });
  REQUIRE(it != v.end());
  CHECK(it->message.find("could not be checked") != std::string::npos);
  f.dns_names = {"www.example.co.uk"};  // no wildcard: nothing to check
  CHECK_FALSE(found(f, kServerLeaf, "strict-wildcard-public-suffix"));
}

TEST_CASE("keys: RSA >= 2048 in whole bytes, ECDSA on P-256/384/521, no DSA (BR 6.1.5)",
          "[certcheck][strict]") {
  auto rsa = server_leaf();
  rsa.key_type = "rsa";
  rsa.curve.clear();
  rsa.key_bits = 2048;
  CHECK(codes(rsa, kServerLeaf).empty());
  rsa.key_bits = 1024;
  CHECK(found(rsa, kServerLeaf, "strict-rsa-key-too-small"));
  rsa.key_bits = 2052;
  CHECK(found(rsa, kServerLeaf, "strict-rsa-modulus-size"));
  CHECK_FALSE(found(rsa, kServerLeaf, "strict-rsa-key-too-small"));
  auto dsa = server_leaf();
  dsa.key_type = "dsa";
  CHECK(found(dsa, kServerLeaf, "strict-key-algorithm"));
  auto ec = server_leaf();
  for (const char* ok : {"prime256v1", "secp384r1", "secp521r1"}) {
    ec.curve = ok;
    CHECK_FALSE(found(ec, kServerLeaf, "strict-ec-curve"));
  }
  for (const char* bad : {"prime192v1", "secp256k1", "secp224r1", ""}) {
    ec.curve = bad;
    CHECK(found(ec, kServerLeaf, "strict-ec-curve"));
  }
}

TEST_CASE("no MD5 or SHA-1 signature except a self-signed root's (BR 7.1.3.2)",
          "[certcheck][strict]") {
  auto f = issuing_ca();
  f.signature_digest = seckit::crypto::Digest::kSha1;
  CHECK(found(f, kIssuer, "strict-weak-signature-hash"));
  f.signature_digest = seckit::crypto::Digest::kMd5;
  CHECK(found(f, kIssuer, "strict-weak-signature-hash"));
  f.self_signed = true;
  CHECK_FALSE(found(f, kIssuer, "strict-weak-signature-hash"));
  f.self_signed = false;
  f.signature_digest.reset();  // Ed25519: no separate hash
  CHECK_FALSE(found(f, kIssuer, "strict-weak-signature-hash"));
}

TEST_CASE("WebPKI EKUs: no anyEKU, serverAuth not with code/mail/time/OCSP signing",
          "[certcheck][strict]") {
  auto any = server_leaf();
  any.ekus.emplace_back(x::kOidAnyEku);
  CHECK(found(any, kServerLeaf, "strict-eku-any"));
  auto mixed = server_leaf();
  mixed.ekus.emplace_back(x::kOidClientAuth);
  CHECK_FALSE(found(mixed, kServerLeaf, "strict-eku-server-mixed"));
  for (const char* oid :
       {"1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9"}) {
    auto f = server_leaf();
    f.ekus.emplace_back(oid);
    CHECK(found(f, kServerLeaf, "strict-eku-server-mixed"));
  }
}

TEST_CASE("a TLS server leaf is valid for at most 398 days, counted inclusively (BR 6.3.2)",
          "[certcheck][strict]") {
  auto f = server_leaf();
  f.not_after = f.not_before + strict::kMaxServerValiditySeconds - 1;  // exactly 398 days
  CHECK_FALSE(found(f, kServerLeaf, "strict-validity-too-long"));
  f.not_after += 1;  // 398 days and one second
  CHECK(found(f, kServerLeaf, "strict-validity-too-long"));
  CHECK_FALSE(found(f, {true, false}, "strict-validity-too-long"));
  f.not_before = strict::kServerValidityLimitSince - 86400;  // issued before 2020-09-01
  f.not_after = f.not_before + 2LL * 365 * 86400;
  CHECK_FALSE(found(f, kServerLeaf, "strict-validity-too-long"));
}

TEST_CASE("name-constraint errors of the chain cite RFC 5280 4.2.1.10", "[certcheck][strict]") {
  CHECK(strict::chain_error_citation(X509_V_ERR_EXCLUDED_VIOLATION) == "RFC 5280 4.2.1.10");
  CHECK(strict::chain_error_citation(X509_V_ERR_PERMITTED_VIOLATION) == "RFC 5280 4.2.1.10");
  CHECK(strict::chain_error_citation(X509_V_ERR_CERT_HAS_EXPIRED).empty());
}
