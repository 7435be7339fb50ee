// The run's conclusion from the trace's facts. See verdict.hpp.
#include "verdict.hpp"

#include <fmt/format.h>

namespace sslvpn {

namespace {

std::string plural(std::uint64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string outcome_of(const VerdictFacts& f) {
  if (f.tls_sessions == 0 && f.dtls_flows == 0) return "no-vpn-traffic";
  if (f.vpn_sessions == 0 && f.dtls_flows == 0)
    return f.gateway_required ? "no-gateway" : "not-vpn";
  if (f.certificate_rejected) return "certificate-rejected";
  if (f.auth_failed && !f.tunnel_up) return "auth-failed";
  if (f.connect_refused && !f.tunnel_up) return "connect-refused";
  if (f.tunnel_up) {
    return f.dtls_established ? "connected-dtls"
           : f.dtls_blocked   ? "connected-dtls-blocked"
           : f.dtls_pending   ? "connected-dtls-pending"
                              : "connected-tls-only";
  }
  // A client only starts DTLS with the keys of a CONNECT the gateway accepted: DTLS alone shows
  // that the tunnel came up even when the TLS sessions stay opaque.
  if (f.dtls_established) return "dtls-seen";
  if (f.dtls_blocked) return "dtls-blocked";
  if (f.dtls_pending) return "dtls-pending";
  return f.decrypted_vpn_sessions > 0 ? "incomplete" : "opaque";
}

bool is_pass_outcome(const std::string& o) {
  return o.starts_with("connected-") || o.starts_with("dtls-");
}

void add_missing_evidence(const std::string& outcome, const VerdictFacts& f,
                          seckit::out::Conclusion& c) {
  std::string truncated = f.capture_truncated ? "; the capture file is truncated" : "";
  if (outcome == "no-vpn-traffic") {
    c.inconclusive("no-vpn-traffic",
                   f.frames == 0
                       ? "the capture holds no packets: nothing to judge"
                       : fmt::format("no TLS or DTLS on the gateway ports in {}{}: not an SSL VPN "
                                     "capture, or the gateway uses other ports (pass --tls-port "
                                     "PORT, --dtls-port PORT)",
                                     plural(f.frames, "frame"), truncated));
  } else if (outcome == "not-vpn") {
    c.inconclusive(
        "not-vpn",
        fmt::format("{} show no AnyConnect/OpenConnect marker (config-auth XML, CONNECT "
                    "/CSCOSSLC/tunnel, X-CSTP/X-DTLS headers, webvpn cookies, downloader paths): "
                    "not an SSL VPN session; capture the VPN client's connection",
                    plural(f.other_decrypted_sessions, "decrypted TLS session")));
  } else if (outcome == "no-gateway") {
    c.inconclusive(
        "no-gateway",
        fmt::format("no server showed VPN evidence{}; pass --gateway HOST or a key log "
                    "(--keylog FILE, the client's SSLKEYLOGFILE)",
                    f.no_gateway_detail.empty() ? "" : " (" + f.no_gateway_detail + ")"));
  } else if (outcome == "opaque") {
    c.inconclusive(
        "not-decrypted",
        fmt::format("{} to the gateway not decrypted and no DTLS channel seen: whether "
                    "the login and the tunnel worked is not in the capture; pass "
                    "--keylog FILE (the client's SSLKEYLOGFILE){}",
                    plural(f.vpn_sessions - f.decrypted_vpn_sessions, "TLS session"), truncated));
  } else if (outcome == "incomplete") {
    c.inconclusive(
        "incomplete",
        fmt::format("the capture ends before the tunnel came up or was refused{}{}: capture the "
                    "whole connection, until the CONNECT is answered",
                    f.unanswered_requests > 0
                        ? fmt::format(" ({} unanswered)", plural(f.unanswered_requests, "request"))
                        : "",
                    truncated));
  }
}

}  // namespace

Judgement judge(const VerdictFacts& f) {
  Judgement j;
  j.outcome = outcome_of(f);
  if (f.error_findings > 0 || j.outcome == "certificate-rejected" || j.outcome == "auth-failed" ||
      j.outcome == "connect-refused") {
    j.conclusion.fail();
  }
  add_missing_evidence(j.outcome, f, j.conclusion);
  if (f.keylog_matched_nothing) {
    j.conclusion.inconclusive(
        "keylog-mismatch",
        fmt::format("the key log {} has no line for the client random of any of the {} in the "
                    "capture: it is from another client or another capture; pass the "
                    "SSLKEYLOGFILE written by this capture's client",
                    f.keylog_path, plural(f.tls_sessions, "TLS session")));
  }
  if (!is_pass_outcome(j.outcome) && j.conclusion.verdict == seckit::out::Verdict::kPass) {
    j.conclusion.inconclusive(j.outcome, "the capture does not show whether the tunnel came up");
  }
  return j;
}

}  // namespace sslvpn
