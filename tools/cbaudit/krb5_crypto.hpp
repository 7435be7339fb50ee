// Kerberos 5 encryption types, enough to open a ticket and an authenticator with a service key:
// the RFC 3961 simplified profile with RFC 3962 AES-CTS + HMAC-SHA1-96 (etypes 17, 18), the
// RFC 8009 AES-CTS + HMAC-SHA256-128 / HMAC-SHA384-192 (etypes 19, 20) and RFC 4757 RC4-HMAC
// (etype 23). Everything goes through OpenSSL (EVP for AES/RC4, HMAC, PBKDF2); RC4 lives in
// OpenSSL 3's legacy provider, loaded on first use like NTLM's MD4.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace cbaudit::krb5 {

using seckit::bytes::Bytes;
using Buffer = std::vector<std::uint8_t>;

enum Etype : int {
  kAes128CtsHmacSha196 = 17,
  kAes256CtsHmacSha196 = 18,
  kAes128CtsHmacSha256128 = 19,
  kAes256CtsHmacSha384192 = 20,
  kRc4Hmac = 23,
};

// Key usages (RFC 4120 7.5.1) that cbaudit needs.
inline constexpr std::uint32_t kUsageTicket = 2;               // Ticket enc-part, service key
inline constexpr std::uint32_t kUsageApReqAuthenticator = 11;  // session key

bool etype_supported(int etype);
// Bytes of a protocol key for the etype (16 or 32); 0 when unsupported.
std::size_t key_size(int etype);

// RFC 3961 5.1: the n-fold of `input` to `out_bytes` bytes.
Buffer nfold(Bytes input, std::size_t out_bytes);

// AES in CBC mode with ciphertext stealing as Kerberos uses it (RFC 3962 5: zero IV, the last
// two blocks always swapped, even when the length is a multiple of the block size). At least
// one block of input.
seckit::Result<Buffer> aes_cts_encrypt(Bytes key, Bytes plain);
seckit::Result<Buffer> aes_cts_decrypt(Bytes key, Bytes cipher);

// The key derived from a base key for a usage constant (usage || 0xAA/0x55/0x99, or
// "kerberos"): DK (RFC 3961 5.1) for 17/18, KDF-HMAC-SHA2 (RFC 8009 3) for 19/20.
Buffer derive_key(int etype, Bytes base_key, Bytes constant);

// string-to-key: RFC 3962 4 (17/18, PBKDF2-HMAC-SHA1) and RFC 8009 4 (19/20).
Buffer string_to_key(int etype, std::string_view password, Bytes salt, std::uint32_t iterations);

// encrypt with a given confounder (tests reproduce the RFC vectors with it).
seckit::Result<Buffer> encrypt(int etype, Bytes key, std::uint32_t usage, Bytes plain,
                               Bytes confounder);
// decrypt and verify integrity; the error says "integrity check failed" for a wrong key.
seckit::Result<Buffer> decrypt(int etype, Bytes key, std::uint32_t usage, Bytes cipher);
inline constexpr const char* kIntegrityFailure = "integrity check failed";

// get_mic: HMAC-SHA1-96 (17/18) or HMAC-SHA256-128/SHA384-192 (19/20) with Kc of the usage.
seckit::Result<Buffer> checksum(int etype, Bytes key, std::uint32_t usage, Bytes data);

}  // namespace cbaudit::krb5
