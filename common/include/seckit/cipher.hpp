// One symmetric cipher, fetched once from OpenSSL's providers and keyed once, with every EVP
// call's return value checked (an error names the step and OpenSSL's reason). What the passive
// decoders need: unpadded CBC, ECB and stream ciphers (TLS CBC suites, IKE, Kerberos RC4), AEAD
// open (GCM, ChaCha20-Poly1305: TLS and IKEv2), and CBC with ciphertext stealing (RFC 3962:
// Kerberos AES-CTS) built on the block operation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "seckit/crypto.hpp"
#include "seckit/result.hpp"

namespace seckit::crypto {

class Cipher {
 public:
  enum class Direction { kDecrypt, kEncrypt };

  // name: OpenSSL's ("AES-128-CBC", "AES-256-GCM", "DES-EDE3-CBC", "ChaCha20-Poly1305", "RC4",
  // "AES-128-ECB"). The key length is checked against the cipher's; ciphers with a variable key
  // length (RC4) take the key's. An error when no loaded provider has the cipher (RC4 and DES
  // need the legacy provider loaded first) or OpenSSL refuses the key.
  static Result<Cipher> create(std::string_view name, Bytes key,
                               Direction direction = Direction::kDecrypt);

  std::size_t block_size() const { return block_size_; }  // 1 for stream ciphers
  std::size_t iv_length() const { return iv_length_; }
  bool aead() const { return aead_; }
  const std::string& name() const { return name_; }

  // Without padding: the input must be a whole number of blocks (stream ciphers: any length).
  // iv: one block for CBC, empty for ECB and stream ciphers (a stream continues where the last
  // call ended). The result is a view of `out`, which is grown as needed and reused.
  Result<Bytes> crypt(Bytes iv, Bytes input, Buffer& out);
  Result<Buffer> crypt(Bytes iv, Bytes input);

  // AEAD decryption of ciphertext with its tag; "bad-tag" when authentication fails (a wrong
  // key or a corrupted record: a result for a passive decoder, not an exception).
  Result<Bytes> open(Bytes nonce, Bytes aad, Bytes ciphertext, Bytes tag, Buffer& out);

 private:
  Cipher() = default;
  ParseError failed(std::string_view step) const;

  EvpCipherCtxPtr ctx_;
  std::string name_;
  std::size_t block_size_ = 1;
  std::size_t iv_length_ = 0;
  bool aead_ = false;
  bool encrypt_ = false;
};

// CBC with ciphertext stealing as RFC 3962 defines it for Kerberos (CBC-CS3 with the last two
// blocks always swapped, even when the input is a whole number of blocks; a zero IV). `ecb` is a
// 16-byte block cipher in ECB mode in the matching direction. Inputs shorter than one block are
// an error.
Result<Buffer> cts_encrypt(Cipher& ecb, Bytes plain);
Result<Buffer> cts_decrypt(Cipher& ecb, Bytes ciphertext);

}  // namespace seckit::crypto
