// common/tls: passive TLS and DTLS analysis shared by sslvpn-trace and cbaudit.
//
//   KeyLog          NSS key log (SSLKEYLOGFILE) + Wireshark "RSA Session-ID:" lines + secrets
//                   added by the caller (Cisco X-DTLS-Session-ID / X-DTLS-Master-Secret)
//   TlsConnection   one TCP connection: in-order bytes per direction in (from net::TcpReassembler),
//                   events out (records, every handshake message parsed, alerts, plaintext)
//   DtlsConnection  one UDP flow: datagrams in (DTLS 1.0, 1.2 and Cisco's pre-standard 0x0100)
//   Summary         what a person wants to know about the connection afterwards
//   names           IANA tables: cipher suites, extensions, alerts, groups, signature schemes
//   kdf / RecordProtection  the key schedules and record ciphers (exposed for RFC 8448 tests)
//
// Nothing here throws per packet: malformed input, gaps, missing or wrong keys become Notes
// (EventKind::kNote) and the connection carries on or goes opaque. Memory per connection is
// bounded by Options (record and handshake-message size caps), never by the traffic volume.
// All crypto goes through OpenSSL EVP; every untrusted byte through seckit::bytes::Reader.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "seckit/cipher.hpp"
#include "seckit/crypto.hpp"
#include "seckit/result.hpp"

namespace seckit::tls {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------------------------
// Protocol constants and IANA names

// Record versions on the wire.
inline constexpr std::uint16_t kSsl30 = 0x0300, kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303,
                               kTls13 = 0x0304;
inline constexpr std::uint16_t kDtls10 = 0xfeff, kDtls12 = 0xfefd, kDtls13 = 0xfefc;
inline constexpr std::uint16_t kDtlsCisco = 0x0100;  // AnyConnect's pre-RFC 4347 DTLS

enum ContentType : std::uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
  kHeartbeat = 24,
};

enum HandshakeType : std::uint8_t {
  kHelloRequest = 0,
  kClientHello = 1,
  kServerHello = 2,
  kHelloVerifyRequest = 3,
  kNewSessionTicket = 4,
  kEndOfEarlyData = 5,
  kEncryptedExtensions = 8,
  kCertificate = 11,
  kServerKeyExchange = 12,
  kCertificateRequest = 13,
  kServerHelloDone = 14,
  kCertificateVerify = 15,
  kClientKeyExchange = 16,
  kFinished = 20,
  kCertificateStatus = 22,
  kKeyUpdate = 24,
  kMessageHash = 254,
};

// Names follow IANA registries (TLS parameters). Unknown values come back as "0x1a2b" (or
// "unknown(48018)" for extensions), never empty, so output is always printable.
std::string version_name(std::uint16_t version);     // "TLS 1.2", "DTLS 1.2", "DTLS 0x0100 (Cisco)"
std::string content_type_name(std::uint8_t type);    // "handshake", "application_data"
std::string handshake_type_name(std::uint8_t type);  // "client_hello", "finished"
std::string cipher_suite_name(std::uint16_t suite);  // "TLS_AES_128_GCM_SHA256"
std::string extension_name(std::uint16_t type);      // "server_name", "unknown(48018)"
std::string alert_level_name(std::uint8_t level);    // "warning", "fatal"
std::string alert_description_name(std::uint8_t desc);     // "handshake_failure"
std::string named_group_name(std::uint16_t group);         // "x25519", "secp256r1"
std::string signature_scheme_name(std::uint16_t scheme);   // "rsa_pss_rsae_sha256"
std::string compression_method_name(std::uint8_t method);  // "null", "deflate"
// True for the RFC 8701 GREASE values (0x0a0a, 0x1a1a, ...), which clients sprinkle everywhere.
bool is_grease(std::uint16_t value);
bool is_dtls_version(std::uint16_t version);

// Cheap sniffing for classifying flows before building a connection object: does this look
// like the first bytes of a TLS record stream / a DTLS datagram (any supported version)?
bool looks_like_tls(Bytes stream_start);
bool looks_like_dtls(Bytes datagram);

