// The audit's decision for one directory entry: pure, over the entry's attributes, the policy and
// the time, unit-tested without a server (tests/tools/sshkey-ldap/test_audit_entry.cpp). run_audit
// (audit.cpp) renders each entry's result as the pages arrive and keeps only what spans entries:
// who holds which key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy.hpp"
#include "seckit/ldap.hpp"
#include "seckit/out.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

struct AuditSettings {
  std::string key_attribute = "sshPublicKey";
  std::int64_t now = 0;  // unix time: certificate validity, shadowExpire
};

// A key line that parsed (each line is parsed once), with its SHA256 fingerprint.
struct AuditedKey {
  sshkey::AuthorizedKey key;
  std::string sha256;
};

// One step of an entry's audit, in the order the values were read: a key, or a finding about a
// value, a key or the entry ("disabled-account-key" comes last).
struct AuditItem {
  std::optional<AuditedKey> key;
  std::optional<seckit::out::Finding> finding;
};

struct EntryAudit {
  std::string name;           // uid, else cn, else the DN
  std::size_t key_lines = 0;  // key lines judged; a value refused as a whole counts as one
  std::vector<AuditItem> items;
};

EntryAudit audit_entry(const seckit::ldap::Entry& entry, const Policy& policy,
                       const AuditSettings& settings);

// Why the account is disabled (shadowExpire in days since 1970 not after `today`,
// pwdAccountLockedTime of the ppolicy overlay, nsAccountLock of 389-ds/FreeIPA), or empty.
std::string disabled_reason(const seckit::ldap::Entry& entry, std::int64_t today);

}  // namespace sshkey_ldap
