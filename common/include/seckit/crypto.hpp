// OpenSSL, wrapped: RAII handles, digests, HMAC, CSPRNG bytes, and error messages that carry
// OpenSSL's own reason instead of a bare "failed".
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace seckit::crypto {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;

enum class Digest { kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };

const EVP_MD* evp_md(Digest digest);
std::string_view digest_name(Digest digest);                // "sha256"
std::optional<Digest> parse_digest(std::string_view name);  // "SHA256", "sha-256", "sha256"
std::size_t digest_size(Digest digest);

Buffer digest(Digest digest, Bytes data);
Buffer hmac(Digest digest, Bytes key, Bytes data);
Buffer random_bytes(std::size_t n);  // CSPRNG (RAND_bytes); throws when the RNG fails

// Drains OpenSSL's thread error queue into one line, e.g. "error:0480006C:PEM routines::no
// start line". Empty when the queue was empty.
std::string openssl_errors();

// Throws ToolError(kExitEnvironment) naming what failed and OpenSSL's queued reason.
[[noreturn]] void throw_openssl(const std::string& what);

}  // namespace seckit::crypto