// ---------------------------------------------------------------------------------------------
// Key log

// NSS key log labels (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/).
enum class SecretLabel {
  kClientRandom,                  // CLIENT_RANDOM <cr> <48-byte master secret>  (TLS <= 1.2)
  kClientEarlyTrafficSecret,      // CLIENT_EARLY_TRAFFIC_SECRET
  kClientHandshakeTrafficSecret,  // CLIENT_HANDSHAKE_TRAFFIC_SECRET
  kServerHandshakeTrafficSecret,  // SERVER_HANDSHAKE_TRAFFIC_SECRET
  kClientTrafficSecret0,          // CLIENT_TRAFFIC_SECRET_0
  kServerTrafficSecret0,          // SERVER_TRAFFIC_SECRET_0
  kExporterSecret,                // EXPORTER_SECRET
  kEarlyExporterSecret,           // EARLY_EXPORTER_SECRET
};
std::string_view secret_label_name(SecretLabel label);  // the key log spelling

struct KeyLogStats {
  std::size_t lines = 0;           // non-empty, non-comment lines seen
  std::size_t entries = 0;         // lines accepted (duplicates included)
  std::size_t bad_lines = 0;       // unknown label, bad hex, wrong lengths: skipped, not fatal
  std::size_t first_bad_line = 0;  // 1-based line number of the first bad line (0 = none)
  std::string first_bad_reason;    // "line 3: secret is not hex"
};

class KeyLog {
 public:
  // Reads a key log file. Throws seckit::ToolError (exit 2) only when the file cannot be read;
  // malformed lines are counted in stats(), never fatal.
  void load_file(const std::string& path);
  // Parses key log text (several lines); same rules as load_file.
  void load_text(std::string_view text);
  // One line; false (and counted as bad) when it is not a valid entry. Comments/blank: true.
  bool add_line(std::string_view line);

  // Programmatic additions. add_session_master is what sslvpn-trace calls with the Cisco
  // X-DTLS-Session-ID / X-DTLS-Master-Secret pair harvested from the decrypted CONNECT, so the
  // resumed legacy DTLS session (no key log line for it) can be decrypted.
  void add_master_secret(Bytes client_random, Bytes master_secret);  // = CLIENT_RANDOM line
  void add_session_master(Bytes session_id, Bytes master_secret);    // = RSA Session-ID line
  void add_secret(SecretLabel label, Bytes client_random, Bytes secret);

  // Lookups; nullptr when absent. The pointer is valid until the next add/load.
  const Buffer* master_secret(Bytes client_random) const;
  const Buffer* session_master(Bytes session_id) const;
  const Buffer* secret(SecretLabel label, Bytes client_random) const;

  const KeyLogStats& stats() const { return stats_; }
  std::size_t size() const;  // distinct secrets held
  bool empty() const { return size() == 0; }

 private:
  std::map<std::pair<int, Buffer>, Buffer> secrets_;  // (label or -1 for session id, key) -> secret
  KeyLogStats stats_;
};

// ---------------------------------------------------------------------------------------------
// Parsed handshake messages (every field named)

struct Extension {
  std::uint16_t type = 0;
  std::string name;  // extension_name(type)
  Buffer data;       // raw extension_data (kept for unknown ones, e.g. 48018 AnyConnect App-ID)
};

