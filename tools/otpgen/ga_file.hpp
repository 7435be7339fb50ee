// The ~/.google_authenticator file of pam_google_authenticator: first line the base32 secret,
// then `" OPTION args` lines, then 8-digit emergency scratch codes. Parsed into lines so a
// rewrite changes only the lines whose state changed and keeps every unknown line verbatim
// (RESETTING_TIME_SKEW and options of newer module versions survive our updates).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace otpgen {

struct RateLimit {
  std::uint32_t attempts = 3;
  std::uint32_t seconds = 30;
  std::vector<std::int64_t> timestamps;  // epoch of every recent attempt
};

struct GaFile {
  std::string secret_text;  // as written (the module decodes it case-insensitively)
  std::vector<std::uint8_t> secret;

  // Options, present when the line is present.
  bool totp_auth = false;
  std::optional<std::uint64_t> hotp_counter;
  std::optional<std::uint32_t> window_size;
  std::optional<std::uint32_t> step_size;
  std::optional<std::int64_t> time_skew;  // in steps
  bool disallow_reuse = false;
  std::vector<std::int64_t> used_steps;  // DISALLOW_REUSE arguments
  std::optional<RateLimit> rate_limit;
  std::vector<std::string> scratch_codes;

  // Every line, in order; known options are re-rendered from the fields above on write.
  struct Line {
    enum class Kind { kSecret, kOption, kScratch, kOther } kind = Kind::kOther;
    std::string name;  // option name for kOption ("WINDOW_SIZE")
    std::string text;  // the line as read, without the newline
  };
  std::vector<Line> lines;
  bool trailing_newline = true;

  // Which mode the module uses: HOTP when HOTP_COUNTER exists (it wins over TOTP_AUTH), TOTP
  // when only TOTP_AUTH exists, otherwise only scratch codes can log in.
  bool is_hotp() const { return hotp_counter.has_value(); }
  bool is_totp() const { return !hotp_counter && totp_auth; }
  std::uint32_t window() const { return window_size.value_or(3); }
  std::uint32_t step() const { return step_size.value_or(30); }
};

// What the parser noticed that the module would reject or that a user should know.
struct GaParseResult {
  GaFile file;
  std::vector<std::string> warnings;
};

// The module's reading of the secret line: case-insensitive base32 that skips spaces, tabs, CR
// and hyphens and reads the digits 0, 1, 8 as O, L, B (established on the real module; see
// tests/integration/otpgen/differential.sh). '=' and every other character fail.
seckit::Result<std::vector<std::uint8_t>> decode_module_base32(std::string_view text);

// Fails on what the module cannot use (NUL bytes, empty or non-base32 secret, '=' padding,
// malformed known options).
seckit::Result<GaParseResult> parse_ga_file(std::string_view content);

// Renders the file: unchanged lines byte for byte, known options from the fields, removed
// scratch codes dropped.
std::string render_ga_file(const GaFile& file);

// A fresh file as `google-authenticator` writes it (option order RATE_LIMIT, WINDOW_SIZE,
// DISALLOW_REUSE, TOTP_AUTH|HOTP_COUNTER, STEP_SIZE, then the scratch codes).
struct GaOptions {
  bool hotp = false;
  std::optional<std::pair<std::uint32_t, std::uint32_t>> rate_limit;  // attempts, seconds
  std::optional<std::uint32_t> window_size;
  bool disallow_reuse = false;
  std::optional<std::uint32_t> step_size;
  std::vector<std::string> scratch_codes;
};
std::string new_ga_file(std::string_view secret_base32, const GaOptions& options);

seckit::out::Json ga_file_json(const GaFile& file, bool show_secrets);

}  // namespace otpgen
