// The typed IKE payload model: one struct per payload body (RFC 7296 section 3 for IKEv2,
// RFC 2408 section 3 / RFC 2407 / RFC 3947 for IKEv1), filled by the parse_<payload> functions
// of ike_payloads*.cpp and rendered to JSON at the edge (ike_output_json.cpp). Byte fields are
// views into the message (or into the decrypted plaintext it owns); names of protocol numbers
// come from ike_tables*.cpp when rendering.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "seckit/bytes.hpp"

namespace ikedecode {

using seckit::bytes::Bytes;

// Payload type numbers (IANA "IKEv2 Payload Types", RFC 2408 3.1 "Next Payload Types").
enum class PayloadV2 : std::uint8_t {
  kSecurityAssociation = 33,
  kKeyExchange = 34,
  kIdInitiator = 35,
  kIdResponder = 36,
  kCertificate = 37,
  kCertificateRequest = 38,
  kAuthentication = 39,
  kNonce = 40,
  kNotify = 41,
  kDelete = 42,
  kVendorId = 43,
  kTsInitiator = 44,
  kTsResponder = 45,
  kEncrypted = 46,
  kConfiguration = 47,
  kEap = 48,
  kGroupIdentification = 50,
  kEncryptedFragment = 53,
};
enum class PayloadV1 : std::uint8_t {
  kSecurityAssociation = 1,
  kKeyExchange = 4,
  kIdentification = 5,
  kCertificate = 6,
  kCertificateRequest = 7,
  kHash = 8,
  kSignature = 9,
  kNonce = 10,
  kNotification = 11,
  kDelete = 12,
  kVendorId = 13,
  kAttributes = 14,
  kNatD = 20,
  kNatOa = 21,
  kNatDDraft = 130,
  kNatOaDraft = 131,
  kCiscoFragment = 132,
};

// One transform attribute as carried: TV (a 16-bit value) or TLV (length + bytes).
struct TransformAttribute {
  std::uint16_t type = 0;
  bool tv = false;
  std::uint32_t value = 0;  // TV value, or an IKEv1 TLV of 1-4 bytes read as a number
  bool numeric = true;      // false: an opaque TLV, rendered as hex
  Bytes data;               // the TLV value bytes
};

struct Transform {
  std::uint8_t type = 0;  // IKEv2 transform type; IKEv1: transform number
  std::uint16_t id = 0;   // IKEv2 transform ID; IKEv1: transform ID (KEY_IKE, ESP_AES...)
  std::optional<std::uint16_t> key_length;
  // IKEv1 numeric attributes (phase 1: encryption, hash, auth method, group...) by type.
  std::vector<std::pair<std::uint16_t, std::uint32_t>> attributes;
  std::vector<TransformAttribute> wire_attributes;  // every attribute, in wire order
};

struct Proposal {
  std::uint8_t number = 0;
  std::uint8_t protocol = 0;
  std::vector<std::uint8_t> spi;
  std::vector<Transform> transforms;
};

struct SaPayload {
  std::optional<std::uint32_t> doi, situation;  // IKEv1 only
  std::vector<Proposal> proposals;
};

struct KePayload {
  std::optional<std::uint16_t> group;  // IKEv2 only (IKEv1 KE is the bare public value)
  std::size_t key_data_length = 0;
};

struct IdPayload {
  std::uint8_t id_type = 0;
  std::optional<std::uint8_t> protocol_id;  // IKEv1 only
  std::optional<std::uint16_t> port;        // IKEv1 only
  Bytes data;
};

struct CertPayload {
  bool request = false;  // CERTREQ / CR
  std::uint8_t encoding = 0;
  Bytes data;
};

struct AuthPayload {
  std::uint8_t method = 0;
  std::size_t data_length = 0;
};

struct NoncePayload {
  Bytes data;
};

struct Notify {
  std::uint8_t protocol = 0;
  std::uint16_t type = 0;
  std::vector<std::uint8_t> spi;
  Bytes data;
};

struct NotifyPayload {
  std::optional<std::uint32_t> doi;  // IKEv1 only
  Notify notify;
};

struct DeletePayload {
  std::optional<std::uint32_t> doi;  // IKEv1 only
  std::uint8_t protocol = 0;
  std::vector<Bytes> spis;
};

// An IKEv1 Notification or Delete whose DOI was read but whose header ran short.
struct DoiOnlyPayload {
  std::uint32_t doi = 0;
};

struct VendorIdPayload {
  Bytes data;
};

struct TrafficSelector {
  std::uint8_t type = 0;
  std::uint8_t ip_protocol = 0;
  bool range = false;  // TS_IPV4_ADDR_RANGE / TS_IPV6_ADDR_RANGE, with the fields below
  std::uint16_t start_port = 0, end_port = 0;
  Bytes start_address, end_address;
  Bytes data;  // other selector types, opaque
};

struct TsPayload {
  std::vector<TrafficSelector> selectors;
};

struct EncryptedPayload {                                         // SK or SKF
  std::optional<std::uint16_t> fragment_number, total_fragments;  // SKF only
  std::size_t encrypted_length = 0;
};

struct ConfigAttribute {
  std::uint16_t type = 0;
  bool tv = false;          // IKEv1 only: a TV attribute carries `value`
  std::uint16_t value = 0;  // TV value
  std::uint16_t length = 0;
  Bytes data;
};

struct ConfigPayload {  // IKEv2 CP, IKEv1 Attributes (mode-config)
  std::uint8_t cfg_type = 0;
  std::optional<std::uint16_t> identifier;  // IKEv1 only
  std::vector<ConfigAttribute> attributes;
};

struct EapPayload {
  std::uint8_t code = 0;
  std::uint8_t identifier = 0;
  std::uint16_t length = 0;
  std::optional<std::uint8_t> type;  // Request/Response only
  Bytes identity;                    // EAP-Identity
};

struct HashPayload {  // IKEv1 HASH and SIG
  Bytes data;
};

struct NatDPayload {  // IKEv1 NAT-D
  Bytes hash;
};

struct NatOaPayload {  // IKEv1 NAT-OA
  std::uint8_t id_type = 0;
  Bytes address;
};

struct CiscoFragmentPayload {  // Cisco IKEv1 fragmentation
  std::uint16_t id = 0;
  std::uint8_t number = 0;
  bool last = false;
  std::size_t data_length = 0;
};

struct UnknownPayload {  // a payload type without a parser: its size only
  std::size_t data_length = 0;
};

// std::monostate: the body was too short for its own header (an anomaly says so).
using PayloadBody =
    std::variant<std::monostate, UnknownPayload, SaPayload, KePayload, IdPayload, CertPayload,
                 AuthPayload, NoncePayload, NotifyPayload, DeletePayload, DoiOnlyPayload,
                 VendorIdPayload, TsPayload, EncryptedPayload, ConfigPayload, EapPayload,
                 HashPayload, NatDPayload, NatOaPayload, CiscoFragmentPayload>;

}  // namespace ikedecode
