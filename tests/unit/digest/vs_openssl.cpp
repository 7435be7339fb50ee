// Differential test: seckit's small HMAC and hash against OpenSSL's HMAC() and EVP_Digest() on
// pseudo-random keys and messages whose lengths cross every padding and block boundary of the
// 64-byte (SHA-1, SHA-256) and 128-byte (SHA-512) blocks, including keys longer than a block.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "seckit/digest.hpp"

using seckit::crypto::Digest;

namespace {

using Buffer = std::vector<std::uint8_t>;

const EVP_MD* openssl_md(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return EVP_sha1();
    case Digest::kSha512:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

Buffer openssl_hmac(Digest digest, const Buffer& key, const Buffer& message) {
  Buffer out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;  // HMAC() wants a non-null key pointer
  REQUIRE(HMAC(openssl_md(digest), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
               message.data(), message.size(), out.data(), &len) != nullptr);
  out.resize(len);
  return out;
}

Buffer openssl_digest(Digest digest, const Buffer& data) {
  Buffer out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), out.data(), &len, openssl_md(digest), nullptr) == 1);
  out.resize(len);
  return out;
}

Buffer random_buffer(std::mt19937& rng, std::size_t n) {
  Buffer out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng() & 0xff);
  return out;
}

constexpr Digest kDigests[] = {Digest::kSha1, Digest::kSha256, Digest::kSha512};

}  // namespace

TEST_CASE("small HMAC agrees with OpenSSL for every key and message length 0..300",
          "[digest][differential]") {
  std::mt19937 rng(20261207);  // fixed seed: a failure reproduces
  for (Digest digest : kDigests) {
    for (std::size_t len = 0; len <= 300; ++len) {
      const Buffer key = random_buffer(rng, len);
      const Buffer message = random_buffer(rng, 300 - len);
      const Buffer same_length = random_buffer(rng, len);
      INFO(seckit::crypto::digest_name(digest) << " key/message length " << len);
      CHECK(seckit::crypto::small_hmac(digest, key, message) == openssl_hmac(digest, key, message));
      CHECK(seckit::crypto::small_hmac(digest, same_length, key) ==
            openssl_hmac(digest, same_length, key));
      CHECK(seckit::crypto::small_digest(digest, message) == openssl_digest(digest, message));
    }
  }
}

TEST_CASE("small HMAC agrees with OpenSSL around the block and padding boundaries",
          "[digest][differential]") {
  // 55/56 and 111/112: the last lengths whose padding fits in the final 64/128-byte block.
  constexpr std::size_t kLengths[] = {0,   1,   19,  20,  32,  55,  56,  57,  63,
                                      64,  65,  111, 112, 113, 119, 120, 127, 128,
                                      129, 191, 192, 255, 256, 257, 300};
  std::mt19937 rng(4231);
  for (Digest digest : kDigests) {
    for (std::size_t key_length : kLengths) {
      const Buffer key = random_buffer(rng, key_length);
      const seckit::crypto::SmallHmac prepared(digest, key);
      for (std::size_t message_length : kLengths) {
        const Buffer message = random_buffer(rng, message_length);
        INFO(seckit::crypto::digest_name(digest)
             << " key " << key_length << " message " << message_length);
        CHECK(prepared.mac(message) == openssl_hmac(digest, key, message));
      }
    }
  }
}
