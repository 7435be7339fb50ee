// The two commands sshd and ssh run on every connection: authorized-keys (AuthorizedKeysCommand)
// and known-hosts (KnownHostsCommand). Both must answer within the deadline whatever the
// directory does, and authorized-keys falls back to the last good answer when allowed.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <ctime>
#include <future>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "answer.hpp"
#include "cache.hpp"
#include "commands.hpp"
#include "enroll.hpp"
#include "helpers.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;

void log(int priority, const std::string& message) { ::syslog(priority, "%s", message.c_str()); }

struct Fetched {
  std::vector<std::string> lines;
  std::vector<std::string> rejected;  // one message per refused value
  std::size_t entries = 0;
};

Fetched fetch_user_keys(const Config& config, const std::string& user) {
  seckit::ldap::Connection connection(config.ldap_options());
  std::string filter = seckit::ldap::expand_filter(config.user_filter, user);
  Fetched fetched;
  std::vector<seckit::ldap::Entry> entries;
  connection.search(config.base, seckit::ldap::Scope::kSubtree, filter, {config.key_attribute},
                    [&](const seckit::ldap::Entry& e) {
                      if (entries.size() < 2) entries.push_back(e);
                      ++fetched.entries;
                    });
  if (fetched.entries > 1) {
    throw seckit::environment_error(
        "ldap", fmt::format("{} entries match {}; refusing to choose", fetched.entries, filter),
        "user names must be unique under the base");
  }
  if (entries.empty()) return fetched;
  const std::string& dn = entries.front().dn;
  for (const auto& value : entries.front().values(config.key_attribute)) {
    auto split = split_key_value(value);
    if (split.problem) {
      fetched.rejected.push_back(fmt::format("{}: {}", dn, *split.problem));
      continue;
    }
    for (const auto& line : split.lines) {
      auto key = sshkey::parse_authorized_key_line(line);
      if (!key) {
        fetched.rejected.push_back(fmt::format("{}: {}", dn, key.error().message));
        continue;
      }
      fetched.lines.push_back(key->line());
    }
  }
  return fetched;
}

struct Outcome {
  bool ok = false;
  Fetched fetched;
  int code = seckit::kExitEnvironment;
  std::string error;
};

// Runs the lookup on a worker thread so that nothing libldap does (a TLS handshake with a
// silent peer, a resolver stall) can hold sshd longer than the deadline.
std::optional<Outcome> fetch_with_deadline(const Config& config, const std::string& user) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  std::thread worker([config, user, promise] {
    Outcome outcome;
    try {
      outcome.fetched = fetch_user_keys(config, user);
      outcome.ok = true;
    } catch (const seckit::ToolError& e) {
      outcome.code = e.code();
      outcome.error = e.what();
    } catch (const std::exception& e) {
      outcome.error = e.what();
    }
    promise->set_value(std::move(outcome));
  });
  if (future.wait_for(config.timeout + std::chrono::milliseconds(250)) !=
      std::future_status::ready) {
    // Still blocked somewhere in libldap: abandon it; the caller leaves with _Exit.
    worker.detach();
    return std::nullopt;
  }
  // Joined, not detached: the thread's own state (libsasl's dlerror buffer, TLS) must be gone
  // before exit, or leak checkers see it.
  worker.join();
  return future.get();
}

// What authorized-keys hands sshd and where it came from.
struct Answer {
  const std::vector<std::string>& lines;
  std::string source;    // "ldap", "cache" or "stale-cache"
  std::int64_t age = 0;  // seconds since LDAP gave this answer
};

// enforce_policy: a key the policy refuses to enroll is not handed to sshd; the refusal goes
// to syslog (sshd discards the command's stderr) and, for a person running it, to stderr.
bool withheld_by_policy(Context& ctx, const std::string& user, const sshkey::AuthorizedKey& key) {
  if (!ctx.config.enforce_policy) return false;
  auto refusal = enroll_refusal(ctx.policy, key);
  if (!refusal) return false;
  std::string message = fmt::format("authorized-keys {}: withheld key {} by enforce_policy: {}",
                                    user, sshkey::fingerprint_sha256(key.key), *refusal);
  log(LOG_WARNING, message);
  ctx.tool.warn("authorized-keys", message);
  return true;
}

// sshd reads the output only when the command exits 0 (with any other status it logs the status
// and ignores every line), so every answer the directory gave -- no keys, no such user -- is a
// pass with exit 0; only a lookup that got no answer is an error.
int serve(Context& ctx, const std::string& user, const std::optional<sshkey::Buffer>& offered,
          const Answer& answer) {
  auto& em = ctx.tool.emitter();
  std::size_t printed = 0;
  for (const auto& key : keys_to_serve(answer.lines, offered)) {
    if (withheld_by_policy(ctx, user, key)) continue;
    if (em.json()) {
      Json j = key_json(key);
      j["user"] = user;
      j["line"] = key.line();
      j["source"] = answer.source;
      em.record("key", j);
    } else {
      em.line(key.line());
    }
    ++printed;
  }
  log(LOG_INFO, served_log_line(user, printed, answer.source));
  Json counts = {{"keys", printed}, {"source", answer.source}};
  if (answer.source != "ldap") counts["age_seconds"] = answer.age;
  return em.conclude(seckit::out::Conclusion{}, counts);
}

// The worker thread may still be blocked inside libldap: leave without unwinding it.
[[noreturn]] void leave_now(Context& ctx, int code) {
  ctx.tool.out().flush();
  std::cout.flush();
  std::_Exit(code);
}

