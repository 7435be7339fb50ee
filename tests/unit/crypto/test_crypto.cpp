#include <catch2/catch.hpp>

#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"

using namespace seckit::crypto;
using seckit::enc::as_bytes;
using seckit::enc::hex_encode;

TEST_CASE("digests match the FIPS 180 'abc' vectors", "[crypto]") {
  CHECK(hex_encode(digest(Digest::kSha1, as_bytes("abc"))) ==
        "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_encode(digest(Digest::kSha256, as_bytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex_encode(digest(Digest::kMd5, as_bytes("abc"))) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(digest_size(Digest::kSha384) == 48);
}

TEST_CASE("HMAC matches RFC 2202 and RFC 4231 test case 2", "[crypto]") {
  auto key = as_bytes("Jefe");
  auto data = as_bytes("what do ya want for nothing?");
  CHECK(hex_encode(hmac(Digest::kSha1, key, data)) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  CHECK(hex_encode(hmac(Digest::kSha256, key, data)) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex_encode(hmac(Digest::kSha512, key, data)) ==
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8"
        "f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST_CASE("digest names parse in the spellings people use", "[crypto]") {
  CHECK(parse_digest("SHA256") == Digest::kSha256);
  CHECK(parse_digest("sha-512") == Digest::kSha512);
  CHECK(parse_digest("SHA1") == Digest::kSha1);
  CHECK_FALSE(parse_digest("sha3").has_value());
}

TEST_CASE("random bytes have the asked length and differ", "[crypto]") {
  auto a = random_bytes(32);
  auto b = random_bytes(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(random_bytes(0).empty());
}
