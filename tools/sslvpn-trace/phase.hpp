// The phases of an AnyConnect/OpenConnect connection (docs/sslvpn-trace.md), the status a phase
// line carries, and the tone a timeline line is drawn in: typed here, named only when rendered.
#pragma once

#include <string_view>

namespace sslvpn {

// The number of each phase is part of the output (the sslvpn_phase record's "phase").
enum class Phase {
  kTlsHandshake = 1,
  kGroupSelection = 2,
  kUserAuthentication = 3,
  kDownload = 4,
  kCstpConnect = 5,
  kDtlsHandshake = 6,
};
int phase_number(Phase phase);
std::string_view phase_name(Phase phase);  // "tls-handshake", "group-selection", ...

// ok: seen and succeeded; failed: seen and refused; incomplete: the capture does not show enough;
// inferred: deduced from record sizes without a key log; blocked: DTLS never answered.
enum class PhaseStatus { kOk, kFailed, kIncomplete, kInferred, kBlocked };
std::string_view phase_status_name(PhaseStatus status);

// How a timeline line is drawn for people: plain, yellow, red or dim.
enum class Tone { kOk, kWarning, kError, kDim };
Tone tone_of(PhaseStatus status);

}  // namespace sslvpn
