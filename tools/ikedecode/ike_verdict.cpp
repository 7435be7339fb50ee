#include "ike_verdict.hpp"

#include <fmt/format.h>

namespace ikedecode {

using seckit::out::Conclusion;

namespace {

constexpr const char* kCaptureHint =
    "capture where the VPN traffic passes, from before the client connects until it is up or has "
    "given up (tcpdump -i IFACE -w FILE 'udp port 500 or udp port 4500 or tcp port 4500')";

// Nothing to judge at all: no packets, or no IKE in them.
bool nothing_checked(const RunEvidence& e, Conclusion& c) {
  if (e.frames == 0) {
    c.inconclusive("no-packets",
                   fmt::format("the capture holds no packets{}: nothing was checked; {}",
                               e.filtered ? " that pass the filter" : "", kCaptureHint));
    return true;
  }
  if (e.ike_messages == 0) {
    c.inconclusive("no-ike",
                   fmt::format("{} packets read{}, no IKE message among them: nothing "
                               "was checked; {}",
                               e.frames, e.filtered ? " (after the filter)" : "", kCaptureHint));
    return true;
  }
  return false;
}

void key_reasons(const KeyEvidence& k, Conclusion& c) {
  if (k.given && k.matched == 0) {
    c.inconclusive("keys-unused",
                   fmt::format("none of the {} SA(s) in the key files is in the capture: nothing "
                               "was decrypted (see the keys-unused finding); give the keys "
                               "logged for this capture's SAs (charon log at ike 4, Wireshark's "
                               "ikev2_decryption_table)",
                               k.entries));
  }
  if (k.decrypt_failures > 0) {
    c.inconclusive("decrypt-failed",
                   fmt::format("{} encrypted message(s) of SAs named in the key files did not "
                               "decrypt (see the decrypt-failed anomalies): the keys are wrong "
                               "or for another SA with the same SPIs",
                               k.decrypt_failures));
  }
}

}  // namespace

Conclusion conclude_run(const RunEvidence& e) {
  Conclusion c;
  if (e.failed + e.timed_out > 0) {
    std::string what = e.failed > 0 ? fmt::format("{} failed", e.failed) : "";
    if (e.timed_out > 0) {
      what += fmt::format("{}{} timed out", what.empty() ? "" : ", ", e.timed_out);
    }
    c.fail("ike-sa-failed", fmt::format("{} of {} SA(s) {} (see the findings)",
                                        e.failed + e.timed_out, e.sas, what));
  } else if (e.error_findings > 0) {
    c.fail("findings", fmt::format("{} error finding(s)", e.error_findings));
  }
  for (const auto& file : e.truncated) {
    c.inconclusive("capture-truncated",
                   fmt::format("{}: the rest of the capture is unreadable, so what followed is "
                               "unseen; copy the capture again or capture anew",
                               file));
  }
  if (!nothing_checked(e, c)) {
    if (e.incomplete > 0) {
      c.inconclusive("sa-incomplete",
                     fmt::format("{} of {} SA(s) incomplete: the capture does not hold enough of "
                                 "the handshake to judge them (see each SA's reason); {}",
                                 e.incomplete, e.sas, kCaptureHint));
    }
    if (e.sas == 0) {
      c.inconclusive("no-sa", "IKE messages were read but none could be tied to an SA; " +
                                  std::string(kCaptureHint));
    }
  }
  key_reasons(e.keys, c);
  return c;
}

}  // namespace ikedecode
