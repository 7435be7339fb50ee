// Key schedules (TLS 1.0-1.2 PRF, TLS 1.3 HKDF-Expand-Label) and record decryption, all through
// OpenSSL EVP_KDF / EVP_CIPHER. This is a passive decoder: a failed MAC or tag is a result
// ("wrong key"), not an attack to hide, so no constant-time padding games are needed here.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <cstring>

#include "seckit/crypto.hpp"
#include "seckit/tls.hpp"

namespace seckit::tls {
namespace {

using EvpKdfPtr = std::unique_ptr<EVP_KDF, crypto::Deleter<EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, crypto::Deleter<EVP_KDF_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, crypto::Deleter<EVP_MAC_free>>;

const char* md_name(crypto::Digest d) {
  switch (d) {
    case crypto::Digest::kMd5:
      return "MD5";
    case crypto::Digest::kSha1:
      return "SHA1";
    case crypto::Digest::kSha224:
      return "SHA224";
    case crypto::Digest::kSha256:
      return "SHA256";
    case crypto::Digest::kSha384:
      return "SHA384";
    case crypto::Digest::kSha512:
      return "SHA512";
  }
  return "SHA256";
}

Buffer run_kdf(const char* name, OSSL_PARAM* params, std::size_t length) {
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, name, nullptr));
  if (!kdf) crypto::throw_openssl(std::string("EVP_KDF_fetch ") + name);
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  Buffer out(length);
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    crypto::throw_openssl(std::string("EVP_KDF_derive ") + name);
  }
  return out;
}

// OpenSSL's parameter API wants non-const pointers even for inputs.
void* mut(const void* p) { return const_cast<void*>(p); }

Buffer tls1_prf(const char* digest, Bytes secret, std::string_view label, Bytes seed,
                std::size_t length) {
  Buffer full_seed(label.begin(), label.end());
  full_seed.insert(full_seed.end(), seed.begin(), seed.end());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, mut(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full_seed.data(), full_seed.size()),
      OSSL_PARAM_construct_end()};
  return run_kdf("TLS1-PRF", params, length);
}

// OpenSSL's name of each bulk cipher; empty for NULL and the unsupported ones.
const char* cipher_name(BulkCipher c) {
  switch (c) {
    case BulkCipher::kAes128Gcm:
      return "AES-128-GCM";
    case BulkCipher::kAes256Gcm:
      return "AES-256-GCM";
    case BulkCipher::kChaCha20Poly1305:
      return "ChaCha20-Poly1305";
    case BulkCipher::kAes128Cbc:
      return "AES-128-CBC";
    case BulkCipher::kAes256Cbc:
      return "AES-256-CBC";
    case BulkCipher::kDes3Cbc:
      return "DES-EDE3-CBC";
    default:
      return "";
  }
}

using Header = std::array<std::uint8_t, 13>;

// RFC 5246 6.2.3.1/6.2.3.3: seq_num || type || version || length, the MAC and AEAD input.
Header record_header(std::uint64_t sequence, std::uint8_t type, std::uint16_t version,
                     std::size_t length) {
  Header h{};
  for (int i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(sequence >> (56 - 8 * i));
  h[8] = type;
  h[9] = static_cast<std::uint8_t>(version >> 8);
  h[10] = static_cast<std::uint8_t>(version);
  h[11] = static_cast<std::uint8_t>(length >> 8);
  h[12] = static_cast<std::uint8_t>(length);
  return h;
}

bool explicit_iv(std::uint16_t version) {
  return version != kSsl30 && version != kTls10;  // DTLS (incl. 0x0100) always explicit
}

}  // namespace

namespace kdf {

Buffer prf12(crypto::Digest hash, Bytes secret, std::string_view label, Bytes seed,
             std::size_t length) {
  return tls1_prf(md_name(hash), secret, label, seed, length);
}

Buffer prf10(Bytes secret, std::string_view label, Bytes seed, std::size_t length) {
  return tls1_prf("MD5-SHA1", secret, label, seed, length);
}

Buffer hkdf_extract(crypto::Digest hash, Bytes salt, Bytes ikm) {
  int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
  // An empty salt means HashLen zero bytes (RFC 5869 2.2); OpenSSL wants it spelled out.
  Buffer zero(crypto::digest_size(hash), 0);
  Bytes s = salt.empty() ? Bytes(zero) : salt;
  Buffer zero_ikm(crypto::digest_size(hash), 0);
  Bytes k = ikm.empty() ? Bytes(zero_ikm) : ikm;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md_name(hash)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mut(k.data()), k.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mut(s.data()), s.size()),
      OSSL_PARAM_construct_end()};
  return run_kdf("HKDF", params, crypto::digest_size(hash));
}

