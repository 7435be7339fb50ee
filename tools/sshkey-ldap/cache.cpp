#include "cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "seckit/digest.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"
#include "seckit/out.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;

std::string outage_path(const Config& config) { return config.cache_dir + "/outage"; }

bool is_answer_file(const std::string& name) {
  if (name.size() != 64 + 5 || name.compare(64, 5, ".json") != 0) return false;
  return name.find_first_not_of("0123456789abcdef") == 64;
}

}  // namespace

std::string cache_path(const Config& config, const std::string& user) {
  auto digest =
      seckit::crypto::small_digest(seckit::crypto::Digest::kSha256, seckit::enc::as_bytes(user));
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
    ::syslog(LOG_WARNING, "cannot write cache for %s: %s", user.c_str(), e.what());
  }
}

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

InvalidationResult invalidate_cached_answer(const Config& config, const std::string& user) {
  if (config.cache_dir.empty()) return {};
  std::string path = cache_path(config, user);
  if (::unlink(path.c_str()) == 0) return {Invalidation::kRemoved, {}};
  if (errno == ENOENT || errno == ENOTDIR) return {};
  return {Invalidation::kFailed, fmt::format("cannot remove {}: {}", path, std::strerror(errno))};
}

std::size_t flush_cache(const Config& config) {
  if (config.cache_dir.empty()) return 0;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(config.cache_dir.c_str()), ::closedir);
  if (!dir) {
    if (errno == ENOENT) return 0;
    throw seckit::environment_error(config.cache_dir, std::strerror(errno),
                                    "run as the cache owner (AuthorizedKeysCommandUser) or root");
  }
  std::size_t removed = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (!is_answer_file(name)) continue;
    std::string path = config.cache_dir + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw seckit::environment_error(path, std::strerror(errno),
                                      "run as the cache owner (AuthorizedKeysCommandUser) or root");
    }
    ++removed;
  }
  ::unlink(outage_path(config).c_str());
  return removed;
}

std::string describe_age(std::int64_t seconds) {
  constexpr std::int64_t kDay = 86400;
  if (seconds < 0) seconds = 0;
  if (seconds < 60) return fmt::format("{} s", seconds);
  if (seconds < 3600) return fmt::format("{} min", seconds / 60);
  if (seconds <= 2 * kDay) {  // "30 h" reads better than "1 d 6 h" next to "stale_max 24 h"
    auto minutes = (seconds % 3600) / 60;
    return minutes ? fmt::format("{} h {} min", seconds / 3600, minutes)
                   : fmt::format("{} h", seconds / 3600);
  }
  auto hours = (seconds % kDay) / 3600;
  return hours ? fmt::format("{} d {} h", seconds / kDay, hours)
               : fmt::format("{} d", seconds / kDay);
}

}  // namespace sshkey_ldap
