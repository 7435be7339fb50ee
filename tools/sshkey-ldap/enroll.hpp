// Pieces shared by the enrollment commands (add, remove, import) and check: reading key text,
// the policy's refusals, writing keys to an entry, and forgetting the cached answers they change.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "seckit/ldap.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

inline constexpr std::size_t kMaxKeyFile = 1 << 20;

// A file, or stdin for "-", at most kMaxKeyFile bytes.
std::string read_input(const std::string& path);

// Why the policy refuses to enroll a key, or nothing.
std::optional<std::string> enroll_refusal(const Policy& policy, const sshkey::AuthorizedKey& key);

struct Candidate {
  std::string origin;  // "file:line"
  sshkey::AuthorizedKey key;
};

// `cut_short`: the line is the last one, has no line break and does not parse -- the input
// looks truncated rather than wrong.
using LineErrorHandler =
    std::function<void(const std::string& where, const std::string& message, bool cut_short)>;

// True when `text` ends without a line break (its last line may be cut short).
bool ends_without_newline(const std::string& text);

// Parses key text (a .pub file, an authorized_keys file, one JSON "key" value). Errors are
// reported through `on_error` with their origin; nothing is thrown for a bad line.
void parse_key_text(const std::string& text, const std::string& origin, const Policy& policy,
                    std::vector<Candidate>& out, const LineErrorHandler& on_error,
                    bool numbered = true);

struct EnrollResult {
  std::string dn;
  std::vector<const Candidate*> added, present;
};

// Adds the keys USER's entry does not hold yet (compared by blob); throws input_error when no
// or several entries match enroll_filter.
EnrollResult enroll(seckit::ldap::Connection& connection, const Config& config,
                    const std::string& user, const std::vector<Candidate>& keys, bool dry_run);
void report_enrollment(Context& ctx, const std::string& user, const EnrollResult& result,
                       bool dry_run);

// After USER's keys changed: removes USER's cached authorized-keys answer on this host so the
// next login asks LDAP; warns (with the fix) when the cache file cannot be removed.
void invalidate_after_change(Context& ctx, const std::string& user);

// Findings of these commands: a JSON record, or a "severity code: message" line.
void emit_finding(Context& ctx, const seckit::out::Finding& finding);

}  // namespace sshkey_ldap