Buffer hkdf_expand_label(crypto::Digest hash, Bytes secret, std::string_view label, Bytes context,
                         std::size_t length) {
  // HkdfLabel: uint16 length, opaque label<7..255> = "tls13 " + label, opaque context<0..255>.
  Buffer info;
  info.push_back(static_cast<std::uint8_t>(length >> 8));
  info.push_back(static_cast<std::uint8_t>(length));
  std::string full = "tls13 " + std::string(label);
  info.push_back(static_cast<std::uint8_t>(full.size()));
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(static_cast<std::uint8_t>(context.size()));
  info.insert(info.end(), context.begin(), context.end());
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md_name(hash)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mut(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end()};
  return run_kdf("HKDF", params, length);
}

}  // namespace kdf

RecordProtection::RecordProtection() = default;
RecordProtection::~RecordProtection() = default;
RecordProtection::RecordProtection(RecordProtection&&) noexcept = default;
RecordProtection& RecordProtection::operator=(RecordProtection&&) noexcept = default;

std::optional<RecordProtection> RecordProtection::from_keys(const SuiteInfo& suite,
                                                            std::uint16_t version, Bytes key,
                                                            Bytes iv, Bytes mac_key,
                                                            bool encrypt_then_mac) {
  if (suite.cipher == BulkCipher::kUnsupported) return std::nullopt;
  if (suite.cipher != BulkCipher::kNull && *cipher_name(suite.cipher) == '\0') return std::nullopt;
  if (key.size() != suite.key_length || iv.size() < suite.iv_length ||
      mac_key.size() != suite.mac_length) {
    return std::nullopt;
  }
  RecordProtection p;
  p.suite_ = suite;
  p.version_ = version;
  p.key_.assign(key.begin(), key.end());
  p.iv_.assign(iv.begin(), iv.begin() + static_cast<std::ptrdiff_t>(suite.iv_length));
  p.mac_key_.assign(mac_key.begin(), mac_key.end());
  p.etm_ = encrypt_then_mac && !suite.aead;
  if (suite.cipher != BulkCipher::kNull) {
    auto cipher = crypto::Cipher::create(cipher_name(suite.cipher), p.key_);
    if (!cipher) return std::nullopt;
    p.cipher_ = std::move(*cipher);
  }
  if (!suite.aead && suite.mac) {
    EvpMacPtr hmac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!hmac) return std::nullopt;
    p.mac_.reset(EVP_MAC_CTX_new(hmac.get()));
    // EVP_MAC_init() rejects a null key even when empty; any valid pointer will do.
    static const unsigned char kEmpty = 0;
    const unsigned char* key_ptr = p.mac_key_.empty() ? &kEmpty : p.mac_key_.data();
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
                               OSSL_MAC_PARAM_DIGEST, const_cast<char*>(md_name(*suite.mac)), 0),
                           OSSL_PARAM_construct_end()};
    if (!p.mac_ || EVP_MAC_init(p.mac_.get(), key_ptr, p.mac_key_.size(), params) != 1) {
      crypto::openssl_errors();
      return std::nullopt;
    }
    p.mac_out_.resize(EVP_MAX_MD_SIZE);
  }
  return p;
}

std::optional<RecordProtection> RecordProtection::tls13(std::uint16_t cipher_suite,
                                                        Bytes traffic_secret) {
  auto suite = suite_info(cipher_suite);
  if (!suite || !suite->tls13 || !suite->aead) return std::nullopt;
  Buffer key = kdf::hkdf_expand_label(suite->prf, traffic_secret, "key", {}, suite->key_length);
  Buffer iv = kdf::hkdf_expand_label(suite->prf, traffic_secret, "iv", {}, 12);
  return from_keys(*suite, kTls13, key, iv, {}, false);
}

