// audit: one paged pass over every entry holding keys, findings per key, then the keys shared
// by several entries. Meant for cron: exit 1 when anything at warning level or above is found.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "audit_entry.hpp"
#include "commands.hpp"
#include "helpers.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Finding;
using seckit::out::Json;
using seckit::out::Severity;

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

// One pass over the directory: each entry's audit (audit_entry.hpp) rendered as it arrives,
// then the keys shared by several entries.
class Auditor {
 public:
  Auditor(Context& ctx, std::int64_t now)
      : ctx_(ctx), em_(ctx.tool.emitter()), settings_{ctx.config.key_attribute, now} {}

  void audit(const seckit::ldap::Entry& entry) {
    EntryAudit audit = audit_entry(entry, ctx_.policy, settings_);
    keys += audit.key_lines;
    for (const auto& item : audit.items) {
      if (item.finding) emit(*item.finding);
      if (!item.key) continue;
      em_.write_record("key", [&](seckit::out::JsonWriter& w) {
        w.begin_object();
        write_key_fields(w, item.key->key, item.key->sha256);
        w.field("user", audit.name).field("dn", entry.dn).end_object();
      });
      auto& holders = holders_[item.key->sha256];
      holders.type_label = sshkey::type_label(item.key->key.key);
      holders.add(entry.dn, audit.name);
    }
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

  Context& ctx_;
  seckit::out::Emitter& em_;
  AuditSettings settings_;
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
      [&](const seckit::ldap::Entry& entry) { auditor.audit(entry); }, config.page_size);
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
