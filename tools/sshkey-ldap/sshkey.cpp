#include "sshkey.hpp"

#include <fmt/format.h>

#include <array>

#include "seckit/bytes.hpp"
#include "seckit/digest.hpp"
#include "seckit/enc.hpp"

namespace sshkey {
namespace {

using seckit::parse_error;
using seckit::bytes::Reader;

constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";

struct TypeInfo {
  std::string_view name;
  Algorithm algorithm;
};
constexpr std::array<TypeInfo, 8> kPlainTypes = {{
    {"ssh-rsa", Algorithm::kRsa},
    {"ssh-dss", Algorithm::kDsa},
    {"ecdsa-sha2-nistp256", Algorithm::kEcdsa},
    {"ecdsa-sha2-nistp384", Algorithm::kEcdsa},
    {"ecdsa-sha2-nistp521", Algorithm::kEcdsa},
    {"ssh-ed25519", Algorithm::kEd25519},
    {"sk-ecdsa-sha2-nistp256@openssh.com", Algorithm::kSkEcdsa},
    {"sk-ssh-ed25519@openssh.com", Algorithm::kSkEd25519},
}};

// "sk-ssh-ed25519-cert-v01@openssh.com" -> "sk-ssh-ed25519@openssh.com"
std::optional<std::string> plain_type_of_cert(std::string_view type) {
  if (type.size() <= kCertSuffix.size() ||
      type.substr(type.size() - kCertSuffix.size()) != kCertSuffix) {
    return std::nullopt;
  }
  std::string stem(type.substr(0, type.size() - kCertSuffix.size()));
  if (stem.rfind("sk-", 0) == 0) stem += "@openssh.com";
  return stem;
}

const TypeInfo* plain_type(std::string_view name) {
  for (const auto& t : kPlainTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Bytes read_string(Reader& r) {
  std::uint32_t n = r.be32();
  if (!r.ok()) return {};
  return r.bytes(n);
}

std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Bit length of an SSH mpint (RFC 4251 section 5): two's complement, big-endian.
std::optional<int> mpint_bits(Bytes value, std::string& error, std::string_view name) {
  if (value.empty()) {
    error = fmt::format("{} is zero", name);
    return std::nullopt;
  }
  if (value[0] & 0x80) {
    error = fmt::format("{} is negative", name);
    return std::nullopt;
  }
  std::size_t i = 0;
  while (i < value.size() && value[i] == 0) ++i;
  if (i == value.size()) {
    error = fmt::format("{} is zero", name);
    return std::nullopt;
  }
  int bits = static_cast<int>((value.size() - i - 1) * 8);
  for (std::uint8_t top = value[i]; top; top >>= 1) ++bits;
  return bits;
}

void append_string(Buffer& out, std::string_view s) {
  auto n = static_cast<std::uint32_t>(s.size());
  out.push_back(static_cast<std::uint8_t>(n >> 24));
  out.push_back(static_cast<std::uint8_t>(n >> 16));
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.push_back(static_cast<std::uint8_t>(n));
  out.insert(out.end(), s.begin(), s.end());
}

// Reads the algorithm-specific public fields (the same layout in a plain key and, after the
// nonce, in a certificate). Returns an error message or empty.
std::string read_key_fields(Reader& r, PublicKey& key) {
  std::string error;
  switch (key.algorithm) {
    case Algorithm::kRsa: {
      Bytes e = read_string(r);
      Bytes n = read_string(r);
      if (!r.ok()) return "truncated RSA key";
      if (!mpint_bits(e, error, "RSA exponent")) return error;
      auto bits = mpint_bits(n, error, "RSA modulus");
      if (!bits) return error;
      key.bits = *bits;
      return {};
    }
    case Algorithm::kDsa: {
      Bytes p = read_string(r);
      Bytes q = read_string(r);
      Bytes g = read_string(r);
      Bytes y = read_string(r);
      if (!r.ok()) return "truncated DSA key";
      auto bits = mpint_bits(p, error, "DSA p");
      if (!bits || !mpint_bits(q, error, "DSA q") || !mpint_bits(g, error, "DSA g") ||
          !mpint_bits(y, error, "DSA y")) {
        return error;
      }
      key.bits = *bits;
      return {};
    }
    case Algorithm::kEcdsa:
    case Algorithm::kSkEcdsa: {
      Bytes curve = read_string(r);
      Bytes point = read_string(r);
      if (!r.ok()) return "truncated ECDSA key";
      key.curve = std::string(as_text(curve));
      std::string expected = key.base_type.substr(key.base_type.find("nistp"));
      if (auto at = expected.find('@'); at != std::string::npos) expected.resize(at);
      if (key.curve != expected) {
        return fmt::format("curve '{}' does not match key type {}", key.curve, key.base_type);
      }
      key.bits = key.curve == "nistp256" ? 256 : key.curve == "nistp384" ? 384 : 521;
      std::size_t coordinate = static_cast<std::size_t>((key.bits + 7) / 8);
      if (point.size() != 1 + 2 * coordinate || point[0] != 0x04) {
        return fmt::format("ECDSA point is not an uncompressed {}-byte point", 1 + 2 * coordinate);
      }
      if (key.algorithm == Algorithm::kSkEcdsa) {
        key.application = std::string(as_text(read_string(r)));
        if (!r.ok()) return "truncated security-key application";
      }
      return {};
    }
    case Algorithm::kEd25519:
    case Algorithm::kSkEd25519: {
      Bytes pk = read_string(r);
      if (!r.ok()) return "truncated Ed25519 key";
      if (pk.size() != 32) return fmt::format("Ed25519 key is {} bytes, not 32", pk.size());
      key.bits = 256;
      if (key.algorithm == Algorithm::kSkEd25519) {
        key.application = std::string(as_text(read_string(r)));
        if (!r.ok()) return "truncated security-key application";
      }
      return {};
    }
  }
  return "unsupported algorithm";
}

// The option's data as ssh-keygen -L shows it (sshkey.c show_options in OpenSSH): the two
// critical options with a string value, else the data in hex.
std::string read_option_data(const std::string& name, Bytes data, bool critical,
                             CertificateOption& option) {
  if (data.empty()) return {};
  if (critical && (name == "force-command" || name == "source-address")) {
    Reader inner(data);
    Bytes text = read_string(inner);
    if (!inner.ok() || !inner.empty()) return "malformed value of certificate option " + name;
    option.value = std::string(as_text(text));
    return {};
  }
  for (auto b : data) option.unknown_data_hex += fmt::format("{:02x}", b);
  return {};
}

std::string read_options(Reader& r, std::vector<CertificateOption>& options, bool critical) {
  Bytes packed = read_string(r);
  if (!r.ok()) return "truncated certificate";
  Reader inner(packed);
  while (!inner.empty()) {
    Bytes name = read_string(inner);
    Bytes data = read_string(inner);
    if (!inner.ok()) return "malformed certificate option list";
    CertificateOption option{std::string(as_text(name)), std::nullopt, {}};
    if (auto error = read_option_data(option.name, data, critical, option); !error.empty()) {
      return error;
    }
    options.push_back(std::move(option));
  }
  return {};
}

}  // namespace

bool is_known_key_type(std::string_view type) {
  if (plain_type(type)) return true;
  auto plain = plain_type_of_cert(type);
  return plain && plain_type(*plain);
}

seckit::Result<PublicKey> parse_public_key_blob(Bytes blob) {
  Reader r(blob);
  PublicKey key;
  key.blob.assign(blob.begin(), blob.end());
  Bytes type = read_string(r);
  if (!r.ok()) return r.error("truncated key blob");
  key.type = std::string(as_text(type));
  auto plain = plain_type_of_cert(key.type);
  key.base_type = plain ? *plain : key.type;
  const TypeInfo* info = plain_type(key.base_type);
  if (!info) {
    bool printable = !type.empty() && type.size() <= 64;
    for (auto c : type) printable = printable && c > 0x20 && c < 0x7f;
    return parse_error(fmt::format("{} '{}' in key blob", kUnknownTypeError,
                                   printable ? std::string(as_text(type)) : std::string("?")),
                       4);
  }
  key.algorithm = info->algorithm;
  if (plain) {
    Certificate cert;
    read_string(r);  // nonce
    std::size_t fields_start = r.position();
    if (auto error = read_key_fields(r, key); !error.empty()) return r.error(error);
    Bytes fields = blob.subspan(fields_start, r.position() - fields_start);
    append_string(key.plain_blob, key.base_type);
    key.plain_blob.insert(key.plain_blob.end(), fields.begin(), fields.end());
    cert.serial = r.be64();
    cert.cert_type = r.be32();
    cert.key_id = std::string(as_text(read_string(r)));
    Bytes principals = read_string(r);
    if (!r.ok()) return r.error("truncated certificate");
    Reader pr(principals);
    while (!pr.empty()) {
      Bytes p = read_string(pr);
      if (!pr.ok()) return r.error("malformed certificate principals");
      cert.principals.emplace_back(as_text(p));
    }
    cert.valid_after = r.be64();
    cert.valid_before = r.be64();
    if (auto error = read_options(r, cert.critical_options, true); !error.empty()) {
      return r.error(error);
    }
    if (auto error = read_options(r, cert.extensions, false); !error.empty()) {
      return r.error(error);
    }
    read_string(r);  // reserved
    Bytes signature_key = read_string(r);
    Bytes signature = read_string(r);
    if (!r.ok()) return r.error("truncated certificate");
    if (cert.cert_type != 1 && cert.cert_type != 2) {
      return r.error(
          fmt::format("certificate type {} is neither user (1) nor host (2)", cert.cert_type));
    }
    auto ca = parse_public_key_blob(signature_key);
    if (!ca) return r.error("certificate signature key: " + ca.error().message);
    if (ca->certificate) return r.error("certificate signed by a certificate");
    cert.signature_key_type = ca->type;
    cert.signature_key_sha256 = fingerprint_sha256(*ca);
    Reader sr(signature);
    Bytes algorithm = read_string(sr);
    if (!sr.ok()) return r.error("truncated certificate signature");
    cert.signature_algorithm = std::string(as_text(algorithm));
    key.certificate = std::move(cert);
  } else {
    if (auto error = read_key_fields(r, key); !error.empty()) return r.error(error);
    key.plain_blob = key.blob;
  }
  if (!r.empty()) return r.error(fmt::format("{} trailing bytes after the key", r.remaining()));
  return key;
}

// common/digest, not OpenSSL: parsing a certificate fingerprints its CA key, and the
// authorized-keys cache path parses every line it serves without loading libcrypto (issue 18).
std::string fingerprint_sha256(const PublicKey& key) {
  auto digest = seckit::crypto::small_digest(seckit::crypto::Digest::kSha256, key.plain_blob);
  return "SHA256:" +
         seckit::enc::base64_encode(digest, seckit::enc::Base64Alphabet::kStandard, false);
}

std::string type_label(const PublicKey& key) {
  std::string label;
  switch (key.algorithm) {
    case Algorithm::kRsa:
      label = "RSA";
      break;
    case Algorithm::kDsa:
      label = "DSA";
      break;
    case Algorithm::kEcdsa:
      label = "ECDSA";
      break;
    case Algorithm::kEd25519:
      label = "ED25519";
      break;
    case Algorithm::kSkEcdsa:
      label = "ECDSA-SK";
      break;
    case Algorithm::kSkEd25519:
      label = "ED25519-SK";
      break;
  }
  if (key.certificate) label += "-CERT";
  return label;
}

int sshfp_algorithm(const PublicKey& key) {
  if (key.certificate) return 0;
  switch (key.algorithm) {
    case Algorithm::kRsa:
      return 1;
    case Algorithm::kDsa:
      return 2;
    case Algorithm::kEcdsa:
      return 3;
    case Algorithm::kEd25519:
      return 4;
    default:
      return 0;
  }
}

}  // namespace sshkey