std::optional<RecordProtection> RecordProtection::tls12(std::uint16_t cipher_suite,
                                                        std::uint16_t version, Bytes master_secret,
                                                        Bytes client_random, Bytes server_random,
                                                        bool client_writer, bool encrypt_then_mac) {
  auto suite = suite_info(cipher_suite);
  if (!suite || suite->tls13 || master_secret.size() != 48) return std::nullopt;
  bool modern_prf = version == kTls12 || version == kDtls12;
  std::size_t mac = suite->mac_length, key = suite->key_length, iv = suite->iv_length;
  Buffer seed(server_random.begin(), server_random.end());
  seed.insert(seed.end(), client_random.begin(), client_random.end());
  std::size_t total = 2 * (mac + key + iv);
  Buffer block = modern_prf ? kdf::prf12(suite->prf, master_secret, "key expansion", seed, total)
                            : kdf::prf10(master_secret, "key expansion", seed, total);
  Bytes b(block);
  std::size_t side = client_writer ? 0 : 1;
  Bytes mac_key = b.subspan(side * mac, mac);
  Bytes enc_key = b.subspan(2 * mac + side * key, key);
  Bytes enc_iv = b.subspan(2 * mac + 2 * key + side * iv, iv);
  return from_keys(*suite, version, enc_key, enc_iv, mac_key, encrypt_then_mac);
}

Result<Buffer> RecordProtection::open(std::uint8_t content_type, std::uint16_t version,
                                      std::uint64_t sequence, Bytes fragment,
                                      std::uint8_t* inner_type) {
  Buffer scratch;
  auto plain = open_into(content_type, version, sequence, fragment, scratch, inner_type);
  if (!plain) return plain.error();
  return Buffer(plain->begin(), plain->end());
}

Result<Bytes> RecordProtection::open_into(std::uint8_t content_type, std::uint16_t version,
                                          std::uint64_t sequence, Bytes fragment, Buffer& scratch,
                                          std::uint8_t* inner_type) {
  if (suite_.cipher != BulkCipher::kNull && !cipher_) return parse_error("no keys");
  if (suite_.aead) {
    return open_aead(content_type, version, sequence, fragment, scratch, inner_type);
  }
  if (inner_type) *inner_type = content_type;
  if (suite_.cipher != BulkCipher::kNull) {
    return open_cbc(content_type, version, sequence, fragment, scratch);
  }
  std::size_t mac_len = suite_.mac_length;
  if (fragment.size() < mac_len) return parse_error("record too short");
  Bytes content = fragment.first(fragment.size() - mac_len);
  if (!mac_matches(content_type, version, sequence, content, fragment.subspan(content.size()))) {
    return parse_error("bad-mac");
  }
  return content;
}

Result<Bytes> RecordProtection::open_aead(std::uint8_t content_type, std::uint16_t version,
                                          std::uint64_t sequence, Bytes fragment, Buffer& scratch,
                                          std::uint8_t* inner_type) {
  constexpr std::size_t kTag = 16;
  std::array<std::uint8_t, 12> nonce{};
  Bytes ciphertext;
  Header aad_buf{};
  Bytes aad;
  if (suite_.tls13 || suite_.cipher == BulkCipher::kChaCha20Poly1305) {
    // RFC 8446 5.3 / RFC 7905: the 64-bit sequence number XORed into the static IV.
    if (fragment.size() < kTag) return parse_error("record too short");
    std::memcpy(nonce.data(), iv_.data(), 12);
    for (int i = 0; i < 8; ++i) nonce[4 + i] ^= static_cast<std::uint8_t>(sequence >> (56 - 8 * i));
    ciphertext = fragment.first(fragment.size() - kTag);
    if (suite_.tls13) {
      // RFC 8446 5.2: the additional data is the record header (type, version, length).
      aad_buf = record_header(0, content_type, version, fragment.size());
      aad = Bytes(aad_buf).subspan(8);
    } else {
      aad_buf = record_header(sequence, content_type, version, ciphertext.size());
      aad = aad_buf;
    }
  } else {
    // RFC 5288: 4-byte salt from the key block + 8-byte explicit nonce in the record.
    if (fragment.size() < 8 + kTag) return parse_error("record too short");
    std::memcpy(nonce.data(), iv_.data(), 4);
    std::memcpy(nonce.data() + 4, fragment.data(), 8);
    ciphertext = fragment.subspan(8, fragment.size() - 8 - kTag);
    aad_buf = record_header(sequence, content_type, version, ciphertext.size());
    aad = aad_buf;
  }
  auto plain = cipher_->open(nonce, aad, ciphertext, fragment.last(kTag), scratch);
  if (!plain) return parse_error("bad-tag");
  if (!suite_.tls13) {
    if (inner_type) *inner_type = content_type;
    return plain;
  }
  // TLSInnerPlaintext: content || type || zeros.
  std::size_t n = plain->size();
  while (n > 0 && (*plain)[n - 1] == 0) --n;
  if (n == 0) return parse_error("no inner content type");
  if (inner_type) *inner_type = (*plain)[n - 1];
  return plain->first(n - 1);
}

