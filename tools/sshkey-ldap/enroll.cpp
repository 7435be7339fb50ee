// Enrollment: add, remove, list and import. Every key is parsed and checked before anything
// is written; duplicates are recognised by the decoded blob, not by the text.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "helpers.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;
namespace fsys = std::filesystem;

constexpr std::size_t kMaxKeyFile = 1 << 20;

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

// Why the policy refuses to enroll a key, or nothing.
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

struct Candidate {
  std::string origin;  // "file:line"
  sshkey::AuthorizedKey key;
};

// Parses key text (a .pub file, an authorized_keys file, one JSON "key" value). Errors are
// reported through `on_error` with their origin; nothing is thrown for a bad line.
void parse_key_text(const std::string& text, const std::string& origin, const Policy& policy,
                    std::vector<Candidate>& out,
                    const std::function<void(const std::string&, const std::string&)>& on_error,
                    bool numbered = true) {
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    on_error(origin, "this is a private key; only public keys are ever stored");
    return;
  }
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string where = numbered ? fmt::format("{}:{}", origin, number) : origin;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (sshkey::is_blank_or_comment(line)) continue;
    auto key = sshkey::parse_authorized_key_line(line);
    if (!key) {
      on_error(where, key.error().message);
      continue;
    }
    if (auto refusal = enroll_refusal(policy, *key)) {
      on_error(where, *refusal);
      continue;
    }
    out.push_back({where, std::move(*key)});
  }
}

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

struct EnrollResult {
  std::string dn;
  std::vector<const Candidate*> added, present;
};

EnrollResult enroll(seckit::ldap::Connection& connection, const Config& config,
                    const std::string& user, const std::vector<Candidate>& keys, bool dry_run) {
  UserEntry entry = find_user(connection, config, user);
  std::set<sshkey::Buffer> blobs;
  for (const auto& value : entry.values) {
    if (auto key = sshkey::parse_authorized_key_line(value)) blobs.insert(key->key.blob);
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

void report(Context& ctx, const std::string& user, const EnrollResult& result, bool dry_run) {
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

}  // namespace

int run_add(Context& ctx, const std::string& user, const std::string& key_file, bool dry_run) {
  check_user_name(user);
  ctx.config.require_directory();
  std::vector<Candidate> keys;
  std::string first_error;
  parse_key_text(read_input(key_file), key_file == "-" ? "stdin" : key_file, ctx.policy, keys,
                 [&](const std::string& where, const std::string& message) {
                   if (first_error.empty()) first_error = where + ": " + message;
                 });
  // All or nothing: one bad line means nothing is written.
  if (!first_error.empty()) throw seckit::input_error("add", first_error, "nothing was written");
  if (keys.empty()) throw seckit::input_error(key_file, "no public key found");
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}, {"key_file", key_file}, {"dry_run", dry_run}});
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  auto result = enroll(connection, ctx.config, user, keys, dry_run);
  report(ctx, user, result, dry_run);
  return em.summary(seckit::kExitOk,
                    {{"added", result.added.size()}, {"present", result.present.size()}});
}

int run_remove(Context& ctx, const std::string& user, const std::string& fingerprint) {
  check_user_name(user);
  ctx.config.require_directory();
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}, {"fingerprint", fingerprint}});
  std::optional<sshkey::Buffer> wanted_blob;
  if (fingerprint.rfind("SHA256:", 0) != 0 && fingerprint.rfind("MD5:", 0) != 0) {
    if (auto line = sshkey::parse_authorized_key_line(fingerprint)) {
      wanted_blob = line->key.blob;
    } else if (auto blob = seckit::enc::base64_decode(fingerprint); blob && !blob->empty()) {
      wanted_blob = *blob;
    } else {
      throw seckit::input_error("fingerprint", fmt::format("'{}' is not SHA256:..., MD5:... or a "
                                                           "public key",
                                                           fingerprint));
    }
  }
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  UserEntry entry = find_user(connection, ctx.config, user);
  std::vector<std::string> doomed;
  std::vector<Json> records;
  std::vector<std::string> lines;
  for (const auto& value : entry.values) {
    auto key = sshkey::parse_authorized_key_line(value);
    bool match = value == fingerprint;
    if (key) {
      match = match || (wanted_blob && key->key.blob == *wanted_blob) ||
              sshkey::fingerprint_sha256(key->key) == fingerprint ||
              seckit::enc::ascii_lower(sshkey::fingerprint_md5(key->key)) ==
                  seckit::enc::ascii_lower(fingerprint);
    }
    if (!match) continue;
    doomed.push_back(value);
    Json j = key ? key_json(*key) : Json{{"value", seckit::out::wire_text(value)}};
    j["user"] = user;
    j["dn"] = entry.dn;
    j["action"] = "removed";
    records.push_back(j);
    lines.push_back(
        fmt::format("removed {} {}", user,
                    key ? sshkey::fingerprint_sha256(key->key) : std::string("(malformed)")));
  }
  if (doomed.empty()) {
    throw seckit::input_error("remove", fmt::format("{} has no key {}", user, fingerprint),
                              fmt::format("see sshkey-ldap list {}", user));
  }
  connection.modify(entry.dn,
                    {{seckit::ldap::Modification::Op::kDelete, ctx.config.key_attribute, doomed}});
  for (const auto& j : records) em.record("enrollment", j);
  for (const auto& l : lines) em.line(l);
  return em.summary(seckit::kExitOk, {{"removed", doomed.size()}});
}

