// Expected values: FIPS 180-4 example messages (the NIST "Examples with Intermediate Values"),
// RFC 2202 (HMAC-SHA-1) and RFC 4231 (HMAC-SHA-256/512); each also checked with `openssl dgst`.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "seckit/digest.hpp"
#include "seckit/enc.hpp"

using namespace seckit::crypto;
using seckit::enc::as_bytes;
using seckit::enc::hex_encode;

namespace {

std::vector<std::uint8_t> repeated(std::uint8_t byte, std::size_t n) {
  return std::vector<std::uint8_t>(n, byte);
}

std::vector<std::uint8_t> counting_key() {  // RFC 2202/4231 test case 4: 0x01..0x19
  std::vector<std::uint8_t> key;
  for (std::uint8_t b = 1; b <= 25; ++b) key.push_back(b);
  return key;
}

std::string hmac_hex(Digest digest, std::span<const std::uint8_t> key,
                     std::span<const std::uint8_t> data) {
  return hex_encode(small_hmac(digest, key, data));
}

}  // namespace

TEST_CASE("small digests match the FIPS 180-4 example messages", "[digest]") {
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  const std::string two_blocks_512 =
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmn"
      "opqrsmnopqrstnopqrstu";
  CHECK(hex_encode(small_digest(Digest::kSha1, as_bytes("abc"))) ==
        "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_encode(small_digest(Digest::kSha1, as_bytes(two_blocks))) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(hex_encode(small_digest(Digest::kSha1, as_bytes(""))) ==
        "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hex_encode(small_digest(Digest::kSha256, as_bytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex_encode(small_digest(Digest::kSha256, as_bytes(two_blocks))) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex_encode(small_digest(Digest::kSha256, as_bytes(""))) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex_encode(small_digest(Digest::kSha512, as_bytes("abc"))) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3"
        "feebbd454d4423643ce80e2a9ac94fa54ca49f");
  CHECK(hex_encode(small_digest(Digest::kSha512, as_bytes(two_blocks_512))) ==
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4"
        "b5433ac7d329eeb6dd26545e96e55b874be909");
  CHECK(hex_encode(small_digest(Digest::kSha512, as_bytes(""))) ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d287"
        "7eec2f63b931bd47417a81a538327af927da3e");
}

