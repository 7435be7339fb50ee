// OpenSSL, wrapped: RAII handles, digests, HMAC, CSPRNG bytes, and error messages that carry
// OpenSSL's own reason instead of a bare "failed". The Digest enum and its names live in
// seckit/digest.hpp (with the start-up-free HMAC for short messages, which links no OpenSSL).
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

#include "seckit/digest.hpp"

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

const EVP_MD* evp_md(Digest digest);

Buffer digest(Digest digest, Bytes data);
Buffer hmac(Digest digest, Bytes key, Bytes data);
Buffer random_bytes(std::size_t n);  // CSPRNG (RAND_bytes); throws when the RNG fails

// Drains OpenSSL's thread error queue into one line, e.g. "error:0480006C:PEM routines::no
// start line". Empty when the queue was empty.
std::string openssl_errors();

// Throws ToolError(kExitEnvironment) naming what failed and OpenSSL's queued reason.
[[noreturn]] void throw_openssl(const std::string& what);

}  // namespace seckit::crypto
