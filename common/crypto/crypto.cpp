#include "seckit/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "seckit/error.hpp"

namespace seckit::crypto {

namespace {

const EVP_MD* legacy_md(Digest digest) {
  switch (digest) {
    case Digest::kMd5:
      return EVP_md5();
    case Digest::kSha1:
      return EVP_sha1();
    case Digest::kSha224:
      return EVP_sha224();
    case Digest::kSha256:
      return EVP_sha256();
    case Digest::kSha384:
      return EVP_sha384();
    case Digest::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

// Fetched once per process: OpenSSL 3 looks the legacy EVP_sha256() objects up in the provider
// store, under a lock, on every digest (a quarter of certcheck's time on 10k leaves). A digest
// the providers do not offer (MD5 under FIPS) keeps the legacy object and its error.
const EVP_MD* fetched_md(Digest digest) {
  EVP_MD* md = EVP_MD_fetch(nullptr, EVP_MD_get0_name(legacy_md(digest)), nullptr);
  ERR_clear_error();
  return md ? md : legacy_md(digest);
}

}  // namespace

const EVP_MD* evp_md(Digest digest) {
  static const EVP_MD* const kFetched[] = {
      fetched_md(Digest::kMd5),    fetched_md(Digest::kSha1),   fetched_md(Digest::kSha224),
      fetched_md(Digest::kSha256), fetched_md(Digest::kSha384), fetched_md(Digest::kSha512)};
  switch (digest) {
    case Digest::kMd5:
      return kFetched[0];
    case Digest::kSha1:
      return kFetched[1];
    case Digest::kSha224:
      return kFetched[2];
    case Digest::kSha256:
      return kFetched[3];
    case Digest::kSha384:
      return kFetched[4];
    case Digest::kSha512:
      return kFetched[5];
  }
  return kFetched[3];
}

std::string openssl_errors() {
  std::string out;
  unsigned long code;
  char buffer[256];
  while ((code = ERR_get_error()) != 0) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out;
}

void throw_openssl(const std::string& what) {
  std::string reason = openssl_errors();
  throw environment_error("openssl", reason.empty() ? what : what + ": " + reason);
}

Buffer digest(Digest d, Bytes data) {
  Buffer out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(d), nullptr) != 1) {
    throw_openssl("digest failed");
  }
  out.resize(len);
  return out;
}

Buffer hmac(Digest d, Bytes key, Bytes data) {
  Buffer out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  // HMAC() with a zero-length key needs a non-null pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_ptr = key.empty() ? &kEmpty : key.data();
  if (HMAC(evp_md(d), key_ptr, static_cast<int>(key.size()), data.data(), data.size(), out.data(),
           &len) == nullptr) {
    throw_openssl("HMAC failed");
  }
  out.resize(len);
  return out;
}

Buffer random_bytes(std::size_t n) {
  Buffer out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw_openssl("RAND_bytes failed");
  return out;
}

}  // namespace seckit::crypto