struct ClientHello {
  std::uint16_t legacy_version = 0;
  std::array<std::uint8_t, 32> random{};
  Buffer session_id;
  Buffer cookie;                             // DTLS only
  std::vector<std::uint16_t> cipher_suites;  // in the client's order, GREASE included
  std::vector<std::uint8_t> compression_methods;
  std::vector<Extension> extensions;  // in wire order
  // Decoded extensions (absent/empty when the extension was not sent):
  std::optional<std::string> sni;                 // server_name host_name
  std::vector<std::string> alpn;                  // application_layer_protocol_negotiation
  std::vector<std::uint16_t> supported_versions;  // supported_versions
  std::vector<std::uint16_t> supported_groups;    // supported_groups
  std::vector<std::uint16_t> key_share_groups;    // key_share client_shares groups
  std::vector<std::uint16_t> signature_algorithms;
  std::vector<std::uint8_t> ec_point_formats;
  std::vector<std::uint8_t> psk_key_exchange_modes;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool session_ticket = false;            // session_ticket extension present
  std::size_t session_ticket_length = 0;  // non-zero: the client offers a ticket (resumption)
  bool pre_shared_key = false;            // pre_shared_key present (TLS 1.3 resumption / PSK)
  std::size_t psk_identities = 0;
  bool renegotiation_info = false;  // extension or TLS_EMPTY_RENEGOTIATION_INFO_SCSV
  bool early_data = false;
  bool status_request = false;
  bool heartbeat = false;
  std::optional<std::uint16_t> record_size_limit;
  std::uint16_t highest_version() const;  // max(supported_versions) or legacy_version
};

struct ServerHello {
  std::uint16_t legacy_version = 0;
  std::array<std::uint8_t, 32> random{};
  Buffer session_id;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression_method = 0;
  std::vector<Extension> extensions;
  bool hello_retry_request = false;    // random == SHA-256("HelloRetryRequest")
  std::uint16_t selected_version = 0;  // supported_versions if present, else legacy_version
  std::optional<std::uint16_t> key_share_group;  // ServerHello share or HRR selected group
  std::optional<std::string> alpn;
  std::optional<std::uint16_t> selected_psk;  // pre_shared_key selected identity
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool session_ticket = false;  // server will send a NewSessionTicket (TLS <= 1.2)
  bool renegotiation_info = false;
  bool downgrade_sentinel = false;  // RFC 8446 4.1.3 "DOWNGRD" in the random
};

struct HelloVerifyRequest {  // DTLS (and Cisco DTLS 0x0100)
  std::uint16_t server_version = 0;
  Buffer cookie;
};

struct EncryptedExtensions {  // TLS 1.3
  std::vector<Extension> extensions;
  std::optional<std::string> alpn;
  bool server_name_acknowledged = false;
  bool early_data = false;
};

struct Certificate {
  Buffer request_context;                                      // TLS 1.3 only
  std::vector<Buffer> certificates;                            // DER, leaf first as sent
  std::vector<std::vector<Extension>> certificate_extensions;  // TLS 1.3, per entry
};

struct CertificateRequest {
  std::vector<std::uint8_t> certificate_types;  // TLS <= 1.2 (1 rsa_sign, 64 ecdsa_sign)
  std::vector<std::uint16_t> signature_algorithms;
  std::vector<Buffer> ca_names_der;   // DistinguishedName DER blobs
  std::vector<std::string> ca_names;  // RFC 4514 text (or "<unparsable>")
  Buffer request_context;             // TLS 1.3
  std::vector<Extension> extensions;  // TLS 1.3
};

enum class KeyExchangeKind { kUnknown, kRsa, kDhe, kEcdhe, kPsk, kDhePsk, kEcdhePsk, kRsaPsk };
std::string_view key_exchange_name(KeyExchangeKind kind);  // "rsa", "ecdhe", ...
// The TLS <= 1.2 key exchange implied by a cipher suite (kUnknown for TLS 1.3 suites).
KeyExchangeKind key_exchange_of(std::uint16_t cipher_suite);

struct ServerKeyExchange {
  KeyExchangeKind kind = KeyExchangeKind::kUnknown;  // from the negotiated cipher suite
  std::uint8_t curve_type = 0;                       // 3 = named_curve
  std::optional<std::uint16_t> named_group;          // ECDHE
  std::size_t dh_prime_bits = 0;                     // DHE
  std::size_t public_key_length = 0;
  std::optional<std::uint16_t> signature_algorithm;  // TLS 1.2 SignatureAndHashAlgorithm
  std::size_t signature_length = 0;
  Buffer psk_identity_hint;
};

struct ClientKeyExchange {
  KeyExchangeKind kind = KeyExchangeKind::kUnknown;
  std::size_t exchange_length = 0;  // encrypted premaster / public value length
  Buffer psk_identity;
};

