// Phase 6: DTLS on UDP. The mode comes from the ClientHello (record version 0x0100 = Cisco's
// legacy DTLS resuming X-DTLS-Session-ID; DTLS 1.2 with extension 48018 = openconnect's
// PSK-NEGOTIATE, keyed from the TLS exporter; DTLS 1.2 resuming the session id = ocserv's
// OC-DTLS1_2 / X-DTLS12-CipherSuite), the keys from the CONNECT exchange of the same client, and
// the blocked-DTLS verdict from client ClientHellos that nobody answers.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "trace_internal.hpp"

namespace sslvpn {

namespace {
constexpr std::uint16_t kAppIdExtension = 48018;  // AnyConnect/openconnect DTLS App-ID

bool has_extension(const tls::ClientHello& ch, std::uint16_t type) {
  return std::any_of(ch.extensions.begin(), ch.extensions.end(),
                     [type](const tls::Extension& e) { return e.type == type; });
}
}  // namespace

void Trace::Impl::on_udp(const net::Transport& t) {
  net::FlowKey key{t.ip.src, t.ip.dst, t.udp.src_port, t.udp.dst_port};
  bool c2s = true;
  if (in_ports(options.dtls_ports, t.udp.dst_port)) {
    c2s = true;
  } else if (in_ports(options.dtls_ports, t.udp.src_port)) {
    c2s = false;
    key = {t.ip.dst, t.ip.src, t.udp.dst_port, t.udp.src_port};
  } else {
    return;
  }
  auto headers = dtls_record_headers(t.payload);
  auto it = dtls.find(key);
  if (it == dtls.end()) {
    // A new flow only from something that looks like DTLS (QUIC and DNS also use UDP/443).
    if (headers.empty() ||
        !(tls::is_dtls_version(headers[0].version) || headers[0].version == tls::kDtlsCisco)) {
      return;
    }
    auto f = std::make_unique<DtlsFlow>();
    f->id = next_id++;
    f->key = key;
    f->client = endpoint(key.src, key.src_port);
    f->server = endpoint(key.dst, key.dst_port);
    f->first_frame = t.info.frame;
    f->first_time = t.info.time();
    TcpSession* tunnel = tunnel_for(key.src, key.dst);
    tls::Options o;
    if (have_keylog) o.keylog = &keylog;
    if (tunnel) {
      f->tunnel_session = tunnel->id;
      if (tunnel->psk) o.psk = tunnel->psk;
    }
    DtlsFlow* raw = f.get();
    f->dtls = std::make_unique<tls::DtlsConnection>(
        o, [this, raw](const tls::Event& e) { on_dtls_event(*raw, e); });
    ++counts.dtls_sessions;
    it = dtls.emplace(key, std::move(f)).first;
    bool gateway = vpn_addresses.count(key.dst.to_string()) > 0;
    if (tunnel || gateway) classify(*raw, SessionClass::kVpn);
  }
  DtlsFlow& f = *it->second;
  f.last_time = t.info.time();
  ++f.datagrams[c2s ? 0 : 1];
  for (const auto& h : headers) {
    if (c2s && f.client_version == 0) f.client_version = h.version;
    if (!c2s && f.server_version == 0) f.server_version = h.version;
    if (c2s && h.type == tls::kHandshake && h.epoch == 0 && h.first_byte == tls::kClientHello) {
      f.client_hello_times.push_back(t.info.time());
      f.client_hello_frames.push_back(t.info.frame);
      if (!f.reported_start) {
        f.reported_start = true;
        std::string mode = h.version == tls::kDtlsCisco ? "legacy Cisco DTLS 0x0100"
                                                        : tls::version_name(h.version);
        f.gate.run([this, &f, mode, time = t.info.time(), frame = t.info.frame] {
          phase(Phase::kDtlsHandshake, fmt::format("dtls#{}", f.id), f.id, time, frame,
                PhaseStatus::kOk,
                fmt::format(
                    "DTLS ClientHello {} -> {} ({}){}", f.client, f.server, mode,
                    f.tunnel_session ? fmt::format(", tunnel of tls#{}", f.tunnel_session) : ""));
        });
      }
    }
  }
  f.dtls->feed(c2s ? tls::Direction::kClientToServer : tls::Direction::kServerToClient, t.payload,
               t.info.frame, t.info.time());
}

void Trace::Impl::on_icmp(const net::Transport& t) {
  // ICMP destination unreachable / port unreachable quoting a UDP datagram to the DTLS port.
  seckit::bytes::Reader in(t.payload);
  std::uint8_t type = in.u8();
  std::uint8_t code = in.u8();
  in.skip(6);
  bool v4 = t.ip.protocol == 1;
  if (!in.ok() || !((v4 && type == 3 && code == 3) || (!v4 && type == 1 && code == 4))) return;
  auto inner = net::parse_ip(in.rest());
  if (!inner || inner->protocol != 17) return;
  auto udp = net::parse_udp(inner->payload);
  if (!udp) {
    // An ICMP quote may be only 8 bytes of UDP header: parse_udp insists on lengths, so read
    // the ports directly.
    seckit::bytes::Reader u(inner->payload);
    std::uint16_t sport = u.be16(), dport = u.be16();
    if (!u.ok()) return;
    net::FlowKey key{inner->src, inner->dst, sport, dport};
    if (auto it = dtls.find(key); it != dtls.end()) ++it->second->icmp_unreachable;
    return;
  }
  net::FlowKey key{inner->src, inner->dst, udp->src_port, udp->dst_port};
  if (auto it = dtls.find(key); it != dtls.end()) ++it->second->icmp_unreachable;
}

void Trace::Impl::on_dtls_event(DtlsFlow& f, const tls::Event& e) {
  bool c2s = e.direction == tls::Direction::kClientToServer;
  std::string who = fmt::format("dtls#{}", f.id);
  switch (e.kind) {
    case tls::EventKind::kHandshake: {
      const tls::HandshakeMessage& m = *e.handshake;
      if (m.type == tls::kClientHello && c2s && f.mode.empty()) {
        if (auto* ch = std::get_if<tls::ClientHello>(&m.parsed)) {
          std::string sid = seckit::enc::hex_encode(ch->session_id);
          TcpSession* tunnel = tunnel_for(f.key.src, f.key.dst);
          bool resumes = tunnel && !sid.empty() && http::name_equals(sid, tunnel->dtls_session_id);
          if (e.record_version == tls::kDtlsCisco || ch->legacy_version == tls::kDtlsCisco) {
            f.mode = "legacy-0x0100";
          } else if (has_extension(*ch, kAppIdExtension) ||
                     (tunnel && !sid.empty() && http::name_equals(sid, tunnel->dtls_app_id))) {
            // openconnect sends the App-ID as the ClientHello session id, AnyConnect in
            // extension 48018.
            f.mode = "psk-negotiate";
          } else if (resumes) {
            f.mode = "dtls1.2-resumption";
          } else {
            f.mode = "dtls1.2";
          }
        }
      } else if (m.type == tls::kHelloVerifyRequest && !c2s) {
        f.hello_verify = true;
        f.gate.run([this, who, time = e.time] {
          event(who, time, "DTLS HelloVerifyRequest (cookie exchange)", Tone::kDim);
        });
      } else if (m.type == tls::kFinished && !f.established && !c2s) {
        f.established = true;
        std::string text =
            fmt::format("DTLS established ({}{})", f.mode.empty() ? "?" : f.mode,
                        f.dtls->summary().cipher_suite
                            ? ", " + tls::cipher_suite_name(*f.dtls->summary().cipher_suite)
                            : "");
        f.gate.run([this, &f, who, text, time = e.time, frame = e.frame] {
          phase(Phase::kDtlsHandshake, who, f.id, time, frame, PhaseStatus::kOk, text);
        });
      }
      break;
    }
    case tls::EventKind::kApplicationData: {
      if (!f.established && !c2s) f.established = true;  // the server protected data
      if (e.decrypted) {
        f.decrypted = true;
        CstpPacket p;
        if (parse_dtls_cstp(e.plaintext, p)) {
          f.cstp[c2s ? 0 : 1].add(p.type, p.payload.size());
          if (p.type == kCstpDisconnect || p.type == kCstpTerminate) {
            f.disconnect_reason = disconnect_reason(p.payload);
            std::string text = fmt::format(
                "DTLS {} from the {}{}", cstp_type_name(p.type), c2s ? "client" : "server",
                f.disconnect_reason.empty() ? "" : ": \"" + f.disconnect_reason + "\"");
            f.gate.run(
                [this, who, text, time = e.time] { event(who, time, text, Tone::kWarning); });
          }
        }
      }
      break;
    }
    case tls::EventKind::kAlert:
      if (e.alert.description != 0) {
        std::string text = fmt::format("DTLS alert from the {}: {} {}", c2s ? "client" : "server",
                                       e.alert.level_name(), e.alert.description_name());
        f.gate.run([this, who, text, time = e.time] { event(who, time, text, Tone::kError); });
      }
      break;
    case tls::EventKind::kNote:
      if (e.note.code != "decrypted") f.notes.push_back(e.note.code + ": " + e.note.message);
      break;
    default:
      break;
  }
}

// A DTLS server answers within a round trip and clients retry after about a second
// (openconnect, AnyConnect): unanswered ClientHellos are "blocked" only when the capture goes on
// that long after the first one (or an ICMP port unreachable came back). A capture that ends
// sooner is too short to tell.
constexpr double kDtlsBlockedAfter = 2.0;

void Trace::Impl::finish_dtls(DtlsFlow& f) {
  f.dtls->finish();
  if (f.mode.empty()) {
    // No parsed ClientHello (no common/tls events): the record version still tells the family.
    f.mode = f.client_version == tls::kDtlsCisco ? "legacy-0x0100"
             : f.client_version == tls::kDtls12  ? "dtls1.2"
             : f.client_version == tls::kDtls10  ? "dtls1.0"
                                                 : "unknown";
  }
  if (!f.established && f.datagrams[1] > 0 && f.server_version != 0) {
    // Server datagrams beyond a HelloVerifyRequest mean the handshake went through even when
    // the messages stayed opaque.
    f.established = f.datagrams[1] >= 2;
  }
  if (f.datagrams[1] == 0 && !f.client_hello_times.empty()) {
    f.blocked = f.icmp_unreachable > 0 || last_time - f.client_hello_times[0] >= kDtlsBlockedAfter;
    f.pending = !f.blocked;
  }
  f.gate.run([this, &f] { report_dtls(f); });
}

namespace {
// When each ClientHello was sent, relative to the first, and the gaps between them.
struct HelloSchedule {
  std::vector<double> offsets;
  std::vector<double> intervals;
};

HelloSchedule hello_schedule(const std::vector<double>& times) {
  HelloSchedule s;
  for (std::size_t i = 0; i < times.size(); ++i) {
    s.offsets.push_back(round6(times[i] - times[0]));
    if (i > 0) s.intervals.push_back(round6(times[i] - times[i - 1]));
  }
  return s;
}

}  // namespace

TcpSession* Trace::Impl::session_by_id(int id) {
  TcpSession* found = nullptr;
  for_each_session([&](TcpSession& s) {
    if (s.id == id) found = &s;
  });
  return found;
}

Json Trace::Impl::dtls_json(const DtlsFlow& f, const Json& schedule, const Json& intervals) {
  const tls::Summary& sum = f.dtls->summary();
  Json data = {{"session", f.id},
               {"client", f.client},
               {"server", f.server},
               {"tunnel_session", f.tunnel_session},
               {"mode", f.mode},
               {"record_version", tls::version_name(f.client_version)},
               {"time", time_string(f.first_time)},
               {"relative_time", round6(rel(f.first_time))},
               {"duration", round6(f.last_time - f.first_time)},
               {"datagrams", {{"client", f.datagrams[0]}, {"server", f.datagrams[1]}}},
               {"client_hellos", f.client_hello_times.size()},
               {"client_hello_schedule", schedule},
               {"client_hello_intervals", intervals},
               {"established", f.established},
               {"blocked", f.blocked},
               {"pending", f.pending},
               {"icmp_port_unreachable", f.icmp_unreachable},
               {"decrypted", f.decrypted || sum.decrypted}};
  if (sum.cipher_suite) data["cipher_suite"] = tls::cipher_suite_name(*sum.cipher_suite);
  if (f.decrypted) {
    data["packets"] = {{"client", cstp_counts_json(f.cstp[0])},
                       {"server", cstp_counts_json(f.cstp[1])}};
  }
  if (!f.disconnect_reason.empty()) data["disconnect_reason"] = f.disconnect_reason;
  if (!f.notes.empty()) data["notes"] = f.notes;
  return data;
}

// DTLS never answered: the phase line, the finding, and the MTU the data falls back to.
void Trace::Impl::report_dtls_blocked(DtlsFlow& f, Json& data, const Json& schedule,
                                      const Json& intervals) {
  // The MTU that applies: CSTP's once the data falls back to the TLS tunnel.
  Json mtu = nullptr;
  const TcpSession* tunnel = session_by_id(f.tunnel_session);
  if (tunnel && tunnel->tunnel_params.contains("cstp_mtu")) mtu = tunnel->tunnel_params["cstp_mtu"];
  data["effective_mtu"] = mtu;
  std::string sched;
  for (const auto& v : schedule)
    sched += fmt::format("{}{:.1f}", sched.empty() ? "" : ", ", v.get<double>());
  std::string pattern = dtls_retry_pattern(intervals.get<std::vector<double>>());
  data["retry_pattern"] = pattern;
  std::string text = fmt::format(
      "DTLS {}: {} ClientHello{} at {} s unanswered ({}){}; data moves over CSTP (TLS){}",
      f.icmp_unreachable ? "refused" : "blocked", f.client_hello_times.size(),
      f.client_hello_times.size() == 1 ? "" : "s", sched, pattern,
      f.icmp_unreachable ? fmt::format(", {} ICMP port unreachable", f.icmp_unreachable) : "",
      mtu.is_null() ? ""
                    : fmt::format(" with X-CSTP-MTU {} instead of X-DTLS-MTU", mtu.get<long>()));
  phase(Phase::kDtlsHandshake, fmt::format("dtls#{}", f.id), f.id, f.client_hello_times.back(),
        f.client_hello_frames.back(), PhaseStatus::kBlocked, text,
        {{"schedule", schedule}, {"intervals", intervals}});
  finding("dtls-blocked", Severity::kWarning, text,
          {{"session", f.id}, {"schedule", schedule}, {"effective_mtu", mtu}});
}

void Trace::Impl::report_dtls(DtlsFlow& f) {
  std::string who = fmt::format("dtls#{}", f.id);
  HelloSchedule hellos = hello_schedule(f.client_hello_times);
  Json schedule = hellos.offsets;
  Json intervals = hellos.intervals;
  Json data = dtls_json(f, schedule, intervals);
  if (f.blocked) {
    report_dtls_blocked(f, data, schedule, intervals);
  } else if (f.pending) {
    phase(Phase::kDtlsHandshake, who, f.id, f.client_hello_times.back(),
          f.client_hello_frames.back(), PhaseStatus::kIncomplete,
          fmt::format("DTLS ClientHello unanswered, but the capture ends {:.1f} s after the first "
                      "one: too soon to tell whether DTLS is blocked",
                      last_time - f.client_hello_times[0]));
  } else if (!f.established && f.datagrams[1] > 0) {
    finding("dtls-failed", Severity::kError,
            fmt::format("the DTLS handshake with {} did not complete", f.server),
            {{"session", f.id}});
  } else if (f.established && !f.decrypted && !f.dtls->summary().handshake_seen) {
    phase(Phase::kDtlsHandshake, who, f.id, f.first_time, f.first_frame, PhaseStatus::kInferred,
          fmt::format("DTLS ({}) answered by the server: {} client / {} server datagrams", f.mode,
                      f.datagrams[0], f.datagrams[1]));
  }
  sink.record("dtls_session", data);
}

}  // namespace sslvpn
