// audit: one paged pass over every entry holding keys, findings per key, then the keys shared
// by several entries. Meant for cron: exit 1 when anything at warning level or above is found.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>

#include "commands.hpp"
#include "helpers.hpp"
#include "rules.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Finding;
using seckit::out::Json;
using seckit::out::Severity;

// Why the account is disabled (shadowExpire in days since 1970, pwdAccountLockedTime of the
// ppolicy overlay, nsAccountLock of 389-ds/FreeIPA), or empty.
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

// Who holds a key: the entries (by DN) and their names, so a key and its certificate in one
// entry, or a key stored twice there, is one holder, not a shared key.
struct KeyHolders {
  std::string type_label;
  std::vector<std::string> dns, names;
  void add(const std::string& dn, const std::string& name) {
    if (std::find(dns.begin(), dns.end(), dn) != dns.end()) return;
    dns.push_back(dn);
    names.push_back(name);
  }
};

// One pass over the directory: findings per value, per key and per entry, then the keys
// shared by several entries.
class Auditor {
 public:
  Auditor(Context& ctx, std::int64_t now) : ctx_(ctx), em_(ctx.tool.emitter()), now_(now) {}

  void audit_entry(const seckit::ldap::Entry& entry) {
    std::string name = entry_name(entry);
    std::vector<std::string> held;  // SHA256 of the entry's keys
    for (const auto& line : entry_lines(entry, name)) {
      if (auto sha256 = audit_line(entry, name, line)) held.push_back(*sha256);
    }
    std::string disabled = disabled_reason(entry, now_ / 86400);
    if (disabled.empty() || held.empty()) return;
    std::string listing;
    for (const auto& h : held) listing += (listing.empty() ? "" : ", ") + h;
    report("disabled-account-key", ctx_.policy.disabled_account_severity, name, entry.dn,
           fmt::format("the account is disabled ({}) but still holds {} key{}: {}", disabled,
                       held.size(), held.size() == 1 ? "" : "s", listing),
           {{"reason", disabled}, {"keys", held}});
  }

  std::size_t report_duplicates() {
    std::size_t duplicates = 0;
    for (const auto& [sha256, holders] : holders_) {
      const auto& names = holders.names;
      if (names.size() < 2) continue;
      ++duplicates;
      std::string joined;
      for (std::size_t i = 0; i < names.size() && i < 10; ++i) {
        joined += (i ? ", " : "") + names[i];
      }
      if (names.size() > 10) joined += fmt::format(" and {} more", names.size() - 10);
      emit({"duplicate-key",
            ctx_.policy.duplicate_severity,
            fmt::format("{} key {} is shared by {} entries: {}", holders.type_label, sha256,
                        names.size(), joined),
            {{"sha256", sha256}, {"users", names}, {"dns", holders.dns}}});
    }
    return duplicates;
  }

  std::size_t keys = 0;

 private:
  void emit(const Finding& f) {
    em_.finding(f);
    if (em_.json()) return;
    em_.line(fmt::format(
        "{} {}: {}", ctx_.tool.style().severity(f.severity, seckit::out::severity_name(f.severity)),
        f.code, f.message));
  }

  void report(const std::string& code, Severity severity, const std::string& name,
              const std::string& dn, const std::string& message, Json details) {
    details["user"] = name;
    details["dn"] = dn;
    emit({code, severity, fmt::format("{}: {}", name, message), std::move(details)});
  }

  // The key lines of the entry's values; values refused as a whole are reported here.
  std::vector<std::string> entry_lines(const seckit::ldap::Entry& entry, const std::string& name) {
    std::vector<std::string> lines;
    const std::string& attribute = ctx_.config.key_attribute;
    for (const auto& value : entry.values(attribute)) {
      auto split = split_key_value(value);
      if (split.problem) {
        ++keys;
        report("malformed-key", Severity::kError, name, entry.dn, *split.problem, Json::object());
        continue;
      }
      if (split.lines.size() > 1) {
        report("multiple-keys-in-one-value", Severity::kWarning, name, entry.dn,
               fmt::format("one {} value holds {} keys on separate lines; sshd reads each line, "
                           "other readers may take only the first: store one key per value",
                           attribute, split.lines.size()),
               {{"keys", split.lines.size()}});
      }
      lines.insert(lines.end(), split.lines.begin(), split.lines.end());
    }
    return lines;
  }

