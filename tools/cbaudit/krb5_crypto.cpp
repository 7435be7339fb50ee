#include "krb5_crypto.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "ntlm.hpp"
#include "seckit/cipher.hpp"
#include "seckit/crypto.hpp"

namespace cbaudit::krb5 {

using seckit::parse_error;
using seckit::Result;
using seckit::crypto::Cipher;
using seckit::crypto::Digest;

namespace {

constexpr std::size_t kBlock = 16;

bool is_aes_sha1(int etype) {
  return etype == kAes128CtsHmacSha196 || etype == kAes256CtsHmacSha196;
}
bool is_aes_sha2(int etype) {
  return etype == kAes128CtsHmacSha256128 || etype == kAes256CtsHmacSha384192;
}

// RFC 8009: the HMAC hash and the truncation length h of etypes 19/20.
Digest sha2_digest(int etype) {
  return etype == kAes256CtsHmacSha384192 ? Digest::kSha384 : Digest::kSha256;
}
std::size_t sha2_mac_size(int etype) { return etype == kAes256CtsHmacSha384192 ? 24 : 16; }
constexpr std::size_t kSha1MacSize = 12;

// AES in ECB mode for the key length (16 or 32 bytes): the block operation CTS and the key
// derivation chain by hand.
Result<Cipher> aes_ecb(Bytes key, Cipher::Direction direction) {
  if (key.size() != 16 && key.size() != 32) {
    return parse_error("AES key of " + std::to_string(key.size()) + " bytes");
  }
  return Cipher::create(key.size() == 32 ? "AES-256-ECB" : "AES-128-ECB", key, direction);
}

Buffer concat(Bytes a, Bytes b) {
  Buffer out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Buffer usage_constant(std::uint32_t usage, std::uint8_t kind) {
  return {static_cast<std::uint8_t>(usage >> 24), static_cast<std::uint8_t>(usage >> 16),
          static_cast<std::uint8_t>(usage >> 8), static_cast<std::uint8_t>(usage), kind};
}
constexpr std::uint8_t kKc = 0x99, kKe = 0xAA, kKi = 0x55;

// RFC 4757 3: the Windows message types that differ from the RFC 4120 usages.
std::uint32_t rc4_usage(std::uint32_t usage) {
  switch (usage) {
    case 3:
    case 9:
      return 8;
    case 23:
      return 13;
    default:
      return usage;
  }
}

Result<Buffer> rc4(Bytes key, Bytes data) {
  ntlm::require_legacy_provider("RC4");
  auto cipher = Cipher::create("RC4", key, Cipher::Direction::kEncrypt);
  if (!cipher) return cipher.error();
  return cipher->crypt({}, data);
}

Buffer rc4_usage_key(Bytes key, std::uint32_t usage) {
  std::uint32_t t = rc4_usage(usage);
  std::uint8_t le[4] = {static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(t >> 8),
                        static_cast<std::uint8_t>(t >> 16), static_cast<std::uint8_t>(t >> 24)};
  return seckit::crypto::hmac(Digest::kMd5, key, Bytes(le, 4));
}

Result<Buffer> rc4_encrypt(Bytes key, std::uint32_t usage, Bytes plain, Bytes confounder) {
  if (confounder.size() != 8) return parse_error("rc4-hmac wants an 8-byte confounder");
  Buffer k1 = rc4_usage_key(key, usage);
  Buffer inner = concat(confounder, plain);
  Buffer sum = seckit::crypto::hmac(Digest::kMd5, k1, inner);
  Buffer k3 = seckit::crypto::hmac(Digest::kMd5, k1, sum);
  auto body = rc4(k3, inner);
  if (!body) return body.error();
  return concat(sum, *body);
}

Result<Buffer> rc4_decrypt(Bytes key, std::uint32_t usage, Bytes cipher) {
  if (cipher.size() < 16 + 8) return parse_error("rc4-hmac ciphertext too short");
  Buffer k1 = rc4_usage_key(key, usage);
  Bytes sum = cipher.first(16);
  Buffer k3 = seckit::crypto::hmac(Digest::kMd5, k1, sum);
  auto inner = rc4(k3, cipher.subspan(16));
  if (!inner) return inner.error();
  Buffer check = seckit::crypto::hmac(Digest::kMd5, k1, *inner);
  if (CRYPTO_memcmp(check.data(), sum.data(), 16) != 0) return parse_error(kIntegrityFailure);
  return Buffer(inner->begin() + 8, inner->end());
}

}  // namespace

bool etype_supported(int etype) {
  return is_aes_sha1(etype) || is_aes_sha2(etype) || etype == kRc4Hmac;
}

std::size_t key_size(int etype) {
  switch (etype) {
    case kAes128CtsHmacSha196:
    case kAes128CtsHmacSha256128:
    case kRc4Hmac:
      return 16;
    case kAes256CtsHmacSha196:
    case kAes256CtsHmacSha384192:
      return 32;
    default:
      return 0;
  }
}

Buffer nfold(Bytes input, std::size_t out_bytes) {
  // RFC 3961 5.1: replicate the input rotated right by 13 bits each time up to the least
  // common multiple of both lengths, then add the out_bytes-sized chunks with end-around carry.
  std::size_t in_bytes = input.size();
  if (in_bytes == 0 || out_bytes == 0) return Buffer(out_bytes, 0);
  std::size_t a = in_bytes, b = out_bytes;
  while (b != 0) {
    std::size_t t = a % b;
    a = b;
    b = t;
  }
  std::size_t lcm = in_bytes / a * out_bytes;
  std::size_t in_bits = in_bytes * 8;
  Buffer repeated(lcm);
  for (std::size_t copy = 0; copy < lcm / in_bytes; ++copy) {
    std::size_t rotation = (13 * copy) % in_bits;  // copy n is rotated right by 13n bits
    for (std::size_t bit = 0; bit < in_bits; ++bit) {
      std::size_t source = (bit + in_bits - rotation) % in_bits;
      int value = (input[source / 8] >> (7 - source % 8)) & 1;
      std::size_t target = copy * in_bits + bit;
      repeated[target / 8] |= static_cast<std::uint8_t>(value << (7 - target % 8));
    }
  }
  std::vector<unsigned> sum(out_bytes, 0);
  for (std::size_t chunk = 0; chunk < lcm / out_bytes; ++chunk) {
    for (std::size_t i = 0; i < out_bytes; ++i) sum[i] += repeated[chunk * out_bytes + i];
  }
  // Propagate carries (ones' complement addition: the carry out of the top wraps around).
  bool carried = true;
  while (carried) {
    carried = false;
    for (std::size_t i = out_bytes; i-- > 0;) {
      if (sum[i] > 0xff) {
        unsigned carry = sum[i] >> 8;
        sum[i] &= 0xff;
        sum[i == 0 ? out_bytes - 1 : i - 1] += carry;
        carried = true;
      }
    }
  }
  Buffer out(out_bytes);
  for (std::size_t i = 0; i < out_bytes; ++i) out[i] = static_cast<std::uint8_t>(sum[i]);
  return out;
}

Result<Buffer> aes_cts_encrypt(Bytes key, Bytes plain) {
  auto aes = aes_ecb(key, Cipher::Direction::kEncrypt);
  if (!aes) return aes.error();
  return seckit::crypto::cts_encrypt(*aes, plain);
}

Result<Buffer> aes_cts_decrypt(Bytes key, Bytes cipher) {
  auto aes = aes_ecb(key, Cipher::Direction::kDecrypt);
  if (!aes) return aes.error();
  return seckit::crypto::cts_decrypt(*aes, cipher);
}

Buffer derive_key(int etype, Bytes base_key, Bytes constant) {
  if (is_aes_sha2(etype)) {
    // RFC 8009 3: KDF-HMAC-SHA2(key, label, k) = k-truncate(HMAC(key, 1 | label | 0 | k)).
    std::size_t k_bits =
        constant.size() == 5 && constant[4] != kKe ? sha2_mac_size(etype) * 8 : key_size(etype) * 8;
    Buffer input = {0, 0, 0, 1};
    input.insert(input.end(), constant.begin(), constant.end());
    input.push_back(0);
    for (int shift = 24; shift >= 0; shift -= 8)
      input.push_back(static_cast<std::uint8_t>(k_bits >> shift));
    Buffer mac = seckit::crypto::hmac(sha2_digest(etype), base_key, input);
    mac.resize(k_bits / 8);
    return mac;
  }
  // RFC 3961 5.1: DR = E(key, n-fold(constant)) chained until enough bits; for AES the
  // random-to-key is the identity.
  auto aes = aes_ecb(base_key, Cipher::Direction::kEncrypt);
  if (!aes) return {};
  Buffer block = nfold(constant, kBlock);
  Buffer out;
  while (out.size() < base_key.size()) {
    auto next = aes->crypt({}, block);
    if (!next) return {};
    out.insert(out.end(), next->begin(), next->end());
    block = std::move(*next);
  }
  out.resize(base_key.size());
  return out;
}

Buffer string_to_key(int etype, std::string_view password, Bytes salt, std::uint32_t iterations) {
  std::size_t size = key_size(etype);
  Buffer tkey(size);
  Buffer full_salt;
  const EVP_MD* md = EVP_sha1();
  if (is_aes_sha2(etype)) {
    // RFC 8009 4: saltp = enctype-name | 0x00 | salt.
    std::string name = etype == kAes128CtsHmacSha256128 ? "aes128-cts-hmac-sha256-128"
                                                        : "aes256-cts-hmac-sha384-192";
    full_salt.assign(name.begin(), name.end());
    full_salt.push_back(0);
    md = etype == kAes128CtsHmacSha256128 ? EVP_sha256() : EVP_sha384();
  }
  full_salt.insert(full_salt.end(), salt.begin(), salt.end());
  if (size == 0 || etype == kRc4Hmac ||
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), full_salt.data(),
                        static_cast<int>(full_salt.size()), static_cast<int>(iterations), md,
                        static_cast<int>(size), tkey.data()) != 1) {
    return {};
  }
  static constexpr std::string_view kKerberos = "kerberos";
  return derive_key(etype, tkey, seckit::bytes::as_bytes(kKerberos));
}

