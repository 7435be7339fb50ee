// MD5 fingerprints (ssh-keygen -E md5) through OpenSSL, apart from sshkey.cpp so that parsing
// keys does not pull libcrypto into the sshkey-ldap executable's cache path (issue 18).
#include <fmt/format.h>

#include "seckit/crypto.hpp"
#include "sshkey.hpp"

namespace sshkey {

std::string fingerprint_md5(const PublicKey& key) {
  auto digest = seckit::crypto::digest(seckit::crypto::Digest::kMd5, key.plain_blob);
  std::string out = "MD5:";
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out += fmt::format("{}{:02x}", i ? ":" : "", digest[i]);
  }
  return out;
}

}  // namespace sshkey
