#include "audit_entry.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "helpers.hpp"
#include "rules.hpp"
#include "seckit/enc.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Finding;
using seckit::out::Json;
using seckit::out::Severity;

class EntryAuditor {
 public:
  EntryAuditor(const seckit::ldap::Entry& entry, const Policy& policy,
               const AuditSettings& settings)
      : entry_(entry), policy_(policy), settings_(settings) {
    audit_.name = entry_name(entry);
  }

  EntryAudit run() && {
    std::vector<std::string> held;  // SHA256 of the entry's keys
    for (const auto& line : key_lines()) {
      if (auto sha256 = judge_line(line)) held.push_back(std::move(*sha256));
    }
    std::string disabled = disabled_reason(entry_, settings_.now / 86400);
    if (!disabled.empty() && !held.empty()) {
      std::string listing;
      for (const auto& h : held) listing += (listing.empty() ? "" : ", ") + h;
      report("disabled-account-key", policy_.disabled_account_severity,
             fmt::format("the account is disabled ({}) but still holds {} key{}: {}", disabled,
                         held.size(), held.size() == 1 ? "" : "s", listing),
             {{"reason", disabled}, {"keys", held}});
    }
    return std::move(audit_);
  }

 private:
  void report(const std::string& code, Severity severity, const std::string& message,
              Json details) {
    details["user"] = audit_.name;
    details["dn"] = entry_.dn;
    audit_.items.push_back(
        {std::nullopt,
         Finding{code, severity, fmt::format("{}: {}", audit_.name, message), std::move(details)}});
  }

  // The key lines of the entry's values; values refused as a whole are reported here.
  std::vector<std::string> key_lines() {
    std::vector<std::string> lines;
    const std::string& attribute = settings_.key_attribute;
    for (const auto& value : entry_.values(attribute)) {
      auto split = split_key_value(value);
      if (split.problem) {
        ++audit_.key_lines;
        report("malformed-key", Severity::kError, *split.problem, Json::object());
        continue;
      }
      if (split.lines.size() > 1) {
        report("multiple-keys-in-one-value", Severity::kWarning,
               fmt::format("one {} value holds {} keys on separate lines; sshd reads each line, "
                           "other readers may take only the first: store one key per value",
                           attribute, split.lines.size()),
               {{"keys", split.lines.size()}});
      }
      for (auto& line : split.lines) lines.push_back(std::move(line));
    }
    return lines;
  }

  // Judges one key line; returns its SHA256 when it parsed.
  std::optional<std::string> judge_line(std::string_view text) {
    ++audit_.key_lines;
    if (!text.empty() && text.front() == '@') {  // host entries: @cert-authority/@revoked
      auto space = text.find(' ');
      text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    auto key = sshkey::parse_authorized_key_line(text);
    if (!key) {
      const auto& message = key.error().message;
      bool unknown = message.rfind(sshkey::kUnknownTypeError, 0) == 0;
      report(unknown ? "unknown-key-type" : "malformed-key",
             unknown ? Severity::kWarning : Severity::kError, message, Json::object());
      return std::nullopt;
    }
    std::string sha256 = sshkey::fingerprint_sha256(key->key);
    auto problems = judge_key(policy_, *key, sha256, settings_.now);
    Json details;
    if (!problems.empty()) {
      const auto& k = key->key;
      details = {{"sha256", sha256},
                 {"md5", sshkey::fingerprint_md5(k)},
                 {"type", k.type},
                 {"bits", k.bits}};
    }
    audit_.items.push_back({AuditedKey{std::move(*key), sha256}, std::nullopt});
    for (const auto& problem : problems) {
      Json d = details;
      for (const auto& [field, value] : problem.details.items()) d[field] = value;
      report(problem.code, problem.severity, problem.message, d);
    }
    return sha256;
  }

  const seckit::ldap::Entry& entry_;
  const Policy& policy_;
  const AuditSettings& settings_;
  EntryAudit audit_;
};

}  // namespace

std::string disabled_reason(const seckit::ldap::Entry& entry, std::int64_t today) {
  for (const auto& v : entry.values("shadowExpire")) {
    char* end = nullptr;
    long long days = std::strtoll(v.c_str(), &end, 10);
    if (end && *end == '\0' && days >= 0 && days <= today) {
      return fmt::format("shadowExpire {} is in the past", v);
    }
  }
  if (entry.has("pwdAccountLockedTime")) return "pwdAccountLockedTime is set";
  for (const auto& v : entry.values("nsAccountLock")) {
    if (seckit::enc::ascii_lower(v) == "true") return "nsAccountLock is TRUE";
  }
  return {};
}

EntryAudit audit_entry(const seckit::ldap::Entry& entry, const Policy& policy,
                       const AuditSettings& settings) {
  return EntryAuditor(entry, policy, settings).run();
}

}  // namespace sshkey_ldap
