#include <catch2/catch.hpp>

#include "seckit/enc.hpp"

using namespace seckit::enc;

namespace {
std::string str(const Buffer& b) { return {b.begin(), b.end()}; }
}  // namespace

// RFC 4648 section 10 test vectors.
TEST_CASE("base32 encodes the RFC 4648 vectors", "[enc]") {
  CHECK(base32_encode(as_bytes(""), true) == "");
  CHECK(base32_encode(as_bytes("f"), true) == "MY======");
  CHECK(base32_encode(as_bytes("fo"), true) == "MZXQ====");
  CHECK(base32_encode(as_bytes("foo"), true) == "MZXW6===");
  CHECK(base32_encode(as_bytes("foob"), true) == "MZXW6YQ=");
  CHECK(base32_encode(as_bytes("fooba"), true) == "MZXW6YTB");
  CHECK(base32_encode(as_bytes("foobar"), true) == "MZXW6YTBOI======");
  CHECK(base32_encode(as_bytes("foobar"), false) == "MZXW6YTBOI");
}

TEST_CASE("base32 decodes the RFC 4648 vectors padded and unpadded", "[enc]") {
  CHECK(str(*base32_decode("MY======")) == "f");
  CHECK(str(*base32_decode("MZXQ")) == "fo");
  CHECK(str(*base32_decode("MZXW6===")) == "foo");
  CHECK(str(*base32_decode("MZXW6YQ")) == "foob");
  CHECK(str(*base32_decode("MZXW6YTB")) == "fooba");
  CHECK(str(*base32_decode("MZXW6YTBOI======")) == "foobar");
}

TEST_CASE("base32 decoding is lenient the way people type OTP secrets", "[enc]") {
  CHECK(str(*base32_decode("mzxw 6ytb-oi")) == "foobar");
  // The secret of RFC 6238's SHA-1 test key "12345678901234567890".
  CHECK(str(*base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")) == "12345678901234567890");
}

TEST_CASE("base32 rejects characters outside the alphabet and impossible lengths", "[enc]") {
  CHECK_FALSE(base32_decode("MZXW1").ok());  // '1' is not base32
  CHECK_FALSE(base32_decode("MZXW8").ok());
  CHECK_FALSE(base32_decode("M").ok());       // 1 symbol cannot encode a byte
  CHECK_FALSE(base32_decode("MZX").ok());     // 3 symbols neither
  CHECK_FALSE(base32_decode("MY==MY").ok());  // data after padding
  CHECK(base32_decode("MZXW1").error().offset == 4);
}

TEST_CASE("base64 encodes and decodes the RFC 4648 vectors", "[enc]") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(base64_encode(as_bytes(plain)) == encoded);
    CHECK(str(*base64_decode(encoded)) == plain);
  }
}

TEST_CASE("base64url uses - and _ and may omit padding", "[enc]") {
  const std::uint8_t data[] = {0xfb, 0xff, 0xbf};
  CHECK(base64_encode(data) == "+/+/");
  CHECK(base64_encode(data, Base64Alphabet::kUrl, false) == "-_-_");
  CHECK(base64_decode("-_-_", Base64Alphabet::kUrl)->size() == 3);
  CHECK_FALSE(base64_decode("-_-_").ok());
  CHECK(str(*base64_decode("Zm9vYg")) == "foob");
}

TEST_CASE("base64 skips PEM line breaks and rejects garbage", "[enc]") {
  CHECK(str(*base64_decode("Zm9v\nYmFy\r\n")) == "foobar");
  CHECK_FALSE(base64_decode("Zm9v!").ok());
  CHECK_FALSE(base64_decode("Z").ok());
  CHECK_FALSE(base64_decode("Zg===").ok());
  CHECK_FALSE(base64_decode("Zg==Zg==").ok());
}

TEST_CASE("hex is lower case and accepts colon-separated fingerprints", "[enc]") {
  const std::uint8_t data[] = {0xde, 0xad, 0xBE, 0xef};
  CHECK(hex_encode(data) == "deadbeef");
  CHECK(hex_decode("DE:AD:be:ef")->size() == 4);
  CHECK(*hex_decode("deadbeef") == Buffer(std::begin(data), std::end(data)));
  CHECK_FALSE(hex_decode("abc").ok());
  CHECK_FALSE(hex_decode("zz").ok());
}

TEST_CASE("constant-time compare agrees with equality", "[enc]") {
  CHECK(constant_time_equal(std::string_view("123456"), std::string_view("123456")));
  CHECK_FALSE(constant_time_equal(std::string_view("123456"), std::string_view("123457")));
  CHECK_FALSE(constant_time_equal(std::string_view("12345"), std::string_view("123456")));
  CHECK(constant_time_equal(std::string_view(""), std::string_view("")));
}

TEST_CASE("ascii_lower folds A-Z only and leaves other bytes alone", "[enc]") {
  CHECK(ascii_lower("") == "");
  CHECK(ascii_lower("SHA256") == "sha256");
  CHECK(ascii_lower("ldaps://LDAP.Example.ORG") == "ldaps://ldap.example.org");
  // The bytes just outside A-Z ('@' 0x40, '[' 0x5b) and digits/punctuation stay as they are.
  CHECK(ascii_lower("@AZ[`az{09_-") == "@az[`az{09_-");
  // UTF-8 "ÄÖ" (C3 84 C3 96): no byte of a multi-byte sequence is touched.
  CHECK(ascii_lower("\xC3\x84\xC3\x96X") == "\xC3\x84\xC3\x96x");
}

TEST_CASE("percent-encoding keeps only RFC 3986 unreserved characters", "[enc]") {
  // RFC 3986 2.3: ALPHA DIGIT - . _ ~ are unreserved; 2.1: escapes use upper-case hex; 2.5:
  // non-ASCII text is its UTF-8 bytes (U+00E9 is C3 A9).
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode(" :@/?#") == "%20%3A%40%2F%3F%23");
  CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
  CHECK(percent_decode("%7e%7E%20a").value() == "~~ a");
  CHECK(percent_decode("a+b").value() == "a+b");
  CHECK(percent_decode("a+b", true).value() == "a b");
  CHECK_FALSE(percent_decode("abc%4").ok());
  CHECK_FALSE(percent_decode("%").ok());
  CHECK_FALSE(percent_decode("%zz").ok());
}
