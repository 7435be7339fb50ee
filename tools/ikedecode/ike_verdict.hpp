// The run's verdict: what a capture proves (pass, fail) or does not (inconclusive), decided from
// typed counts alone so it can be unit-tested without a capture. Rules (docs/ikedecode.md):
//  * fail: an SA failed or timed out with the evidence for it, or another error finding;
//  * inconclusive: nothing was checked (no packets, no IKE), an SA is incomplete, the capture
//    file ends early, or the keys the user gave decrypted nothing / failed their integrity check;
//  * pass: at least one SA, every one established, and none of the above.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "seckit/out.hpp"

namespace ikedecode {

// How long an initiator keeps retransmitting an unanswered request before it gives up.
// RFC 7296 2.1 leaves the schedule to the implementation ("retransmit ... until it either receives
// a corresponding response or deems the IKE SA to have failed"). strongSwan's defaults
// (charon.retransmit_timeout 4 s, retransmit_base 1.8, retransmit_tries 5) send at 0, 4, 11, 24,
// 47 and 89 s and give up at 165 s; Windows gives up after the policy's retransmitDurationSecs,
// which must be at least 120 s (IKEEXT_POLICY1/2; RRAS networkBlackoutTime, also >= 120 s). Only
// a capture that goes on this long after the last send shows the initiator has given up.
inline constexpr double kGiveUpHorizon = 165.0;

// What the user gave and what of it matched.
struct KeyEvidence {
  bool given = false;                  // --keys was used
  std::size_t entries = 0;             // SAs in the key files
  std::size_t matched = 0;             // of them, SAs seen in the capture
  std::uint64_t decrypt_failures = 0;  // messages whose key matched but that did not decrypt
};

struct RunEvidence {
  std::uint64_t frames = 0, ike_messages = 0;
  std::uint64_t sas = 0, established = 0, failed = 0, timed_out = 0, incomplete = 0;
  std::size_t error_findings = 0;      // findings of severity error (SA failures included)
  std::vector<std::string> truncated;  // "FILE: frame N: why" for each capture that ended early
  bool filtered = false;               // a BPF filter chose the packets
  KeyEvidence keys;
};

seckit::out::Conclusion conclude_run(const RunEvidence& evidence);

}  // namespace ikedecode