int answer_after_failure(Context& ctx, const std::string& user,
                         const std::optional<sshkey::Buffer>& offered,
                         const std::optional<Outcome>& outcome,
                         const std::optional<CachedAnswer>& cached, std::int64_t now) {
  const Config& config = ctx.config;
  bool timed_out = !outcome.has_value();
  std::string reason =
      timed_out ? fmt::format("no answer within the deadline of {} ms", config.timeout.count())
                : outcome->error;
  int code = timed_out ? seckit::kExitEnvironment : outcome->code;
  // Only an unreachable directory may be answered from the stale cache; an answer the
  // directory gave (ambiguous user) stands.
  bool outage = timed_out || (code == seckit::kExitEnvironment &&
                              reason.find("refusing to choose") == std::string::npos);
  if (outage) record_outage(config, true);
  std::string hint;
  if (outage && config.stale_ok && cached) {
    std::int64_t age = std::max<std::int64_t>(0, now - cached->fetched);
    std::string when = seckit::out::rfc3339(cached->fetched);
    if (age <= config.stale_max.count()) {
      std::string message = fmt::format(
          "LDAP unavailable ({}); serving the cached answer from {} ({} old, stale_max {})", reason,
          when, describe_age(age), describe_age(config.stale_max.count()));
      log(LOG_WARNING, fmt::format("authorized-keys {}: {}", user, message));
      ctx.tool.warn(user, message);
      int rc = serve(ctx, user, offered, {cached->lines, "stale-cache", age});
      if (timed_out) leave_now(ctx, rc);
      return rc;
    }
    reason += fmt::format("; the cached answer from {} is {} old, over stale_max ({})", when,
                          describe_age(age), describe_age(config.stale_max.count()));
    hint = "restore LDAP, or raise stale_max if older answers are acceptable";
  }
  log(LOG_ERR, fmt::format("authorized-keys {}: {}", user, reason));
  ctx.tool.error("ldap", reason, hint);
  ctx.tool.emitter().close_after_error(code, "ldap", reason);
  if (timed_out) leave_now(ctx, code);
  return code;
}

}  // namespace

int run_authorized_keys(Context& ctx, const std::string& user,
                        const std::vector<std::string>& extra) {
  ::openlog("sshkey-ldap", LOG_PID, LOG_AUTHPRIV);
  const Config& config = ctx.config;
  try {
    check_user_name(user);
    config.require_directory();
  } catch (const seckit::ToolError& e) {
    log(LOG_ERR, fmt::format("authorized-keys: {}: {}", e.context(), e.what()));
    throw;
  }
  auto offered = offered_key_blob(extra);
  ctx.tool.emitter().begin({{"user", user}});

  auto cached = read_cache(config, user);
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::int64_t age = cached ? std::max<std::int64_t>(0, now - cached->fetched) : 0;
  if (cached) {
    if (auto fresh = fresh_cache_age(config, *cached, now)) {
      return serve(ctx, user, offered, {cached->lines, "cache", *fresh});
    }
  }
  if (config.stale_ok && cached && age <= config.stale_max.count()) {
    if (auto when = recent_outage(config, now)) {
      std::string message = fmt::format(
          "LDAP was unavailable at {}; serving the cached answer from {} ({} old) without asking "
          "again for {} s",
          seckit::out::rfc3339(*when), seckit::out::rfc3339(cached->fetched), describe_age(age),
          kOutageBackoff);
      log(LOG_WARNING, fmt::format("authorized-keys {}: {}", user, message));
      ctx.tool.warn(user, message);
      return serve(ctx, user, offered, {cached->lines, "stale-cache", age});
    }
  }

  auto outcome = fetch_with_deadline(config, user);
  if (outcome && outcome->ok) {
    for (const auto& r : outcome->fetched.rejected) {
      log(LOG_WARNING, fmt::format("authorized-keys {}: ignored value: {}", user, r));
      ctx.tool.warn(user, "ignored value: " + r);
    }
    write_cache(config, user, outcome->fetched.lines, cached);
    record_outage(config, false);
    return serve(ctx, user, offered, {outcome->fetched.lines, "ldap", 0});
  }
  return answer_after_failure(ctx, user, offered, outcome, cached, now);
}

int run_cache_flush(Context& ctx, const std::vector<std::string>& users) {
  const Config& config = ctx.config;
  auto& em = ctx.tool.emitter();
  em.begin({{"users", users}, {"cache_dir", config.cache_dir}});
  if (users.empty()) {
    std::size_t removed = flush_cache(config);
    em.line(fmt::format("flushed {} cached answer(s) from {}", removed, config.cache_dir));
    return em.conclude(seckit::out::Conclusion{}, {{"flushed", removed}});
  }
  std::size_t removed = 0, not_cached = 0;
  for (const auto& user : users) {
    check_user_name(user);
    auto result = invalidate_cached_answer(config, user);
    if (result.outcome == Invalidation::kFailed) {
      throw seckit::environment_error(user, result.error,
                                      "run as the cache owner (AuthorizedKeysCommandUser) or root");
    }
    bool gone = result.outcome == Invalidation::kRemoved;
    ++(gone ? removed : not_cached);
    em.line(gone ? fmt::format("flushed {}", user) : fmt::format("{}: no cached answer", user));
  }
  return em.conclude(seckit::out::Conclusion{}, {{"flushed", removed}, {"not_cached", not_cached}});
}

}  // namespace sshkey_ldap
