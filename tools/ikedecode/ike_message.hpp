// The IKEv1 (RFC 2408/2409) and IKEv2 (RFC 7296) message parser. One call parses a whole message:
// the header, then the payload chain, each payload's body with its fields named. Malformed
// payloads do not abort: they become anomalies on the message and parsing stops at that payload
// (no length can be trusted after it). Every byte is read through seckit::bytes::Reader.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ike_payload_types.hpp"
#include "seckit/bytes.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace ikedecode {

using seckit::bytes::Bytes;
using Json = seckit::out::Json;

inline constexpr std::size_t kIkeHeaderSize = 28;

struct Payload {
  std::uint8_t type = 0;
  bool critical = false;
  std::uint16_t length = 0;  // including the 4-byte generic header
  std::size_t offset = 0;    // of the generic header within the message
  bool inner = false;        // decrypted from SK/SKF or an IKEv1 encrypted message
  Bytes body;                // after the generic header
  PayloadBody parsed;        // the typed body (ike_payload_types.hpp)

  // The SA payload's proposals (empty for other payloads) and the Notify, when this is one.
  const std::vector<Proposal>& proposals() const;
  const Notify* notify() const;
};

struct IkeMessage {
  std::array<std::uint8_t, 8> spi_i{};
  std::array<std::uint8_t, 8> spi_r{};
  std::uint8_t first_payload = 0;
  std::uint8_t major = 0, minor = 0;
  std::uint8_t exchange = 0;
  std::uint8_t flags = 0;
  std::uint32_t message_id = 0;
  std::uint32_t length = 0;  // from the header
  Bytes raw;                 // the message as received (length-trimmed)
  std::vector<Payload> payloads;
  std::vector<std::string> anomalies;
  // IKEv2 SK/SKF or IKEv1 encrypted body, for decryption and size inference.
  bool encrypted = false;
  std::uint8_t encrypted_first_payload = 0;  // SK's "next payload" (the first inner payload)
  std::size_t encrypted_offset = 0;          // where the SK/SKF payload's generic header starts
  std::size_t encrypted_length = 0;          // bytes of IV + ciphertext + ICV (or v1 ciphertext)
  std::optional<std::uint16_t> fragment_number, fragment_total;  // SKF or Cisco FRAG
  bool decrypted = false;
  // Plaintext buffers that inner payloads point into (deque: never moves what it holds).
  std::deque<std::vector<std::uint8_t>> owned;

  std::uint8_t version() const { return major; }
  bool is_response() const { return major == 2 && (flags & 0x20) != 0; }
  bool from_initiator() const { return major == 2 && (flags & 0x08) != 0; }
};

std::string hex(Bytes data, std::size_t max_bytes = SIZE_MAX);
inline std::string hex(const std::array<std::uint8_t, 8>& spi) { return hex(Bytes(spi)); }
// An address as text (dotted IPv4, IPv6 groups; other lengths as hex) and a DER Name in RFC 2253
// form (empty when it does not parse), as the records show them (ike_output_json.cpp).
std::string ip_text(Bytes data);
std::string dn_text(Bytes der);

// Parses one ISAKMP/IKE message (starting at the header; no non-ESP marker). Fails only when the
// header itself is unusable; anything after it is best effort with anomalies.
seckit::Result<IkeMessage> parse_ike_message(Bytes data);

// Parses a payload chain (starting with payload type `first`) from `data` and appends the
// payloads to `message` (used for the plaintext of SK/SKF and IKEv1 encrypted messages).
void parse_payload_chain(IkeMessage& message, std::uint8_t first, Bytes data, bool inner);

// Whether `data` plausibly starts an IKE message (for IKE on non-standard ports): the header's
// length matches, the version is 1.0 or 2.0, the exchange type and first payload are known.
bool looks_like_ike(Bytes data);

// The ike_message record body written from the typed structs (ike_output_json.cpp): the fields
// of a whole message into an open object, one payload as an object, and the fields of a notify's
// data decoded where they mean something (NAT-D hash, COOKIE, INVALID_KE group...).
void write_message_fields(seckit::out::JsonWriter& w, const IkeMessage& message);
void write_payload(seckit::out::JsonWriter& w, const IkeMessage& message, const Payload& payload);
void write_notify_data(seckit::out::JsonWriter& w, std::uint8_t version, std::uint16_t type,
                       Bytes data);
// The same as trees, for tests and the fuzz targets.
Json message_json(const IkeMessage& message);
Json payload_json(const IkeMessage& message, const Payload& payload);
// "SA KE No N(NAT_DETECTION_SOURCE_IP) ..." in strongSwan's style, for the text ladder.
std::string payload_summary(const IkeMessage& message);

}  // namespace ikedecode
