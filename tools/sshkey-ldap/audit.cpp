// audit: one paged pass over every entry holding keys, findings per key, then the keys shared
// by several entries. Meant for cron: exit 1 when anything at warning level or above is found.
#include <fmt/format.h>

#include <ctime>
#include <map>

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

}  // namespace

int run_audit(Context& ctx) {
  const Config& config = ctx.config;
  const Policy& policy = ctx.policy;
  config.require_directory();
  auto& em = ctx.tool.emitter();
  em.begin({{"base", config.base}, {"policy", policy.to_json()}});
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::int64_t today = now / 86400;

  std::size_t keys = 0;
  std::map<std::string, std::vector<std::string>> owners;  // SHA256 -> entry names
  std::map<std::string, std::string> key_types;
  auto emit = [&](const Finding& f) {
    em.finding(f);
    if (!em.json()) {
      em.line(
          fmt::format("{} {}: {}",
                      ctx.tool.style().severity(f.severity, seckit::out::severity_name(f.severity)),
                      f.code, f.message));
    }
  };
  auto report = [&](const std::string& code, Severity severity, const std::string& name,
                    const std::string& dn, const std::string& message, Json details) {
    details["user"] = name;
    details["dn"] = dn;
    Finding f{code, severity, fmt::format("{}: {}", name, message), std::move(details)};
    emit(f);
  };

  seckit::ldap::Connection connection(config.ldap_options());
  std::string filter = fmt::format("({}=*)", config.key_attribute);
  auto stats = connection.search(
      config.base, seckit::ldap::Scope::kSubtree, filter,
      {"uid", "cn", "objectClass", config.key_attribute, "shadowExpire", "pwdAccountLockedTime",
       "nsAccountLock"},
      [&](const seckit::ldap::Entry& entry) {
        std::string name = entry_name(entry);
        std::string disabled = disabled_reason(entry, today);
        std::vector<std::string> lines;
        for (const auto& value : entry.values(config.key_attribute)) {
          auto split = split_key_value(value);
          if (split.problem) {
            ++keys;
            report("malformed-key", Severity::kError, name, entry.dn, *split.problem,
                   Json::object());
            continue;
          }
          if (split.lines.size() > 1) {
            report("multiple-keys-in-one-value", Severity::kWarning, name, entry.dn,
                   fmt::format("one {} value holds {} keys on separate lines; sshd reads each "
                               "line, other readers may take only the first: store one key per "
                               "value",
                               config.key_attribute, split.lines.size()),
                   {{"keys", split.lines.size()}});
          }
          lines.insert(lines.end(), split.lines.begin(), split.lines.end());
        }
        for (const auto& value : lines) {
          ++keys;
          std::string_view text = value;
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
            continue;
          }
          const auto& k = key->key;
          std::string sha256 = sshkey::fingerprint_sha256(k);
          Json details = {{"sha256", sha256},
                          {"md5", sshkey::fingerprint_md5(k)},
                          {"type", k.type},
                          {"bits", k.bits}};
          if (em.json()) {
            Json record = key_json(*key);
            record["user"] = name;
            record["dn"] = entry.dn;
            em.record("key", record);
          }
          owners[sha256].push_back(name);
          key_types.emplace(sha256, sshkey::type_label(k));
          for (const auto& problem : judge_key(policy, *key, now)) {
            Json d = details;
            for (const auto& [field, value] : problem.details.items()) d[field] = value;
            report(problem.code, problem.severity, name, entry.dn, problem.message, d);
          }
          if (!disabled.empty()) {
            report("disabled-account-key", policy.disabled_account_severity, name, entry.dn,
                   fmt::format("key {} belongs to a disabled account ({})", sha256, disabled),
                   details);
          }
        }
      },
      config.page_size);

  std::size_t duplicates = 0;
  for (const auto& [sha256, names] : owners) {
    if (names.size() < 2) continue;
    ++duplicates;
    std::string joined;
    for (std::size_t i = 0; i < names.size() && i < 10; ++i) joined += (i ? ", " : "") + names[i];
    if (names.size() > 10) joined += fmt::format(" and {} more", names.size() - 10);
    Finding f{"duplicate-key",
              policy.duplicate_severity,
              fmt::format("{} key {} is shared by {} entries: {}", key_types[sha256], sha256,
                          names.size(), joined),
              {{"sha256", sha256}, {"users", names}}};
    emit(f);
  }

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
