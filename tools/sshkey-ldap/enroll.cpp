// Enrollment: add, remove and list, and the pieces import shares. Every key is parsed and
// checked before anything is written; duplicates are recognised by the decoded blob, not by
// the text. A change forgets the changed users' cached answers on this host at once.
#include "enroll.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "cache.hpp"
#include "helpers.hpp"
#include "key_text.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {

using seckit::out::Json;

std::string read_input(const std::string& path) {
  if (path != "-") return seckit::fs::read_file(path, kMaxKeyFile);
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0) throw seckit::input_error("stdin", "cannot read");
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxKeyFile) throw seckit::input_error("stdin", "more than 1 MiB of keys");
  }
  return text;
}

std::optional<std::string> enroll_refusal(const Policy& policy, const sshkey::AuthorizedKey& key) {
  using sshkey::Algorithm;
  if (key.key.algorithm == Algorithm::kDsa && !policy.allow_dsa) {
    return std::string("DSA keys are refused (OpenSSH disabled them in 7.0)");
  }
  if (key.key.algorithm == Algorithm::kRsa && key.key.bits < policy.rsa_fail_bits) {
    return fmt::format("RSA key of {} bits is below the policy minimum of {}", key.key.bits,
                       policy.rsa_fail_bits);
  }
  for (const auto& o : key.options) {
    for (const auto& f : policy.forbidden_options) {
      if (o.name == f) return fmt::format("option {} is forbidden by the policy", o.name);
    }
  }
  return std::nullopt;
}

bool ends_without_newline(const std::string& text) { return !text.empty() && text.back() != '\n'; }

void parse_key_text(const std::string& text, const std::string& origin, const Policy& policy,
                    std::vector<Candidate>& out, const LineErrorHandler& on_error, bool numbered) {
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    on_error(origin, "this is a private key; only public keys are ever stored", false);
    return;
  }
  for (const auto& source : key_text_lines(text)) {
    std::string where = numbered ? fmt::format("{}:{}", origin, source.number) : origin;
    if (!source.error.empty()) {
      on_error(where, source.error, false);
      continue;
    }
    auto key = sshkey::parse_authorized_key_line(source.text);
    if (!key) {
      on_error(where, key.error().message, numbered && source.last_without_newline);
      continue;
    }
    if (auto refusal = enroll_refusal(policy, *key)) {
      on_error(where, *refusal, false);
      continue;
    }
    out.push_back({where, std::move(*key)});
  }
}

namespace {

struct UserEntry {
  std::string dn;
  bool has_object_class = false;
  std::vector<std::string> values;
};

UserEntry find_user(seckit::ldap::Connection& connection, const Config& config,
                    const std::string& user) {
  std::string filter = seckit::ldap::expand_filter(config.enroll_filter, user);
  std::vector<UserEntry> found;
  connection.search(config.base, seckit::ldap::Scope::kSubtree, filter,
                    {"objectClass", config.key_attribute}, [&](const seckit::ldap::Entry& e) {
                      UserEntry u;
                      u.dn = e.dn;
                      for (const auto& oc : e.values("objectClass")) {
                        if (seckit::enc::ascii_lower(oc) == "ldappublickey")
                          u.has_object_class = true;
                      }
                      u.values = e.values(config.key_attribute);
                      found.push_back(std::move(u));
                    });
  if (found.empty()) {
    throw seckit::input_error("user",
                              fmt::format("no entry matches {} under {}", filter, config.base),
                              "create the account first");
  }
  if (found.size() > 1) {
    throw seckit::input_error(
        "user", fmt::format("{} entries match {}; refusing to choose", found.size(), filter));
  }
  return found.front();
}

}  // namespace

EnrollResult enroll(seckit::ldap::Connection& connection, const Config& config,
                    const std::string& user, const std::vector<Candidate>& keys, bool dry_run) {
  UserEntry entry = find_user(connection, config, user);
  std::set<sshkey::Buffer> blobs;
  for (const auto& value : entry.values) {
    for (const auto& line : split_key_value(value).lines) {
      if (auto key = sshkey::parse_authorized_key_line(line)) blobs.insert(key->key.blob);
    }
  }
  EnrollResult result;
  result.dn = entry.dn;
  std::vector<std::string> new_values;
  for (const auto& c : keys) {
    if (!blobs.insert(c.key.key.blob).second) {
      result.present.push_back(&c);
      continue;
    }
    result.added.push_back(&c);
    new_values.push_back(c.key.line());
  }
  if (!new_values.empty() && !dry_run) {
    std::vector<seckit::ldap::Modification> changes;
    if (!entry.has_object_class) {
      changes.push_back({seckit::ldap::Modification::Op::kAdd, "objectClass", {"ldapPublicKey"}});
    }
    changes.push_back({seckit::ldap::Modification::Op::kAdd, config.key_attribute, new_values});
    connection.modify(entry.dn, changes);
  }
  return result;
}

