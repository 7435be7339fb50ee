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
