// The GA file semantics. Every expected value here was first observed on the real
// pam_google_authenticator.so (Debian 20191231-2) through pamtester with crafted files (the
// experiments are repeated against the live module by tests/integration/otpgen/pam.sh); the
// codes are the RFC 4226 Appendix D values of the key "12345678901234567890" (base32 below),
// used as TOTP steps: step 0..9 -> 755224 287082 359152 969429 338314 254676 287922 162583
// 399871 520489.
#include <catch2/catch.hpp>
#include <string>

#include "ga_file.hpp"
#include "ga_verify.hpp"
#include "seckit/bytes.hpp"

using namespace otpgen;

namespace {

const std::string kSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const char* kStepCode[] = {"755224", "287082", "359152", "969429", "338314",
                           "254676", "287922", "162583", "399871", "520489"};
// The TOTP period, as a 64-bit value so that "step * kPeriod" is computed in the type of a time.
constexpr std::int64_t kPeriod = 30;

GaFile parse(const std::string& text) {
  auto parsed = parse_ga_file(text);
  if (!parsed) FAIL(parsed.error().message);
  return parsed->file;
}

bool valid(const std::string& text, const std::string& code, std::int64_t now) {
  GaFile file = parse(text);
  return verify_ga(file, code, now).verdict == VerifyVerdict::kValid;
}

}  // namespace

TEST_CASE("the default window of 3 accepts one step either side", "[ga]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n";
  const std::int64_t now = 5 * kPeriod + 7;  // step 5
  CHECK_FALSE(valid(file, kStepCode[3], now));
  CHECK(valid(file, kStepCode[4], now));
  CHECK(valid(file, kStepCode[5], now));
  CHECK(valid(file, kStepCode[6], now));
  CHECK_FALSE(valid(file, kStepCode[7], now));
}

TEST_CASE("an even WINDOW_SIZE reaches one step further into the future", "[ga]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" WINDOW_SIZE 4\n";
  const std::int64_t now = 5 * kPeriod;
  CHECK_FALSE(valid(file, kStepCode[3], now));
  CHECK(valid(file, kStepCode[4], now));
  CHECK(valid(file, kStepCode[7], now));
  CHECK_FALSE(valid(file, kStepCode[8], now));
}

TEST_CASE("WINDOW_SIZE 17 accepts eight steps either side", "[ga]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" WINDOW_SIZE 17\n";
  CHECK(valid(file, kStepCode[1], 9 * kPeriod));        // -8
  CHECK_FALSE(valid(file, kStepCode[0], 9 * kPeriod));  // -9
  CHECK(valid(file, kStepCode[9], 1 * kPeriod));        // +8
}

