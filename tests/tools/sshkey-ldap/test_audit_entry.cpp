// audit_entry, the audit's decision for one entry, without a server. The keys are the
// ssh-keygen fixtures of test_sshkey.cpp; their fingerprints are what `ssh-keygen -l [-E md5]`
// printed. The thresholds are the default policy's (RSA below 3072 bits: warning).
#include <catch2/catch.hpp>

#include "audit_entry.hpp"
#include "fixture_keys.hpp"

namespace {

using seckit::out::Severity;
using sshkey_ldap::audit_entry;
using sshkey_ldap::AuditSettings;
using sshkey_ldap::Policy;

using sshkey_ldap_fixtures::kEd25519;
using sshkey_ldap_fixtures::kRsa2048;
constexpr const char* kEdSha256 = "SHA256:jefydqKdK9f48HB0Tmg1HwQFF08z7chA6o/nMetBcLI";
constexpr const char* kRsaSha256 = "SHA256:QKTrFnUM9fSUfA9EBDwNuJw45ko0rp1ASwh8/Ir/dKw";
constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15, day 20833

seckit::ldap::Entry entry(std::vector<std::string> keys,
                          std::map<std::string, std::vector<std::string>> more = {}) {
  seckit::ldap::Entry e;
  e.dn = "uid=alice,ou=people,dc=example,dc=org";
  e.attributes = std::move(more);
  e.attributes["uid"] = {"alice"};
  e.attributes["sshpublickey"] = std::move(keys);
  return e;
}

std::vector<std::string> codes(const sshkey_ldap::EntryAudit& audit) {
  std::vector<std::string> out;
  for (const auto& item : audit.items) out.push_back(item.key ? "key" : item.finding->code);
  return out;
}

}  // namespace

TEST_CASE("audit_entry parses each key once and judges it by the policy", "[audit]") {
  auto audit =
      audit_entry(entry({kEd25519, kRsa2048}), Policy{}, AuditSettings{"sshPublicKey", kNow});
  CHECK(audit.name == "alice");
  CHECK(audit.key_lines == 2);
  REQUIRE(codes(audit) == std::vector<std::string>{"key", "key", "rsa-below-recommended"});
  CHECK(audit.items[0].key->sha256 == kEdSha256);
  CHECK(audit.items[1].key->sha256 == kRsaSha256);
  const auto& finding = *audit.items[2].finding;
  CHECK(finding.severity == Severity::kWarning);
  CHECK(finding.message.rfind("alice: ", 0) == 0);
  CHECK(finding.details["sha256"] == kRsaSha256);
  CHECK(finding.details["md5"] == "MD5:63:d1:f4:f4:97:f0:6d:e3:9c:24:ad:0d:5d:6a:1d:b7");
  CHECK(finding.details["bits"] == 2048);
  CHECK(finding.details["dn"] == "uid=alice,ou=people,dc=example,dc=org");
}

TEST_CASE("audit_entry reports values refused whole, several keys in one value, unknown types",
          "[audit]") {
  std::string two = std::string(kEd25519) + "\n" + kRsa2048 + "\n";
  auto audit = audit_entry(entry({std::string("ssh-ed25519 AAAA\0x", 18), two,
                                  "ssh-foo AAAAB3NzaC1yc2EAAAADAQAB comment"}),
                           Policy{}, AuditSettings{"sshPublicKey", kNow});
  CHECK(codes(audit) == std::vector<std::string>{"malformed-key", "multiple-keys-in-one-value",
                                                 "key", "key", "rsa-below-recommended",
                                                 "unknown-key-type"});
  CHECK(audit.key_lines == 4);  // the refused value counts as one
  CHECK(audit.items[0].finding->severity == Severity::kError);
  CHECK(audit.items[5].finding->severity == Severity::kWarning);
}

TEST_CASE("audit_entry flags a disabled account only when it still holds keys", "[audit]") {
  Policy policy;
  AuditSettings settings{"sshPublicKey", kNow};
  auto locked = audit_entry(entry({kEd25519}, {{"nsaccountlock", {"TRUE"}}}), policy, settings);
  REQUIRE(codes(locked) == std::vector<std::string>{"key", "disabled-account-key"});
  CHECK(locked.items[1].finding->details["reason"] == "nsAccountLock is TRUE");
  CHECK(locked.items[1].finding->details["keys"] == std::vector<std::string>{kEdSha256});

  auto expired = audit_entry(entry({kEd25519}, {{"shadowexpire", {"20833"}}}), policy, settings);
  CHECK(codes(expired) == std::vector<std::string>{"key", "disabled-account-key"});
  auto not_yet = audit_entry(entry({kEd25519}, {{"shadowexpire", {"20834"}}}), policy, settings);
  CHECK(codes(not_yet) == std::vector<std::string>{"key"});
  auto keyless =
      audit_entry(entry({}, {{"pwdaccountlockedtime", {"000001010000Z"}}}), policy, settings);
  CHECK(keyless.items.empty());
}

TEST_CASE("audit_entry reads the configured key attribute only", "[audit]") {
  auto audit = audit_entry(entry({kEd25519}), Policy{}, AuditSettings{"altKey", kNow});
  CHECK(audit.items.empty());
  CHECK(audit.key_lines == 0);
}
