// The GA file as otpgen reads and writes it (parse, render, a new file). Every expected value was
// first observed on the real pam_google_authenticator.so (Debian 20191231-2) through pamtester
// with crafted files (repeated against the live module by tests/integration/otpgen/pam.sh). How
// a login changes the file is tested on module_login in test_pam_rules.cpp.
#include <catch2/catch.hpp>
#include <string>

#include "ga_file.hpp"
#include "seckit/bytes.hpp"

using namespace otpgen;

namespace {

const std::string kRfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
}  // namespace

TEST_CASE("files the module refuses are parse errors", "[ga]") {
  CHECK_FALSE(parse_ga_file("").ok());
  CHECK_FALSE(parse_ga_file("NBSWY3DPEEQQ====\n\" TOTP_AUTH\n").ok());  // '=' padding
  CHECK_FALSE(parse_ga_file(std::string("GEZDGNBV\n\" TOTP_AUTH\n\0\0", 23)).ok());
  CHECK_FALSE(parse_ga_file("GEZDGNB9\n").ok());  // '9' is no base32 digit, nor a look-alike
  // The module reads 0, 1 and 8 as O, L and B and skips blanks and hyphens (observed on
  // pam_google_authenticator: a secret typed as "gezd gnbv-gy3t ..." logs in).
  CHECK(parse_ga_file("GEZDGNB1\n").ok());
  CHECK(parse_ga_file("gezd gnbv-gy3t qojq\n\" TOTP_AUTH\n").ok());
  CHECK_FALSE(parse_ga_file(kRfcSecret + "\n\" WINDOW_SIZE x\n").ok());
  CHECK_FALSE(parse_ga_file(kRfcSecret + "\n\" RATE_LIMIT 3\n").ok());
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
  const std::string text = kRfcSecret +
                           "\n\" RATE_LIMIT 3 30 1 2 3\n\" WINDOW_SIZE 17\n\" DISALLOW_REUSE 4 5\n"
                           "\" HOTP_COUNTER 9\n\" TIME_SKEW -3\n12345678\n";
  seckit::bytes::for_each_truncation(seckit::bytes::as_bytes(text), [](seckit::bytes::Bytes b) {
    (void)parse_ga_file(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  });
}
