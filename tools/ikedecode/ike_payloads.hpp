// Payload bodies: one parse_<payload>(Reader&) per payload type, each returning its typed struct
// (ike_payload_types.hpp); decode_payload_body picks the parser by version and type and stores
// the result in Payload::parsed. A parser returns nullopt when the body is too short for its own
// header (the dispatcher names what ran short); problems further in become anomalies and the
// struct keeps what was read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ike_message.hpp"
#include "seckit/bytes.hpp"

namespace ikedecode {

using Anomalies = std::vector<std::string>;

void decode_payload_body(IkeMessage& message, Payload& payload);

// IKEv2 and shared (both versions) payload parsers, in ike_payloads.cpp.
std::vector<Proposal> parse_proposals(std::uint8_t version, seckit::bytes::Reader& r,
                                      Anomalies& anomalies);
std::optional<KePayload> parse_ke_v2(seckit::bytes::Reader& r);
std::optional<IdPayload> parse_id_v2(seckit::bytes::Reader& r);
std::optional<CertPayload> parse_cert(seckit::bytes::Reader& r, bool request);
std::optional<AuthPayload> parse_auth(seckit::bytes::Reader& r);
NoncePayload parse_nonce(seckit::bytes::Reader& r);
std::optional<Notify> parse_notify(seckit::bytes::Reader& r);
std::optional<DeletePayload> parse_delete(seckit::bytes::Reader& r, Anomalies& anomalies);
VendorIdPayload parse_vendor_id(seckit::bytes::Reader& r);
std::optional<TsPayload> parse_ts(seckit::bytes::Reader& r, Anomalies& anomalies);
std::optional<EncryptedPayload> parse_skf(seckit::bytes::Reader& r, Anomalies& anomalies);
std::optional<ConfigPayload> parse_cp_v2(seckit::bytes::Reader& r, Anomalies& anomalies);
std::optional<EapPayload> parse_eap(seckit::bytes::Reader& r);

// The IKEv1 half, in ike_payloads_v1.cpp: the body of an IKEv1 payload (and the dispatch).
PayloadBody parse_ikev1_body(std::uint8_t type, seckit::bytes::Reader& r, Anomalies& anomalies,
                             const char*& short_of);
std::optional<SaPayload> parse_sa_v1(seckit::bytes::Reader& r, Anomalies& anomalies);
std::optional<IdPayload> parse_id_v1(seckit::bytes::Reader& r);
std::optional<ConfigPayload> parse_attributes_v1(seckit::bytes::Reader& r, Anomalies& anomalies);
std::optional<NatOaPayload> parse_nat_oa(seckit::bytes::Reader& r);
std::optional<CiscoFragmentPayload> parse_cisco_fragment(seckit::bytes::Reader& r);

// An ISAKMP data attribute (RFC 2408 3.3), as IKEv1 transforms and mode-config carry them: the
// AF bit set is TV (a 16-bit value in `value`), else TLV (`value` is the length, `data` the bytes).
struct DataAttribute {
  std::uint16_t type = 0;
  bool tv = false;
  std::uint16_t value = 0;
  seckit::bytes::Bytes data;
};
DataAttribute read_data_attribute(seckit::bytes::Reader& r);

namespace detail {
// nullopt -> the short-of marker (std::monostate) and the name of what ran short.
template <class T>
PayloadBody or_short(std::optional<T> body, const char*& short_of, const char* what) {
  if (body) return std::move(*body);
  short_of = what;
  return std::monostate{};
}
}  // namespace detail

}  // namespace ikedecode
