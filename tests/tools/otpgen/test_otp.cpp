// Code generation against the RFC test vectors (RFC 4226 Appendix D, RFC 6238 Appendix B), and
// the otpauth URI format against hand-written expected strings.
#include <catch2/catch.hpp>
#include <string>

#include "otp.hpp"
#include "seckit/bytes.hpp"
#include "uri.hpp"

using namespace otpgen;

namespace {
std::span<const std::uint8_t> key(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
const std::string kRfc4226Key = "12345678901234567890";
}  // namespace

TEST_CASE("hotp matches RFC 4226 Appendix D for counters 0 to 9", "[otp]") {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  const std::uint32_t truncated[] = {1284755224, 1094287082, 137359152, 1726969429, 1640338314,
                                     868254676,  1918287922, 82162583,  673399871,  645520489};
  for (std::uint64_t c = 0; c < 10; ++c) {
    CHECK(hotp(Digest::kSha1, key(kRfc4226Key), c, 6) == expected[c]);
    CHECK(truncated_value(Digest::kSha1, key(kRfc4226Key), c) == truncated[c]);
  }
}

TEST_CASE("ten-digit codes keep the whole 31-bit truncated value, zero padded", "[otp]") {
  CHECK(hotp(Digest::kSha1, key(kRfc4226Key), 0, 10) == "1284755224");
  CHECK(hotp(Digest::kSha1, key(kRfc4226Key), 2, 10) == "0137359152");
  CHECK(hotp(Digest::kSha1, key(kRfc4226Key), 7, 9) == "082162583");
}

TEST_CASE("totp matches RFC 6238 Appendix B for SHA1, SHA256 and SHA512", "[otp]") {
  const std::string sha1_key = "12345678901234567890";
  const std::string sha256_key = "12345678901234567890123456789012";
  const std::string sha512_key = "1234567890123456789012345678901234567890123456789012345678901234";
  struct Row {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Row rows[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const auto& row : rows) {
    auto step = time_step(row.time, 30);
    CHECK(hotp(Digest::kSha1, key(sha1_key), step, 8) == row.sha1);
    CHECK(hotp(Digest::kSha256, key(sha256_key), step, 8) == row.sha256);
    CHECK(hotp(Digest::kSha512, key(sha512_key), step, 8) == row.sha512);
  }
}

TEST_CASE("time parsing accepts UNIX seconds and RFC 3339 beyond 2038", "[otp]") {
  CHECK(parse_time("1111111109") == 1111111109);
  CHECK(parse_time("@20000000000") == 20000000000);
  CHECK(parse_time("2005-03-18T01:58:29Z") == 1111111109);
  CHECK(parse_time("2603-10-11T11:33:20Z") == 20000000000);
  CHECK(parse_time("2009-02-14T00:31:30+01:00") == 1234567890);
  CHECK(!parse_time("yesterday"));
  CHECK(!parse_time("2005-13-18T01:58:29Z"));
}

TEST_CASE("otpauth URI labels percent-encode spaces, at signs and colons", "[uri]") {
  OtpAccount account;
  account.secret.assign(kRfc4226Key.begin(), kRfc4226Key.end());
  account.account = "alice smith@example.com";
  account.issuer = "ACME Co:Ltd";
  CHECK(build_otpauth_uri(account) ==
        "otpauth://totp/ACME%20Co%3ALtd:alice%20smith%40example.com?secret="
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co%3ALtd&algorithm=SHA1&digits=6&"
        "period=30");
}

TEST_CASE("otpauth URI parsing takes the issuer from the label when the parameter is absent",
          "[uri]") {
  auto parsed = parse_otpauth_uri(
      "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&counter=7&digits=8&"
      "algorithm=SHA256");
  REQUIRE(parsed.ok());
  CHECK(parsed->type == OtpType::kHotp);
  CHECK(parsed->issuer == "Example");
  CHECK(parsed->account == "alice@google.com");
  CHECK(parsed->counter == 7);
  CHECK(parsed->digits == 8);
  CHECK(parsed->algorithm == Digest::kSha256);
  CHECK(parsed->secret ==
        std::vector<std::uint8_t>{'H', 'e', 'l', 'l', 'o', '!', 0xde, 0xad, 0xbe, 0xef});
}

TEST_CASE("garbage otpauth URIs are parse errors, never crashes", "[uri]") {
  for (const char* bad :
       {"", "otpauth://", "otpauth://totp", "otpauth://xotp/a?secret=AAAA",
        "http://totp/a?secret=A", "otpauth://totp/a?secret=1!!", "otpauth://totp/a?digits=6",
        "otpauth://totp/a%?secret=AA", "otpauth://totp/a?secret=GEZDGNBV&digits=11",
        "otpauth://totp/a?secret=GEZDGNBV&period=0"}) {
    CHECK_FALSE(parse_otpauth_uri(bad).ok());
  }
  std::string uri = "otpauth://totp/ACME:bob?secret=GEZDGNBVGY3TQOJQ&issuer=ACME&period=60";
  seckit::bytes::for_each_truncation(seckit::bytes::as_bytes(uri), [](seckit::bytes::Bytes b) {
    (void)parse_otpauth_uri(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  });
}

TEST_CASE("a reused OtpKey gives the RFC 4226 and RFC 6238 codes too", "[otp]") {
  const OtpKey sha1(Digest::kSha1, key(kRfc4226Key));
  CHECK(sha1.code(0, 6) == "755224");
  CHECK(sha1.code(9, 6) == "520489");
  CHECK(sha1.truncated_value(3) == 1726969429u);
  const std::string sha512_key = "1234567890123456789012345678901234567890123456789012345678901234";
  const OtpKey sha512(Digest::kSha512, key(sha512_key));
  CHECK(sha512.code(time_step(20000000000, 30), 8) == "47863826");
  CHECK(sha512.code(time_step(59, 30), 8) == "90693936");
}
