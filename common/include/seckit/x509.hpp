// Certificates as every seckit tool sees them: loaded from whatever the user has (PEM bundles,
// DER, PKCS#12, PKCS#7, JSON Lines `certificate` records from other seckit tools), and described
// in the fields the `certificate` record carries (names, SAN, KU/EKU with OpenSSL and Windows
// names, fingerprints, the RFC 5929 tls-server-end-point hash). Tool-neutral: certcheck, cbaudit,
// ikedecode and sslvpn-trace share it; policy (profiles, findings) lives in the tools.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/crypto.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace seckit::x509 {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

struct Certificate {
  crypto::X509Ptr x509;
  Buffer der;
  // Where it came from: {"file": "a.pem", "format": "pem", "index": 0} for files, or the
  // `source` object of the JSON record it arrived in (kept as is, so provenance survives pipes).
  out::Json source = out::Json::object();
};

enum class Format { kPem, kDer, kPkcs12, kPkcs7, kJsonRecords, kUnknown };
std::string_view format_name(Format format);  // "pem", "der", "pkcs12", "pkcs7", "json", "unknown"

// Sniffs the container without fully parsing it. kUnknown means "not a certificate container"
// (a directory scan skips such files with a note).
Format detect_format(Bytes data);

struct LoadOptions {
  std::string origin;                   // file name or "-" (goes into each certificate's source)
  std::optional<std::string> password;  // PKCS#12; when absent the empty password is tried
};

struct Loaded {
  Format format = Format::kUnknown;
  std::vector<Certificate> certificates;
  // Things skipped on purpose, for people: "line 3: record type ike_message ignored",
  // "PEM block PRIVATE KEY ignored".
  std::vector<std::string> notes;
};

// Loads every certificate in data. A container that cannot be read (truncated PEM, bad PKCS#12
// password, JSON record with broken base64) is a ParseError naming what failed. A legacy
// (RC2-40) PKCS#12 loads OpenSSL's legacy provider on demand; when its module is not installed,
// that is the environment's fault, not the input's: load throws environment_error (exit 3).
Result<Loaded> load(Bytes data, const LoadOptions& options);

// One certificate from DER (used for JSON records and TLS handshakes).
Result<Certificate> from_der(Bytes der, out::Json source = out::Json::object());

// --- Extended key usage ---------------------------------------------------------------------

struct EkuInfo {
  const char* oid;
  const char* openssl_name;       // OpenSSL 3.0 short name, "" when OpenSSL has none
  const char* openssl_long_name;  // OpenSSL 3.0 long name
  const char* windows_name;       // certmgr "application policy" name
  const char* wincrypt_macro;     // szOID_* in wincrypt.h
  const char* basis;              // RFC or vendor that defines it
};

inline constexpr std::string_view kOidAnyEku = "2.5.29.37.0";
inline constexpr std::string_view kOidServerAuth = "1.3.6.1.5.5.7.3.1";
inline constexpr std::string_view kOidClientAuth = "1.3.6.1.5.5.7.3.2";
inline constexpr std::string_view kOidCodeSigning = "1.3.6.1.5.5.7.3.3";
inline constexpr std::string_view kOidEmailProtection = "1.3.6.1.5.5.7.3.4";
inline constexpr std::string_view kOidIpsecIke = "1.3.6.1.5.5.7.3.17";
inline constexpr std::string_view kOidIkeIntermediate = "1.3.6.1.5.5.8.2.2";

std::span<const EkuInfo> eku_table();
const EkuInfo* eku_info(std::string_view oid);
// Accepts a dotted OID, an OpenSSL short or long name, a Windows name (case-insensitive), or a
// convenience alias (server-auth, client-auth, ike-intermediate, ipsec-ike, any). Empty when the
// name is unknown and not an OID.
std::optional<std::string> resolve_eku(std::string_view name_or_oid);
bool is_dotted_oid(std::string_view text);

struct ExtendedKeyUsage {
  bool present = false;
  bool critical = false;
  std::vector<std::string> oids;  // dotted, in certificate order
  bool contains(std::string_view oid) const;
};
ExtendedKeyUsage extended_key_usage(X509* cert);