TEST_CASE("small digests of one million 'a' match FIPS 180-4", "[digest]") {
  const std::vector<std::uint8_t> million = repeated('a', 1000000);
  CHECK(hex_encode(small_digest(Digest::kSha1, million)) ==
        "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK(hex_encode(small_digest(Digest::kSha256, million)) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(hex_encode(small_digest(Digest::kSha512, million)) ==
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce5"
        "77c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST_CASE("small HMAC-SHA-1 matches RFC 2202", "[digest]") {
  const Digest d = Digest::kSha1;
  CHECK(hmac_hex(d, repeated(0x0b, 20), as_bytes("Hi There")) ==
        "b617318655057264e28bc0b6fb378c8ef146be00");
  CHECK(hmac_hex(d, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  CHECK(hmac_hex(d, repeated(0xaa, 20), repeated(0xdd, 50)) ==
        "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
  CHECK(hmac_hex(d, counting_key(), repeated(0xcd, 50)) ==
        "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
  CHECK(hmac_hex(d, repeated(0xaa, 80),
                 as_bytes("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "aa4ae5e15272d00e95705637ce8a3b55ed402112");
  CHECK(hmac_hex(d, repeated(0xaa, 80),
                 as_bytes("Test Using Larger Than Block-Size Key and Larger Than One Block-Size "
                          "Data")) == "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

TEST_CASE("small HMAC-SHA-256 and HMAC-SHA-512 match RFC 4231", "[digest]") {
  const auto tc1 = repeated(0x0b, 20);
  const auto tc3_key = repeated(0xaa, 20);
  const auto tc6_key = repeated(0xaa, 131);
  const auto tc6 = as_bytes("Test Using Larger Than Block-Size Key - Hash Key First");
  const auto tc7 = as_bytes(
      "This is a test using a larger than block-size key and a larger than block-size data. The "
      "key needs to be hashed before being used by the HMAC algorithm.");
  const Digest s256 = Digest::kSha256;
  const Digest s512 = Digest::kSha512;
  CHECK(hmac_hex(s256, tc1, as_bytes("Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmac_hex(s256, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hmac_hex(s256, tc3_key, repeated(0xdd, 50)) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  CHECK(hmac_hex(s256, counting_key(), repeated(0xcd, 50)) ==
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  CHECK(hmac_hex(s256, tc6_key, tc6) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(hmac_hex(s256, tc6_key, tc7) ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  CHECK(hmac_hex(s512, tc1, as_bytes("Hi There")) ==
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eae"
        "a3f4e4be9d914eeb61f1702e696c203a126854");
  CHECK(hmac_hex(s512, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")) ==
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8"
        "f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  CHECK(hmac_hex(s512, tc3_key, repeated(0xdd, 50)) ==
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e"
        "67c807b946a337bee8942674278859e13292fb");
  CHECK(hmac_hex(s512, counting_key(), repeated(0xcd, 50)) ==
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5"
        "788063a5f19741120c4f2de2adebeb10a298dd");
  CHECK(hmac_hex(s512, tc6_key, tc6) ==
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d"
        "6a1e5295e64f73f63f0aec8b915a985d786598");
  CHECK(hmac_hex(s512, tc6_key, tc7) ==
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3"
        "e4de15134676fb6de0446065c97440fa8c6a58");
}

TEST_CASE("a prepared small HMAC key gives the one-shot result for every message", "[digest]") {
  const SmallHmac key(Digest::kSha256, as_bytes("Jefe"));
  CHECK(key.size() == 32);
  CHECK(hex_encode(key.mac(as_bytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Reusing the key does not carry state from the previous message.
  CHECK(hex_encode(key.mac(as_bytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::vector<std::uint8_t> small(31);
  CHECK_THROWS_AS(key.mac(as_bytes("x"), small), std::invalid_argument);
}

TEST_CASE("small HMAC refuses the digests it does not implement", "[digest]") {
  CHECK_FALSE(small_hmac_supports(Digest::kMd5));
  CHECK_FALSE(small_hmac_supports(Digest::kSha384));
  CHECK(small_hmac_supports(Digest::kSha512));
  CHECK_THROWS_AS(SmallHmac(Digest::kSha224, as_bytes("k")), std::invalid_argument);
  CHECK_THROWS_AS(small_digest(Digest::kMd5, as_bytes("k")), std::invalid_argument);
}

TEST_CASE("digest names parse in the spellings people use and sizes are the FIPS sizes",
          "[digest]") {
  CHECK(parse_digest("SHA256") == Digest::kSha256);
  CHECK(parse_digest("sha-512") == Digest::kSha512);
  CHECK(parse_digest("SHA_1") == Digest::kSha1);
  CHECK_FALSE(parse_digest("sha3").has_value());
  CHECK(digest_name(Digest::kSha384) == "sha384");
  CHECK(digest_size(Digest::kMd5) == 16);
  CHECK(digest_size(Digest::kSha1) == 20);
  CHECK(digest_size(Digest::kSha224) == 28);
  CHECK(digest_size(Digest::kSha384) == 48);
}

TEST_CASE("SHA-1 compression on the SHA extensions equals the FIPS 180-4 function", "[digest]") {
  // The hash functions above run on the SHA extensions where the CPU has them; this compares the
  // two compression functions directly on varied states and blocks (xorshift64, fixed seed).
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  detail::Sha1::State probe{};
  const std::array<std::uint8_t, 64> zero_block{};
  if (!detail::sha1_compress_shani(probe, zero_block.data())) {
    WARN("this CPU has no SHA extensions: only the portable SHA-1 compression runs here");
    return;
  }
  for (int i = 0; i < 2000; ++i) {
    detail::Sha1::State state{};
    for (auto& word : state) word = static_cast<std::uint32_t>(next());
    std::array<std::uint8_t, 64> block{};
    for (auto& byte : block) byte = static_cast<std::uint8_t>(next());
    auto portable = state;
    auto extensions = state;
    detail::sha1_compress_portable(portable, block.data());
    REQUIRE(detail::sha1_compress_shani(extensions, block.data()));
    REQUIRE(portable == extensions);
  }
}

TEST_CASE("SHA-256 compression on the SHA extensions equals the FIPS 180-4 function", "[digest]") {
  std::uint64_t x = 0x2545f4914f6cdd1dULL;  // xorshift64, fixed seed
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  detail::Sha256::State probe{};
  const std::array<std::uint8_t, 64> zero_block{};
  if (!detail::sha256_compress_shani(probe, zero_block.data())) {
    WARN("this CPU has no SHA extensions: only the portable SHA-256 compression runs here");
    return;
  }
  for (int i = 0; i < 2000; ++i) {
    detail::Sha256::State state{};
    for (auto& word : state) word = static_cast<std::uint32_t>(next());
    std::array<std::uint8_t, 64> block{};
    for (auto& byte : block) byte = static_cast<std::uint8_t>(next());
    auto portable = state;
    auto extensions = state;
    detail::sha256_compress_portable(portable, block.data());
    REQUIRE(detail::sha256_compress_shani(extensions, block.data()));
    REQUIRE(portable == extensions);
  }
}
