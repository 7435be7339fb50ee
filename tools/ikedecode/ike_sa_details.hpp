// Per-SA details for the ike_sa record and the -v text view: who the peers said they were (IDi,
// IDr), how they authenticated, the traffic selectors of the first CHILD_SA and the proposals
// the responder accepted. Only what the capture shows in readable payloads is reported: IKEv2
// IKE_AUTH and IKEv1 main mode identities are encrypted, so without --keys those stay absent
// (never guessed from the proposals that were offered).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ike_message.hpp"

namespace ikedecode {

// A protocol number and its IANA name (transform, group, method...).
struct NamedNumber {
  std::uint16_t id = 0;
  std::string name;
};

struct Identity {
  std::uint8_t type = 0;
  std::string type_name;  // ID_FQDN, ID_IPV4_ADDR...
  std::string value;      // as tshark shows it: the FQDN or e-mail, dotted address, DN; else hex
};

// One traffic selector as negotiated (RFC 7296 3.13.1); other selector types keep type only.
struct Selector {
  std::uint8_t type = 0;
  std::string type_name;
  std::uint8_t ip_protocol = 0;  // 0: any
  std::uint16_t start_port = 0, end_port = 0;
  std::string start_address, end_address;  // empty for a selector type without a range
};

// The responder's choice of one SA payload: its first proposal, by transform kind.
struct NegotiatedProposal {
  std::string protocol;  // IKE, ESP, AH; IKEv1 ISAKMP, IPSEC_ESP...
  std::optional<NamedNumber> encryption;
  std::optional<std::uint16_t> key_length;
  std::optional<NamedNumber> prf;        // IKEv2 IKE SA
  std::optional<NamedNumber> integrity;  // IKEv2 INTEG; IKEv1 phase 2 authentication algorithm
  std::optional<NamedNumber> hash;       // IKEv1 phase 1
  std::optional<NamedNumber> dh_group;   // IKEv2 D-H; IKEv1 group description (PFS in phase 2)
  std::optional<NamedNumber> esn;        // IKEv2 CHILD_SA
};

struct SaDetails {
  std::optional<Identity> identity_i, identity_r;
  // IKEv2: the AUTH payload of each side. IKEv1: the accepted transform's method (both sides).
  std::optional<NamedNumber> auth_i, auth_r, auth_negotiated;
  // IKEv2 IKE_AUTH traffic selectors: the response's (what was agreed) or, without a readable
  // response, the request's (what was proposed): `ts_from` says which.
  std::vector<Selector> ts_i, ts_r;
  std::string ts_from;  // "response", "request" or empty (none seen)
  std::optional<NegotiatedProposal> ike, child;

  bool any() const {
    return identity_i || identity_r || auth_i || auth_r || auth_negotiated || !ts_from.empty() ||
           ike || child;
  }
};

// Pure conversions from the typed payloads.
Identity identity_of(std::uint8_t version, const IdPayload& id);
Selector selector_of(const TrafficSelector& ts);
NegotiatedProposal negotiated_proposal(std::uint8_t version, const Proposal& proposal);

// Fills SaDetails from an SA's messages as they come: the first value seen of each kind wins
// (retransmissions and later rekeys do not overwrite what the SA was set up with).
class SaDetailsCollector {
 public:
  void observe(const IkeMessage& message, bool from_initiator);
  const SaDetails& details() const { return details_; }

 private:
  void observe_v2(const IkeMessage& message, bool from_initiator);
  void observe_v1(const IkeMessage& message, bool from_initiator);
  void note_selectors(const Payload& payload, bool response);
  SaDetails details_;
  bool ts_from_response_ = false;
};

}  // namespace ikedecode
