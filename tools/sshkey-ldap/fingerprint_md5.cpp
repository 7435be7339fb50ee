// MD5 fingerprints (ssh-keygen -E md5) through OpenSSL, apart from sshkey.cpp so that parsing
// keys does not pull libcrypto into the sshkey-ldap executable's cache path (issue 18).
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "sshkey.hpp"

namespace sshkey {

std::string fingerprint_md5(const PublicKey& key) {
  auto digest = seckit::crypto::digest(seckit::crypto::Digest::kMd5, key.plain_blob);
  const std::string hex = seckit::enc::hex_encode(digest);  // "MD5:" then hex pairs joined by ':'
  std::string out = "MD5:";
  out.reserve(4 + hex.size() * 3 / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i != 0) out += ':';
    out.append(hex, i, 2);
  }
  return out;
}

}  // namespace sshkey