int run_list(Context& ctx, const std::string& user) {
  ctx.config.require_directory();
  if (!user.empty()) check_user_name(user);
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}});
  std::string filter;
  if (user.empty()) {
    // Every user: the configured filter with a deliberate, unescaped wildcard.
    filter = ctx.config.user_filter;
    for (auto pos = filter.find("%s"); pos != std::string::npos; pos = filter.find("%s", pos)) {
      filter.replace(pos, 2, "*");
    }
  } else {
    filter = seckit::ldap::expand_filter(ctx.config.user_filter, user);
  }
  seckit::ldap::Connection connection(ctx.config.ldap_options());
  std::size_t keys = 0, malformed = 0;
  auto stats = connection.search(
      ctx.config.base, seckit::ldap::Scope::kSubtree, filter,
      {"uid", "cn", ctx.config.key_attribute},
      [&](const seckit::ldap::Entry& entry) {
        std::string name = entry_name(entry);
        for (const auto& value : entry.values(ctx.config.key_attribute)) {
          auto problem = check_key_value(value);
          auto key = problem ? seckit::Result<sshkey::AuthorizedKey>(seckit::parse_error(*problem))
                             : sshkey::parse_authorized_key_line(value);
          if (!key) {
            ++malformed;
            ctx.tool.warn(entry.dn, key.error().message);
            if (em.json()) {
              em.record("key", {{"user", name}, {"dn", entry.dn}, {"error", key.error().message}});
            }
            continue;
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
        }
      },
      ctx.config.page_size);
  return em.summary(seckit::kExitOk,
                    {{"entries", stats.entries}, {"keys", keys}, {"malformed", malformed}});
}