Result<Buffer> encrypt(int etype, Bytes key, std::uint32_t usage, Bytes plain, Bytes confounder) {
  if (etype == kRc4Hmac) return rc4_encrypt(key, usage, plain, confounder);
  if (!etype_supported(etype)) return parse_error("unsupported etype " + std::to_string(etype));
  if (key.size() != key_size(etype)) return parse_error("key size does not match the etype");
  if (confounder.size() != kBlock) return parse_error("AES etypes want a 16-byte confounder");
  Buffer ke = derive_key(etype, key, usage_constant(usage, kKe));
  Buffer ki = derive_key(etype, key, usage_constant(usage, kKi));
  Buffer inner = concat(confounder, plain);
  auto c = aes_cts_encrypt(ke, inner);
  if (!c) return c.error();
  Buffer mac;
  if (is_aes_sha2(etype)) {
    // RFC 8009 5: the MAC covers IV | C (encrypt-then-MAC), IV all zero.
    Buffer iv_c(kBlock, 0);
    iv_c.insert(iv_c.end(), c->begin(), c->end());
    mac = seckit::crypto::hmac(sha2_digest(etype), ki, iv_c);
    mac.resize(sha2_mac_size(etype));
  } else {
    mac = seckit::crypto::hmac(Digest::kSha1, ki, inner);
    mac.resize(kSha1MacSize);
  }
  return concat(*c, mac);
}

