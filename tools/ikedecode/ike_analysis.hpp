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

class SaSecurity {
 public:
  // Returns the NAT-D verification of this message (null when it carries no NAT-D).
  Json observe(const IkeMessage& message, const IkeContext& ctx, bool from_initiator);
  void finish(Json& sa, std::vector<seckit::out::Finding>& findings, std::uint8_t version) const;

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