void report_enrollment(Context& ctx, const std::string& user, const EnrollResult& result,
                       bool dry_run) {
  auto& em = ctx.tool.emitter();
  auto one = [&](const Candidate* c, const char* action) {
    if (em.json()) {
      Json j = key_json(c->key);
      j["user"] = user;
      j["dn"] = result.dn;
      j["action"] = action;
      j["origin"] = c->origin;
      j["dry_run"] = dry_run;
      em.record("enrollment", j);
    } else {
      em.line(fmt::format("{}{} {} {} ({})", dry_run ? "would be " : "", action, user,
                          sshkey::fingerprint_sha256(c->key.key), sshkey::type_label(c->key.key)));
    }
  };
  for (const auto* c : result.added) one(c, "added");
  for (const auto* c : result.present) one(c, "present");
}

void invalidate_after_change(Context& ctx, const std::string& user) {
  auto result = invalidate_cached_answer(ctx.config, user);
  if (result.outcome != Invalidation::kFailed) return;
  ctx.tool.warn(user, fmt::format("{}; this host may serve the old answer for up to cache_ttl "
                                  "({} s): run `sshkey-ldap cache flush {}` as the cache owner",
                                  result.error, ctx.config.cache_ttl.count(), user));
}

void emit_finding(Context& ctx, const seckit::out::Finding& finding) {
  auto& em = ctx.tool.emitter();
  em.finding(finding);
  if (!em.json()) {
    em.line(fmt::format(
        "{} {}: {}",
        ctx.tool.style().severity(finding.severity, seckit::out::severity_name(finding.severity)),
        finding.code, finding.message));
  }
}

int run_add(Context& ctx, const std::string& user, const std::string& key_file, bool dry_run) {
  check_user_name(user);
  ctx.config.require_directory();
  std::vector<Candidate> keys;
  std::string first_error;
  std::string origin = key_file == "-" ? "stdin" : key_file;
  parse_key_text(read_input(key_file), origin, ctx.policy, keys,
                 [&](const std::string& where, const std::string& message, bool cut_short) {
                   if (!first_error.empty()) return;
                   first_error = where + ": " + message;
                   if (cut_short) first_error += " (the last line has no line break: cut short?)";
                 });
  // All or nothing: one bad line means nothing is written.
  if (!first_error.empty()) throw seckit::input_error("add", first_error, "nothing was written");
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}, {"key_file", key_file}, {"dry_run", dry_run}});
  if (keys.empty()) {
    seckit::out::Conclusion nothing;
    nothing.inconclusive("no-keys",
                         fmt::format("0 public keys read from {}: nothing was added (the input "
                                     "is empty or holds only comments)",
                                     origin));
    return em.conclude(nothing, {{"added", 0}, {"present", 0}});
  }
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  auto result = enroll(connection, ctx.config, user, keys, dry_run);
  if (!dry_run && !result.added.empty()) invalidate_after_change(ctx, user);
  report_enrollment(ctx, user, result, dry_run);
  return em.conclude(seckit::out::Conclusion{},
                     {{"added", result.added.size()}, {"present", result.present.size()}});
}

namespace {

// The keys of a key file named to remove (OpenSSH or RFC 4716 lines, "-" for stdin), read as
// add reads them but without the policy: a key the policy refuses can still be removed.
std::vector<sshkey::Buffer> blobs_of_file(const std::string& path) {
  std::string origin = path == "-" ? "stdin" : path;
  std::string text = read_input(path);
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    throw seckit::input_error(origin, "this is a private key; name the .pub file");
  }
  std::vector<sshkey::Buffer> blobs;
  for (const auto& source : key_text_lines(text)) {
    std::string where = fmt::format("{}:{}", origin, source.number);
    if (!source.error.empty()) throw seckit::input_error(where, source.error);
    auto key = sshkey::parse_authorized_key_line(source.text);
    if (!key) throw seckit::input_error(where, key.error().message);
    blobs.push_back(key->key.blob);
  }
  if (blobs.empty()) throw seckit::input_error(origin, "holds no public key", "nothing removed");
  return blobs;
}

