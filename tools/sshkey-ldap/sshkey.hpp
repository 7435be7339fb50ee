// OpenSSH public keys: the wire blob (RFC 4253 6.6, RFC 5656, RFC 8709, PROTOCOL.certkeys,
// PROTOCOL.u2f), the authorized_keys line (sshd(8) AUTHORIZED_KEYS FILE FORMAT) and the
// fingerprints ssh-keygen -l prints. Every byte is read through seckit::bytes::Reader.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/result.hpp"

namespace sshkey {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

enum class Algorithm { kRsa, kDsa, kEcdsa, kEd25519, kSkEcdsa, kSkEd25519 };

// One critical option or extension as ssh-keygen -L shows it: force-command and source-address
// carry a text value; any other option with data shows that data in hex ("UNKNOWN OPTION").
struct CertificateOption {
  std::string name;
  std::optional<std::string> value;  // force-command, source-address
  std::string unknown_data_hex;      // the raw data of an option ssh-keygen does not know
};

struct Certificate {
  std::uint64_t serial = 0;
  std::uint32_t cert_type = 0;  // 1 user, 2 host
  std::string key_id;
  std::vector<std::string> principals;
  std::uint64_t valid_after = 0;
  std::uint64_t valid_before = 0;  // 0xffffffffffffffff = forever
  std::vector<CertificateOption> critical_options;
  std::vector<CertificateOption> extensions;
  std::string signature_key_type;
  std::string signature_key_sha256;  // "SHA256:..." of the signing CA key
  std::string signature_algorithm;   // "ssh-rsa" means a SHA-1 signature
};

struct PublicKey {
  std::string type;       // as in the blob: "ssh-ed25519-cert-v01@openssh.com"
  std::string base_type;  // the plain key type: "ssh-ed25519"
  Algorithm algorithm = Algorithm::kEd25519;
  int bits = 0;
  std::string curve;        // "nistp256" for (sk-)ECDSA
  std::string application;  // "ssh:" for sk- keys
  Buffer blob;              // the whole blob as stored
  Buffer plain_blob;        // the plain public key (a certificate's key); fingerprints hash this
  std::optional<Certificate> certificate;
};

// The key types sshd accepts in authorized_keys (plain and certificate forms).
bool is_known_key_type(std::string_view type);

// Parses a public key blob. Rejects unknown types, truncated or trailing bytes, negative
// integers, wrong point sizes and a certificate whose inner fields do not match its type.
seckit::Result<PublicKey> parse_public_key_blob(Bytes blob);

std::string fingerprint_sha256(const PublicKey& key);  // "SHA256:<base64, unpadded>"
std::string fingerprint_md5(const PublicKey& key);     // "MD5:aa:bb:..."
std::string type_label(const PublicKey& key);          // "ED25519", "RSA-CERT" (ssh-keygen -l)
// SSHFP (RFC 4255/6594/7479) algorithm number, 0 when the key has none (sk-, certificates).
int sshfp_algorithm(const PublicKey& key);

struct KeyOption {
  std::string name;                  // lower case
  std::optional<std::string> value;  // unquoted, escapes resolved
};

struct AuthorizedKey {
  std::string options_text;  // exactly as written, empty when none
  std::vector<KeyOption> options;
  std::string type_text;
  std::string base64;
  std::string comment;
  PublicKey key;

  // The canonical line: options, type, base64 and comment separated by single spaces.
  std::string line() const;
  bool has_option(std::string_view name) const;
};

// The error message of a line whose key type is not one sshd knows starts with this, so audit
// can report "unknown type" separately from "malformed".
inline constexpr std::string_view kUnknownTypeError = "unknown key type";

bool is_blank_or_comment(std::string_view line);

// One authorized_keys line (no line break). Blank and comment lines are errors here; callers
// skip them with is_blank_or_comment first.
seckit::Result<AuthorizedKey> parse_authorized_key_line(std::string_view line);

}  // namespace sshkey
