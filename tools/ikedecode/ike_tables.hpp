// Names from the IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" and "Internet Security
// Association and Key Management Protocol (ISAKMP) Identifiers" registries, RFC 2407/2408/2409
// (IKEv1) and RFC 7296 (IKEv2). Unknown values render as "UNKNOWN_<n>" (private use ranges say so).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "seckit/bytes.hpp"

namespace ikedecode {

std::string exchange_name(std::uint8_t version, std::uint8_t exchange);
std::string payload_name(std::uint8_t version, std::uint8_t type);
// Short form used in text ladders and the payload sequence: "SA", "KE", "Ni", "N", "V", "SK".
std::string payload_abbrev(std::uint8_t version, std::uint8_t type);
std::string notify_name(std::uint8_t version, std::uint16_t type);
bool notify_is_error(std::uint8_t version, std::uint16_t type);
std::string protocol_name(std::uint8_t version, std::uint8_t protocol);

// IKEv2 transforms (RFC 7296 section 3.3.2, RFC 9370 for ADDKE1-7).
std::string transform_type_name(std::uint8_t type);
std::string transform_id_name(std::uint8_t type, std::uint16_t id);
std::string dh_group_name(std::uint16_t group);
std::string ikev2_auth_method_name(std::uint8_t method);

// IKEv1 (RFC 2409 appendix A for phase 1 attributes, RFC 2407 for IPsec DOI).
std::string ikev1_transform_id_name(std::uint8_t protocol, std::uint8_t id);
std::string ikev1_attribute_name(bool phase1, std::uint16_t type);
std::optional<std::string> ikev1_attribute_value_name(bool phase1, std::uint16_t type,
                                                      std::uint32_t value);

std::string id_type_name(std::uint8_t version, std::uint8_t type);
std::string cert_encoding_name(std::uint8_t encoding);
std::string cp_type_name(std::uint8_t type);
std::string cp_attribute_name(std::uint16_t type);
std::string ts_type_name(std::uint8_t type);
std::string hash_algorithm_name(std::uint16_t id);  // RFC 7427 SIGNATURE_HASH_ALGORITHMS

// Well-known Vendor IDs: name and, for versioned ones (MS NT5 ISAKMPOAKLEY), the version.
struct VendorIdMatch {
  std::string name;
  std::optional<std::uint32_t> version;
};
std::optional<VendorIdMatch> vendor_id_name(seckit::bytes::Bytes vid);

}  // namespace ikedecode