// The blobs a remove argument names when it is a key rather than a fingerprint: a key line, a
// key file, or bare base64; throws input_error when it is none of these.
std::vector<sshkey::Buffer> wanted_blobs(const std::string& argument) {
  if (argument.rfind("SHA256:", 0) == 0 || argument.rfind("MD5:", 0) == 0) return {};
  if (auto line = sshkey::parse_authorized_key_line(argument)) return {line->key.blob};
  std::error_code ec;
  if (argument == "-" || std::filesystem::exists(argument, ec)) return blobs_of_file(argument);
  if (auto blob = seckit::enc::base64_decode(argument); blob && !blob->empty()) return {*blob};
  throw seckit::input_error(
      "key", fmt::format("'{}' is not SHA256:..., MD5:..., a public key or a key file", argument));
}

bool key_matches(const std::string& value, const std::string& fingerprint,
                 const std::vector<sshkey::Buffer>& blobs,
                 const seckit::Result<sshkey::AuthorizedKey>& key) {
  if (value == fingerprint) return true;
  if (!key) return false;
  return std::find(blobs.begin(), blobs.end(), key->key.blob) != blobs.end() ||
         sshkey::fingerprint_sha256(key->key) == fingerprint ||
         seckit::enc::ascii_lower(sshkey::fingerprint_md5(key->key)) ==
             seckit::enc::ascii_lower(fingerprint);
}

// What remove deletes: whole values holding a matching key line, and the other lines of those
// values, which are written back as values of their own.
struct Removal {
  std::vector<std::string> doomed, kept;
  std::vector<Json> records;       // one per key removed
  std::vector<std::string> lines;  // "SHA256:..." per key removed

  void consider(const std::string& value, const std::string& fingerprint,
                const std::vector<sshkey::Buffer>& blobs) {
    auto split = split_key_value(value);
    std::vector<std::string> value_lines =
        split.problem ? std::vector<std::string>{value} : split.lines;
    std::vector<std::string> rest;
    bool hit = false;
    for (const auto& line : value_lines) {
      auto key = sshkey::parse_authorized_key_line(line);
      if (!key_matches(line, fingerprint, blobs, key) && value != fingerprint) {
        rest.push_back(line);
        continue;
      }
      hit = true;
      Json j = key ? key_json(*key) : Json{{"value", seckit::out::wire_text(line)}};
      j["action"] = "removed";
      records.push_back(j);
      lines.push_back(key ? sshkey::fingerprint_sha256(key->key) : std::string("(malformed)"));
    }
    if (!hit) return;
    doomed.push_back(value);
    if (!split.problem) kept.insert(kept.end(), rest.begin(), rest.end());
  }
};

// remove with a fingerprint that matches none of USER's keys: named, with what USER does hold.
int conclude_no_match(Context& ctx, const std::string& user, const std::string& fingerprint,
                      const std::vector<std::string>& values) {
  std::vector<std::string> held;
  for (const auto& value : values) {
    for (const auto& line : split_key_value(value).lines) {
      auto key = sshkey::parse_authorized_key_line(line);
      held.push_back(key ? sshkey::fingerprint_sha256(key->key) : std::string("(malformed)"));
    }
  }
  std::string listing;
  for (const auto& h : held) listing += (listing.empty() ? "" : ", ") + h;
  emit_finding(ctx, {"key-not-found",
                     seckit::out::Severity::kWarning,
                     fmt::format("{}: {} matches none of the {} key(s) of {}{}", user, fingerprint,
                                 held.size(), user, held.empty() ? "" : " (" + listing + ")"),
                     {{"user", user}, {"fingerprint", fingerprint}, {"held", held}}});
  seckit::out::Conclusion c;
  c.inconclusive("key-not-found",
                 fmt::format("nothing removed: {} matches no key of {}; see sshkey-ldap list {}",
                             fingerprint, user, user));
  return ctx.tool.emitter().conclude(c, {{"removed", 0}});
}

}  // namespace

