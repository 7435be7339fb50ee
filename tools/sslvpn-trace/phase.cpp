#include "phase.hpp"

namespace sslvpn {

int phase_number(Phase phase) { return static_cast<int>(phase); }

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::kTlsHandshake:
      return "tls-handshake";
    case Phase::kGroupSelection:
      return "group-selection";
    case Phase::kUserAuthentication:
      return "user-authentication";
    case Phase::kDownload:
      return "download";
    case Phase::kCstpConnect:
      return "cstp-connect";
    case Phase::kDtlsHandshake:
      return "dtls-handshake";
  }
  return "unknown";
}

std::string_view phase_status_name(PhaseStatus status) {
  switch (status) {
    case PhaseStatus::kOk:
      return "ok";
    case PhaseStatus::kFailed:
      return "failed";
    case PhaseStatus::kIncomplete:
      return "incomplete";
    case PhaseStatus::kInferred:
      return "inferred";
    case PhaseStatus::kBlocked:
      return "blocked";
  }
  return "unknown";
}

Tone tone_of(PhaseStatus status) {
  switch (status) {
    case PhaseStatus::kOk:
      return Tone::kOk;
    case PhaseStatus::kFailed:
      return Tone::kError;
    case PhaseStatus::kInferred:
      return Tone::kDim;
    case PhaseStatus::kIncomplete:
    case PhaseStatus::kBlocked:
      return Tone::kWarning;
  }
  return Tone::kWarning;
}

}  // namespace sslvpn
