// The per-user answer cache of authorized-keys: one JSON file per user under cache_dir, named
// by the SHA-256 of the name so a hostile name never becomes a path. An answer's age is the
// file's mtime. add/remove/import invalidate the users they change on the host they run on;
// `cache flush` does it by hand (like sss_cache -u) for other hosts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"

namespace sshkey_ldap {

struct CachedAnswer {
  std::int64_t fetched = 0;  // unix time of the last answer LDAP gave (mtime)
  std::vector<std::string> lines;
};

std::string cache_path(const Config& config, const std::string& user);
// A missing, damaged or foreign file is simply a miss.
std::optional<CachedAnswer> read_cache(const Config& config, const std::string& user);
// Writes the answer (or only refreshes its mtime when it did not change); failures are logged.
void write_cache(const Config& config, const std::string& user,
                 const std::vector<std::string>& lines,
                 const std::optional<CachedAnswer>& previous);

// After an outage, lookups within kOutageBackoff seconds go straight to the stale answer (when
// stale_ok) instead of waiting for the deadline again: sshd runs the command several times per
// login, and each wait would add up.
inline constexpr std::int64_t kOutageBackoff = 30;
std::optional<std::int64_t> recent_outage(const Config& config, std::int64_t now);
void record_outage(const Config& config, bool down);

enum class Invalidation { kRemoved, kNotCached, kFailed };
struct InvalidationResult {
  Invalidation outcome = Invalidation::kNotCached;
  std::string error;  // why the file could not be removed (kFailed)
};
// Removes USER's cached answer so the next lookup asks LDAP.
InvalidationResult invalidate_cached_answer(const Config& config, const std::string& user);
// Removes every cached answer and the outage marker; returns how many answers were removed,
// throws environment_error when the directory cannot be read or a file cannot be removed.
std::size_t flush_cache(const Config& config);

// "45 s", "12 min", "30 h 5 min", "2 d 4 h": an answer's age for people (hours below 2 days).
std::string describe_age(std::int64_t seconds);

}  // namespace sshkey_ldap
