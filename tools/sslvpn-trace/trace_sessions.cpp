// The end of a TLS session and the classification of sessions: SSL VPN sessions report their
// records (tls_session, cstp_tunnel, phases inferred without plaintext), the others only a
// tls_session with role "other". See trace.hpp.
#include <fmt/format.h>

#include "trace_internal.hpp"

namespace sslvpn {

namespace {
std::uint64_t packets_of(const CstpCounts& c, std::uint8_t type) { return c.packets[type]; }
}  // namespace

void Trace::Impl::finish_session(TcpSession& s) {
  if (s.finished) return;
  s.finished = true;
  s.tls->finish();
  s.http->close(http::Direction::kClientToServer, 0, s.last_time);
  s.http->close(http::Direction::kServerToClient, 0, s.last_time);
  s.unanswered_requests = s.requests.size();
  if (!s.handshake_reported && (s.saw_client_hello_record || s.handshake_records > 0)) {
    report_handshake(s, s.first_frame, s.first_time);
  }
  if (s.gate.session_class() == SessionClass::kOther) {
    report_other(s);
  } else {
    s.gate.run([this, &s] { report_session(s); });
  }
}

// Without plaintext, say what the record sizes and timing suggest, at the time of the first
// client record after the handshake (the request the phase is about), never before phase 1.
void Trace::Impl::infer_phase(TcpSession& s) {
  const tls::Summary& sum = s.tls->summary();
  bool dtls_from_client = false;
  for (const auto& [k, f] : dtls) {
    if (f->key.src == s.key.src && f->key.dst == s.key.dst && f->first_time >= s.first_time) {
      dtls_from_client = true;
    }
  }
  double duration = s.last_time - s.first_time;
  std::string guess =
      dtls_from_client || duration > 10 || s.small_records[0] > 2 ? "tunnel" : "auth";
  if (s.role.empty()) s.role = guess + " (inferred)";
  std::string text = fmt::format(
      "{} application records ({} client, {} server), {} small (DPD/keepalive-sized), {:.1f} s: "
      "looks like {}",
      s.app_records[0] + s.app_records[1], s.app_records[0], s.app_records[1],
      s.small_records[0] + s.small_records[1], duration,
      guess == "tunnel" ? "the CSTP tunnel (phase 5)" : "the HTTP exchanges (phases 2-4)");
  double time = s.data_time >= 0        ? s.data_time
                : s.handshake_time >= 0 ? s.handshake_time
                                        : s.first_time;
  std::uint64_t frame = s.data_time >= 0 ? s.data_frame : s.first_frame;
  phase(guess == "tunnel" ? Phase::kCstpConnect : Phase::kGroupSelection,
        fmt::format("tls#{}", s.id), s.id, time, frame, PhaseStatus::kInferred, text,
        {{"reason", sum.opaque_reason.empty() ? "no key log" : sum.opaque_reason}});
}

Json Trace::Impl::session_json(TcpSession& s, const std::string& role) {
  const tls::Summary& sum = s.tls->summary();
  bool decrypted = sum.decrypted || s.decrypted_any;
  Json data = {{"session", s.id},
               {"client", s.client},
               {"server", s.server},
               {"role", role},
               {"first_frame", s.first_frame},
               {"time", time_string(s.first_time)},
               {"relative_time", round6(rel(s.first_time))},
               {"duration", round6(s.last_time - s.first_time)},
               {"handshake_seen", sum.handshake_seen || s.saw_client_hello_record}};
  if (sum.sni) data["sni"] = *sum.sni;
  if (sum.version) {
    data["version"] = tls::version_name(*sum.version);
    data["version_id"] = fmt::format("0x{:04x}", *sum.version);
  }
  if (sum.cipher_suite) {
    data["cipher_suite"] = tls::cipher_suite_name(*sum.cipher_suite);
    data["cipher_suite_id"] = fmt::format("0x{:04x}", *sum.cipher_suite);
  }
  if (sum.key_exchange_group) data["group"] = tls::named_group_name(*sum.key_exchange_group);
  data["resumption"] = std::string(tls::resumption_name(sum.resumption));
  data["extended_master_secret"] = sum.extended_master_secret;
  data["client_certificate_requested"] = sum.client_certificate_requested;
  data["client_ca_names"] = sum.client_ca_names;
  data["client_certificate_sent"] = sum.client_certificate_sent;
  data["server_certificates"] = sum.server_certificates.size();
  data["decrypted"] = decrypted;
  if (!decrypted) {
    data["opaque_reason"] =
        sum.opaque_reason.empty() ? (have_keylog ? "no-key" : "no-keylog") : sum.opaque_reason;
  }
  data["records"] = {{"client",
                      {{"total", s.records[0]},
                       {"application", s.app_records[0]},
                       {"application_bytes", s.app_bytes[0]}}},
                     {"server",
                      {{"total", s.records[1]},
                       {"application", s.app_records[1]},
                       {"application_bytes", s.app_bytes[1]}}},
                     {"handshake", s.handshake_records}};
  data["decrypted_records"] = {{"client", sum.c2s.decrypted_records},
                               {"server", sum.s2c.decrypted_records}};
  data["http_exchanges"] = s.exchanges;
  data["alerts"] = s.alerts;
  if (!s.notes.empty()) data["notes"] = s.notes;
  data["http_exchanges"] = s.http_messages;
  data["alerts"] = s.alerts;
  if (!s.marker.empty()) data["vpn_marker"] = s.marker;
  if (!s.notes.empty()) data["notes"] = s.notes;
  return data;
}

void Trace::Impl::report_session(TcpSession& s) {
  const tls::Summary& sum = s.tls->summary();
  bool decrypted = sum.decrypted || s.decrypted_any;
  if (!decrypted && s.app_records[0] + s.app_records[1] > 0) infer_phase(s);
  sink.record("tls_session", session_json(s, s.role.empty() ? "unknown" : s.role));
  if (s.tunnel) report_tunnel(s);
}

void Trace::Impl::report_other(TcpSession& s) {
  ++counts.other_sessions;
  sink.record("tls_session", session_json(s, "other"));
}

void Trace::Impl::report_tunnel(TcpSession& s) {
  std::string who = fmt::format("tls#{}", s.id);
  const CstpCounts& c = s.cstp_c2s->counts();
  const CstpCounts& v = s.cstp_s2c->counts();
  Json t = {{"session", s.id},
            {"client", s.client},
            {"server", s.server},
            {"time", time_string(s.tunnel_time)},
            {"relative_time", round6(rel(s.tunnel_time))},
            {"duration", round6(s.last_time - s.tunnel_time)},
            {"parameters", s.tunnel_params},
            {"request_headers", s.tunnel_request_headers},
            {"response_headers", s.tunnel_response_headers},
            {"packets", {{"client", cstp_counts_json(c)}, {"server", cstp_counts_json(v)}}}};
  if (!s.disconnect_reason.empty() || !s.disconnect_from.empty()) {
    t["disconnect"] = {{"from", s.disconnect_from}, {"reason", s.disconnect_reason}};
  }
  if (s.cstp_c2s->failed() || s.cstp_s2c->failed()) {
    t["framing_error"] = s.cstp_c2s->failed() ? s.cstp_c2s->error() : s.cstp_s2c->error();
  }
  // DPD requests left unanswered, either way.
  std::uint64_t unanswered = (packets_of(c, kCstpDpdRequest) > packets_of(v, kCstpDpdResponse)
                                  ? packets_of(c, kCstpDpdRequest) - packets_of(v, kCstpDpdResponse)
                                  : 0) +
                             (packets_of(v, kCstpDpdRequest) > packets_of(c, kCstpDpdResponse)
                                  ? packets_of(v, kCstpDpdRequest) - packets_of(c, kCstpDpdResponse)
                                  : 0);
  t["dpd_unanswered"] = unanswered;
  sink.record("cstp_tunnel", t);
  if (unanswered >= 3) {
    ++dpd_timeouts;
    finding("dpd-timeout", Severity::kWarning,
            fmt::format("{} CSTP DPD requests went unanswered on {}", unanswered, s.server),
            {{"session", s.id}});
  }
  event(who, s.last_time,
        fmt::format("CSTP tunnel {} after {:.1f} s: client {} data / {} DPD / {} keepalive, "
                    "server {} data / {} DPD / {} keepalive packets",
                    s.closed_c2s || s.closed_s2c ? "closed" : "still open when the capture ends",
                    s.last_time - s.tunnel_time, packets_of(c, kCstpData),
                    packets_of(c, kCstpDpdRequest) + packets_of(c, kCstpDpdResponse),
                    packets_of(c, kCstpKeepalive), packets_of(v, kCstpData),
                    packets_of(v, kCstpDpdRequest) + packets_of(v, kCstpDpdResponse),
                    packets_of(v, kCstpKeepalive)),
        Tone::kDim);
}

// ------------------------------------------------------------------------------------------
// Which sessions are the VPN's

void Trace::Impl::classify(TcpSession& s, SessionClass c) {
  if (!s.gate.undecided()) return;
  auto held_back = s.gate.decide(c);
  if (c == SessionClass::kVpn) {
    ++counts.vpn_sessions;
    for (auto& output : held_back) output();
  } else if (s.finished) {
    report_other(s);
  }
}

void Trace::Impl::classify(DtlsFlow& f, SessionClass c) {
  if (!f.gate.undecided()) return;
  auto held_back = f.gate.decide(c);
  if (c == SessionClass::kVpn) {
    for (auto& output : held_back) output();
  }
}

// A marker in plaintext proves the server is an AnyConnect/OpenConnect gateway: every session to
// it (earlier, parallel, later) and the DTLS flows to its address are the VPN's.
void Trace::Impl::prove_vpn_server(TcpSession& s, const std::string& marker) {
  if (s.marker.empty()) s.marker = marker;
  vpn_addresses.insert(s.key.dst.to_string());
  if (!vpn_servers.insert(s.server).second) {
    classify(s, SessionClass::kVpn);
    return;
  }
  for_each_session([&](TcpSession& other) {
    if (other.server == s.server) classify(other, SessionClass::kVpn);
  });
  for (auto& [k, f] : dtls) {
    if (f->key.dst == s.key.dst) classify(*f, SessionClass::kVpn);
  }
}

bool Trace::Impl::keylog_knows(const tls::Buffer& client_random) const {
  if (client_random.empty()) return false;
  for (auto label :
       {tls::SecretLabel::kClientRandom, tls::SecretLabel::kClientTrafficSecret0,
        tls::SecretLabel::kServerTrafficSecret0, tls::SecretLabel::kClientHandshakeTrafficSecret,
        tls::SecretLabel::kServerHandshakeTrafficSecret}) {
    if (keylog.secret(label, client_random) != nullptr) return true;
  }
  return keylog.master_secret(client_random) != nullptr;
}

// Sessions whose ClientHello was seen, and how many of those the key log has a line for.
std::pair<std::uint64_t, std::uint64_t> Trace::Impl::keylog_match() const {
  std::uint64_t with_random = 0, known = 0;
  for_each_session([&](const TcpSession& s) {
    const tls::Buffer& random = s.tls->summary().client_random;
    if (random.empty()) return;
    ++with_random;
    if (keylog_knows(random)) ++known;
  });
  return {with_random, known};
}

// A key log the user passed that matches nothing is named, whatever else the capture shows.
void Trace::Impl::report_keylog_mismatch() {
  if (!have_keylog) return;
  auto [with_random, known] = keylog_match();
  if (with_random == 0 || known > 0) return;
  finding("keylog-mismatch", Severity::kWarning,
          fmt::format("the key log {} ({} secrets) has no line for the client random of any of "
                      "the {} TLS session{} in the capture: it is from another client or another "
                      "capture",
                      options.keylog_path, keylog.size(), with_random, with_random == 1 ? "" : "s"),
          {{"keylog", options.keylog_path},
           {"keylog_secrets", keylog.size()},
           {"sessions", with_random}});
}

VerdictFacts Trace::Impl::verdict_facts() const {
  VerdictFacts v;
  v.frames = counts.frames;
  v.tls_sessions = counts.tls_sessions;
  v.decrypted_sessions = counts.decrypted_sessions;
  v.keylog_given = have_keylog;
  v.keylog_path = options.keylog_path;
  for_each_session([&](const TcpSession& s) {
    const tls::Summary& sum = s.tls->summary();
    bool decrypted = sum.decrypted || s.decrypted_any;
    if (s.gate.session_class() == SessionClass::kVpn) {
      ++v.vpn_sessions;
      if (decrypted) ++v.decrypted_vpn_sessions;
      v.unanswered_requests += s.unanswered_requests;
    } else if (decrypted) {
      ++v.other_decrypted_sessions;
    } else {
      v.gateway_required = true;
    }
  });
  auto [with_random, known] = keylog_match();
  v.keylog_matched_nothing = have_keylog && with_random > 0 && known == 0;
  for (const auto& [k, f] : dtls) {
    if (f->gate.session_class() != SessionClass::kVpn) continue;
    ++v.dtls_flows;
    v.dtls_established = v.dtls_established || f->established;
    v.dtls_blocked = v.dtls_blocked || f->blocked;
    v.dtls_pending = v.dtls_pending || f->pending;
  }
  v.certificate_rejected = cert_rejected;
  v.auth_failed = auth_failed;
  v.auth_success = auth_success;
  v.connect_refused = connect_refused;
  v.tunnel_up = tunnel_up;
  v.error_findings = error_findings;
  v.capture_truncated = capture_truncated;
  v.gateways = gateways;
  v.no_gateway_detail = no_gateway_detail;
  return v;
}

}  // namespace sslvpn
