// The module's login rules on GA files, without PAM. Every expected file below is the file the
// real pam_google_authenticator wrote for the same input, the same code and the same frozen
// second (pamtester + faketime; the scenarios are replayed live by
// tests/integration/otpgen/differential.sh). Codes are RFC 6238's SHA1 key at t = 1700000015
// (step 56666667), computed here with OtpKey, which test_otp.cpp checks against the RFC.
#include <catch2/catch.hpp>

#include "ga_buffer.hpp"
#include "ga_file.hpp"
#include "otp.hpp"
#include "pam_rules.hpp"

using namespace otpgen;

namespace {

const std::string kSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
constexpr std::int64_t kNow = 1700000015;
constexpr std::int64_t kStep = kNow / 30;

std::string totp_at(std::int64_t step) {
  auto key = decode_module_base32(kSecret);
  return hotp(Digest::kSha1, *key, static_cast<std::uint64_t>(step), 6);
}

LoginOutcome login(GaBuffer& file, const std::string& code, std::int64_t now = kNow,
                   const PamOptions& options = {}) {
  auto secret = module_secret(file);
  REQUIRE(secret);
  return module_login(file, *secret, code, now, options);
}

}  // namespace

TEST_CASE("RATE_LIMIT is sorted, and old and future stamps are dropped", "[pam]") {
  GaBuffer file(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 5 30 1700000020 1700000005 1699999985 " +
                "1699999984 5 1700000014\n");
  CHECK(login(file, "000000").result == LoginResult::kWrongCode);
  CHECK(file.text() == kSecret +
                           "\n\" TOTP_AUTH\n\" RATE_LIMIT 5 30 1699999985 1700000005 1700000014 "
                           "1700000015\n");
}