  // Judges one key line; returns its SHA256 when it parsed.
  std::optional<std::string> audit_line(const seckit::ldap::Entry& entry, const std::string& name,
                                        std::string_view text) {
    ++keys;
    if (!text.empty() && text.front() == '@') {  // host entries: @cert-authority/@revoked
      auto space = text.find(' ');
      text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    auto key = sshkey::parse_authorized_key_line(text);
    if (!key) {
      const auto& message = key.error().message;
      bool unknown = message.rfind(sshkey::kUnknownTypeError, 0) == 0;
      report(unknown ? "unknown-key-type" : "malformed-key",
             unknown ? Severity::kWarning : Severity::kError, name, entry.dn, message,
             Json::object());
      return std::nullopt;
    }
    const auto& k = key->key;
    std::string sha256 = sshkey::fingerprint_sha256(k);
    if (em_.json()) {
      Json record = key_json(*key);
      record["user"] = name;
      record["dn"] = entry.dn;
      em_.record("key", record);
    }
    auto& holders = holders_[sha256];
    holders.type_label = sshkey::type_label(k);
    holders.add(entry.dn, name);
    Json details = {{"sha256", sha256},
                    {"md5", sshkey::fingerprint_md5(k)},
                    {"type", k.type},
                    {"bits", k.bits}};
    for (const auto& problem : judge_key(ctx_.policy, *key, now_)) {
      Json d = details;
      for (const auto& [field, value] : problem.details.items()) d[field] = value;
      report(problem.code, problem.severity, name, entry.dn, problem.message, d);
    }
    return sha256;
  }

  Context& ctx_;
  seckit::out::Emitter& em_;
  std::int64_t now_;
  std::map<std::string, KeyHolders> holders_;  // by SHA256
};

}  // namespace

int run_audit(Context& ctx) {
  const Config& config = ctx.config;
  config.require_directory();
  auto& em = ctx.tool.emitter();
  em.begin({{"base", config.base}, {"policy", ctx.policy.to_json()}});
  Auditor auditor(ctx, static_cast<std::int64_t>(std::time(nullptr)));
  seckit::ldap::Connection connection(config.ldap_options());
  std::string filter = fmt::format("({}=*)", config.key_attribute);
  auto stats = connection.search(
      config.base, seckit::ldap::Scope::kSubtree, filter,
      {"uid", "cn", "objectClass", config.key_attribute, "shadowExpire", "pwdAccountLockedTime",
       "nsAccountLock"},
      [&](const seckit::ldap::Entry& entry) { auditor.audit_entry(entry); }, config.page_size);
  std::size_t duplicates = auditor.report_duplicates();
  std::size_t keys = auditor.keys;

  std::size_t problems = em.findings_at_least(Severity::kWarning);
  std::size_t errors = em.findings_at_least(Severity::kError);
  if (!em.json()) {
    em.line(fmt::format("audited {} entries, {} keys: {} error(s), {} warning(s)", stats.entries,
                        keys, errors, problems - errors));
  }
  seckit::out::Conclusion c;
  if (problems > 0) c.fail();
  if (stats.entries == 0) {
    c.inconclusive("no-entries",
                   fmt::format("0 entries match {} under {}: nothing was audited (check base, "
                               "key_attribute and what bind_dn may read)",
                               filter, config.base));
  }
  return em.conclude(c, {{"entries", stats.entries},
                         {"keys", keys},
                         {"pages", stats.pages},
                         {"duplicates", duplicates},
                         {"errors", errors},
                         {"warnings", problems - errors}});
}

}  // namespace sshkey_ldap
