// The run's conclusion from what the trace established about the SSL VPN sessions (and only
// those: sessions to other servers are context). A pure decision over counts and flags, so every
// rule is unit-tested without a capture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "seckit/out.hpp"

namespace sslvpn {

struct VerdictFacts {
  std::uint64_t frames = 0;
  std::uint64_t tls_sessions = 0;        // every TLS session on the gateway ports
  std::uint64_t vpn_sessions = 0;        // of those, the SSL VPN ones (markers or gateway)
  std::uint64_t decrypted_sessions = 0;  // every decrypted session
  std::uint64_t decrypted_vpn_sessions = 0;
  std::uint64_t other_decrypted_sessions = 0;  // decrypted, no AnyConnect/OpenConnect marker
  std::uint64_t dtls_flows = 0;                // DTLS flows of the VPN
  bool keylog_given = false;
  bool keylog_matched_nothing = false;  // a key log whose lines match no client random seen
  std::string keylog_path;
  // Gateway identification (without plaintext): none identified, and why.
  bool gateway_required = false;  // opaque sessions needed a gateway to be read as VPN
  std::uint64_t gateways = 0;
  std::string no_gateway_detail;  // e.g. "--gateway vpn.example.org matched no SNI ..."
  // What the VPN sessions showed.
  bool certificate_rejected = false, auth_failed = false, auth_success = false;
  bool connect_refused = false, tunnel_up = false;
  bool dtls_established = false, dtls_blocked = false, dtls_pending = false;
  std::uint64_t unanswered_requests = 0;  // requests of VPN sessions the capture never answers
  std::uint64_t error_findings = 0;
  bool capture_truncated = false;  // the capture file ends inside a packet record
  double capture_end_after_last_request = -1;
};

struct Judgement {
  // sslvpn-trace's own reading of the connection: connected-dtls, connected-dtls-blocked,
  // connected-dtls-pending, connected-tls-only, auth-failed, connect-refused,
  // certificate-rejected, dtls-seen, dtls-blocked, dtls-pending, opaque, incomplete, no-gateway,
  // not-vpn, no-vpn-traffic.
  std::string outcome;
  seckit::out::Conclusion conclusion;
};

// Outcome first (the strongest evidence wins: a rejection or failure before a tunnel, a tunnel,
// DTLS alone, then what is missing), then the verdict: error findings fail; a tunnel proven by
// plaintext or by DTLS (which needs the CONNECT's keys) passes; everything else is inconclusive
// with the reason and the evidence that would settle it.
Judgement judge(const VerdictFacts& facts);

}  // namespace sslvpn