TEST_CASE("DISALLOW_REUSE deletes far steps with the blanks after them", "[pam]") {
  GaBuffer file(kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 1 56666664 56666665 2 56666669 " +
                "56666670 3\n");
  CHECK(login(file, totp_at(kStep)).result == LoginResult::kValid);
  CHECK(file.text() == kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 56666665 56666669  56666667\n");
  CHECK(login(file, totp_at(kStep)).result == LoginResult::kReused);
}

TEST_CASE("three far codes in consecutive steps teach TIME_SKEW", "[pam]") {
  GaBuffer file(kSecret + "\n\" TOTP_AUTH\n");
  CHECK(login(file, totp_at(kStep + 100)).result == LoginResult::kWrongCode);
  CHECK(file.text() == kSecret + "\n\" RESETTING_TIME_SKEW 56666667+100\n\" TOTP_AUTH\n");
  CHECK(login(file, totp_at(kStep + 100)).updated == false);  // the same code again
  CHECK(login(file, totp_at(kStep + 101), kNow + 30).result == LoginResult::kWrongCode);
  CHECK(login(file, totp_at(kStep + 102), kNow + 60).result == LoginResult::kValid);
  CHECK(file.text() == kSecret + "\n\" TIME_SKEW 100\n\" RESETTING_TIME_SKEW \n\" TOTP_AUTH\n");
  PamOptions noskewadj;
  noskewadj.noskewadj = true;
  GaBuffer fixed(kSecret + "\n\" TOTP_AUTH\n");
  CHECK_FALSE(login(fixed, totp_at(kStep + 100), kNow, noskewadj).updated);
}

TEST_CASE("skews 100, 101, 102 are not consistent; 100, 101, 101 average to 100", "[pam]") {
  GaBuffer drifting(kSecret + "\n\" TOTP_AUTH\n\" RESETTING_TIME_SKEW 56666665+100 56666666+101\n");
  CHECK(login(drifting, totp_at(kStep + 102)).result == LoginResult::kWrongCode);
  GaBuffer steady(kSecret + "\n\" TOTP_AUTH\n\" RESETTING_TIME_SKEW 56666665+100 56666666+101\n");
  CHECK(login(steady, totp_at(kStep + 101)).result == LoginResult::kValid);
  CHECK(steady.value("TIME_SKEW") == "100");
}

TEST_CASE("the module's line rewriting: CRLF, blank lines and duplicates", "[pam]") {
  GaBuffer file(kSecret + "\r\n\" HOTP_COUNTER 5\r\n\n\" X_Y\n\" HOTP_COUNTER 9\n12345678\r\n");
  CHECK(login(file, "000000").result == LoginResult::kWrongCode);
  CHECK(file.text() == kSecret + "\r\n\" HOTP_COUNTER 6\n\" X_Y\n12345678\r\n");
}

TEST_CASE("scratch codes: the scan stops at a foreign line, accepts blanks, + and zeros", "[pam]") {
  GaBuffer stops(kSecret + "\n\" TOTP_AUTH\nnote\n12345678\n");
  CHECK(login(stops, "12345678").result == LoginResult::kWrongCode);
  GaBuffer odd(kSecret + "\n\" TOTP_AUTH\n 11111111\n+22222222\n012345678\n");
  CHECK(login(odd, "12345678").result == LoginResult::kValid);
  CHECK(odd.text() == kSecret + "\n\" TOTP_AUTH\n 11111111\n+22222222\n");
}

TEST_CASE("HOTP_COUNTER below 1 is not HOTP; TOTP_AUTH is found anywhere", "[pam]") {
  GaBuffer zero(kSecret + "\n\" HOTP_COUNTER 0\n\" TOTP_AUTH\n");
  CHECK(login(zero, totp_at(kStep)).result == LoginResult::kValid);
  GaBuffer mid(kSecret + "\nfoo\" TOTP_AUTH_OFF\n");
  CHECK(login(mid, totp_at(kStep)).result == LoginResult::kValid);
  GaBuffer neither(kSecret + "\n\" HOTP_COUNTER 0\n");
  CHECK(login(neither, totp_at(kStep)).result == LoginResult::kNoOtpMode);
}

TEST_CASE("pam options are the module's words", "[pam]") {
  PamOptions options;
  apply_pam_option(options, "allowed_perm=0640");
  apply_pam_option(options, "debug");
  CHECK(options.allowed_perm == 0640);
  CHECK(options.notes.size() == 1);
  CHECK_THROWS(apply_pam_option(options, "nosuchoption"));
}

// Verdicts of single logins, observed on the real module through pamtester with crafted files
// (the same scenarios run live in tests/integration/otpgen/pam.sh). Codes are the RFC 4226
// Appendix D values of the same key, used as TOTP steps 0..9 (t = step * 30).
namespace {

const char* kStepCode[] = {"755224", "287082", "359152", "969429", "338314",
                           "254676", "287922", "162583", "399871", "520489"};
constexpr std::int64_t kPeriod = 30;

LoginResult result_of(const std::string& text, const std::string& code, std::int64_t now) {
  GaBuffer file(text);
  return login(file, code, now).result;
}

}  // namespace

TEST_CASE("the default window of 3 accepts one step either side", "[pam]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n";
  const std::int64_t now = 5 * kPeriod + 7;  // step 5
  CHECK(result_of(file, kStepCode[3], now) == LoginResult::kWrongCode);
  CHECK(result_of(file, kStepCode[4], now) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[5], now) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[6], now) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[7], now) == LoginResult::kWrongCode);
}

TEST_CASE("an even WINDOW_SIZE reaches one step further into the future", "[pam]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" WINDOW_SIZE 4\n";
  const std::int64_t now = 5 * kPeriod;
  CHECK(result_of(file, kStepCode[3], now) == LoginResult::kWrongCode);
  CHECK(result_of(file, kStepCode[4], now) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[7], now) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[8], now) == LoginResult::kWrongCode);
}

TEST_CASE("WINDOW_SIZE 17 accepts eight steps either side", "[pam]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" WINDOW_SIZE 17\n";
  CHECK(result_of(file, kStepCode[1], 9 * kPeriod) == LoginResult::kValid);      // -8
  CHECK(result_of(file, kStepCode[0], 9 * kPeriod) == LoginResult::kWrongCode);  // -9
  CHECK(result_of(file, kStepCode[9], 1 * kPeriod) == LoginResult::kValid);      // +8
}

