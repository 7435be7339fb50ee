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

#include "commands.hpp"
#include "helpers.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;

void log(int priority, const std::string& message) { ::syslog(priority, "%s", message.c_str()); }

// The per-user cache: one JSON file per user, named by the SHA-256 of the name so a hostile
// name never becomes a path. Written atomically; a damaged file is simply a miss.
struct CachedAnswer {
  std::int64_t fetched = 0;
  std::vector<std::string> lines;
};

std::string cache_path(const Config& config, const std::string& user) {
  auto digest =
      seckit::crypto::digest(seckit::crypto::Digest::kSha256, seckit::enc::as_bytes(user));
  return config.cache_dir + "/" + seckit::enc::hex_encode(digest) + ".json";
}

// The answer's age is the file's mtime: an unchanged answer is refreshed with utimensat()
// instead of a rewrite (atomic_write fsyncs file and directory, which would dominate the
// latency of every lookup).
std::optional<CachedAnswer> read_cache(const Config& config, const std::string& user) {
  if (config.cache_dir.empty()) return std::nullopt;
  try {
    std::string path = cache_path(config, user);
    auto json = Json::parse(seckit::fs::read_file(path, 1 << 20));
    if (json.at("user").get<std::string>() != user) return std::nullopt;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    CachedAnswer answer;
    answer.fetched = static_cast<std::int64_t>(st.st_mtime);
    for (const auto& line : json.at("lines")) answer.lines.push_back(line.get<std::string>());
    return answer;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void write_cache(const Config& config, const std::string& user,
                 const std::vector<std::string>& lines,
                 const std::optional<CachedAnswer>& previous) {
  if (config.cache_dir.empty()) return;
  std::string path = cache_path(config, user);
  if (previous && previous->lines == lines) {
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0) return;
  }
  try {
    ::mkdir(config.cache_dir.c_str(), 0700);
    Json json = {{"user", user}, {"lines", lines}};
    seckit::fs::WriteOptions options;
    options.mode = 0600;
    options.durable = false;  // a lost cache entry costs one LDAP lookup, an fsync every login
    seckit::fs::atomic_write(path, json.dump() + "\n", options);
  } catch (const std::exception& e) {
    log(LOG_WARNING, fmt::format("cannot write cache for {}: {}", user, e.what()));
  }
}

// After an outage, further lookups within kOutageBackoff go straight to the stale answer (when
// stale_ok) instead of waiting for the deadline again: sshd runs the command several times per
// login, and each wait would add up.
constexpr std::int64_t kOutageBackoff = 30;

std::string outage_path(const Config& config) { return config.cache_dir + "/outage"; }

std::optional<std::int64_t> recent_outage(const Config& config, std::int64_t now) {
  if (config.cache_dir.empty()) return std::nullopt;
  try {
    auto text = seckit::fs::read_file(outage_path(config), 64);
    std::int64_t when = std::stoll(text);
    if (when <= now && now - when < kOutageBackoff) return when;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

void record_outage(const Config& config, bool down) {
  if (config.cache_dir.empty()) return;
  try {
    if (!down) {
      ::unlink(outage_path(config).c_str());
      return;
    }
    ::mkdir(config.cache_dir.c_str(), 0700);
    seckit::fs::WriteOptions options;
    options.mode = 0600;
    seckit::fs::atomic_write(outage_path(config), std::to_string(std::time(nullptr)) + "\n",
                             options);
  } catch (const std::exception&) {
  }
}

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
  for (const auto& value : entries.front().values(config.key_attribute)) {
    if (auto problem = check_key_value(value)) {
      fetched.rejected.push_back(fmt::format("{}: {}", entries.front().dn, *problem));
      continue;
    }
    if (sshkey::is_blank_or_comment(value)) continue;
    auto key = sshkey::parse_authorized_key_line(value);
    if (!key) {
      fetched.rejected.push_back(fmt::format("{}: {}", entries.front().dn, key.error().message));
      continue;
    }
    fetched.lines.push_back(key->line());
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

std::optional<sshkey::Buffer> offered_key_blob(const std::vector<std::string>& extra) {
  // sshd expands "%f %t %k" to fingerprint, type and base64 key; only the key is needed.
  if (extra.size() < 3) return std::nullopt;
  auto blob = seckit::enc::base64_decode(extra[2]);
  if (!blob) return std::nullopt;
  return *blob;
}

}  // namespace

void check_user_name(const std::string& user) {
  if (user.empty()) throw seckit::input_error("user", "empty user name");
  if (user.size() > 256) throw seckit::input_error("user", "user name longer than 256 bytes");
  for (char c : user) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      throw seckit::input_error("user", "user name contains a control character or NUL");
    }
  }
}

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
  auto& em = ctx.tool.emitter();
  em.begin({{"user", user}});
  std::size_t printed_total = 0;
  std::string served_from = "none";
  auto finish = [&](int code) {
    return em.summary(code, {{"keys", printed_total}, {"source", served_from}});
  };
  auto print = [&](const std::vector<std::string>& lines, const std::string& source) {
    std::size_t printed = 0;
    for (const auto& line : lines) {
      auto key = sshkey::parse_authorized_key_line(line);
      if (!key) continue;  // never hand sshd a line we could not parse ourselves
      if (offered && key->key.blob != *offered) continue;
      if (ctx.tool.common().json) {
        Json j = key_json(*key);
        j["user"] = user;
        j["line"] = key->line();
        j["source"] = source;
        ctx.tool.emitter().record("key", j);
      } else {
        ctx.tool.emitter().line(key->line());
      }
      ++printed;
    }
    printed_total = printed;
    served_from = source;
    log(LOG_INFO, fmt::format("authorized-keys {}: {} key(s) from {}", user, printed, source));
  };

  auto cached = read_cache(config, user);
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (cached && config.cache_ttl.count() > 0 && now >= cached->fetched &&
      now - cached->fetched < config.cache_ttl.count()) {
    print(cached->lines, "cache");
    return finish(seckit::kExitOk);
  }

  if (config.stale_ok && cached) {
    if (auto when = recent_outage(config, now)) {
      log(LOG_WARNING, fmt::format("authorized-keys {}: LDAP was unavailable at {}; serving the "
                                   "cached answer without asking again for {} s",
                                   user, seckit::out::rfc3339(*when), kOutageBackoff));
      ctx.tool.warn(user, "LDAP was unavailable moments ago, serving the cached answer");
      print(cached->lines, "stale-cache");
      return finish(seckit::kExitOk);
    }
  }

  auto outcome = fetch_with_deadline(config, user);
  bool timed_out = !outcome.has_value();
  if (outcome && outcome->ok) {
    for (const auto& r : outcome->fetched.rejected) {
      log(LOG_WARNING, fmt::format("authorized-keys {}: ignored value: {}", user, r));
      ctx.tool.warn(user, "ignored value: " + r);
    }
    write_cache(config, user, outcome->fetched.lines, cached);
    record_outage(config, false);
    print(outcome->fetched.lines, "ldap");
    return finish(seckit::kExitOk);
  }
  std::string reason =
      timed_out ? fmt::format("no answer within the deadline of {} ms", config.timeout.count())
                : outcome->error;
  int code = timed_out ? seckit::kExitEnvironment : outcome->code;
  // Only an unreachable directory may be answered from the stale cache; an answer the
  // directory gave (ambiguous user) stands.
  bool outage = timed_out || (code == seckit::kExitEnvironment &&
                              reason.find("refusing to choose") == std::string::npos);
  if (outage) record_outage(config, true);
  if (outage && config.stale_ok && cached) {
    log(LOG_WARNING, fmt::format("authorized-keys {}: LDAP unavailable ({}); serving the cached "
                                 "answer from {}",
                                 user, reason, seckit::out::rfc3339(cached->fetched)));
    ctx.tool.warn(user, "LDAP unavailable, serving the cached answer: " + reason);
    print(cached->lines, "stale-cache");
    code = seckit::kExitOk;
  } else {
    log(LOG_ERR, fmt::format("authorized-keys {}: {}", user, reason));
    ctx.tool.error("ldap", reason);
  }
  if (timed_out) {
    // The worker thread may still be blocked inside libldap; leave without unwinding it.
    finish(code);
    ctx.tool.out().flush();
    std::cout.flush();
    std::_Exit(code);
  }
  return finish(code);
}

}  // namespace sshkey_ldap