// --- Key usage (RFC 5280 4.2.1.3) ------------------------------------------------------------

enum KeyUsageBit : std::uint32_t {
  kDigitalSignature = 0x80,
  kNonRepudiation = 0x40,
  kKeyEncipherment = 0x20,
  kDataEncipherment = 0x10,
  kKeyAgreement = 0x08,
  kKeyCertSign = 0x04,
  kCrlSign = 0x02,
  kEncipherOnly = 0x01,
  kDecipherOnly = 0x8000
};
struct KeyUsage {
  bool present = false;
  bool critical = false;
  std::uint32_t bits = 0;                  // OpenSSL's KU_* values (same as KeyUsageBit)
  std::vector<std::string> names() const;  // "digitalSignature", ...
  bool allows_any(std::uint32_t mask) const { return !present || (bits & mask) != 0; }
};
KeyUsage key_usage(X509* cert);

// --- Names ---------------------------------------------------------------------------------

struct GeneralName {
  std::string type;  // "dns", "ip", "email", "uri", "dirname", "upn", "other", "rid"
  std::string value;
};
std::vector<GeneralName> subject_alt_names(X509* cert);
std::string name_rfc4514(const X509_NAME* name);
std::string subject_common_name(X509* cert);  // last CN, or empty

// Hostname check as RFC 6125 wants it: DNS SANs with a wildcard only as the whole left-most
// label, and the subject CN only when there is no DNS SAN (OpenSSL X509_check_host semantics).
bool matches_host(X509* cert, std::string_view host);
// The address must be an iPAddress SAN (never CN text).
bool matches_ip(X509* cert, std::string_view address);
bool is_ip_literal(std::string_view text);

// --- Keys, signatures, digests --------------------------------------------------------------

struct KeyInfo {
  std::string type;  // "rsa", "ec", "ed25519", "ed448", "dsa", "rsa-pss", ...
  int bits = 0;
  std::string curve;  // "prime256v1" (OpenSSL group name) for EC keys
};
KeyInfo public_key_info(X509* cert);

struct SignatureInfo {
  std::string algorithm;                 // OpenSSL short name: "sha256WithRSAEncryption", "ED25519"
  std::optional<crypto::Digest> digest;  // the hash inside the signature, when there is one
  std::string digest_name;               // "sha256", "" when none (Ed25519)
};
SignatureInfo signature_info(X509* cert);

Buffer fingerprint(const Certificate& cert, crypto::Digest digest);

// RFC 5929 4.1: hash of the DER certificate with the signature's hash, MD5 and SHA-1 upgraded
// to SHA-256. Undefined (nullopt) when the signature uses no single hash (Ed25519, Ed448).
struct EndPoint {
  crypto::Digest digest;
  Buffer hash;
};
std::optional<EndPoint> tls_server_end_point(const Certificate& cert);

// Does the private key belong to this certificate's public key?
bool key_matches(X509* cert, EVP_PKEY* key);

// An ASN1_TIME (UTCTime or GeneralizedTime) as Unix seconds; 0 when absent or unreadable.
std::int64_t asn1_time_to_unix(const ASN1_TIME* time);
// An ASN1_INTEGER (serial number, CRL number) as lowercase hex, as certificate records show it.
std::string integer_hex(const ASN1_INTEGER* value);

// notBefore / notAfter as Unix seconds.
std::int64_t not_before(X509* cert);
std::int64_t not_after(X509* cert);
bool is_ca(X509* cert);
bool is_self_issued(X509* cert);

// How much of the record describe() builds. kText: what a text rendering shows (names, serial,
// validity, key, signature, SAN, KU, EKU, basic constraints, SHA-256 and end-point hashes),
// without der, key identifiers, AIA, CRL distribution points, policies and the SHA-1
// fingerprint: a text run over a million certificates never pays for fields it does not print.
enum class Detail { kFull, kText };

// The whole `certificate` record data (see docs/certcheck.md for the field list), with days_left
// computed against `now`. kFull always includes "der" (base64) and "source".
out::Json describe(const Certificate& cert, std::int64_t now, Detail detail = Detail::kFull);

}  // namespace seckit::x509
