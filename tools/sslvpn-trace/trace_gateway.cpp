// The end of the capture: which servers are gateways (gateway.hpp decides, from the evidence
// gathered here), their `gateway` records, and every other session as context. See trace.hpp.
#include <fmt/format.h>

#include "gateway.hpp"
#include "seckit/x509.hpp"
#include "trace_internal.hpp"

namespace sslvpn {

namespace {

// A session that looks like a CSTP tunnel by its records alone: long-lived, with DPD/keepalive-
// sized records both ways (a chat client's websocket looks the same: weak evidence).
constexpr double kLongLived = 10.0;
constexpr std::uint64_t kSmallRecordsEachWay = 3;
// Sessions from one client that start within this long after the previous one ended.
constexpr double kSequentialGap = 5.0;

bool cstp_like(const TcpSession& s) {
  return s.last_time - s.first_time >= kLongLived && s.small_records[0] >= kSmallRecordsEachWay &&
         s.small_records[1] >= kSmallRecordsEachWay;
}

void add_certificate_names(const tls::Summary& sum, std::vector<std::string>& names) {
  if (sum.server_certificates.empty()) return;
  auto cert = seckit::x509::from_der(sum.server_certificates.front());
  if (!cert) return;
  std::string cn = seckit::x509::subject_common_name(cert->x509.get());
  if (!cn.empty()) names.push_back(cn);
  for (const auto& gn : seckit::x509::subject_alt_names(cert->x509.get())) {
    if (gn.type == "dns" || gn.type == "ip") names.push_back(gn.value);
  }
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// The longest run of sessions from one client, each starting soon after the previous one ended.
int sequential_run(std::vector<const TcpSession*> sessions) {
  std::sort(sessions.begin(), sessions.end(),
            [](const TcpSession* a, const TcpSession* b) { return a->first_time < b->first_time; });
  int best = sessions.empty() ? 0 : 1, run = best;
  for (std::size_t i = 1; i < sessions.size(); ++i) {
    const TcpSession& prev = *sessions[i - 1];
    const TcpSession& next = *sessions[i];
    double gap = next.first_time - prev.last_time;
    bool follows = next.key.src == prev.key.src && gap >= 0 && gap <= kSequentialGap;
    run = follows ? run + 1 : 1;
    best = std::max(best, run);
  }
  return best;
}

}  // namespace

std::vector<ServerEvidence> Trace::Impl::server_evidence() const {
  std::map<std::string, ServerEvidence> by_server;
  std::map<std::string, std::vector<const TcpSession*>> sessions;
  for_each_session([&](const TcpSession& s) {
    ServerEvidence& e = by_server[s.server];
    e.server = s.server;
    e.address = s.key.dst.to_string();
    e.sessions.push_back(s.id);
    sessions[s.server].push_back(&s);
    const tls::Summary& sum = s.tls->summary();
    if (sum.sni) add_unique(e.names, *sum.sni);
    std::vector<std::string> cert_names;
    add_certificate_names(sum, cert_names);
    for (const auto& n : cert_names) add_unique(e.names, n);
    if (!s.marker.empty() && e.marker.empty()) {
      e.marker = s.marker;
      e.marker_session = s.id;
    }
    if ((sum.decrypted || s.decrypted_any) && s.marker.empty()) ++e.decrypted_without_marker;
    if (cstp_like(s) && e.cstp_like_session == 0) {
      e.cstp_like_session = s.id;
      e.cstp_like_duration = s.last_time - s.first_time;
      e.cstp_like_small_records = s.small_records[0] + s.small_records[1];
    }
  });
  std::vector<ServerEvidence> out;
  for (auto& [server, e] : by_server) {
    e.sequential_sessions = sequential_run(sessions[server]);
    for (const auto& [k, f] : dtls) {
      if (f->key.dst.to_string() != e.address) continue;
      e.dtls.push_back(
          {f->id, f->key.src.to_string(), f->mode, f->datagrams[1] > 0, f->hello_verify});
    }
    out.push_back(std::move(e));
  }
  return out;
}

namespace {
Json gateway_json(const ServerEvidence& e, const GatewayDecision& d) {
  Json evidence = Json::array();
  for (const auto& item : d.evidence) {
    evidence.push_back({{"kind", item.kind},
                        {"text", item.text},
                        {"session", item.session},
                        {"weight", item.weight}});
  }
  Json dtls_sessions = Json::array();
  for (const auto& clue : e.dtls) dtls_sessions.push_back(clue.session);
  return {{"server", e.server},     {"address", e.address},
          {"names", e.names},       {"confidence", d.confidence},
          {"score", d.score},       {"evidence", evidence},
          {"sessions", e.sessions}, {"dtls_sessions", dtls_sessions}};
}
}  // namespace

void Trace::Impl::report_gateway(const ServerEvidence& e, const GatewayDecision& d) {
  ++gateways;
  sink.record("gateway", gateway_json(e, d));
  std::string why;
  for (const auto& item : d.evidence) {
    if (item.weight > 0) why += (why.empty() ? "" : "; ") + item.text;
  }
  double first = last_time;
  for_each_session([&](const TcpSession& s) {
    if (s.server == e.server) first = std::min(first, s.first_time);
  });
  // Just before the gateway's first session (1 µs: above the resolution of epoch seconds in a
  // double), so that the line heads its story.
  event("gateway", first - 1e-6,
        fmt::format("{}{}: {} confidence: {}", e.server,
                    e.names.empty() ? "" : " (" + e.names.front() + ")", d.confidence, why),
        Tone::kOk);
}

// Undecided sessions go to the gateways' story or to context; DTLS flows follow their address.
void Trace::Impl::classify_remaining() {
  auto evidence = server_evidence();
  auto decisions = identify_gateways(evidence, options.gateways);
  std::set<std::string> gateway_servers, gateway_addresses;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (!decisions[i].gateway) continue;
    gateway_servers.insert(evidence[i].server);
    gateway_addresses.insert(evidence[i].address);
    report_gateway(evidence[i], decisions[i]);
  }
  for_each_session([&](TcpSession& s) {
    classify(s, gateway_servers.count(s.server) > 0 ? SessionClass::kVpn : SessionClass::kOther);
  });
  for (auto& [k, f] : dtls) {
    bool vpn = gateway_addresses.count(f->key.dst.to_string()) > 0;
    classify(*f, vpn ? SessionClass::kVpn : SessionClass::kOther);
  }
  report_context(evidence, decisions);
}

// One line for everything that is not the gateway's, the --gateway names that matched nothing,
// and why no gateway was found (the reason of an inconclusive verdict).
void Trace::Impl::report_context(const std::vector<ServerEvidence>& evidence,
                                 const std::vector<GatewayDecision>& decisions) {
  std::uint64_t other_servers = 0;
  const GatewayDecision* best = nullptr;
  for (const auto& d : decisions) {
    if (d.gateway) continue;
    ++other_servers;
    if (d.score > 0 && (!best || d.score > best->score)) best = &d;
  }
  if (counts.other_sessions > 0) {
    sink.remark(fmt::format("{} other TLS session{} to {} server{}, not the gateway",
                            counts.other_sessions, counts.other_sessions == 1 ? "" : "s",
                            other_servers, other_servers == 1 ? "" : "s"));
  }
  for (const auto& wanted : options.gateways) {
    bool matched = std::any_of(evidence.begin(), evidence.end(), [&](const ServerEvidence& e) {
      return e.address == wanted ||
             std::any_of(e.names.begin(), e.names.end(),
                         [&](const std::string& n) { return gateway_name_matches(wanted, n); });
    });
    if (matched) continue;
    finding("gateway-unmatched", Severity::kWarning,
            fmt::format("--gateway {} matched no SNI, server certificate name or address in the "
                        "capture",
                        wanted),
            {{"gateway", wanted}});
    no_gateway_detail =
        fmt::format("--gateway {} matched no SNI, certificate name or address", wanted);
  }
  if (best != nullptr) {
    std::string clues;
    for (const auto& item : best->evidence) {
      if (item.weight > 0) clues += (clues.empty() ? "" : "; ") + item.text;
    }
    no_gateway_detail +=
        fmt::format("{}{} has only {} evidence: {}", no_gateway_detail.empty() ? "" : "; ",
                    best->server, options.gateways.empty() ? best->confidence : "unnamed", clues);
  }
}

}  // namespace sslvpn
