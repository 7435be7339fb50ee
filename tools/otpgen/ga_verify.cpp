#include "ga_verify.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "otp.hpp"

namespace otpgen {
namespace {

bool all_digits(std::string_view code) {
  return !code.empty() &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The device's skew in steps if the code matches anywhere within a day of now, else nothing.
std::optional<std::int64_t> find_skew(const GaFile& file, std::string_view code, std::int64_t now) {
  const std::int64_t step = file.step();
  const std::int64_t tm = now / step + file.time_skew.value_or(0);
  const std::int64_t radius = kSkewSearchSeconds / step;
  const OtpKey key(Digest::kSha1, file.secret);
  for (std::int64_t distance = 0; distance <= radius; ++distance) {
    for (std::int64_t candidate : {tm - distance, tm + distance}) {
      if (candidate < 0) continue;
      if (key.code(static_cast<std::uint64_t>(candidate), 6) == code) {
        return candidate - now / step;
      }
      if (distance == 0) break;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view verdict_name(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::kValid:
      return "valid";
    case VerifyVerdict::kWrongCode:
      return "wrong-code";
    case VerifyVerdict::kReused:
      return "reused";
    case VerifyVerdict::kRateLimited:
      return "rate-limited";
    case VerifyVerdict::kMalformedCode:
      return "malformed-code";
    case VerifyVerdict::kNoOtpMode:
      return "no-otp-mode";
  }
  return "wrong-code";
}

VerifyOutcome verify_ga(GaFile& file, std::string_view code, std::int64_t now) {
  VerifyOutcome outcome;

  if (file.rate_limit) {
    auto& limit = *file.rate_limit;
    std::vector<std::int64_t> kept;
    for (auto ts : limit.timestamps) {
      if (ts >= now - static_cast<std::int64_t>(limit.seconds) && ts <= now) kept.push_back(ts);
    }
    kept.push_back(now);
    bool limited = kept.size() > limit.attempts;
    if (limited) kept.erase(kept.begin(), kept.end() - limit.attempts);
    limit.timestamps = std::move(kept);
    outcome.state_changed = true;
    if (limited) {
      outcome.verdict = VerifyVerdict::kRateLimited;
      outcome.explanation = fmt::format("rate limited: more than {} attempts within {} seconds",
                                        limit.attempts, limit.seconds);
      return outcome;
    }
  }

  if (!all_digits(code)) {
    outcome.verdict = VerifyVerdict::kMalformedCode;
    outcome.explanation = "the code is not a string of digits";
  } else if (code.size() == 8) {
    auto it = std::find(file.scratch_codes.begin(), file.scratch_codes.end(), code);
    if (it != file.scratch_codes.end()) {
      file.scratch_codes.erase(it);
      outcome.verdict = VerifyVerdict::kValid;
      outcome.method = "scratch-code";
      outcome.state_changed = true;
      outcome.explanation = fmt::format("emergency scratch code accepted and removed ({} left)",
                                        file.scratch_codes.size());
      return outcome;
    }
  }

  if (file.is_hotp()) {
    // The module only spends a counter value on a 6-digit code that it actually compared:
    // malformed input and other lengths leave HOTP_COUNTER alone (observed on the real module).
    if (outcome.verdict == VerifyVerdict::kMalformedCode) return outcome;
    const std::uint64_t counter = *file.hotp_counter;
    if (code.size() != 6) {
      outcome.verdict = VerifyVerdict::kWrongCode;
      outcome.explanation = code.size() == 8 ? "not one of the emergency scratch codes"
                                             : "pam_google_authenticator codes have 6 digits";
      return outcome;
    }
    const OtpKey key(Digest::kSha1, file.secret);
    for (std::uint32_t i = 0; i < file.window(); ++i) {
      if (key.code(counter + i, 6) == code) {
        file.hotp_counter = counter + i + 1;
        outcome.verdict = VerifyVerdict::kValid;
        outcome.method = "hotp";
        outcome.offset = i;
        outcome.matched_step = static_cast<std::int64_t>(counter + i);
        outcome.state_changed = true;
        outcome.explanation = fmt::format("HOTP code for counter {} accepted", counter + i);
        return outcome;
      }
    }
    // A failed HOTP attempt still consumes a counter value, as the module does by default.
    file.hotp_counter = counter + 1;
    outcome.state_changed = true;
    outcome.verdict = VerifyVerdict::kWrongCode;
    outcome.explanation =
        fmt::format("no HOTP code for counters {}..{} matches; the counter advances to {}", counter,
                    counter + file.window() - 1, counter + 1);
    return outcome;
  }

  if (!file.is_totp()) {
    if (outcome.verdict != VerifyVerdict::kMalformedCode) {
      outcome.verdict = VerifyVerdict::kNoOtpMode;
      outcome.explanation = "neither TOTP_AUTH nor HOTP_COUNTER is set: only scratch codes work";
    }
    return outcome;
  }
  if (outcome.verdict == VerifyVerdict::kMalformedCode) return outcome;
  if (code.size() != 6) {
    outcome.verdict = VerifyVerdict::kWrongCode;
    outcome.explanation = code.size() == 8 ? "not one of the emergency scratch codes"
                                           : "pam_google_authenticator codes have 6 digits";
    return outcome;
  }

  const std::int64_t step = file.step();
  const std::int64_t window = file.window();
  const std::int64_t tm = now / step + file.time_skew.value_or(0);
  for (std::int64_t offset = -((window - 1) / 2); offset <= window / 2; ++offset) {
    const std::int64_t candidate = tm + offset;
    if (candidate < 0) continue;
    if (hotp(Digest::kSha1, file.secret, static_cast<std::uint64_t>(candidate), 6) != code) {
      continue;
    }
    outcome.offset = offset;
    outcome.matched_step = candidate;
    if (file.disallow_reuse) {
      if (std::find(file.used_steps.begin(), file.used_steps.end(), candidate) !=
          file.used_steps.end()) {
        outcome.verdict = VerifyVerdict::kReused;
        outcome.explanation =
            fmt::format("the code of time step {} was already used (DISALLOW_REUSE)", candidate);
        return outcome;
      }
      std::vector<std::int64_t> kept;
      for (auto used : file.used_steps) {
        if (used > tm - window && used < tm + window) kept.push_back(used);
      }
      kept.push_back(candidate);
      file.used_steps = std::move(kept);
      outcome.state_changed = true;
    }
    outcome.verdict = VerifyVerdict::kValid;
    outcome.method = "totp";
    outcome.explanation =
        offset == 0 ? "TOTP code accepted" : fmt::format("TOTP code accepted ({:+} steps)", offset);
    return outcome;
  }
  outcome.verdict = VerifyVerdict::kWrongCode;
  outcome.skew_steps = find_skew(file, code, now);
  if (outcome.skew_steps) {
    outcome.explanation = fmt::format(
        "the code belongs to a time {:+} steps ({:+} s) away: clock skew of {} steps detected, "
        "outside the window of {}",
        *outcome.skew_steps, *outcome.skew_steps * step, *outcome.skew_steps, window);
  } else {
    outcome.explanation = "wrong code (no match within a day of now)";
  }
  return outcome;
}

seckit::out::Json outcome_json(const VerifyOutcome& outcome) {
  seckit::out::Json j;
  j["valid"] = outcome.verdict == VerifyVerdict::kValid;
  j["verdict"] = verdict_name(outcome.verdict);
  if (!outcome.method.empty()) j["method"] = outcome.method;
  if (outcome.offset) j["offset"] = *outcome.offset;
  if (outcome.matched_step) j["matched_step"] = *outcome.matched_step;
  if (outcome.skew_steps) j["skew_steps"] = *outcome.skew_steps;
  j["explanation"] = outcome.explanation;
  return j;
}

}  // namespace otpgen
