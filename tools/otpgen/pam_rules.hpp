// One login of pam_google_authenticator, applied to a GA file held as the module holds it
// (GaBuffer). A pure function of the file, the entered text, the time and the module options:
// it returns the verdict and leaves in the buffer exactly the bytes the module writes back.
//
// Every rule below was inferred by running the real module (Debian libpam-google-authenticator
// 20191231, pamtester, a frozen clock from faketime) on two copies of one file; the scenario that
// showed each rule is named in brackets and replayed by tests/integration/otpgen/differential.sh.
//  1. RATE_LIMIT n m [ts...]: checked first, for every entered text (letters too). now joins the
//     list, which is sorted; stamps before now-m and after now are dropped; more than n left ->
//     the newest n are kept and the login fails. The line is rewritten "n m ts..." with single
//     spaces [rl sort/future/boundary, rl exceeded, malformed codes]. A malformed RATE_LIMIT
//     (n outside 1..100, m outside 1..3600, a non-number) fails every login, file unchanged [rl
//     bad].
//  2. What counts as a code: exactly 8 digits starting 1-9 (a scratch code), or exactly 6 digits.
//     Anything else fails with no change beyond RATE_LIMIT [7 digits, " 123456", "12 3456"].
//  3. Scratch codes first (GaBuffer's scan); a match is removed and logs in.
//  4. HOTP when HOTP_COUNTER's value, read like strtol ("5x" is 5, "abc" 0), is >= 1; then
//     TOTP_AUTH is ignored [HOTP 1 + TOTP_AUTH]. A 6-digit code is tried at counters
//     c..c+W-1; a match stores match+1, a miss c+1 unless no_increment_hotp [HOTP no_increment].
//     An 8-digit non-scratch code changes nothing.
//  5. TOTP when the file contains `" TOTP_AUTH` (and no HOTP_COUNTER >= 1): steps
//     T+skew-(W-1)/2 .. T+skew+W/2, T = now/STEP_SIZE, skew = TIME_SKEW (0 if unreadable).
//     With DISALLOW_REUSE: a matched step in the list fails; otherwise entries with
//     |entry - matched| >= W are deleted together with the blanks after them (the blanks before
//     stay: "a  b" spacing survives) and the matched step is appended [reuse prune spacing,
//     prune ref: match +1].
//  6. Skew learning (unless noskewadj), for a 6-digit TOTP code outside the window: steps T-i
//     and T+i for i = 0..1499 (whatever STEP_SIZE is) are searched, TIME_SKEW ignored; the first
//     match gives skew s. "T+s" joins RESETTING_TIME_SKEW (written "%d%+d", space separated,
//     the last three kept) unless it is the same step T+s as the last entry (then nothing is
//     written). Three entries whose T increase by 1 or 2 and whose skews differ by at most 1
//     set TIME_SKEW to their average (truncated toward zero), empty RESETTING_TIME_SKEW
//     (`" RESETTING_TIME_SKEW ` with its blank) and log in, without a DISALLOW_REUSE entry.
//     [skew fuzz, gap, same step twice, dedupe any, 4 entries, skew success with DISALLOW_REUSE]
//  7. Malformed WINDOW_SIZE (1..100), STEP_SIZE (1..60) or DISALLOW_REUSE entries fail the login
//     after RATE_LIMIT was recorded; scratch codes still work [rl + bad window].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ga_buffer.hpp"

namespace otpgen {

// The module options of the PAM line that change a verification.
struct PamOptions {
  bool noskewadj = false;
  bool no_increment_hotp = false;
  bool no_strict_owner = false;
  std::uint32_t allowed_perm = 0600;
  std::uint32_t grace_period = 0;  // accepted; no effect observed (see docs/otpgen.md)
  std::string user;                // user=NAME: whose file it must be
  std::vector<std::string> notes;  // options accepted but ignored (debug, ...)
};

// Parses the module's own words ("noskewadj", "allowed_perm=0640"); throws a usage error on
// anything else.
void apply_pam_option(PamOptions& options, const std::string& word);

enum class LoginResult {
  kValid,
  kWrongCode,
  kReused,
  kRateLimited,
  kMalformedCode,
  kNoOtpMode,
  kBadFile,  // an option the module cannot read: it refuses every code
};
std::string_view login_result_name(LoginResult result);

struct LoginOutcome {
  LoginResult result = LoginResult::kWrongCode;
  std::string method;                        // scratch-code | hotp | totp | skew-learned
  std::optional<std::int64_t> offset;        // steps or counters from the expected one
  std::optional<std::int64_t> matched_step;  // TOTP step or HOTP counter that matched
  std::optional<std::int64_t> skew_steps;    // the device's skew, when a far code matched
  bool updated = false;                      // the module rewrites the file (mode 0400)
  std::string explanation;
};

// The module's secret (first line): nothing when it cannot decode it (the module then refuses
// every login without touching the file).
std::optional<std::vector<std::uint8_t>> module_secret(const GaBuffer& file);

LoginOutcome module_login(GaBuffer& file, const std::vector<std::uint8_t>& secret,
                          std::string_view code, std::int64_t now, const PamOptions& options);

}  // namespace otpgen