struct CertificateVerify {
  std::uint16_t algorithm = 0;  // TLS 1.2/1.3 SignatureScheme (0 for TLS 1.0/1.1)
  std::size_t signature_length = 0;
};

struct NewSessionTicket {
  std::uint32_t lifetime = 0;
  std::uint32_t age_add = 0;  // TLS 1.3
  Buffer nonce;               // TLS 1.3
  std::size_t ticket_length = 0;
  std::vector<Extension> extensions;  // TLS 1.3
};

struct Finished {
  Buffer verify_data;  // 12 bytes in TLS <= 1.2 (cbaudit: tls-unique = the first Finished)
};

struct KeyUpdate {
  bool update_requested = false;
};

struct HandshakeMessage {
  std::uint8_t type = 0;
  std::uint32_t length = 0;       // body length from the header
  std::uint16_t message_seq = 0;  // DTLS
  bool encrypted = false;         // arrived inside protected records (and was decrypted)
  Buffer body;                    // raw body (capped at Options::max_handshake_message)
  std::variant<std::monostate, ClientHello, ServerHello, HelloVerifyRequest, EncryptedExtensions,
               Certificate, CertificateRequest, ServerKeyExchange, ClientKeyExchange,
               CertificateVerify, NewSessionTicket, Finished, KeyUpdate>
      parsed;                       // monostate: no parser (ServerHelloDone...) or parse error
  std::optional<ParseError> error;  // set when the body did not parse
  std::string type_name() const { return handshake_type_name(type); }
};

struct Alert {
  std::uint8_t level = 0;
  std::uint8_t description = 0;
  bool encrypted = false;  // arrived protected (and was decrypted)
  std::string level_name() const { return alert_level_name(level); }
  std::string description_name() const { return alert_description_name(description); }
};

// ---------------------------------------------------------------------------------------------
// Events

enum class Direction : std::uint8_t { kClientToServer = 0, kServerToClient = 1 };
std::string_view direction_name(Direction d);  // "c2s", "s2c"

enum class EventKind {
  kRecord,     // every record header (only when Options::record_events)
  kHandshake,  // a complete handshake message (plaintext or decrypted)
  kChangeCipherSpec,
  kAlert,            // plaintext or decrypted alert
  kApplicationData,  // application data: plaintext when decrypted, else just the length
  kOpaque,           // a protected non-application record that could not be decrypted
  kHeartbeat,
  kNote,  // something the user should know (see Note codes)
};

// Stable kebab-case note codes:
//   "no-key"            no key log entry for this client random / session id: stays opaque
//   "wrong-key"         MAC or AEAD tag check failed: the key log entry does not fit
//   "unsupported-cipher" negotiated suite we cannot decrypt (named in the message)
//   "gap"               bytes missing in the stream (TCP gap) or sequence jump: resynchronised
//   "mid-session"       the capture starts after the handshake (no ClientHello seen)
//   "not-tls"           the bytes do not look like TLS records (stream abandoned)
//   "malformed-record", "malformed-handshake", "oversized-record", "truncated"
//   "decrypted"         keys found and the first record decrypted fine (once per direction)
//   "hello-retry", "renegotiation", "key-update"  (informational)
//   "resync"            found a record boundary again after a gap or garbage
//   "gap-bridged"       decryption resumed after a gap: the next record's sequence number was
//                       found (TLS 1.2 GCM: from its explicit nonce; else by search, the
//                       integrity check deciding); the message says how many records were lost
//   "retransmission"    DTLS: a handshake message seen again (same message_seq and bytes);
//                       one note per copy, so retry schedules stay measurable
//   "oversized-handshake" a handshake message above Options::max_handshake_message, skipped
struct Note {
  std::string code;
  std::string message;
};

