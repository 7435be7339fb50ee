// SHA-1's and SHA-256's compression functions on the x86 SHA extensions (SHA1RNDS4, SHA1NEXTE,
// SHA1MSG1, SHA1MSG2, SHA256RNDS2, SHA256MSG1, SHA256MSG2; Intel SDM vol. 2 and "Intel SHA
// Extensions", 2013). A failed OTP login searches ±25 h of time steps, ~12,000 SHA-1
// compressions, and a directory audit hashes every key with SHA-256 (issue 18); these
// instructions do two or four rounds each. Checked against the portable FIPS 180-4 functions in
// tests/unit/digest.
#include <array>
#include <cstdint>

#include "seckit/digest.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

namespace seckit::crypto::detail {
namespace {

bool cpu_has_sha_extensions() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool ssse3 = (c & (1U << 9)) != 0, sse41 = (c & (1U << 19)) != 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  const bool sha = (b & (1U << 29)) != 0;  // CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29]
  return ssse3 && sse41 && sha;
}

// Four big-endian message words, W[t] in the highest lane (the order SHA1RNDS4 reads them in).
__attribute__((target("sha,ssse3,sse4.1"))) __m128i load_words(const std::uint8_t* p) {
  const __m128i reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), reverse);
}

// Rounds 4g .. 4g+3 with round function F (0: Ch, 1: Parity, 2: Maj, 3: Parity; FIPS 180-4
// 4.1.1). `previous` is the state before the last four rounds: its A, rotated by 30, is this
// group's E (SHA1NEXTE adds it to the first message word).
template <int F>
__attribute__((target("sha,ssse3,sse4.1"))) void four_rounds(__m128i& abcd, __m128i& previous,
                                                             __m128i words) {
  const __m128i e_plus_words = _mm_sha1nexte_epu32(previous, words);
  previous = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e_plus_words, F);
}

// SHA-256: four message words in lanes 0..3 (W[t] lowest), each word byte-swapped.
__attribute__((target("sha,ssse3,sse4.1"))) __m128i load_words_256(const std::uint8_t* p) {
  const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), swap);
}

const bool kHasShaExtensions = cpu_has_sha_extensions();

}  // namespace

__attribute__((target("sha,ssse3,sse4.1"))) bool sha1_compress_shani(Sha1::State& hash,
                                                                     const std::uint8_t* block) {
  if (!kHasShaExtensions) return false;
  // 6.1.2 step 1: the schedule four words at a time, W[t] = ROTL1(W[t-3]^W[t-8]^W[t-14]^W[t-16]).
  __m128i w[20];  // NOLINT(*-avoid-c-arrays): std::array drops __m128i's alignment attribute
  for (std::size_t g = 0; g < 4; ++g) w[g] = load_words(block + 16 * g);
  for (std::size_t g = 4; g < 20; ++g) {
    w[g] = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32(w[g - 4], w[g - 3]), w[g - 2]),
                              w[g - 1]);
  }
  const __m128i abcd_in = _mm_set_epi32(static_cast<int>(hash[0]), static_cast<int>(hash[1]),
                                        static_cast<int>(hash[2]), static_cast<int>(hash[3]));
  const __m128i e_in = _mm_set_epi32(static_cast<int>(hash[4]), 0, 0, 0);
  __m128i abcd = abcd_in;
  __m128i previous = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, _mm_add_epi32(e_in, w[0]), 0);  // E is given for rounds 0-3
  for (std::size_t g = 1; g < 5; ++g) four_rounds<0>(abcd, previous, w[g]);
  for (std::size_t g = 5; g < 10; ++g) four_rounds<1>(abcd, previous, w[g]);
  for (std::size_t g = 10; g < 15; ++g) four_rounds<2>(abcd, previous, w[g]);
  for (std::size_t g = 15; g < 20; ++g) four_rounds<3>(abcd, previous, w[g]);
  // 6.1.2 step 4: add the working variables; the new E is ROTL30 of A four rounds back.
  abcd = _mm_add_epi32(abcd, abcd_in);
  const __m128i e = _mm_sha1nexte_epu32(previous, e_in);
  hash[0] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 3));
  hash[1] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 2));
  hash[2] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 1));
  hash[3] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 0));
  hash[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
  return true;
}

__attribute__((target("sha,ssse3,sse4.1"))) bool sha256_compress_shani(Sha256::State& hash,
                                                                       const std::uint8_t* block) {
  if (!kHasShaExtensions) return false;
  // 6.2.2 step 1: W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at a time.
  __m128i w[16];  // NOLINT(*-avoid-c-arrays): std::array drops __m128i's alignment attribute
  for (std::size_t g = 0; g < 4; ++g) w[g] = load_words_256(block + 16 * g);
  for (std::size_t g = 4; g < 16; ++g) {
    const __m128i w7 = _mm_alignr_epi8(w[g - 1], w[g - 2], 4);  // W[t-7 .. t-4]
    w[g] =
        _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w[g - 4], w[g - 3]), w7), w[g - 1]);
  }
  // SHA256RNDS2 keeps the working variables as ABEF and CDGH (A and C in the highest lane).
  const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hash.data()));
  const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hash.data() + 4));
  const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  const __m128i abef_in = _mm_alignr_epi8(cdab, efgh, 8);
  const __m128i cdgh_in = _mm_blend_epi16(efgh, cdab, 0xF0);
  __m128i abef = abef_in;
  __m128i cdgh = cdgh_in;
  for (std::size_t g = 0; g < 16; ++g) {  // 6.2.2 step 3, two rounds per instruction
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kSha256Constants[4 * g]));
    const __m128i wk = _mm_add_epi32(w[g], k);
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
  }
  // Step 4: add the working variables, then back to A..H order.
  abef = _mm_add_epi32(abef, abef_in);
  cdgh = _mm_add_epi32(cdgh, cdgh_in);
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(hash.data()), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(hash.data() + 4), _mm_alignr_epi8(dchg, feba, 8));
  return true;
}

}  // namespace seckit::crypto::detail

#else

namespace seckit::crypto::detail {
bool sha1_compress_shani(Sha1::State& /*hash*/, const std::uint8_t* /*block*/) { return false; }
bool sha256_compress_shani(Sha256::State& /*hash*/, const std::uint8_t* /*block*/) { return false; }
}  // namespace seckit::crypto::detail

#endif