TEST_CASE("DISALLOW_REUSE refuses a used step and keeps only steps within the window", "[ga]") {
  GaFile file = parse(kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 2 3 4 6 7 9\n");
  auto outcome = verify_ga(file, kStepCode[5], 5 * kPeriod);
  CHECK(outcome.verdict == VerifyVerdict::kValid);
  CHECK(render_ga_file(file) == kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 3 4 6 7 5\n");
  auto again = verify_ga(file, kStepCode[5], 5 * kPeriod + 29);
  CHECK(again.verdict == VerifyVerdict::kReused);
  CHECK(verify_ga(file, kStepCode[4], 5 * kPeriod).verdict == VerifyVerdict::kReused);
}

TEST_CASE("DISALLOW_REUSE records the matched step, not the current one", "[ga]") {
  GaFile file = parse(kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE\n");
  REQUIRE(verify_ga(file, kStepCode[6], 5 * kPeriod).verdict == VerifyVerdict::kValid);
  CHECK(file.used_steps == std::vector<std::int64_t>{6});
}

TEST_CASE("a failed code leaves the reuse list untouched", "[ga]") {
  GaFile file = parse(kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 2\n");
  auto outcome = verify_ga(file, "000000", 5 * kPeriod);
  CHECK(outcome.verdict == VerifyVerdict::kWrongCode);
  CHECK_FALSE(outcome.state_changed);
  CHECK(render_ga_file(file) == kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 2\n");
}

TEST_CASE("RATE_LIMIT records every attempt and refuses the one over the limit", "[ga]") {
  const std::int64_t now = 1000000;
  GaFile file =
      parse(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30 100 " + std::to_string(now - 31) + " " +
            std::to_string(now - 30) + " " + std::to_string(now + 100) + "\n");
  auto first = verify_ga(file, "000000", now);
  CHECK(first.verdict == VerifyVerdict::kWrongCode);
  CHECK(file.rate_limit->timestamps == std::vector<std::int64_t>{now - 30, now});

  GaFile full = parse(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30 " + std::to_string(now - 5) +
                      " " + std::to_string(now - 4) + " " + std::to_string(now - 3) + "\n");
  auto limited = verify_ga(full, kStepCode[0], now);  // even a right code is refused
  CHECK(limited.verdict == VerifyVerdict::kRateLimited);
  CHECK(full.rate_limit->timestamps == std::vector<std::int64_t>{now - 4, now - 3, now});
}

TEST_CASE("scratch codes are rate limited, then tried first and removed on use", "[ga]") {
  const std::string text = kSecret + "\n\" TOTP_AUTH\n11111111\n22222222\n33333333\n";
  GaFile file = parse(text);
  auto outcome = verify_ga(file, "22222222", 5 * kPeriod);
  CHECK(outcome.verdict == VerifyVerdict::kValid);
  CHECK(outcome.method == "scratch-code");
  CHECK(render_ga_file(file) == kSecret + "\n\" TOTP_AUTH\n11111111\n33333333\n");
  CHECK(verify_ga(file, "22222222", 5 * kPeriod).verdict == VerifyVerdict::kWrongCode);

  GaFile limited = parse(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 1 30 149\n11111111\n");
  CHECK(verify_ga(limited, "11111111", 150).verdict == VerifyVerdict::kRateLimited);
  CHECK(limited.scratch_codes.size() == 1);
}

TEST_CASE("HOTP_COUNTER wins over TOTP_AUTH and moves to match+1, or +1 on failure", "[ga]") {
  GaFile file = parse(kSecret + "\n\" HOTP_COUNTER 1\n\" TOTP_AUTH\n");
  CHECK(verify_ga(file, kStepCode[1], 0).verdict == VerifyVerdict::kValid);
  CHECK(*file.hotp_counter == 2);
  CHECK(verify_ga(file, "000000", 0).verdict == VerifyVerdict::kWrongCode);
  CHECK(*file.hotp_counter == 3);
  CHECK(verify_ga(file, kStepCode[3], 0).verdict == VerifyVerdict::kValid);
  CHECK(*file.hotp_counter == 4);
  CHECK(verify_ga(file, kStepCode[6], 0).verdict == VerifyVerdict::kValid);  // 4,5,6 in window
  CHECK(*file.hotp_counter == 7);
  CHECK(render_ga_file(file) == kSecret + "\n\" HOTP_COUNTER 7\n\" TOTP_AUTH\n");
}

TEST_CASE("HOTP spends a counter only on a 6-digit code it compared", "[ga]") {
  GaFile file = parse(kSecret + "\n\" HOTP_COUNTER 4\n12345678\n");
  CHECK(verify_ga(file, "12345670", 0).verdict == VerifyVerdict::kWrongCode);
  CHECK(verify_ga(file, "abcdef", 0).verdict == VerifyVerdict::kMalformedCode);
  CHECK(verify_ga(file, "1234567", 0).verdict == VerifyVerdict::kWrongCode);
  CHECK(*file.hotp_counter == 4);
  CHECK(verify_ga(file, "000000", 0).verdict == VerifyVerdict::kWrongCode);
  CHECK(*file.hotp_counter == 5);
}

TEST_CASE("TIME_SKEW shifts the window by whole steps", "[ga]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" TIME_SKEW 2\n";
  CHECK(valid(file, kStepCode[7], 5 * kPeriod));
  CHECK_FALSE(valid(file, kStepCode[4], 4 * kPeriod));  // step 4 + skew 2: window 5..7
  GaFile skewed = parse(kSecret + "\n\" TOTP_AUTH\n");
  auto outcome = verify_ga(skewed, kStepCode[9], 2 * kPeriod);
  CHECK(outcome.verdict == VerifyVerdict::kWrongCode);
  REQUIRE(outcome.skew_steps);
  CHECK(*outcome.skew_steps == 7);
}

TEST_CASE("unknown options and lines survive a rewrite byte for byte", "[ga]") {
  const std::string text = kSecret +
                           "\n\" RESETTING_TIME_SKEW 59845588+0\n\" FOO_BAR  baz\n\" TOTP_AUTH\n"
                           "\" DISALLOW_REUSE\nnot a code\n12345678\n";
  GaFile file = parse(text);
  REQUIRE(verify_ga(file, kStepCode[5], 5 * kPeriod).verdict == VerifyVerdict::kValid);
  CHECK(render_ga_file(file) == kSecret +
                                    "\n\" RESETTING_TIME_SKEW 59845588+0\n\" FOO_BAR  baz\n\" "
                                    "TOTP_AUTH\n\" DISALLOW_REUSE 5\nnot a code\n12345678\n");
}

TEST_CASE("a file without TOTP_AUTH or HOTP_COUNTER accepts only scratch codes", "[ga]") {
  GaFile file = parse(kSecret + "\n12345678\n");
  CHECK(verify_ga(file, kStepCode[5], 5 * kPeriod).verdict == VerifyVerdict::kNoOtpMode);
  CHECK(verify_ga(file, "12345678", 5 * kPeriod).verdict == VerifyVerdict::kValid);
}

TEST_CASE("files the module refuses are parse errors", "[ga]") {
  CHECK_FALSE(parse_ga_file("").ok());
  CHECK_FALSE(parse_ga_file("NBSWY3DPEEQQ====\n\" TOTP_AUTH\n").ok());  // '=' padding
  CHECK_FALSE(parse_ga_file(std::string("GEZDGNBV\n\" TOTP_AUTH\n\0\0", 23)).ok());
  CHECK_FALSE(parse_ga_file("GEZDGNB9\n").ok());  // '9' is no base32 digit, nor a look-alike
  // The module reads 0, 1 and 8 as O, L and B and skips blanks and hyphens (observed on
  // pam_google_authenticator: a secret typed as "gezd gnbv-gy3t ..." logs in).
  CHECK(parse_ga_file("GEZDGNB1\n").ok());
  CHECK(parse_ga_file("gezd gnbv-gy3t qojq\n\" TOTP_AUTH\n").ok());
  CHECK_FALSE(parse_ga_file(kSecret + "\n\" WINDOW_SIZE x\n").ok());
  CHECK_FALSE(parse_ga_file(kSecret + "\n\" RATE_LIMIT 3\n").ok());
  CHECK(parse_ga_file("gezdgnbvgy3tqojq\r\n\" TOTP_AUTH\r\n").ok());  // the module accepts both
}

TEST_CASE("a new file has the option order google-authenticator writes", "[ga]") {
  GaOptions options;
  options.rate_limit = std::make_pair(3u, 30u);
  options.window_size = 17;
  options.disallow_reuse = true;
  options.scratch_codes = {"68300423", "73586279"};
  // The layout of the seed document's example file, written by google-authenticator.
  CHECK(new_ga_file("IQM4TUAPUVLGUFM7", options) ==
        "IQM4TUAPUVLGUFM7\n\" RATE_LIMIT 3 30\n\" WINDOW_SIZE 17\n\" DISALLOW_REUSE\n"
        "\" TOTP_AUTH\n68300423\n73586279\n");
}

TEST_CASE("the GA file parser survives every truncation of a full file", "[ga]") {
  const std::string text = kSecret +
                           "\n\" RATE_LIMIT 3 30 1 2 3\n\" WINDOW_SIZE 17\n\" DISALLOW_REUSE 4 5\n"
                           "\" HOTP_COUNTER 9\n\" TIME_SKEW -3\n12345678\n";
  seckit::bytes::for_each_truncation(seckit::bytes::as_bytes(text), [](seckit::bytes::Bytes b) {
    (void)parse_ga_file(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  });
}