Result<Buffer> decrypt(int etype, Bytes key, std::uint32_t usage, Bytes cipher) {
  if (etype == kRc4Hmac) {
    if (key.size() != 16) return parse_error("rc4-hmac key is not 16 bytes");
    return rc4_decrypt(key, usage, cipher);
  }
  if (!etype_supported(etype)) return parse_error("unsupported etype " + std::to_string(etype));
  if (key.size() != key_size(etype)) return parse_error("key size does not match the etype");
  std::size_t mac_size = is_aes_sha2(etype) ? sha2_mac_size(etype) : kSha1MacSize;
  if (cipher.size() < kBlock + mac_size) return parse_error("ciphertext too short");
  Bytes body = cipher.first(cipher.size() - mac_size);
  Bytes mac = cipher.last(mac_size);
  Buffer ke = derive_key(etype, key, usage_constant(usage, kKe));
  Buffer ki = derive_key(etype, key, usage_constant(usage, kKi));
  Buffer check;
  if (is_aes_sha2(etype)) {
    Buffer iv_c(kBlock, 0);
    iv_c.insert(iv_c.end(), body.begin(), body.end());
    check = seckit::crypto::hmac(sha2_digest(etype), ki, iv_c);
  }
  auto inner = aes_cts_decrypt(ke, body);
  if (!inner) return inner.error();
  if (!is_aes_sha2(etype)) check = seckit::crypto::hmac(Digest::kSha1, ki, *inner);
  if (CRYPTO_memcmp(check.data(), mac.data(), mac_size) != 0) {
    return parse_error(kIntegrityFailure);
  }
  return Buffer(inner->begin() + kBlock, inner->end());
}

Result<Buffer> checksum(int etype, Bytes key, std::uint32_t usage, Bytes data) {
  if (!is_aes_sha1(etype) && !is_aes_sha2(etype)) {
    return parse_error("no keyed checksum for etype " + std::to_string(etype));
  }
  if (key.size() != key_size(etype)) return parse_error("key size does not match the etype");
  Buffer kc = derive_key(etype, key, usage_constant(usage, kKc));
  Buffer mac =
      seckit::crypto::hmac(is_aes_sha2(etype) ? sha2_digest(etype) : Digest::kSha1, kc, data);
  mac.resize(is_aes_sha2(etype) ? sha2_mac_size(etype) : kSha1MacSize);
  return mac;
}

}  // namespace cbaudit::krb5