int run_import(Context& ctx, const std::string& source, bool dry_run) {
  ctx.config.require_directory();
  auto& em = ctx.tool.emitter();
  em.begin({{"source", source}, {"dry_run", dry_run}});
  std::map<std::string, std::vector<Candidate>> per_user;
  std::vector<std::string> order;
  std::size_t errors = 0, skipped = 0;
  auto on_error = [&](const std::string& where, const std::string& message) {
    ++errors;
    if (em.json()) {
      em.record("error", {{"origin", where}, {"message", message}});
    } else {
      ctx.tool.warn(where, message);
    }
  };
  auto add_user_keys = [&](const std::string& user, const std::string& text,
                           const std::string& origin, bool numbered) {
    try {
      check_user_name(user);
    } catch (const seckit::ToolError& e) {
      on_error(origin, e.what());
      return;
    }
    if (!per_user.count(user)) order.push_back(user);
    parse_key_text(text, origin, ctx.policy, per_user[user], on_error, numbered);
  };

  std::error_code ec;
  if (fsys::is_directory(source, ec)) {
    std::vector<fsys::path> files;
    for (const auto& entry : fsys::directory_iterator(source, ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      std::string name = path.filename().string();
      std::string user;
      fsys::path key_file = path;
      if (fsys::is_regular_file(path) &&
          (path.extension() == ".pub" || path.extension() == ".authorized_keys")) {
        user = path.stem().string();
      } else if (fsys::is_directory(path)) {
        user = name;
        key_file = path / "authorized_keys";
        if (!fsys::exists(key_file)) key_file = path / ".ssh" / "authorized_keys";
        if (!fsys::exists(key_file)) continue;
      } else {
        ++skipped;
        continue;
      }
      std::string text;
      try {
        text = seckit::fs::read_file(key_file.string(), kMaxKeyFile);
      } catch (const seckit::ToolError& e) {
        on_error(key_file.string(), e.what());
        continue;
      }
      add_user_keys(user, text, key_file.string(), true);
    }
  } else {
    std::string text = read_input(source);
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::string where = fmt::format("{}:{}", source == "-" ? "stdin" : source, number);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      Json record;
      try {
        record = Json::parse(line);
      } catch (const std::exception&) {
        on_error(where, "not a JSON object");
        continue;
      }
      if (!record.is_object()) {
        on_error(where, "not a JSON object");
        continue;
      }
      // The users file is shared with otpgen: lines without a key are someone else's.
      if (!record.contains("key")) {
        ++skipped;
        continue;
      }
      if (!record["key"].is_string() || !record.contains("user") || !record["user"].is_string()) {
        on_error(where, "\"user\" and \"key\" must be strings");
        continue;
      }
      std::string key_text = record["key"].get<std::string>();
      if (key_text.find('\n') != std::string::npos || key_text.find('\r') != std::string::npos) {
        on_error(where, "key contains a line break");
        continue;
      }
      add_user_keys(record["user"].get<std::string>(), key_text, where, false);
    }
  }

  seckit::ldap::Connection connection(ctx.config.ldap_options());
  std::size_t added = 0, present = 0;
  for (const auto& user : order) {
    const auto& keys = per_user[user];
    if (keys.empty()) continue;
    try {
      auto result = enroll(connection, ctx.config, user, keys, dry_run);
      report(ctx, user, result, dry_run);
      added += result.added.size();
      present += result.present.size();
    } catch (const seckit::ToolError& e) {
      if (e.code() == seckit::kExitEnvironment) throw;
      on_error(keys.front().origin, fmt::format("{}: {}", user, e.what()));
    }
  }
  int code = errors ? seckit::kExitUsage : seckit::kExitOk;
  if (!em.json() && errors) {
    ctx.tool.error("import", fmt::format("{} line(s) rejected; {} key(s) added", errors, added));
  }
  return em.summary(code, {{"users", order.size()},
                           {"added", added},
                           {"present", present},
                           {"rejected", errors},
                           {"skipped", skipped}});
}

}  // namespace sshkey_ldap

namespace sshkey_ldap {

int run_check(Context& ctx, const std::string& key_file, const std::string& hash) {
  auto& em = ctx.tool.emitter();
  std::string text = read_input(key_file);
  std::string origin = key_file == "-" ? "stdin" : key_file;
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    throw seckit::input_error(origin, "this is a private key; only public keys are accepted");
  }
  em.begin({{"key_file", key_file}, {"policy", ctx.policy.to_json()}});
  std::istringstream in(text);
  std::string line;
  int number = 0;
  std::size_t keys = 0;
  std::vector<std::pair<std::string, seckit::out::Finding>> refusals;
  std::vector<std::string> out;
  std::vector<Json> records;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (sshkey::is_blank_or_comment(line)) continue;
    auto key = sshkey::parse_authorized_key_line(line);
    // Parse everything before printing anything: a bad file gives one error line, no output.
    if (!key) throw seckit::input_error(fmt::format("{}:{}", origin, number), key.error().message);
    ++keys;
    Json j = key_json(*key);
    j["origin"] = fmt::format("{}:{}", origin, number);
    records.push_back(j);
    out.push_back(fmt::format(
        "{} {} {} ({})", key->key.bits,
        hash == "md5" ? sshkey::fingerprint_md5(key->key) : sshkey::fingerprint_sha256(key->key),
        key->comment.empty() ? "no comment" : key->comment, sshkey::type_label(key->key)));
    if (auto refusal = enroll_refusal(ctx.policy, *key)) {
      refusals.push_back({fmt::format("{}:{}", origin, number),
                          {"policy-refused",
                           seckit::out::Severity::kError,
                           fmt::format("{}:{}: {}", origin, number, *refusal),
                           {{"sha256", sshkey::fingerprint_sha256(key->key)}}}});
    }
  }
  if (keys == 0) throw seckit::input_error(origin, "no public key found");
  for (const auto& j : records) em.record("key", j);
  for (const auto& l : out) em.line(l);
  for (const auto& [where, finding] : refusals) {
    em.finding(finding);
    if (!em.json()) ctx.tool.warn(where, finding.message.substr(where.size() + 2));
  }
  int code = refusals.empty() ? seckit::kExitOk : seckit::kExitFindings;
  return em.summary(code, {{"keys", keys}, {"refused", refusals.size()}});
}

}  // namespace sshkey_ldap
