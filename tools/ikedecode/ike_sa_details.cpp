#include "ike_sa_details.hpp"

#include "ike_tables.hpp"
#include "seckit/out.hpp"

namespace ikedecode {
namespace {

// Exchange types (IANA "IKEv2 Exchange Types", RFC 2408 3.1 / RFC 2409 for IKEv1).
constexpr std::uint8_t kIkeSaInit = 34;
constexpr std::uint8_t kIkeAuth = 35;
constexpr std::uint8_t kV1MainMode = 2;
constexpr std::uint8_t kV1Aggressive = 4;
constexpr std::uint8_t kV1QuickMode = 32;

// IKEv2 transform types (RFC 7296 3.3.2) and the Key Length attribute (3.3.5).
constexpr std::uint8_t kTransformEncryption = 1;
constexpr std::uint8_t kTransformPrf = 2;
constexpr std::uint8_t kTransformIntegrity = 3;
constexpr std::uint8_t kTransformDh = 4;
constexpr std::uint8_t kTransformEsn = 5;

// IKEv1 phase 1 attributes (RFC 2409 appendix A) and IPsec DOI attributes (RFC 2407 4.5).
constexpr std::uint16_t kV1Encryption = 1;
constexpr std::uint16_t kV1Hash = 2;
constexpr std::uint16_t kV1AuthMethod = 3;
constexpr std::uint16_t kV1Group = 4;
constexpr std::uint16_t kV1KeyLength = 14;
constexpr std::uint16_t kV1PhaseTwoGroup = 3;
constexpr std::uint16_t kV1PhaseTwoAuth = 5;
constexpr std::uint16_t kV1PhaseTwoKeyLength = 6;
constexpr std::uint8_t kV1ProtocolIsakmp = 1;

// ID types whose data is text, and the IPv4/IPv6 address ones (the numbers agree across
// versions for these).
constexpr std::uint8_t kIdIpv4 = 1;
constexpr std::uint8_t kIdFqdn = 2;
constexpr std::uint8_t kIdEmail = 3;
constexpr std::uint8_t kIdIpv6 = 5;
constexpr std::uint8_t kIdDn = 9;

NamedNumber v1_attribute_named(bool phase1, std::uint16_t type, std::uint32_t value) {
  auto name = ikev1_attribute_value_name(phase1, type, value);
  return {static_cast<std::uint16_t>(value), name ? *name : std::to_string(value)};
}

NegotiatedProposal negotiated_v2(const Proposal& p) {
  NegotiatedProposal out;
  out.protocol = protocol_name(2, p.protocol);
  for (const Transform& t : p.transforms) {
    NamedNumber named{t.id, transform_id_name(t.type, t.id)};
    switch (t.type) {
      case kTransformEncryption:
        if (out.encryption) break;
        out.encryption = named;
        out.key_length = t.key_length;
        break;
      case kTransformPrf:
        if (!out.prf) out.prf = named;
        break;
      case kTransformIntegrity:
        if (!out.integrity) out.integrity = named;
        break;
      case kTransformDh:
        if (!out.dh_group) out.dh_group = NamedNumber{t.id, dh_group_name(t.id)};
        break;
      case kTransformEsn:
        if (!out.esn) out.esn = named;
        break;
      default:
        break;
    }
  }
  return out;
}

NegotiatedProposal negotiated_v1(const Proposal& p) {
  NegotiatedProposal out;
  out.protocol = protocol_name(1, p.protocol);
  if (p.transforms.empty()) return out;
  const Transform& t = p.transforms.front();
  bool phase1 = p.protocol == kV1ProtocolIsakmp;
  if (!phase1) {
    out.encryption =
        NamedNumber{t.id, ikev1_transform_id_name(p.protocol, static_cast<std::uint8_t>(t.id))};
  }
  for (const auto& [type, value] : t.attributes) {
    NamedNumber named = v1_attribute_named(phase1, type, value);
    if (phase1 && type == kV1Encryption) out.encryption = named;
    if (phase1 && type == kV1Hash) out.hash = named;
    if (phase1 && type == kV1Group) out.dh_group = named;
    if (phase1 && type == kV1KeyLength) out.key_length = static_cast<std::uint16_t>(value);
    if (!phase1 && type == kV1PhaseTwoAuth) out.integrity = named;
    if (!phase1 && type == kV1PhaseTwoGroup) out.dh_group = named;
    if (!phase1 && type == kV1PhaseTwoKeyLength) out.key_length = static_cast<std::uint16_t>(value);
  }
  return out;
}

std::optional<std::uint32_t> first_transform_attribute(const Proposal& p, std::uint16_t type) {
  if (p.transforms.empty()) return std::nullopt;
  for (const auto& [t, value] : p.transforms.front().attributes) {
    if (t == type) return value;
  }
  return std::nullopt;
}

const SaPayload* sa_of(const Payload& p) { return std::get_if<SaPayload>(&p.parsed); }

}  // namespace

Identity identity_of(std::uint8_t version, const IdPayload& id) {
  Identity out;
  out.type = id.id_type;
  out.type_name = id_type_name(version, id.id_type);
  std::string_view text(reinterpret_cast<const char*>(id.data.data()), id.data.size());
  bool address = (id.id_type == kIdIpv4 && id.data.size() == 4) ||
                 (id.id_type == kIdIpv6 && id.data.size() == 16);
  if (address) {
    out.value = ip_text(id.data);
  } else if ((id.id_type == kIdFqdn || id.id_type == kIdEmail) &&
             seckit::out::is_valid_utf8(text)) {
    out.value = std::string(text);
  } else if (id.id_type == kIdDn) {
    out.value = dn_text(id.data);
  }
  if (out.value.empty()) out.value = hex(id.data, 256);
  return out;
}

Selector selector_of(const TrafficSelector& ts) {
  Selector out;
  out.type = ts.type;
  out.type_name = ts_type_name(ts.type);
  out.ip_protocol = ts.ip_protocol;
  if (ts.range) {
    out.start_port = ts.start_port;
    out.end_port = ts.end_port;
    out.start_address = ip_text(ts.start_address);
    out.end_address = ip_text(ts.end_address);
  }
  return out;
}

NegotiatedProposal negotiated_proposal(std::uint8_t version, const Proposal& proposal) {
  return version == 2 ? negotiated_v2(proposal) : negotiated_v1(proposal);
}

void SaDetailsCollector::observe(const IkeMessage& m, bool from_initiator) {
  if (m.major == 2) {
    observe_v2(m, from_initiator);
  } else {
    observe_v1(m, from_initiator);
  }
}

// IKEv2: IDi, IDr, AUTH and the selectors travel in IKE_AUTH (encrypted: readable once
// decrypted); the IKE SA's proposal is the responder's SA in IKE_SA_INIT, the first CHILD_SA's
// the responder's SA in IKE_AUTH. The initiator's IDr names whom it wants, not who answered.
void SaDetailsCollector::observe_v2(const IkeMessage& m, bool from_initiator) {
  bool response = m.is_response();
  for (const Payload& p : m.payloads) {
    auto type = static_cast<PayloadV2>(p.type);
    const auto* id = std::get_if<IdPayload>(&p.parsed);
    if (type == PayloadV2::kIdInitiator && from_initiator && id && !details_.identity_i) {
      details_.identity_i = identity_of(2, *id);
    }
    if (type == PayloadV2::kIdResponder && !from_initiator && id && !details_.identity_r) {
      details_.identity_r = identity_of(2, *id);
    }
    if (const auto* auth = std::get_if<AuthPayload>(&p.parsed)) {
      auto& side = from_initiator ? details_.auth_i : details_.auth_r;
      if (!side) side = NamedNumber{auth->method, ikev2_auth_method_name(auth->method)};
    }
    if (m.exchange == kIkeAuth) note_selectors(p, response);
    const SaPayload* sa = sa_of(p);
    if (sa == nullptr || from_initiator || !response || sa->proposals.empty()) continue;
    if (m.exchange == kIkeSaInit && !details_.ike) {
      details_.ike = negotiated_v2(sa->proposals.front());
    } else if (m.exchange == kIkeAuth && !details_.child) {
      details_.child = negotiated_v2(sa->proposals.front());
    }
  }
}

// The response's selectors replace the request's: they are what the responder agreed to.
void SaDetailsCollector::note_selectors(const Payload& p, bool response) {
  const auto* ts = std::get_if<TsPayload>(&p.parsed);
  if (ts == nullptr || (ts_from_response_ && !response)) return;
  auto type = static_cast<PayloadV2>(p.type);
  if (type != PayloadV2::kTsInitiator && type != PayloadV2::kTsResponder) return;
  auto& list = type == PayloadV2::kTsInitiator ? details_.ts_i : details_.ts_r;
  if (response && !ts_from_response_) {
    ts_from_response_ = true;
    details_.ts_i.clear();
    details_.ts_r.clear();
  } else if (!list.empty()) {
    return;  // a retransmitted or later request: the first one stands
  }
  for (const TrafficSelector& s : ts->selectors) list.push_back(selector_of(s));
  details_.ts_from = response ? "response" : "request";
}

// IKEv1: the phase 1 ID payloads (aggressive mode in the clear, main mode encrypted), the
// responder's phase 1 SA (its transform's authentication method is both sides') and its quick
// mode SA.
void SaDetailsCollector::observe_v1(const IkeMessage& m, bool from_initiator) {
  bool phase1 = m.exchange == kV1MainMode || m.exchange == kV1Aggressive;
  for (const Payload& p : m.payloads) {
    auto type = static_cast<PayloadV1>(p.type);
    const auto* id = std::get_if<IdPayload>(&p.parsed);
    if (phase1 && type == PayloadV1::kIdentification && id != nullptr) {
      auto& side = from_initiator ? details_.identity_i : details_.identity_r;
      if (!side) side = identity_of(1, *id);
    }
    const SaPayload* sa = sa_of(p);
    if (sa == nullptr || from_initiator || sa->proposals.empty()) continue;
    const Proposal& first = sa->proposals.front();
    if (phase1 && first.protocol == kV1ProtocolIsakmp && !details_.ike) {
      details_.ike = negotiated_v1(first);
      if (auto method = first_transform_attribute(first, kV1AuthMethod)) {
        details_.auth_negotiated = v1_attribute_named(true, kV1AuthMethod, *method);
      }
    } else if (m.exchange == kV1QuickMode && first.protocol != kV1ProtocolIsakmp &&
               !details_.child) {
      details_.child = negotiated_v1(first);
    }
  }
}

}  // namespace ikedecode