struct Event {
  EventKind kind = EventKind::kNote;
  Direction direction = Direction::kClientToServer;
  std::uint64_t frame = 0;  // frame that carried the record's first byte (datagram for DTLS)
  double time = 0;
  // Record context: wire content type and version, DTLS epoch and 48-bit sequence number
  // (TLS: the implicit record sequence number of the direction).
  std::uint8_t content_type = 0;
  std::uint16_t record_version = 0;
  std::uint16_t epoch = 0;
  std::uint64_t sequence = 0;
  std::size_t record_length = 0;  // ciphertext length on the wire (fragment length)
  bool decrypted = false;         // the payload came out of a protected record
  // Per kind (pointers and spans valid only during the callback):
  const HandshakeMessage* handshake = nullptr;  // kHandshake
  Alert alert;                                  // kAlert
  Bytes plaintext;                              // kApplicationData when decrypted, kHeartbeat
  Note note;                                    // kNote
};
using EventHandler = std::function<void(const Event&)>;

// ---------------------------------------------------------------------------------------------
// Summary

enum class Resumption { kNone, kSessionId, kTicket, kPsk };
std::string_view resumption_name(Resumption r);  // "none", "session-id", "ticket", "psk"

struct DirectionCounts {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;  // record payload bytes on the wire
  std::uint64_t handshake_messages = 0;
  std::uint64_t application_records = 0;
  std::uint64_t application_bytes = 0;  // ciphertext lengths
  std::uint64_t decrypted_records = 0;
  std::uint64_t plaintext_bytes = 0;
  std::uint64_t alerts = 0;
  std::uint64_t gaps = 0;
  std::uint64_t malformed = 0;
};

struct Summary {
  bool dtls = false;
  bool handshake_seen = false;                  // false: mid-session capture
  std::vector<std::uint16_t> offered_versions;  // supported_versions, else the legacy version
  std::optional<std::uint16_t> version;         // negotiated (ServerHello selected_version)
  std::vector<std::uint16_t> offered_cipher_suites;
  std::optional<std::uint16_t> cipher_suite;
  std::optional<std::string> sni;
  std::vector<std::string> alpn_offered;
  std::optional<std::string> alpn;
  Resumption resumption = Resumption::kNone;
  bool hello_retry_request = false;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  std::optional<std::uint16_t> key_exchange_group;
  Buffer client_random, server_random, session_id;
  bool client_certificate_requested = false;
  std::vector<std::string> client_ca_names;  // from CertificateRequest
  std::vector<Buffer> server_certificates;   // DER, as sent (first Certificate message)
  std::vector<Buffer> client_certificates;   // DER (empty list = client declined)
  bool client_certificate_sent = false;
  std::optional<Buffer> client_finished;  // verify_data of the first Finished each way
  std::optional<Buffer> server_finished;
  std::optional<Buffer> tls_unique;  // RFC 5929: first Finished of the handshake
  bool decrypted = false;            // at least one protected record decrypted
  std::string opaque_reason;         // note code when not decrypted ("no-key"...)
  std::string opaque_message;
  std::optional<Alert> first_alert;
  std::uint64_t first_frame = 0, last_frame = 0;
  double first_time = 0, last_time = 0;
  DirectionCounts c2s, s2c;
  const DirectionCounts& counts(Direction d) const {
    return d == Direction::kClientToServer ? c2s : s2c;
  }
};

// ---------------------------------------------------------------------------------------------
// Connections

struct Options {
  // Secrets for decryption; nullptr = no decryption. Looked up lazily (when the ServerHello is
  // seen), so the caller may add entries to the KeyLog after constructing the connection.
  const KeyLog* keylog = nullptr;
  // DTLS PSK sessions (openconnect PSK-NEGOTIATE): the PSK when the caller derived it.
  std::optional<Buffer> psk;
  bool record_events = false;             // also emit EventKind::kRecord for every record header
  bool deliver_plaintext = true;          // false: kApplicationData carries lengths only (faster)
  std::size_t max_record = 16384 + 2048;  // larger records: "oversized-record"
  std::size_t max_handshake_message = std::size_t{256} * 1024;  // larger: skipped with a note
  std::size_t max_certificates = 16;                            // kept in the Summary
};