int run_remove(Context& ctx, const std::string& user, const std::string& fingerprint) {
  check_user_name(user);
  ctx.config.require_directory();
  auto& em = ctx.tool.emitter();
  auto blobs = wanted_blobs(fingerprint);
  em.begin({{"user", user}, {"fingerprint", fingerprint}});
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  UserEntry entry = find_user(connection, ctx.config, user);
  Removal removal;
  for (const auto& value : entry.values) removal.consider(value, fingerprint, blobs);
  for (auto& j : removal.records) {
    j["user"] = user;
    j["dn"] = entry.dn;
  }
  const auto& doomed = removal.doomed;
  if (doomed.empty()) return conclude_no_match(ctx, user, fingerprint, entry.values);
  std::vector<seckit::ldap::Modification> changes = {
      {seckit::ldap::Modification::Op::kDelete, ctx.config.key_attribute, doomed}};
  // The other keys of a multi-line value stay, each as a value of its own.
  std::vector<std::string> kept;
  for (const auto& line : removal.kept) {
    bool exists = std::find(entry.values.begin(), entry.values.end(), line) != entry.values.end();
    if (!exists && std::find(kept.begin(), kept.end(), line) == kept.end()) kept.push_back(line);
  }
  if (!kept.empty()) {
    changes.push_back({seckit::ldap::Modification::Op::kAdd, ctx.config.key_attribute, kept});
  }
  connection.modify(entry.dn, changes);
  invalidate_after_change(ctx, user);
  for (const auto& j : removal.records) em.record("enrollment", j);
  for (const auto& l : removal.lines) em.line(fmt::format("removed {} {}", user, l));
  return em.conclude(seckit::out::Conclusion{}, {{"removed", removal.lines.size()}});
}

namespace {

std::string list_filter(const Config& config, const std::string& user) {
  if (!user.empty()) return seckit::ldap::expand_filter(config.user_filter, user);
  // Every user: the configured filter with a deliberate, unescaped wildcard.
  std::string filter = config.user_filter;
  for (auto pos = filter.find("%s"); pos != std::string::npos; pos = filter.find("%s", pos)) {
    filter.replace(pos, 2, "*");
  }
  return filter;
}

}  // namespace

int run_list(Context& ctx, const std::string& user) {
  ctx.config.require_directory();
  if (!user.empty()) check_user_name(user);
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}});
  std::string filter = list_filter(ctx.config, user);
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  std::size_t keys = 0, malformed = 0;
  auto on_line = [&](const seckit::ldap::Entry& entry, const std::string& name,
                     const std::optional<std::string>& problem, const std::string& line) {
    auto key = problem ? seckit::Result<sshkey::AuthorizedKey>(seckit::parse_error(*problem))
                       : sshkey::parse_authorized_key_line(line);
    if (!key) {
      ++malformed;
      ctx.tool.warn(entry.dn, key.error().message);
      if (em.json()) {
        em.record("key", {{"user", name}, {"dn", entry.dn}, {"error", key.error().message}});
      }
      return;
    }
    ++keys;
    if (em.json()) {
      Json j = key_json(*key);
      j["user"] = name;
      j["dn"] = entry.dn;
      em.record("key", j);
    } else {
      em.line(fmt::format(
          "{} {} {} {} ({})", name, key->key.bits, sshkey::fingerprint_sha256(key->key),
          key->comment.empty() ? "no comment" : key->comment, sshkey::type_label(key->key)));
    }
  };
  auto stats = connection.search(
      ctx.config.base, seckit::ldap::Scope::kSubtree, filter,
      {"uid", "cn", ctx.config.key_attribute},
      [&](const seckit::ldap::Entry& entry) {
        std::string name = entry_name(entry);
        for (const auto& value : entry.values(ctx.config.key_attribute)) {
          auto split = split_key_value(value);
          if (split.problem) on_line(entry, name, split.problem, value);
          for (const auto& line : split.lines) on_line(entry, name, std::nullopt, line);
        }
      },
      ctx.config.page_size);
  seckit::out::Conclusion c;
  if (stats.entries == 0) {
    std::string what = fmt::format("no entry matches {} under {}", filter, ctx.config.base);
    if (!user.empty()) {
      emit_finding(ctx, {"user-not-found",
                         seckit::out::Severity::kWarning,
                         fmt::format("{}: {}", user, what),
                         {{"user", user}, {"filter", filter}}});
    }
    c.inconclusive("no-entries", fmt::format("{}: nothing to list (check base, user_filter and "
                                             "what bind_dn may read)",
                                             what));
  }
  return em.conclude(c, {{"entries", stats.entries}, {"keys", keys}, {"malformed", malformed}});
}

}  // namespace sshkey_ldap
