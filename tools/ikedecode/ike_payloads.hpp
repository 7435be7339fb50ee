// Payload bodies: fills Payload::fields (named JSON fields) and the typed extracts (proposals,
// notify) from Payload::body, for both IKE versions.
#pragma once

#include "ike_message.hpp"

namespace ikedecode {

void decode_payload_body(IkeMessage& message, Payload& payload);

// Notify data decoded where it means something (NAT-D hash, COOKIE, INVALID_KE group...).
Json notify_data_json(std::uint8_t version, std::uint16_t type, Bytes data);

}  // namespace ikedecode
