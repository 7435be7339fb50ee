// Digest names, and the start-up-free HMAC for short messages.
//
// Why a second HMAC next to OpenSSL's (seckit/crypto.hpp): a tool called once per event (otpgen
// code/verify, run by scripts and by PAM-like loops) spends most of its time before main() and in
// OpenSSL 3's first use — loading libcrypto alone costs ~2.6 M instructions of relocations, and
// the first EVP_MAC fetch another 4-6 M for the provider — to compute one HMAC over 8 bytes, which
// takes a few thousand. So HMAC-SHA-1/SHA-256/SHA-512 (FIPS 180-4, RFC 2104) live here, in a module
// that links nothing but the standard library. This is the only place they are written.
//
// It is for short messages (OTP counters, small tokens): plain portable C++, no SIMD, no constant-
// time guarantees beyond having no data-dependent branches or table lookups. Bulk crypto (the pcap
// tools' record decryption, KDFs, certificates) stays on OpenSSL; crypto::hmac there is the
// differential oracle of this module's tests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace seckit::crypto {

enum class Digest { kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };

std::string_view digest_name(Digest digest);                // "sha256"
std::optional<Digest> parse_digest(std::string_view name);  // "SHA256", "sha-256", "sha256"
std::size_t digest_size(Digest digest);                     // output bytes: 16, 20, 28, 32, 48, 64

// True for the digests SmallHmac computes: SHA-1, SHA-256 and SHA-512.
bool small_hmac_supports(Digest digest);

namespace detail {

// One FIPS 180-4 hash function: its chaining state and compression function (defined in
// digest.cpp). Word is the algorithm's word (32 or 64 bits).
template <class WordT, std::size_t kStateWords, std::size_t kBlockBytes, std::size_t kOutputBytes>
struct HashSpec {
  using Word = WordT;
  static constexpr std::size_t kBlock = kBlockBytes;
  static constexpr std::size_t kOutput = kOutputBytes;
  using State = std::array<Word, kStateWords>;
};
struct Sha1 : HashSpec<std::uint32_t, 5, 64, 20> {};
struct Sha256 : HashSpec<std::uint32_t, 8, 64, 32> {};
struct Sha512 : HashSpec<std::uint64_t, 8, 128, 64> {};

// SHA-1's and SHA-256's compression of one 64-byte block (FIPS 180-4 6.1.2, 6.2.2): portable,
// and on the x86 SHA extensions when the CPU has them (returns false and does nothing when it
// has not). The hash functions use the second when they can; the tests compare the two.
void sha1_compress_portable(Sha1::State& hash, const std::uint8_t* block);
bool sha1_compress_shani(Sha1::State& hash, const std::uint8_t* block);
void sha256_compress_portable(Sha256::State& hash, const std::uint8_t* block);
bool sha256_compress_shani(Sha256::State& hash, const std::uint8_t* block);
// FIPS 180-4 4.2.2: the SHA-256 round constants.
extern const std::array<std::uint32_t, 64> kSha256Constants;

// HMAC key schedule of one hash: the states after compressing (K xor ipad) and (K xor opad).
template <class Hash>
struct KeyedState {
  typename Hash::State inner;
  typename Hash::State outer;
};

}  // namespace detail

// An HMAC key prepared once (RFC 2104: the two padded key blocks are compressed up front), so
// each message then costs the message's blocks plus two. Copyable, no heap, no shared state.
class SmallHmac {
 public:
  // Throws std::invalid_argument when !small_hmac_supports(digest). Any key length, including 0
  // (a key longer than the block is hashed first, as RFC 2104 says).
  SmallHmac(Digest digest, std::span<const std::uint8_t> key);

  Digest digest() const { return digest_; }
  std::size_t size() const { return digest_size(digest_); }

  // Writes size() bytes to out (which must hold them) and returns how many were written.
  std::size_t mac(std::span<const std::uint8_t> message, std::span<std::uint8_t> out) const;
  std::vector<std::uint8_t> mac(std::span<const std::uint8_t> message) const;

 private:
  Digest digest_;
  std::variant<detail::KeyedState<detail::Sha1>, detail::KeyedState<detail::Sha256>,
               detail::KeyedState<detail::Sha512>>
      keyed_;
};

// One-shot HMAC(key, message) with SHA-1, SHA-256 or SHA-512 (see SmallHmac).
std::vector<std::uint8_t> small_hmac(Digest digest, std::span<const std::uint8_t> key,
                                     std::span<const std::uint8_t> message);

// The plain hash, for the FIPS 180-4 vectors and for callers that need only that.
std::vector<std::uint8_t> small_digest(Digest digest, std::span<const std::uint8_t> data);

}  // namespace seckit::crypto
