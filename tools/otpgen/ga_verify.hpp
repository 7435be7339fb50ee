// pam_google_authenticator's verification semantics, applied to a parsed GA file. A pure
// function: it takes the file state, the entered code and the time, and returns the verdict and
// the new state. The caller decides whether the state is written (not under --dry-run).
//
// The rules, established by experiment against the real module (see tests/integration/otpgen):
//  1. RATE_LIMIT n m: timestamps outside [now-m, now] are dropped, now is appended; with more
//     than n left the oldest are dropped down to n and the attempt fails (even a right code).
//  2. Scratch codes (8 digits) are tried first; a match is removed from the file.
//  3. HOTP when HOTP_COUNTER exists (it wins over TOTP_AUTH): for a 6-digit code, counters
//     c..c+W-1 are tried; a match sets the counter to match+1, a failure to c+1 (other input
//     leaves it alone).
//  4. TOTP: steps T+skew-((W-1)/2) .. T+skew+W/2; with DISALLOW_REUSE a matched step already in
//     the list fails, otherwise the list keeps entries within W steps and gains the match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ga_file.hpp"
#include "seckit/out.hpp"

namespace otpgen {

enum class VerifyVerdict {
  kValid,
  kWrongCode,
  kReused,
  kRateLimited,
  kMalformedCode,
  kNoOtpMode,
};

std::string_view verdict_name(VerifyVerdict verdict);  // "valid", "wrong-code", ...

struct VerifyOutcome {
  VerifyVerdict verdict = VerifyVerdict::kWrongCode;
  std::string method;                  // "scratch-code" | "totp" | "hotp" (on success)
  std::optional<std::int64_t> offset;  // steps (TOTP) or counters (HOTP) from the expected one
  std::optional<std::int64_t> matched_step;  // TOTP step or HOTP counter that matched
  // The code matches far outside the window: the device clock is off by this many steps.
  std::optional<std::int64_t> skew_steps;
  bool state_changed = false;
  std::string explanation;  // one sentence for people
};

// Search radius for the skew explanation: the module looks up to a day either way; so do we.
inline constexpr std::int64_t kSkewSearchSeconds = std::int64_t{25} * 3600;

VerifyOutcome verify_ga(GaFile& file, std::string_view code, std::int64_t now);

seckit::out::Json outcome_json(const VerifyOutcome& outcome);

}  // namespace otpgen