// One TLS connection over TCP. Feed each direction's in-order bytes as they come out of
// net::TcpReassembler (chunk.data, chunk.frame, chunk.time, chunk.gap). Events are delivered
// synchronously from feed(). A gap discards the partial record and resynchronises on the next
// plausible record header; after a gap in protected traffic the (TLS) sequence number of the next
// record is recovered ("gap-bridged": from the TLS 1.2 GCM explicit nonce, or searched over the
// number of records the gap can hold); only TLS 1.0 CBC (whose IV was in the lost record) or a
// failed search stop decryption of that direction, with a "gap" note.
class TlsConnection {
 public:
  TlsConnection(Options options, EventHandler handler);
  ~TlsConnection();
  TlsConnection(TlsConnection&&) noexcept;
  TlsConnection& operator=(TlsConnection&&) noexcept;

  void feed(Direction direction, Bytes data, std::uint64_t frame, double time,
            std::uint64_t gap = 0);
  // End of capture/stream: reports records left incomplete ("truncated") and fixes the summary.
  void finish();

  const Summary& summary() const;
  // RFC 5705 / RFC 8446 7.5 keying material exporter, available once the session keys are
  // known (TLS <= 1.2: master secret + both randoms; TLS 1.3: EXPORTER_SECRET from the key log).
  // context == nullopt means "no context" (differs from an empty context in TLS <= 1.2).
  std::optional<Buffer> export_keying_material(std::string_view label, std::optional<Bytes> context,
                                               std::size_t length) const;
  // The master secret in use (TLS <= 1.2), when known.
  std::optional<Buffer> master_secret() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One DTLS association over UDP: feed whole UDP payloads. Handles DTLS 1.0 (0xfeff), 1.2
// (0xfefd) and Cisco's 0x0100, several records per datagram, epochs and 48-bit sequence
// numbers, handshake fragment reassembly, HelloVerifyRequest and retransmissions (a
// retransmitted handshake message is reported once). Keys: CLIENT_RANDOM or, for the Cisco
// legacy resumption, the session id from KeyLog::add_session_master; or Options::psk.
class DtlsConnection {
 public:
  DtlsConnection(Options options, EventHandler handler);
  ~DtlsConnection();
  DtlsConnection(DtlsConnection&&) noexcept;
  DtlsConnection& operator=(DtlsConnection&&) noexcept;