bool RecordProtection::mac_matches(std::uint8_t content_type, std::uint16_t version,
                                   std::uint64_t sequence, Bytes data, Bytes expected) {
  Header header = record_header(sequence, content_type, version, data.size());
  std::size_t out_len = 0;
  EVP_MAC_CTX* m = mac_.get();
  // A null key re-initialises with the key set in from_keys().
  if (!m || EVP_MAC_init(m, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(m, header.data(), header.size()) != 1 ||
      EVP_MAC_update(m, data.data(), data.size()) != 1 ||
      EVP_MAC_final(m, mac_out_.data(), &out_len, mac_out_.size()) != 1) {
    crypto::openssl_errors();
    return false;
  }
  return out_len == expected.size() &&
         std::equal(expected.begin(), expected.end(), mac_out_.begin());
}

// CBC with HMAC: MAC-then-encrypt, or encrypt-then-MAC (RFC 7366) when negotiated.
Result<Bytes> RecordProtection::open_cbc(std::uint8_t content_type, std::uint16_t version,
                                         std::uint64_t sequence, Bytes fragment, Buffer& scratch) {
  std::size_t mac_len = suite_.mac_length;
  std::size_t block = cipher_->block_size();
  Bytes body = fragment;
  if (etm_) {
    // RFC 7366: MAC over the IV + ciphertext, checked before decrypting.
    if (body.size() < mac_len) return parse_error("record too short");
    Bytes enc = body.first(body.size() - mac_len);
    if (!mac_matches(content_type, version, sequence, enc, body.subspan(enc.size()))) {
      return parse_error("bad-mac");
    }
    body = enc;
  }
  std::array<std::uint8_t, 16> iv{};
  Bytes ciphertext;
  if (explicit_iv(version_)) {
    if (body.size() < 2 * block || body.size() % block != 0) return parse_error("bad CBC length");
    std::memcpy(iv.data(), body.data(), block);
    ciphertext = body.subspan(block);
  } else {
    if (body.empty() || body.size() % block != 0) return parse_error("bad CBC length");
    std::memcpy(iv.data(), iv_.data(), block);
    ciphertext = body;
    // TLS 1.0: the next record's IV is this record's last ciphertext block.
    iv_.assign(body.end() - static_cast<std::ptrdiff_t>(block), body.end());
  }
  auto plain = cipher_->crypt(Bytes(iv.data(), block), ciphertext, scratch);
  if (!plain) return parse_error("bad-mac");
  std::size_t n = plain->size();
  const std::uint8_t* out = plain->data();
  std::size_t pad = n == 0 ? 0 : out[n - 1];
  if (pad + 1 > n) return parse_error("bad-mac");
  for (std::size_t i = n - pad - 1; i < n; ++i) {
    if (out[i] != pad) return parse_error("bad-mac");
  }
  n -= pad + 1;
  if (etm_) return Bytes(out, n);
  if (n < mac_len) return parse_error("bad-mac");
  Bytes content(out, n - mac_len);
  if (!mac_matches(content_type, version, sequence, content,
                   Bytes(out + content.size(), mac_len))) {
    return parse_error("bad-mac");
  }
  return content;
}

}  // namespace seckit::tls
