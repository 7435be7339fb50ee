// Per-SA security analysis: offered and accepted proposals, a stable proposal fingerprint, weak
// crypto, NAT detection recomputed from the packets' own addresses, and the psk-crack line of
// an IKEv1 aggressive-mode PSK exchange.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ike_message.hpp"
#include "seckit/net.hpp"
#include "seckit/out.hpp"

namespace ikedecode {

struct IkeContext;

// One message's NAT-D payloads checked against the hashes of the addresses it travelled between.
struct NatDetection {
  std::string hash;  // the digest the hashes were computed with: "SHA1", "SHA256"...
  std::optional<bool> source_matches, destination_matches;
  std::string source_expected, destination_expected;  // hex, when the matching payload is there
};

// What NAT-D says about each side of an SA.
struct NatSummary {
  std::optional<bool> initiator_behind_nat, responder_behind_nat;
  bool behind_nat() const {
    return initiator_behind_nat.value_or(false) || responder_behind_nat.value_or(false);
  }
};

// Why NAT-D mismatches, for people (the ike_sa record's nat.note and the text view).
inline constexpr const char* kNatNote =
    "a NAT-D hash does not match the addresses in the capture: a NAT between the peers and the "
    "capture point, or a peer faking NAT-D to force UDP encapsulation (strongSwan force_encap); "
    "the peers switch to UDP 4500";

// The SA's security at its end: proposals, groups, NAT, weak algorithms, psk-crack material.
struct SecuritySummary {
  std::string offered_proposals, proposal_fingerprint;  // empty: no SA payload from the initiator
  std::string accepted_proposal;                        // empty: none from the responder
  std::optional<std::string> ke_group_initiator, ke_group_responder;
  std::optional<NatSummary> nat;
  std::vector<std::string> weak_crypto;          // accepted weak algorithms
  std::vector<std::string> weak_crypto_offered;  // offered ones, when none was accepted
  bool aggressive_psk = false;                   // IKEv1 aggressive mode with a PSK
  std::string psk_crack;                         // its psk-crack line, when complete
};

class SaSecurity {
 public:
  // Returns the NAT-D verification of this message (nullopt when it carries no NAT-D).
  std::optional<NatDetection> observe(const IkeMessage& message, const IkeContext& ctx,
                                      bool from_initiator);
  SecuritySummary summarize(std::uint8_t version) const;
  // weak-crypto, weak-crypto-offered and aggressive-mode-psk findings of the summary.
  static void add_findings(const SecuritySummary& summary, const std::string& spi_i,
                           std::vector<seckit::out::Finding>& findings);

  // Canonical text and fingerprint of a proposal list ("ESP:ENCR_AES_CBC/256,...|...").
  static std::string proposals_text(std::uint8_t version, const std::vector<Proposal>& proposals);
  static std::string fingerprint(const std::string& text);
  // Weak algorithms in a proposal list, by name.
  static std::vector<std::string> weak_algorithms(std::uint8_t version,
                                                  const std::vector<Proposal>& proposals);

 private:
  std::vector<Proposal> offered_, accepted_;
  std::optional<std::uint16_t> ke_group_i_, ke_group_r_;
  bool natd_seen_ = false;
  std::optional<bool> initiator_behind_nat_, responder_behind_nat_;
  // IKEv1 aggressive mode material for the psk-crack line.
  std::uint8_t exchange_ = 0;
  std::string g_xi_, g_xr_, sai_b_, idir_b_, ni_b_, nr_b_, hash_r_, cky_i_, cky_r_;
  std::optional<std::uint32_t> v1_auth_method_;
  std::optional<std::uint32_t> v1_hash_;
};

}  // namespace ikedecode
