// IANA names for TLS parameters (TLS Parameters, TLS ExtensionType Values, TLS Alerts, TLS
// SignatureScheme, Supported Groups registries). Values the tables do not know are printed as
// numbers so output stays printable and stable.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "seckit/tls.hpp"

namespace seckit::tls {
namespace {

struct Entry {
  std::uint16_t id;
  const char* name;
};

constexpr Entry kCipherSuites[] = {
#include "cipher_suites.inc"
};

constexpr Entry kExtensions[] = {
    {0, "server_name"},
    {1, "max_fragment_length"},
    {2, "client_certificate_url"},
    {3, "trusted_ca_keys"},
    {4, "truncated_hmac"},
    {5, "status_request"},
    {6, "user_mapping"},
    {7, "client_authz"},
    {8, "server_authz"},
    {9, "cert_type"},
    {10, "supported_groups"},
    {11, "ec_point_formats"},
    {12, "srp"},
    {13, "signature_algorithms"},
    {14, "use_srtp"},
    {15, "heartbeat"},
    {16, "application_layer_protocol_negotiation"},
    {17, "status_request_v2"},
    {18, "signed_certificate_timestamp"},
    {19, "client_certificate_type"},
    {20, "server_certificate_type"},
    {21, "padding"},
    {22, "encrypt_then_mac"},
    {23, "extended_master_secret"},
    {24, "token_binding"},
    {25, "cached_info"},
    {27, "compress_certificate"},
    {28, "record_size_limit"},
    {34, "delegated_credentials"},
    {35, "session_ticket"},
    {41, "pre_shared_key"},
    {42, "early_data"},
    {43, "supported_versions"},
    {44, "cookie"},
    {45, "psk_key_exchange_modes"},
    {47, "certificate_authorities"},
    {48, "oid_filters"},
    {49, "post_handshake_auth"},
    {50, "signature_algorithms_cert"},
    {51, "key_share"},
    {52, "transparency_info"},
    {57, "quic_transport_parameters"},
    {17513, "application_settings"},
    {65037, "encrypted_client_hello"},
    {65281, "renegotiation_info"},
};

constexpr Entry kAlerts[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {21, "decryption_failed"},
    {22, "record_overflow"},
    {30, "decompression_failure"},
    {40, "handshake_failure"},
    {41, "no_certificate"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {60, "export_restriction"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {111, "certificate_unobtainable"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {114, "bad_certificate_hash_value"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

constexpr Entry kHandshakeTypes[] = {
    {0, "hello_request"},
    {1, "client_hello"},
    {2, "server_hello"},
    {3, "hello_verify_request"},
    {4, "new_session_ticket"},
    {5, "end_of_early_data"},
    {6, "hello_retry_request"},
    {8, "encrypted_extensions"},
    {11, "certificate"},
    {12, "server_key_exchange"},
    {13, "certificate_request"},
    {14, "server_hello_done"},
    {15, "certificate_verify"},
    {16, "client_key_exchange"},
    {20, "finished"},
    {21, "certificate_url"},
    {22, "certificate_status"},
    {23, "supplemental_data"},
    {24, "key_update"},
    {25, "compressed_certificate"},
    {254, "message_hash"},
};

constexpr Entry kGroups[] = {
    {1, "sect163k1"},
    {2, "sect163r1"},
    {3, "sect163r2"},
    {4, "sect193r1"},
    {5, "sect193r2"},
    {6, "sect233k1"},
    {7, "sect233r1"},
    {8, "sect239k1"},
    {9, "sect283k1"},
    {10, "sect283r1"},
    {11, "sect409k1"},
    {12, "sect409r1"},
    {13, "sect571k1"},
    {14, "sect571r1"},
    {15, "secp160k1"},
    {16, "secp160r1"},
    {17, "secp160r2"},
    {18, "secp192k1"},
    {19, "secp192r1"},
    {20, "secp224k1"},
    {21, "secp224r1"},
    {22, "secp256k1"},
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {0x11ec, "X25519MLKEM768"},
    {0x6399, "X25519Kyber768Draft00"},
};

constexpr Entry kSignatureSchemes[] = {
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0202, "dsa_sha1"},  // TLS 1.2 SignatureAndHashAlgorithm (sha1, dsa)
    {0x0203, "ecdsa_sha1"},
    {0x0301, "rsa_pkcs1_sha224"},
    {0x0302, "dsa_sha224"},
    {0x0303, "ecdsa_sha224"},
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0402, "dsa_sha256"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0420, "rsa_pkcs1_sha256_legacy"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0502, "dsa_sha384"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0602, "dsa_sha512"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},
    {0x080b, "rsa_pss_pss_sha512"},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
};

template <std::size_t N>
const char* find(const Entry (&table)[N], std::uint16_t id) {
  for (const auto& e : table) {
    if (e.id == id) return e.name;
  }
  return nullptr;
}

}  // namespace

std::string version_name(std::uint16_t v) {
  switch (v) {
    case kSsl30:
      return "SSL 3.0";
    case kTls10:
      return "TLS 1.0";
    case kTls11:
      return "TLS 1.1";
    case kTls12:
      return "TLS 1.2";
    case kTls13:
      return "TLS 1.3";
    case kDtls10:
      return "DTLS 1.0";
    case kDtls12:
      return "DTLS 1.2";
    case kDtls13:
      return "DTLS 1.3";
    case kDtlsCisco:
      return "DTLS 0x0100 (Cisco)";
    default:
      break;
  }
  if (is_grease(v)) return fmt::format("GREASE 0x{:04x}", v);
  // TLS 1.3 drafts were advertised as 0x7fNN.
  if ((v >> 8) == 0x7f) return fmt::format("TLS 1.3 draft {}", v & 0xff);
  return fmt::format("0x{:04x}", v);
}

std::string content_type_name(std::uint8_t t) {
  switch (t) {
    case kChangeCipherSpec:
      return "change_cipher_spec";
    case kAlert:
      return "alert";
    case kHandshake:
      return "handshake";
    case kApplicationData:
      return "application_data";
    case kHeartbeat:
      return "heartbeat";
    default:
      return fmt::format("unknown({})", t);
  }
}

std::string handshake_type_name(std::uint8_t t) {
  if (const char* n = find(kHandshakeTypes, t)) return n;
  return fmt::format("unknown({})", t);
}

std::string cipher_suite_name(std::uint16_t s) {
  if (const char* n = find(kCipherSuites, s)) return n;
  if (is_grease(s)) return fmt::format("GREASE 0x{:04x}", s);
  return fmt::format("0x{:04x}", s);
}

std::string extension_name(std::uint16_t t) {
  if (const char* n = find(kExtensions, t)) return n;
  if (is_grease(t)) return fmt::format("GREASE 0x{:04x}", t);
  return fmt::format("unknown({})", t);
}

std::string alert_level_name(std::uint8_t l) {
  if (l == 1) return "warning";
  if (l == 2) return "fatal";
  return fmt::format("unknown({})", l);
}

std::string alert_description_name(std::uint8_t d) {
  if (const char* n = find(kAlerts, d)) return n;
  return fmt::format("unknown({})", d);
}

std::string named_group_name(std::uint16_t g) {
  if (const char* n = find(kGroups, g)) return n;
  if (is_grease(g)) return fmt::format("GREASE 0x{:04x}", g);
  return fmt::format("0x{:04x}", g);
}

std::string signature_scheme_name(std::uint16_t s) {
  if (const char* n = find(kSignatureSchemes, s)) return n;
  return fmt::format("0x{:04x}", s);
}

std::string compression_method_name(std::uint8_t m) {
  if (m == 0) return "null";
  if (m == 1) return "deflate";
  if (m == 64) return "lzs";
  return fmt::format("unknown({})", m);
}

bool is_grease(std::uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

bool is_dtls_version(std::uint16_t v) {
  return v == kDtls10 || v == kDtls12 || v == kDtls13 || v == kDtlsCisco;
}

std::string_view direction_name(Direction d) {
  return d == Direction::kClientToServer ? "c2s" : "s2c";
}

std::string_view resumption_name(Resumption r) {
  switch (r) {
    case Resumption::kNone:
      return "none";
    case Resumption::kSessionId:
      return "session-id";
    case Resumption::kTicket:
      return "ticket";
    case Resumption::kPsk:
      return "psk";
  }
  return "none";
}

std::string_view key_exchange_name(KeyExchangeKind kind) {
  switch (kind) {
    case KeyExchangeKind::kUnknown:
      return "unknown";
    case KeyExchangeKind::kRsa:
      return "rsa";
    case KeyExchangeKind::kDhe:
      return "dhe";
    case KeyExchangeKind::kEcdhe:
      return "ecdhe";
    case KeyExchangeKind::kPsk:
      return "psk";
    case KeyExchangeKind::kDhePsk:
      return "dhe_psk";
    case KeyExchangeKind::kEcdhePsk:
      return "ecdhe_psk";
    case KeyExchangeKind::kRsaPsk:
      return "rsa_psk";
  }
  return "unknown";
}

// The suite's parameters follow from its IANA name ("TLS_<kx>_WITH_<cipher>_<mac>"), which
// keeps one table instead of two that could disagree.
KeyExchangeKind key_exchange_of(std::uint16_t suite) {
  const char* n = find(kCipherSuites, suite);
  if (!n) return KeyExchangeKind::kUnknown;
  std::string_view name(n);
  auto with = name.find("_WITH_");
  if (with == std::string_view::npos) return KeyExchangeKind::kUnknown;  // TLS 1.3 / SCSV
  std::string_view kx = name.substr(4, with - 4);
  if (kx == "RSA") return KeyExchangeKind::kRsa;
  if (kx.starts_with("ECDHE_PSK")) return KeyExchangeKind::kEcdhePsk;
  if (kx.starts_with("DHE_PSK")) return KeyExchangeKind::kDhePsk;
  if (kx.starts_with("RSA_PSK")) return KeyExchangeKind::kRsaPsk;
  if (kx == "PSK") return KeyExchangeKind::kPsk;
  if (kx.starts_with("ECDHE") || kx.starts_with("ECDH_")) return KeyExchangeKind::kEcdhe;
  if (kx.starts_with("DHE") || kx.starts_with("DH_")) return KeyExchangeKind::kDhe;
  if (kx.starts_with("SRP")) return KeyExchangeKind::kUnknown;
  return KeyExchangeKind::kUnknown;
}

std::optional<SuiteInfo> suite_info(std::uint16_t suite) {
  const char* n = find(kCipherSuites, suite);
  if (!n) return std::nullopt;
  std::string_view name(n);
  SuiteInfo info;
  info.id = suite;
  info.kx = key_exchange_of(suite);
  auto with = name.find("_WITH_");
  std::string_view rest = with == std::string_view::npos ? name.substr(4) : name.substr(with + 6);
  info.tls13 = with == std::string_view::npos;
  using crypto::Digest;
  auto ends = [&](std::string_view s) { return rest.ends_with(s); };
  if (rest.starts_with("AES_128_GCM_")) {
    info.cipher = BulkCipher::kAes128Gcm, info.key_length = 16;
  } else if (rest.starts_with("AES_256_GCM_")) {
    info.cipher = BulkCipher::kAes256Gcm, info.key_length = 32;
  } else if (rest.starts_with("CHACHA20_POLY1305_")) {
    info.cipher = BulkCipher::kChaCha20Poly1305, info.key_length = 32;
  } else if (rest.starts_with("AES_128_CBC_")) {
    info.cipher = BulkCipher::kAes128Cbc, info.key_length = 16;
  } else if (rest.starts_with("AES_256_CBC_")) {
    info.cipher = BulkCipher::kAes256Cbc, info.key_length = 32;
  } else if (rest.starts_with("3DES_EDE_CBC_")) {
    info.cipher = BulkCipher::kDes3Cbc, info.key_length = 24;
  } else if (rest.starts_with("NULL_")) {
    info.cipher = BulkCipher::kNull, info.key_length = 0;
  } else {
    return std::nullopt;  // CCM, ARIA, Camellia, RC4, ...: named but not decrypted
  }
  info.aead = info.cipher == BulkCipher::kAes128Gcm || info.cipher == BulkCipher::kAes256Gcm ||
              info.cipher == BulkCipher::kChaCha20Poly1305;
  if (info.aead) {
    // TLS 1.2 GCM: 4-byte implicit salt + 8 explicit; ChaCha20 and TLS 1.3: 12-byte IV.
    info.iv_length = (info.cipher == BulkCipher::kChaCha20Poly1305 || info.tls13) ? 12 : 4;
    info.prf = ends("SHA384") ? Digest::kSha384 : Digest::kSha256;
  } else {
    info.iv_length =
        info.cipher == BulkCipher::kDes3Cbc ? 8 : (info.cipher == BulkCipher::kNull ? 0 : 16);
    if (ends("_SHA384")) {
      info.mac = Digest::kSha384, info.prf = Digest::kSha384;
    } else if (ends("_SHA256")) {
      info.mac = Digest::kSha256;
    } else if (ends("_SHA")) {
      info.mac = Digest::kSha1;
    } else if (ends("_MD5")) {
      info.mac = Digest::kMd5;
    } else {
      return std::nullopt;
    }
    info.mac_length = crypto::digest_size(*info.mac);
  }
  return info;
}

}  // namespace seckit::tls
