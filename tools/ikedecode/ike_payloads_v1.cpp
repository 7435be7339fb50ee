// IKEv1 payload bodies (RFC 2408 3.x, RFC 2407 4.6, RFC 3947 NAT-D/NAT-OA, Cisco fragments);
// the Vendor ID, Nonce and Certificate bodies are shared with IKEv2 (ike_payloads.cpp).
#include <fmt/format.h>

#include "ike_payloads.hpp"

namespace ikedecode {

using detail::or_short;
using seckit::bytes::Reader;

namespace {

// RFC 2408 3.14/3.15: Notification and Delete are IKEv2's bodies behind a 4-byte DOI.
PayloadBody parse_doi_body(PayloadV1 type, Reader& r, Anomalies& anomalies, const char*& short_of) {
  std::uint32_t doi = r.be32();
  if (!r.ok()) {
    short_of = "DOI";
    return std::monostate{};
  }
  if (type == PayloadV1::kNotification) {
    if (auto n = parse_notify(r)) return NotifyPayload{doi, std::move(*n)};
    short_of = "notification header";
  } else {
    if (auto d = parse_delete(r, anomalies)) {
      d->doi = doi;
      return std::move(*d);
    }
    short_of = "delete header";
  }
  return DoiOnlyPayload{doi};
}

}  // namespace

std::optional<SaPayload> parse_sa_v1(Reader& r, Anomalies& anomalies) {
  SaPayload sa;
  sa.doi = r.be32();
  sa.situation = r.be32();
  if (!r.ok()) return std::nullopt;
  sa.proposals = parse_proposals(1, r, anomalies);
  return sa;
}

std::optional<IdPayload> parse_id_v1(Reader& r) {
  IdPayload id;
  id.id_type = r.u8();
  id.protocol_id = r.u8();
  id.port = r.be16();
  if (!r.ok()) return std::nullopt;
  id.data = r.rest();
  return id;
}

std::optional<ConfigPayload> parse_attributes_v1(Reader& r, Anomalies& anomalies) {
  ConfigPayload cp;
  cp.cfg_type = r.u8();
  r.u8();
  cp.identifier = r.be16();
  if (!r.ok()) return std::nullopt;
  while (!r.empty() && cp.attributes.size() < 256) {
    const DataAttribute raw = read_data_attribute(r);
    ConfigAttribute a;
    a.tv = raw.tv;
    a.type = raw.type;
    if (a.tv) {
      a.value = raw.value;
    } else {
      a.length = raw.value;
      a.data = raw.data;
    }
    if (!r.ok()) {
      anomalies.push_back("mode-config attribute runs past the payload");
      break;
    }
    cp.attributes.push_back(a);
  }
  return cp;
}

std::optional<NatOaPayload> parse_nat_oa(Reader& r) {
  std::uint8_t type = r.u8();
  r.skip(3);
  if (!r.ok()) return std::nullopt;
  return NatOaPayload{type, r.rest()};
}

// Cisco IKEv1 fragmentation: id(2) number(1) flags(1, 1 = last)
std::optional<CiscoFragmentPayload> parse_cisco_fragment(Reader& r) {
  std::uint16_t id = r.be16();
  std::uint8_t number = r.u8();
  std::uint8_t flags = r.u8();
  if (!r.ok()) return std::nullopt;
  return CiscoFragmentPayload{id, number, (flags & 1) != 0, r.remaining()};
}

PayloadBody parse_ikev1_body(std::uint8_t type, Reader& r, Anomalies& anomalies,
                             const char*& short_of) {
  if (type == 43) return parse_vendor_id(r);  // the IKEv2 number, accepted in both versions
  switch (static_cast<PayloadV1>(type)) {
    case PayloadV1::kVendorId:
      return parse_vendor_id(r);
    case PayloadV1::kSecurityAssociation:
      return or_short(parse_sa_v1(r, anomalies), short_of, "DOI and situation");
    case PayloadV1::kKeyExchange:
      return KePayload{std::nullopt, r.remaining()};
    case PayloadV1::kIdentification:
      return or_short(parse_id_v1(r), short_of, "ID header");
    case PayloadV1::kCertificate:
    case PayloadV1::kCertificateRequest:
      return or_short(parse_cert(r, type == 7), short_of, "encoding");
    case PayloadV1::kHash:
    case PayloadV1::kSignature:
      return HashPayload{r.rest()};
    case PayloadV1::kNonce:
      return parse_nonce(r);
    case PayloadV1::kNotification:
    case PayloadV1::kDelete:
      return parse_doi_body(static_cast<PayloadV1>(type), r, anomalies, short_of);
    case PayloadV1::kAttributes:
      return or_short(parse_attributes_v1(r, anomalies), short_of, "attribute header");
    case PayloadV1::kNatD:
    case PayloadV1::kNatDDraft:
      return NatDPayload{r.rest()};
    case PayloadV1::kNatOa:
    case PayloadV1::kNatOaDraft:
      return or_short(parse_nat_oa(r), short_of, "NAT-OA header");
    case PayloadV1::kCiscoFragment:
      return or_short(parse_cisco_fragment(r), short_of, "fragment header");
  }
  return UnknownPayload{r.remaining()};
}

}  // namespace ikedecode
