// Payload bodies: fills Payload::fields (named JSON fields) and the typed extracts (proposals,
// notify) from Payload::body, for both IKE versions.
#pragma once

#include <optional>

#include "ike_message.hpp"
#include "seckit/bytes.hpp"

namespace ikedecode {

void decode_payload_body(IkeMessage& message, Payload& payload);
// The IKEv1 half (and Vendor ID), in ike_payloads_v1.cpp.
void decode_ikev1_payload(IkeMessage& message, Payload& payload);

// Notify data decoded where it means something (NAT-D hash, COOKIE, INVALID_KE group...).
Json notify_data_json(std::uint8_t version, std::uint16_t type, Bytes data);

// Helpers shared by the IKEv1 and IKEv2 payload decoders.
namespace detail {
inline constexpr std::size_t kMaxHex = 512;  // long opaque blobs are summarised by length
std::string ip_text(Bytes data);
std::string dn_text(Bytes der);
Json identification(std::uint8_t version, std::uint8_t type, Bytes data);
void security_association(IkeMessage& m, Payload& p, seckit::bytes::Reader& r);
// Shared body parts; false / nullopt when the reader ran short (the caller names what).
bool notify_body(std::uint8_t version, Payload& p, seckit::bytes::Reader& r);
bool delete_body(std::uint8_t version, IkeMessage& m, Payload& p, seckit::bytes::Reader& r);
std::optional<std::uint8_t> cert_body(Payload& p, seckit::bytes::Reader& r);  // the encoding
void nonce_body(Payload& p);
}  // namespace detail

}  // namespace ikedecode
