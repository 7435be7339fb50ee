#include "pam_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "ga_buffer.hpp"
#include "ga_file.hpp"
#include "otp.hpp"
#include "seckit/error.hpp"

namespace otpgen {
namespace {

// How far the module looks for a far code: 1500 steps either way, whatever STEP_SIZE is
// ([range: +1499, +1500 steps] and [step 60: range]).
constexpr std::int64_t kSkewSearchSteps = 1500;

// strtol/strtoul over a value: leading blanks, a sign, digits. `end` is where parsing stopped
// (0 when nothing was read, like endptr == ptr).
struct Number {
  std::int64_t value = 0;
  std::size_t end = 0;
  bool read = false;
};
Number c_number(std::string_view text, std::size_t pos = 0) {
  Number n;
  std::size_t i = pos;
  while (i < text.size() && (is_blank(text[i]) || (text[i] >= '\n' && text[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::size_t digits = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n.value < (std::int64_t{1} << 40)) {
    n.value = n.value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits) return Number{0, pos, false};
  if (negative) n.value = -n.value;
  n.end = i;
  n.read = true;
  return n;
}

bool ends_option_number(std::string_view text, std::size_t end) {
  return end >= text.size() || is_blank(text[end]) || text[end] == '\r' || text[end] == '\n';
}

// WINDOW_SIZE / STEP_SIZE: default when absent, nothing when the module rejects the value.
std::optional<std::int64_t> bounded_option(const GaBuffer& file, std::string_view key,
                                           std::int64_t fallback, std::int64_t max) {
  auto value = file.value(key);
  if (!value) return fallback;
  Number n = c_number(*value);
  if (!n.read || !ends_option_number(*value, n.end) || n.value < 1 || n.value > max) {
    return std::nullopt;
  }
  return n.value;
}

struct RateLimitCheck {
  bool bad = false, exceeded = false;
};

RateLimitCheck apply_rate_limit(GaBuffer& file, std::int64_t now, LoginOutcome& outcome) {
  auto value = file.value("RATE_LIMIT");
  if (!value) return {};
  const std::string& text = *value;
  Number attempts = c_number(text);
  if (!attempts.read || attempts.value < 1 || attempts.value > 100 || attempts.end >= text.size() ||
      !is_blank(text[attempts.end])) {
    return {true, false};
  }
  Number interval = c_number(text, attempts.end);
  if (!interval.read || interval.value < 1 || interval.value > 3600) return {true, false};
  std::vector<std::uint32_t> stamps{static_cast<std::uint32_t>(now)};
  for (std::size_t pos = interval.end; pos < text.size();) {
    if (!is_blank(text[pos])) return {true, false};
    Number stamp = c_number(text, pos);
    if (!stamp.read) return {true, false};
    stamps.push_back(static_cast<std::uint32_t>(stamp.value));
    pos = stamp.end;
  }
  std::sort(stamps.begin(), stamps.end());
  const auto now32 = static_cast<std::uint32_t>(now);
  std::vector<std::uint32_t> kept;
  for (auto stamp : stamps) {
    if (stamp < now32 - static_cast<std::uint32_t>(interval.value)) continue;
    if (stamp > now32) break;
    kept.push_back(stamp);
  }
  RateLimitCheck check;
  if (kept.size() > static_cast<std::size_t>(attempts.value)) {
    check.exceeded = true;
    kept.erase(kept.begin(), kept.end() - attempts.value);
  }
  std::string line = fmt::format("{} {}", attempts.value, interval.value);
  for (auto stamp : kept) line += fmt::format(" {}", stamp);
  file.set("RATE_LIMIT", line);
  outcome.updated = true;
  return check;
}

LoginOutcome& finish(LoginOutcome& outcome, LoginResult result, std::string explanation) {
  outcome.result = result;
  outcome.explanation = std::move(explanation);
  return outcome;
}

int code_value(std::string_view code) { return std::atoi(std::string(code).c_str()); }

LoginOutcome hotp_login(GaBuffer& file, const OtpKey& key, std::int64_t counter,
                        std::string_view code, const PamOptions& options, LoginOutcome outcome) {
  if (code.size() != 6) {
    return finish(outcome, LoginResult::kWrongCode, "not one of the emergency scratch codes");
  }
  auto window = bounded_option(file, "WINDOW_SIZE", 3, 100);
  if (!window) return finish(outcome, LoginResult::kBadFile, "WINDOW_SIZE is not 1..100");
  const auto want = static_cast<std::uint32_t>(code_value(code));
  for (std::int64_t i = 0; i < *window; ++i) {
    if (key.truncated_value(static_cast<std::uint64_t>(counter + i)) % 1000000 != want) continue;
    file.set("HOTP_COUNTER", std::to_string(counter + i + 1));
    outcome.updated = true;
    outcome.method = "hotp";
    outcome.offset = i;
    outcome.matched_step = counter + i;
    return finish(outcome, LoginResult::kValid,
                  fmt::format("HOTP code for counter {} accepted", counter + i));
  }
  std::string explanation =
      fmt::format("no HOTP code for counters {}..{} matches", counter, counter + *window - 1);
  if (!options.no_increment_hotp) {
    file.set("HOTP_COUNTER", std::to_string(counter + 1));
    outcome.updated = true;
    explanation += fmt::format("; the counter advances to {}", counter + 1);
  }
  return finish(outcome, LoginResult::kWrongCode, explanation);
}

// DISALLOW_REUSE for a matched step: nothing if the option is absent, false when reused.
std::optional<bool> record_step(GaBuffer& file, std::int64_t matched, std::int64_t window,
                                LoginOutcome& outcome) {
  auto value = file.value("DISALLOW_REUSE");
  if (!value) return true;
  std::string list = *value;
  for (std::size_t pos = 0;;) {
    while (pos < list.size() && is_blank(list[pos])) ++pos;
    if (pos >= list.size()) break;
    Number blocked = c_number(list, pos);
    if (!blocked.read || !ends_option_number(list, blocked.end)) return std::nullopt;
    const auto step = static_cast<std::int64_t>(static_cast<std::int32_t>(blocked.value));
    if (step == matched) return false;
    if (std::llabs(step - matched) >= window) {
      std::size_t next = blocked.end;
      while (next < list.size() && is_blank(list[next])) ++next;
      list.erase(pos, next - pos);
    } else {
      pos = blocked.end;
    }
  }
  list += (list.empty() ? "" : " ") + std::to_string(matched);
  file.set("DISALLOW_REUSE", list);
  outcome.updated = true;
  return true;
}

struct SkewEntry {
  std::int64_t step = 0, skew = 0;
};

std::vector<SkewEntry> resetting_entries(const GaBuffer& file) {
  std::vector<SkewEntry> entries;
  auto value = file.value("RESETTING_TIME_SKEW");
  if (!value) return entries;
  const std::string& text = *value;
  for (std::size_t pos = 0;;) {
    while (pos < text.size() && is_blank(text[pos])) ++pos;
    if (pos >= text.size()) break;
    Number step = c_number(text, pos);
    if (!step.read || step.end >= text.size() || (text[step.end] != '+' && text[step.end] != '-')) {
      return {};  // an unreadable list is started afresh [bad resetting list]
    }
    Number skew = c_number(text, step.end);
    if (!skew.read) return {};
    entries.push_back({step.value, skew.value});
    pos = skew.end;
  }
  return entries;
}

LoginOutcome learn_skew(GaBuffer& file, std::int64_t tm, std::int64_t skew, LoginOutcome outcome) {
  outcome.skew_steps = skew;
  auto entries = resetting_entries(file);
  if (!entries.empty() && entries.back().step + entries.back().skew == tm + skew) {
    return finish(outcome, LoginResult::kWrongCode,
                  "the same far code again: the module does not count it twice");
  }
  entries.push_back({tm, skew});
  if (entries.size() > 3) entries.erase(entries.begin(), entries.end() - 3);
  bool consistent = entries.size() == 3;
  for (std::size_t i = 1; consistent && i < entries.size(); ++i) {
    consistent =
        entries[i].step > entries[i - 1].step && entries[i].step <= entries[i - 1].step + 2;
  }
  if (consistent) {
    auto [lo, hi] = std::minmax_element(entries.begin(), entries.end(),
                                        [](auto& a, auto& b) { return a.skew < b.skew; });
    consistent = hi->skew - lo->skew <= 1;
  }
  std::string list;
  if (consistent) {
    const std::int64_t average = (entries[0].skew + entries[1].skew + entries[2].skew) / 3;
    file.set("TIME_SKEW", std::to_string(average));
  } else {
    for (const auto& e : entries)
      list += fmt::format("{}{}{:+}", list.empty() ? "" : " ", e.step, e.skew);
  }
  file.set("RESETTING_TIME_SKEW", list);
  outcome.updated = true;
  if (!consistent) {
    return finish(
        outcome, LoginResult::kWrongCode,
        fmt::format("the code belongs to a time {:+} steps away (clock skew of {} steps): the "
                    "module records the skew ({} of 3 consecutive codes)",
                    skew, skew, entries.size()));
  }
  outcome.method = "skew-learned";
  return finish(outcome, LoginResult::kValid,
                fmt::format("third consecutive code with a clock skew of {} steps: TIME_SKEW "
                            "learned, login accepted",
                            skew));
}

// The first step T-i or T+i (i = 0, 1, ...) whose code matches, as the module searches.
std::optional<std::int64_t> far_match(const OtpKey& key, std::int64_t tm, std::uint32_t want) {
  for (std::int64_t i = 0; i < kSkewSearchSteps; ++i) {
    for (std::int64_t candidate : {tm - i, tm + i}) {
      if (candidate >= 0 &&
          key.truncated_value(static_cast<std::uint64_t>(candidate)) % 1000000 == want) {
        return candidate - tm;
      }
    }
  }
  return std::nullopt;
}

LoginOutcome totp_login(GaBuffer& file, const OtpKey& key, std::string_view code, std::int64_t now,
                        const PamOptions& options, LoginOutcome outcome) {
  if (code.size() != 6) {
    return finish(outcome, LoginResult::kWrongCode, "not one of the emergency scratch codes");
  }
  auto step = bounded_option(file, "STEP_SIZE", 30, 60);
  auto window = bounded_option(file, "WINDOW_SIZE", 3, 100);
  if (!step || !window) {
    return finish(outcome, LoginResult::kBadFile,
                  !step ? "STEP_SIZE is not 1..60" : "WINDOW_SIZE is not 1..100");
  }
  const std::int64_t tm = now / *step;
  std::int64_t skew = 0;
  if (auto value = file.value("TIME_SKEW")) {
    Number n = c_number(*value);
    if (n.read && ends_option_number(*value, n.end)) skew = n.value;
  }
  const auto want = static_cast<std::uint32_t>(code_value(code));
  for (std::int64_t i = -((*window - 1) / 2); i <= *window / 2; ++i) {
    const std::int64_t candidate = tm + skew + i;
    if (candidate < 0 ||
        key.truncated_value(static_cast<std::uint64_t>(candidate)) % 1000000 != want) {
      continue;
    }
    outcome.offset = i;
    outcome.matched_step = candidate;
    auto recorded = record_step(file, candidate, *window, outcome);
    if (!recorded) return finish(outcome, LoginResult::kBadFile, "DISALLOW_REUSE has a non-number");
    if (!*recorded) {
      return finish(
          outcome, LoginResult::kReused,
          fmt::format("the code of time step {} was already used (DISALLOW_REUSE)", candidate));
    }
    outcome.method = "totp";
    return finish(
        outcome, LoginResult::kValid,
        i == 0 ? "TOTP code accepted" : fmt::format("TOTP code accepted ({:+} steps)", i));
  }
  auto far = far_match(key, tm, want);
  if (far && !options.noskewadj) return learn_skew(file, tm, *far, outcome);
  outcome.skew_steps = far;
  return finish(outcome, LoginResult::kWrongCode,
                far ? fmt::format("the code belongs to a time {:+} steps away (clock skew of {} "
                                  "steps; noskewadj: not learned)",
                                  *far, *far)
                    : "wrong code (no match within 1500 steps of now)");
}

}  // namespace

std::string_view login_result_name(LoginResult result) {
  switch (result) {
    case LoginResult::kValid:
      return "valid";
    case LoginResult::kWrongCode:
      return "wrong-code";
    case LoginResult::kReused:
      return "reused";
    case LoginResult::kRateLimited:
      return "rate-limited";
    case LoginResult::kMalformedCode:
      return "malformed-code";
    case LoginResult::kNoOtpMode:
      return "no-otp-mode";
    case LoginResult::kBadFile:
      return "bad-file";
  }
  return "wrong-code";
}

void apply_pam_option(PamOptions& options, const std::string& word) {
  auto eq = word.find('=');
  const std::string name = word.substr(0, eq);
  const std::string arg = eq == std::string::npos ? "" : word.substr(eq + 1);
  auto number = [&](int base) {
    char* end = nullptr;
    long value = std::strtol(arg.c_str(), &end, base);  // NOLINT(google-runtime-int)
    if (arg.empty() || *end != '\0' || value < 0) {
      throw seckit::usage_error(fmt::format("--pam-option {}: '{}' is not a number", name, arg));
    }
    return value;
  };
  if (word == "noskewadj") {
    options.noskewadj = true;
  } else if (word == "no_increment_hotp") {
    options.no_increment_hotp = true;
  } else if (word == "no_strict_owner") {
    options.no_strict_owner = true;
  } else if (name == "allowed_perm" && eq != std::string::npos) {
    options.allowed_perm = static_cast<std::uint32_t>(number(8) & 0777);
  } else if (name == "grace_period" && eq != std::string::npos) {
    options.grace_period = static_cast<std::uint32_t>(number(10));
    options.notes.push_back(
        "grace_period: no effect on the verification (the module tested wrote no login record)");
  } else if (name == "user" && eq != std::string::npos && !arg.empty()) {
    options.user = arg;
  } else if (word == "debug" || word == "nullok" || word == "echo_verification_code" ||
             word == "try_first_pass" || word == "use_first_pass" || word == "forward_pass" ||
             word == "allow_readonly" || name == "secret" || name == "authtok_prompt") {
    options.notes.push_back(name + ": ignored (it does not change how a code is verified)");
  } else {
    throw seckit::usage_error(fmt::format("--pam-option: unknown module option '{}'", word),
                              "see pam_google_authenticator(8)");
  }
}

std::optional<std::vector<std::uint8_t>> module_secret(const GaBuffer& file) {
  auto secret = decode_module_base32(file.secret_line());
  if (!secret || secret->empty()) return std::nullopt;
  return std::move(*secret);
}

LoginOutcome module_login(GaBuffer& file, const std::vector<std::uint8_t>& secret,
                          std::string_view code, std::int64_t now, const PamOptions& options) {
  LoginOutcome outcome;
  RateLimitCheck limit = apply_rate_limit(file, now, outcome);
  if (limit.bad) return finish(outcome, LoginResult::kBadFile, "RATE_LIMIT is malformed");
  if (limit.exceeded)
    return finish(outcome, LoginResult::kRateLimited, "too many login attempts (RATE_LIMIT)");
  const bool digits = !code.empty() && std::all_of(code.begin(), code.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  const bool scratch_form = digits && code.size() == 8 && code[0] != '0';
  if (!digits || (code.size() != 6 && !scratch_form)) {
    return finish(outcome, LoginResult::kMalformedCode,
                  "the module takes 6 digits or an 8-digit scratch code; this is neither");
  }
  if (scratch_form && file.use_scratch_code(static_cast<std::uint32_t>(code_value(code)))) {
    outcome.updated = true;
    outcome.method = "scratch-code";
    return finish(outcome, LoginResult::kValid,
                  fmt::format("emergency scratch code accepted and removed ({} left)",
                              file.scratch_code_count()));
  }
  const OtpKey key(Digest::kSha1, secret);
  std::int64_t counter = 0;
  if (auto value = file.value("HOTP_COUNTER")) counter = c_number(*value).value;
  if (counter >= 1) return hotp_login(file, key, counter, code, options, outcome);
  if (file.has_totp_auth()) return totp_login(file, key, code, now, options, outcome);
  return finish(outcome, LoginResult::kNoOtpMode,
                "neither TOTP_AUTH nor HOTP_COUNTER >= 1: only scratch codes log in");
}

}  // namespace otpgen
