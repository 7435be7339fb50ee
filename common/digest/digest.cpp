// SHA-1, SHA-256 and SHA-512 as FIPS 180-4 specifies them (sections 4.1-4.2 functions and
// constants, 5.1 padding, 5.3 initial values, 6.1-6.4 computation), and HMAC as RFC 2104 builds it
// on top. See seckit/digest.hpp for why this exists next to OpenSSL.
#include "seckit/digest.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "seckit/enc.hpp"

namespace seckit::crypto {

std::string_view digest_name(Digest digest) {
  switch (digest) {
    case Digest::kMd5:
      return "md5";
    case Digest::kSha1:
      return "sha1";
    case Digest::kSha224:
      return "sha224";
    case Digest::kSha256:
      return "sha256";
    case Digest::kSha384:
      return "sha384";
    case Digest::kSha512:
      return "sha512";
  }
  return "sha256";
}

std::optional<Digest> parse_digest(std::string_view name) {
  std::string key;
  for (char c : enc::ascii_lower(name)) {
    if (c != '-' && c != '_') key += c;
  }
  for (Digest d : {Digest::kMd5, Digest::kSha1, Digest::kSha224, Digest::kSha256, Digest::kSha384,
                   Digest::kSha512}) {
    if (key == digest_name(d)) return d;
  }
  return std::nullopt;
}

std::size_t digest_size(Digest digest) {
  switch (digest) {
    case Digest::kMd5:
      return 16;
    case Digest::kSha1:
      return 20;
    case Digest::kSha224:
      return 28;
    case Digest::kSha256:
      return 32;
    case Digest::kSha384:
      return 48;
    case Digest::kSha512:
      return 64;
  }
  return 32;
}

bool small_hmac_supports(Digest digest) {
  return digest == Digest::kSha1 || digest == Digest::kSha256 || digest == Digest::kSha512;
}

namespace {

using detail::Sha1;
using detail::Sha256;
using detail::Sha512;

template <class Word>
Word load_be(const std::uint8_t* p) {
  Word word = 0;
  for (std::size_t i = 0; i < sizeof(Word); ++i) word = static_cast<Word>((word << 8) | p[i]);
  return word;
}

template <class Word>
void store_be(Word word, std::uint8_t* p) {
  for (std::size_t i = 0; i < sizeof(Word); ++i) {
    p[i] = static_cast<std::uint8_t>(word >> (8 * (sizeof(Word) - 1 - i)));
  }
}

// FIPS 180-4 4.1.1 Ch, Parity and Maj (shared by SHA-1 and SHA-2).
template <class Word>
Word choose(Word x, Word y, Word z) {
  return (x & y) ^ (~x & z);
}
template <class Word>
Word parity(Word x, Word y, Word z) {
  return x ^ y ^ z;
}
template <class Word>
Word majority(Word x, Word y, Word z) {
  return (x & y) ^ (x & z) ^ (y & z);
}

// 5.3.1
Sha1::State initial_state(Sha1 /*tag*/) {
  return {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
}

// 5.3.3
Sha256::State initial_state(Sha256 /*tag*/) {
  return {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
}

// 5.3.5
Sha512::State initial_state(Sha512 /*tag*/) {
  return {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
          0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
}

// 6.1.2: SHA-1 compression of one 64-byte block. The four 20-round stages are separate loops
// (no per-round branch on t): the skew search of a failed OTP runs this ~12,000 times.
template <class Function>
void sha1_stage(std::array<std::uint32_t, 5>& v, const std::uint32_t* schedule, std::uint32_t k,
                Function f) {
  for (std::size_t t = 0; t < 20; ++t) {
    const std::uint32_t temp = std::rotl(v[0], 5) + f(v[1], v[2], v[3]) + v[4] + k + schedule[t];
    v[4] = v[3];
    v[3] = v[2];
    v[2] = std::rotl(v[1], 30);
    v[1] = v[0];
    v[0] = temp;
  }
}

}  // namespace

void detail::sha1_compress_portable(Sha1::State& hash, const std::uint8_t* block) {
  std::array<std::uint32_t, 80> schedule{};
  for (std::size_t t = 0; t < 16; ++t) schedule[t] = load_be<std::uint32_t>(block + 4 * t);
  for (std::size_t t = 16; t < 80; ++t) {
    schedule[t] =
        std::rotl(schedule[t - 3] ^ schedule[t - 8] ^ schedule[t - 14] ^ schedule[t - 16], 1);
  }
  std::array<std::uint32_t, 5> v = hash;  // a b c d e
  sha1_stage(v, schedule.data(), 0x5a827999, choose<std::uint32_t>);
  sha1_stage(v, schedule.data() + 20, 0x6ed9eba1, parity<std::uint32_t>);
  sha1_stage(v, schedule.data() + 40, 0x8f1bbcdc, majority<std::uint32_t>);
  sha1_stage(v, schedule.data() + 60, 0xca62c1d6, parity<std::uint32_t>);
  for (std::size_t i = 0; i < 5; ++i) hash[i] += v[i];
}

// 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const std::array<std::uint32_t, 64> detail::kSha256Constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

namespace {

void compress(Sha1::State& hash, const std::uint8_t* block) {
  if (!detail::sha1_compress_shani(hash, block)) detail::sha1_compress_portable(hash, block);
}

// 4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.
constexpr std::array<std::uint64_t, 80> kSha512Constants = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};

// The rotation and shift amounts of 4.1.2 (SHA-256) and 4.1.3 (SHA-512): each of the four
// functions is rotr ^ rotr ^ (rotr for the big sigmas, shr for the small ones).
struct Sha2Rotations {
  int big0[3];
  int big1[3];
  int small0[3];
  int small1[3];
};
constexpr Sha2Rotations kSha256Rotations = {{2, 13, 22}, {6, 11, 25}, {7, 18, 3}, {17, 19, 10}};
constexpr Sha2Rotations kSha512Rotations = {{28, 34, 39}, {14, 18, 41}, {1, 8, 7}, {19, 61, 6}};

template <class Word>
Word big_sigma(Word x, const int (&r)[3]) {
  return std::rotr(x, r[0]) ^ std::rotr(x, r[1]) ^ std::rotr(x, r[2]);
}
template <class Word>
Word small_sigma(Word x, const int (&r)[3]) {
  return std::rotr(x, r[0]) ^ std::rotr(x, r[1]) ^ (x >> r[2]);
}

// 6.2.2 (SHA-256) and 6.4.2 (SHA-512): the same computation over 32- or 64-bit words.
template <class Word, std::size_t kRounds>
void sha2_compress(std::array<Word, 8>& hash, const std::uint8_t* block,
                   const std::array<Word, kRounds>& constants, const Sha2Rotations& rot) {
  std::array<Word, kRounds> schedule{};
  for (std::size_t t = 0; t < 16; ++t) schedule[t] = load_be<Word>(block + sizeof(Word) * t);
  for (std::size_t t = 16; t < kRounds; ++t) {
    schedule[t] = small_sigma(schedule[t - 2], rot.small1) + schedule[t - 7] +
                  small_sigma(schedule[t - 15], rot.small0) + schedule[t - 16];
  }
  Word a = hash[0], b = hash[1], c = hash[2], d = hash[3];
  Word e = hash[4], f = hash[5], g = hash[6], h = hash[7];
  for (std::size_t t = 0; t < kRounds; ++t) {
    const Word t1 = h + big_sigma(e, rot.big1) + choose(e, f, g) + constants[t] + schedule[t];
    const Word t2 = big_sigma(a, rot.big0) + majority(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const std::array<Word, 8> v = {a, b, c, d, e, f, g, h};
  for (std::size_t i = 0; i < 8; ++i) hash[i] += v[i];
}

void compress(Sha256::State& hash, const std::uint8_t* block) {
  if (!detail::sha256_compress_shani(hash, block)) detail::sha256_compress_portable(hash, block);
}

void compress(Sha512::State& hash, const std::uint8_t* block) {
  sha2_compress(hash, block, kSha512Constants, kSha512Rotations);
}

// Buffers input into blocks and applies the 5.1 padding. Starts from any chaining state, so an
// HMAC continues from its precomputed key block.
template <class Hash>
class Engine {
 public:
  explicit Engine(const typename Hash::State& state, std::uint64_t absorbed = 0)
      : state_(state), total_(absorbed) {}

  void update(std::span<const std::uint8_t> data) {
    total_ += data.size();
    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      if (used_ == 0 && left >= Hash::kBlock) {
        compress(state_, p);
        p += Hash::kBlock;
        left -= Hash::kBlock;
        continue;
      }
      const std::size_t take = std::min(left, Hash::kBlock - used_);
      std::copy_n(p, take, buffer_.begin() + static_cast<std::ptrdiff_t>(used_));
      used_ += take;
      p += take;
      left -= take;
      if (used_ == Hash::kBlock) {
        compress(state_, buffer_.data());
        used_ = 0;
      }
    }
  }

  // Appends 0x80, zeros and the message length in bits (64 bits for 64-byte blocks, 128 for
  // 128-byte blocks; messages here never reach 2^64 bits, so the upper half is zero).
  void finish(std::uint8_t* out) {
    constexpr std::size_t kLengthBytes = Hash::kBlock / 8;
    buffer_[used_++] = 0x80;
    if (used_ > Hash::kBlock - kLengthBytes) {
      std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(used_), buffer_.end(), 0);
      compress(state_, buffer_.data());
      used_ = 0;
    }
    std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(used_), buffer_.end(), 0);
    store_be<std::uint64_t>(total_ << 3, buffer_.data() + Hash::kBlock - 8);
    if constexpr (kLengthBytes == 16) {
      store_be<std::uint64_t>(total_ >> 61, buffer_.data() + Hash::kBlock - 16);
    }
    compress(state_, buffer_.data());
    using Word = typename Hash::Word;
    for (std::size_t i = 0; i < Hash::kOutput / sizeof(Word); ++i) {
      store_be<Word>(state_[i], out + sizeof(Word) * i);
    }
  }

  const typename Hash::State& state() const { return state_; }

 private:
  typename Hash::State state_;
  std::array<std::uint8_t, Hash::kBlock> buffer_{};
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
};

// RFC 2104 section 2: K is hashed when longer than the block, zero-padded to the block, and the
// states after (K ^ ipad) and (K ^ opad) are all an HMAC needs of the key.
template <class Hash>
detail::KeyedState<Hash> key_schedule(std::span<const std::uint8_t> key) {
  std::array<std::uint8_t, Hash::kBlock> block{};
  if (key.size() > Hash::kBlock) {
    Engine<Hash> hashed(initial_state(Hash{}));
    hashed.update(key);
    hashed.finish(block.data());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<std::uint8_t, Hash::kBlock> pad{};
  detail::KeyedState<Hash> keyed{initial_state(Hash{}), initial_state(Hash{})};
  for (std::size_t i = 0; i < Hash::kBlock; ++i) pad[i] = block[i] ^ 0x36;
  compress(keyed.inner, pad.data());
  for (std::size_t i = 0; i < Hash::kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  compress(keyed.outer, pad.data());
  return keyed;
}

template <class Hash>
std::size_t keyed_mac(const detail::KeyedState<Hash>& keyed, std::span<const std::uint8_t> message,
                      std::uint8_t* out) {
  std::array<std::uint8_t, Hash::kOutput> inner_hash{};
  Engine<Hash> inner(keyed.inner, Hash::kBlock);
  inner.update(message);
  inner.finish(inner_hash.data());
  Engine<Hash> outer(keyed.outer, Hash::kBlock);
  outer.update(inner_hash);
  outer.finish(out);
  return Hash::kOutput;
}

template <class Hash>
std::vector<std::uint8_t> plain_digest(std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out(Hash::kOutput);
  Engine<Hash> engine(initial_state(Hash{}));
  engine.update(data);
  engine.finish(out.data());
  return out;
}

[[noreturn]] void unsupported(Digest digest) {
  throw std::invalid_argument("small HMAC: " + std::string(digest_name(digest)) +
                              " is not supported (sha1, sha256, sha512)");
}

}  // namespace

SmallHmac::SmallHmac(Digest digest, std::span<const std::uint8_t> key) : digest_(digest) {
  switch (digest) {
    case Digest::kSha1:
      keyed_ = key_schedule<Sha1>(key);
      return;
    case Digest::kSha256:
      keyed_ = key_schedule<Sha256>(key);
      return;
    case Digest::kSha512:
      keyed_ = key_schedule<Sha512>(key);
      return;
    default:
      unsupported(digest);
  }
}

std::size_t SmallHmac::mac(std::span<const std::uint8_t> message,
                           std::span<std::uint8_t> out) const {
  if (out.size() < size()) throw std::invalid_argument("small HMAC: output buffer too small");
  return std::visit([&](const auto& keyed) { return keyed_mac(keyed, message, out.data()); },
                    keyed_);
}

std::vector<std::uint8_t> SmallHmac::mac(std::span<const std::uint8_t> message) const {
  std::vector<std::uint8_t> out(size());
  mac(message, out);
  return out;
}

std::vector<std::uint8_t> small_hmac(Digest digest, std::span<const std::uint8_t> key,
                                     std::span<const std::uint8_t> message) {
  return SmallHmac(digest, key).mac(message);
}

std::vector<std::uint8_t> small_digest(Digest digest, std::span<const std::uint8_t> data) {
  switch (digest) {
    case Digest::kSha1:
      return plain_digest<Sha1>(data);
    case Digest::kSha256:
      return plain_digest<Sha256>(data);
    case Digest::kSha512:
      return plain_digest<Sha512>(data);
    default:
      unsupported(digest);
  }
}

void detail::sha256_compress_portable(Sha256::State& hash, const std::uint8_t* block) {
  sha2_compress(hash, block, kSha256Constants, kSha256Rotations);
}

}  // namespace seckit::crypto
