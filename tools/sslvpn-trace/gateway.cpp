// Gateway identification from the capture's evidence. See gateway.hpp.
#include "gateway.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "seckit/enc.hpp"

namespace sslvpn {

namespace {

constexpr int kHigh = 80;
constexpr int kMedium = 40;

std::string lower(const std::string& s) { return seckit::enc::ascii_lower(s); }

void add_dtls_evidence(const ServerEvidence& s, GatewayDecision& d) {
  for (const auto& clue : s.dtls) {
    bool anyconnect = clue.mode == "psk-negotiate" || clue.mode == "legacy-0x0100";
    int weight = 50 + (anyconnect ? 30 : 0) + (clue.answered ? 10 : 0);
    d.evidence.push_back(
        {"dtls",
         fmt::format("DTLS ({}) from {} to {}, {} (dtls#{})", clue.mode, clue.client, s.address,
                     clue.answered ? "answered" : "unanswered", clue.session),
         clue.session, weight});
    if (clue.hello_verify) {
      d.evidence.push_back(
          {"hello-verify",
           fmt::format("HelloVerifyRequest cookie exchange (dtls#{})", clue.session), clue.session,
           10});
    }
  }
}

void add_pattern_evidence(const ServerEvidence& s, GatewayDecision& d) {
  if (s.cstp_like_session > 0) {
    d.evidence.push_back(
        {"cstp-pattern",
         fmt::format("{:.0f} s session with {} DPD/keepalive-sized records both ways (tls#{})",
                     s.cstp_like_duration, s.cstp_like_small_records, s.cstp_like_session),
         s.cstp_like_session, 25});
  }
  if (s.sequential_sessions >= 2) {
    d.evidence.push_back(
        {"sequential-sessions",
         fmt::format("{} sessions in quick succession from one client", s.sequential_sessions),
         s.sessions.empty() ? 0 : s.sessions.front(), 15});
  }
}

bool add_name_evidence(const ServerEvidence& s, const std::vector<std::string>& wanted,
                       GatewayDecision& d) {
  for (const auto& w : wanted) {
    if (w == s.address) {
      d.evidence.push_back({"name", fmt::format("address {} is --gateway {}", s.address, w),
                            s.sessions.empty() ? 0 : s.sessions.front(), 100});
      return true;
    }
    for (const auto& n : s.names) {
      if (gateway_name_matches(w, n)) {
        d.evidence.push_back({"name", fmt::format("{} matches --gateway {}", n, w),
                              s.sessions.empty() ? 0 : s.sessions.front(), 100});
        return true;
      }
    }
  }
  return false;
}

GatewayDecision decide(const ServerEvidence& s, const std::vector<std::string>& wanted) {
  GatewayDecision d;
  d.server = s.server;
  if (!s.marker.empty()) {
    d.evidence.push_back({"marker",
                          fmt::format("{} in the plaintext of tls#{}", s.marker, s.marker_session),
                          s.marker_session, 100});
  }
  d.name_matched = add_name_evidence(s, wanted, d);
  add_dtls_evidence(s, d);
  add_pattern_evidence(s, d);
  for (const auto& e : d.evidence) d.score += e.weight;
  d.confidence = d.score >= kHigh ? "high" : d.score >= kMedium ? "medium" : "low";
  if (s.marker.empty() && s.decrypted_without_marker > 0) {
    d.evidence.push_back(
        {"plaintext-without-markers",
         fmt::format("{} decrypted session{} without any AnyConnect/OpenConnect marker",
                     s.decrypted_without_marker, s.decrypted_without_marker == 1 ? "" : "s"),
         0, 0});
    d.gateway = false;
    return d;
  }
  d.gateway = wanted.empty() ? d.score >= kMedium : (!s.marker.empty() || d.name_matched);
  return d;
}

}  // namespace

bool gateway_name_matches(const std::string& wanted, const std::string& seen) {
  std::string w = lower(wanted), n = lower(seen);
  if (w == n) return true;
  if (!n.starts_with("*.")) return false;
  auto dot = w.find('.');
  return dot != std::string::npos && dot > 0 && w.substr(dot) == n.substr(1);
}

std::vector<GatewayDecision> identify_gateways(const std::vector<ServerEvidence>& servers,
                                               const std::vector<std::string>& gateway_names) {
  std::vector<GatewayDecision> out;
  out.reserve(servers.size());
  for (const auto& s : servers) out.push_back(decide(s, gateway_names));
  return out;
}

}  // namespace sslvpn