TEST_CASE("DISALLOW_REUSE refuses a used step and records the matched one", "[pam]") {
  GaBuffer file(kSecret + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE 4\n");
  auto first = login(file, kStepCode[6], 5 * kPeriod);
  CHECK(first.result == LoginResult::kValid);
  REQUIRE(first.matched_step);
  CHECK(*first.matched_step == 6);
  CHECK(login(file, kStepCode[6], 5 * kPeriod + 29).result == LoginResult::kReused);
  CHECK(login(file, kStepCode[4], 5 * kPeriod).result == LoginResult::kReused);
  CHECK(login(file, kStepCode[5], 5 * kPeriod).result == LoginResult::kValid);
}

TEST_CASE("over RATE_LIMIT even a right code or a scratch code is refused", "[pam]") {
  const std::int64_t now = 1000000;
  GaBuffer full(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 3 30 " + std::to_string(now - 5) + " " +
                std::to_string(now - 4) + " " + std::to_string(now - 3) + "\n");
  CHECK(login(full, kStepCode[0], now).result == LoginResult::kRateLimited);
  GaBuffer scratch(kSecret + "\n\" TOTP_AUTH\n\" RATE_LIMIT 1 30 149\n11111111\n");
  CHECK(login(scratch, "11111111", 150).result == LoginResult::kRateLimited);
  CHECK(scratch.scratch_code_count() == 1);
}

TEST_CASE("a scratch code logs in once and is removed", "[pam]") {
  GaBuffer file(kSecret + "\n\" TOTP_AUTH\n11111111\n22222222\n33333333\n");
  auto outcome = login(file, "22222222", 5 * kPeriod);
  CHECK(outcome.result == LoginResult::kValid);
  CHECK(outcome.method == "scratch-code");
  CHECK(file.text() == kSecret + "\n\" TOTP_AUTH\n11111111\n33333333\n");
  CHECK(login(file, "22222222", 5 * kPeriod).result == LoginResult::kWrongCode);
}

TEST_CASE("HOTP_COUNTER moves to match+1, or +1 on a failed 6-digit code", "[pam]") {
  GaBuffer file(kSecret + "\n\" HOTP_COUNTER 1\n\" TOTP_AUTH\n");
  CHECK(login(file, kStepCode[1], 0).result == LoginResult::kValid);
  CHECK(file.value("HOTP_COUNTER") == "2");
  CHECK(login(file, "000000", 0).result == LoginResult::kWrongCode);
  CHECK(file.value("HOTP_COUNTER") == "3");
  CHECK(login(file, kStepCode[3], 0).result == LoginResult::kValid);
  CHECK(login(file, kStepCode[6], 0).result == LoginResult::kValid);  // 4, 5, 6 in the window
  CHECK(file.value("HOTP_COUNTER") == "7");
  GaBuffer other(kSecret + "\n\" HOTP_COUNTER 4\n12345678\n");
  CHECK(login(other, "12345670", 0).result == LoginResult::kWrongCode);  // 8 digits: no counter
  CHECK(login(other, "abcdef", 0).result == LoginResult::kMalformedCode);
  CHECK(other.value("HOTP_COUNTER") == "4");
  CHECK(login(other, "000000", 0).result == LoginResult::kWrongCode);
  CHECK(other.value("HOTP_COUNTER") == "5");
}

TEST_CASE("TIME_SKEW shifts the window by whole steps; a far code names the skew", "[pam]") {
  const std::string file = kSecret + "\n\" TOTP_AUTH\n\" TIME_SKEW 2\n";
  CHECK(result_of(file, kStepCode[7], 5 * kPeriod) == LoginResult::kValid);
  CHECK(result_of(file, kStepCode[4], 4 * kPeriod) == LoginResult::kWrongCode);  // window 5..7
  GaBuffer plain(kSecret + "\n\" TOTP_AUTH\n");
  auto outcome = login(plain, kStepCode[9], 2 * kPeriod);
  CHECK(outcome.result == LoginResult::kWrongCode);
  REQUIRE(outcome.skew_steps);
  CHECK(*outcome.skew_steps == 7);
}

TEST_CASE("a file without TOTP_AUTH or HOTP_COUNTER accepts only scratch codes", "[pam]") {
  const std::string file = kSecret + "\n12345678\n";
  CHECK(result_of(file, kStepCode[5], 5 * kPeriod) == LoginResult::kNoOtpMode);
  CHECK(result_of(file, "12345678", 5 * kPeriod) == LoginResult::kValid);
}