  void feed(Direction direction, Bytes datagram, std::uint64_t frame, double time);
  void finish();
  const Summary& summary() const;
  std::optional<Buffer> export_keying_material(std::string_view label, std::optional<Bytes> context,
                                               std::size_t length) const;
  std::optional<Buffer> master_secret() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Handshake parsing as free functions (used by the connections; exposed for tests/fuzzing).

struct ParseContext {
  bool dtls = false;
  std::uint16_t version = 0;       // negotiated version when known (Certificate layout etc.)
  std::uint16_t cipher_suite = 0;  // for ServerKeyExchange / ClientKeyExchange
};
// Parses one handshake body of the given type into HandshakeMessage::parsed (error set when it
// does not parse). The body excludes the 4-byte (TLS) / 12-byte (DTLS) header.
HandshakeMessage parse_handshake(std::uint8_t type, Bytes body, const ParseContext& ctx);
// Decodes extension lists (exposed for tests).
Result<std::vector<Extension>> parse_extensions(Bytes data);

// ---------------------------------------------------------------------------------------------
// Cipher suite parameters, key schedules and record protection (RFC 8448 vectors test these).

enum class BulkCipher {
  kNull,
  kAes128Gcm,
  kAes256Gcm,
  kChaCha20Poly1305,
  kAes128Cbc,
  kAes256Cbc,
  kDes3Cbc,
  kAes128Ccm,
  kAes256Ccm,
  kUnsupported
};
struct SuiteInfo {
  std::uint16_t id = 0;
  BulkCipher cipher = BulkCipher::kUnsupported;
  crypto::Digest prf = crypto::Digest::kSha256;  // PRF/HKDF hash (TLS 1.2+)
  std::optional<crypto::Digest> mac;             // CBC suites: HMAC hash
  std::size_t key_length = 0, iv_length = 0, mac_length = 0;
  bool aead = false;
  bool tls13 = false;
  KeyExchangeKind kx = KeyExchangeKind::kUnknown;
};
// Parameters for decryption; nullopt for suites we cannot decrypt.
std::optional<SuiteInfo> suite_info(std::uint16_t cipher_suite);

namespace kdf {
// TLS 1.2 PRF P_<hash> (RFC 5246 5) and the TLS 1.0/1.1 MD5 XOR SHA-1 PRF (RFC 2246 5).
Buffer prf12(crypto::Digest hash, Bytes secret, std::string_view label, Bytes seed,
             std::size_t length);
Buffer prf10(Bytes secret, std::string_view label, Bytes seed, std::size_t length);
// RFC 5869 / RFC 8446 7.1.
Buffer hkdf_extract(crypto::Digest hash, Bytes salt, Bytes ikm);
Buffer hkdf_expand_label(crypto::Digest hash, Bytes secret, std::string_view label, Bytes context,
                         std::size_t length);
}  // namespace kdf

// One direction's record protection. Sequence numbers are the caller's (TLS: implicit counter;
// DTLS: epoch << 48 | seq as in the MAC/AAD). open() returns the plaintext (TLS 1.3: inner
// content with padding stripped, inner type in *inner_type) or an error "bad-mac"/"bad-tag".
class RecordProtection {
 public:
  // TLS 1.3 from a traffic secret (key = HKDF-Expand-Label(secret, "key"), iv = "iv").
  static std::optional<RecordProtection> tls13(std::uint16_t cipher_suite, Bytes traffic_secret);
  // TLS <= 1.2 / DTLS from the key block of the master secret: for the client (writer) or
  // server side. version selects PRF, explicit IV and MAC layout.
  static std::optional<RecordProtection> tls12(std::uint16_t cipher_suite, std::uint16_t version,
                                               Bytes master_secret, Bytes client_random,
                                               Bytes server_random, bool client_writer,
                                               bool encrypt_then_mac);
  // Raw keys (tests).
  static std::optional<RecordProtection> from_keys(const SuiteInfo& suite, std::uint16_t version,
                                                   Bytes key, Bytes iv, Bytes mac_key,
                                                   bool encrypt_then_mac);
  Result<Buffer> open(std::uint8_t content_type, std::uint16_t version, std::uint64_t sequence,
                      Bytes fragment, std::uint8_t* inner_type = nullptr);
  // open() without an allocation per record: decrypts into scratch (grown when too small, never
  // shrunk, so one buffer serves a whole connection) and returns the plaintext as a view into
  // it, valid until scratch is next used.
  Result<Bytes> open_into(std::uint8_t content_type, std::uint16_t version, std::uint64_t sequence,
                          Bytes fragment, Buffer& scratch, std::uint8_t* inner_type = nullptr);
  const SuiteInfo& suite() const { return suite_; }

  RecordProtection();
  ~RecordProtection();
  RecordProtection(RecordProtection&&) noexcept;
  RecordProtection& operator=(RecordProtection&&) noexcept;

 private:
  SuiteInfo suite_;
  std::uint16_t version_ = 0;
  Buffer key_, iv_, mac_key_;
  bool etm_ = false;
  // Cipher and key are set up once in from_keys(); a record only sets its IV/nonce, so no
  // per-record algorithm lookup or key schedule.
  std::optional<crypto::Cipher> cipher_;
  crypto::EvpMacCtxPtr mac_;  // HMAC keyed once (CBC / NULL suites)
  Buffer mac_out_;            // reused MAC output

  Result<Bytes> open_aead(std::uint8_t content_type, std::uint16_t version, std::uint64_t sequence,
                          Bytes fragment, Buffer& scratch, std::uint8_t* inner_type);
  Result<Bytes> open_cbc(std::uint8_t content_type, std::uint16_t version, std::uint64_t sequence,
                         Bytes fragment, Buffer& scratch);
  // True when HMAC(seq || type || version || length || data) equals expected.
  bool mac_matches(std::uint8_t content_type, std::uint16_t version, std::uint64_t sequence,
                   Bytes data, Bytes expected);
};

}  // namespace seckit::tls
