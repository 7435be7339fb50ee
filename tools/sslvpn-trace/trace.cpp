// Capture driver: packets -> TCP sessions (TLS, HTTP, CSTP) and UDP flows (DTLS), the six
// phases, findings and verdicts. See trace.hpp.
#include "trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "trace_internal.hpp"

namespace sslvpn {

Json TraceCounts::to_json() const {
  return {{"frames", frames},
          {"tls_sessions", tls_sessions},
          {"vpn_sessions", vpn_sessions},
          {"other_sessions", other_sessions},
          {"decrypted_sessions", decrypted_sessions},
          {"http_exchanges", http_exchanges},
          {"tunnels", tunnels},
          {"dtls_sessions", dtls_sessions},
          {"certificates", certificates},
          {"findings", findings},
          {"anomalies", anomalies}};
}

// ------------------------------------------------------------------------------------------
// TCP sessions

TcpSession* Trace::Impl::session_for(const net::FlowKey& flow, bool& c2s, std::uint64_t frame,
                                     double time) {
  net::FlowKey key = flow;
  if (in_ports(options.tls_ports, flow.dst_port)) {
    c2s = true;
  } else if (in_ports(options.tls_ports, flow.src_port)) {
    c2s = false;
    key = {flow.dst, flow.src, flow.dst_port, flow.src_port};
  } else {
    return nullptr;
  }
  auto it = tcp.find(key);
  if (it != tcp.end() && !it->second->finished) return it->second.get();
  if (it != tcp.end()) {  // the 4-tuple was reused: the old session is done
    done_tcp.push_back(std::move(it->second));
    tcp.erase(it);
  }
  auto s = std::make_unique<TcpSession>();
  s->id = next_id++;
  s->key = key;
  s->client = endpoint(key.src, key.src_port);
  s->server = endpoint(key.dst, key.dst_port);
  s->first_frame = frame;
  s->first_time = time;
  TcpSession* raw = s.get();
  tls::Options o;
  if (have_keylog) o.keylog = &keylog;
  raw->tls = std::make_unique<tls::TlsConnection>(
      o, [this, raw](const tls::Event& e) { on_tls_event(*raw, e); });
  http::Handlers h;
  h.on_message = [this, raw](const http::Message& m) { on_http_message(*raw, m); };
  h.on_tunnel = [raw](http::Direction d, http::Bytes data, std::uint64_t, std::uint64_t fr,
                      double t) {
    auto& stream = d == http::Direction::kClientToServer ? raw->cstp_c2s : raw->cstp_s2c;
    if (stream) stream->feed(data, fr, t);
  };
  h.on_error = [raw](http::Direction d, const seckit::ParseError& e) {
    raw->notes.push_back(fmt::format("HTTP {}: {}", http::direction_name(d), e.message));
  };
  raw->http = std::make_unique<http::Connection>(h);
  raw->cstp_c2s =
      std::make_unique<CstpStream>([this, raw](const CstpPacket& p) { on_cstp(*raw, true, p); });
  raw->cstp_s2c =
      std::make_unique<CstpStream>([this, raw](const CstpPacket& p) { on_cstp(*raw, false, p); });
  ++counts.tls_sessions;
  raw->gate.run([this, raw, time, frame] {
    event(fmt::format("tls#{}", raw->id), time,
          fmt::format("TCP {} -> {} (frame {})", raw->client, raw->server, frame), Tone::kDim);
  });
  tcp[key] = std::move(s);
  if (vpn_servers.count(raw->server) > 0) classify(*raw, SessionClass::kVpn);
  return raw;
}

void Trace::Impl::on_stream(const net::StreamChunk& chunk) {
  bool c2s = false;
  TcpSession* s = session_for(chunk.flow, c2s, chunk.frame, chunk.time);
  if (!s) return;
  s->last_time = chunk.time;
  int d = c2s ? 0 : 1;
  auto& scanner = c2s ? s->scan_c2s : s->scan_s2c;
  scanner.feed(chunk.data, chunk.gap, [&](const RecordHeader& h) {
    ++s->records[d];
    if (h.type == tls::kApplicationData) {
      if (c2s && s->handshake_reported && s->data_time < 0) {
        s->data_time = chunk.time;
        s->data_frame = chunk.frame;
      }
      ++s->app_records[d];
      s->app_bytes[d] += h.length;
      if (h.length <= 48) ++s->small_records[d];
    } else if (h.type == tls::kHandshake) {
      ++s->handshake_records;
      if (c2s && h.first_byte == tls::kClientHello) s->saw_client_hello_record = true;
      if (!c2s && s->record_version == 0) s->record_version = h.version;
    }
  });
  s->tls->feed(c2s ? tls::Direction::kClientToServer : tls::Direction::kServerToClient, chunk.data,
               chunk.frame, chunk.time, chunk.gap);
}

void Trace::Impl::on_stream_event(const net::FlowKey& flow, net::StreamEvent ev,
                                  std::uint64_t frame) {
  if (ev == net::StreamEvent::kOpen) return;
  net::FlowKey key = flow;
  bool c2s = true;
  if (in_ports(options.tls_ports, flow.src_port) && !in_ports(options.tls_ports, flow.dst_port)) {
    key = {flow.dst, flow.src, flow.dst_port, flow.src_port};
    c2s = false;
  }
  auto it = tcp.find(key);
  if (it == tcp.end() || it->second->finished) return;
  TcpSession& s = *it->second;
  (c2s ? s.closed_c2s : s.closed_s2c) = true;
  s.http->close(c2s ? http::Direction::kClientToServer : http::Direction::kServerToClient, frame,
                s.last_time);
  if (ev == net::StreamEvent::kReset) s.notes.push_back("connection reset");
  if ((s.closed_c2s && s.closed_s2c) || ev == net::StreamEvent::kReset) finish_session(s);
}

// `sender` says whose chain it is ("server" or "client"), so that certcheck applies a server
// profile only to the gateway's certificates.
void Trace::Impl::emit_certificates(TcpSession& s, const tls::Certificate& c, std::uint64_t frame,
                                    bool encrypted, const std::string& sender) {
  int index = 0;
  for (const auto& der : c.certificates) {
    ++counts.certificates;
    if (sender == "server") ++s.certificates;
    Json source = {{"pcap", pcap},     {"frame", frame},        {"sender", sender},
                   {"session", s.id},  {"server", s.server},    {"client", s.client},
                   {"index", index++}, {"encrypted", encrypted}};
    if (s.tls->summary().sni) source["sni"] = *s.tls->summary().sni;
    sink.record("certificate", {{"der", seckit::enc::base64_encode(der)}, {"source", source}});
  }
}

void Trace::Impl::on_tls_event(TcpSession& s, const tls::Event& e) {
  // Formatted only where used: this runs for every application data record.
  auto who = [&s] { return fmt::format("tls#{}", s.id); };
  bool c2s = e.direction == tls::Direction::kClientToServer;
  switch (e.kind) {
    case tls::EventKind::kHandshake: {
      const tls::HandshakeMessage& m = *e.handshake;
      if (m.type == tls::kCertificate) {
        if (auto* c = std::get_if<tls::Certificate>(&m.parsed); c && !c->certificates.empty()) {
          s.gate.run([this, &s, cert = *c, frame = e.frame, encrypted = m.encrypted, c2s] {
            emit_certificates(s, cert, frame, encrypted, c2s ? "client" : "server");
          });
        }
      } else if (m.type == tls::kFinished && !c2s) {
        report_handshake(s, e.frame, e.time);
      }
      break;
    }
    case tls::EventKind::kAlert: {
      Json a = {{"direction", std::string(tls::direction_name(e.direction))},
                {"frame", e.frame},
                {"level", e.alert.level_name()},
                {"description", e.alert.description_name()},
                {"encrypted", e.alert.encrypted}};
      s.alerts.push_back(a);
      if (e.alert.description != 0) {  // close_notify is the normal end
        s.gate.run([this, &s, alert = e.alert, a, c2s, frame = e.frame, time = e.time] {
          report_alert(s, alert, a, c2s, frame, time);
        });
      }
      break;
    }
    case tls::EventKind::kApplicationData:
      if (!s.handshake_reported) report_handshake(s, e.frame, e.time);
      if (e.decrypted) {
        if (!s.decrypted_any) {
          s.decrypted_any = true;
          ++counts.decrypted_sessions;
        }
        s.http->feed(c2s ? http::Direction::kClientToServer : http::Direction::kServerToClient,
                     e.plaintext, e.frame, e.time);
      }
      break;
    case tls::EventKind::kNote:
      if (e.note.code == "decrypted") break;
      s.notes.push_back(e.note.code + ": " + e.note.message);
      if (e.note.code == "wrong-key") {
        s.gate.run([this, &s, message = e.note.message, frame = e.frame] {
          finding(
              "keylog-mismatch", Severity::kWarning,
              fmt::format("the key log entry for {} does not decrypt it: {}", s.server, message),
              {{"session", s.id}, {"frame", frame}});
        });
      } else if (e.note.code == "mid-session") {
        s.gate.run([this, time = e.time, who] {
          event(who(), time, "capture starts mid-session: no handshake seen", Tone::kWarning);
        });
      }
      break;
    default:
      break;
  }
}

void Trace::Impl::report_alert(TcpSession& s, const tls::Alert& alert, const Json& a, bool c2s,
                               std::uint64_t frame, double time) {
  std::string sender = c2s ? "client" : "server";
  event(fmt::format("tls#{}", s.id), time,
        fmt::format("TLS alert from the {}: {} {}", sender, alert.level_name(),
                    alert.description_name()),
        Tone::kError);
  if (is_certificate_alert(alert.description) && c2s) {
    cert_rejected = true;
    finding("certificate-rejected", Severity::kError,
            fmt::format("the client rejected the server certificate of {} ({} alert)", s.server,
                        alert.description_name()),
            {{"session", s.id}, {"frame", frame}, {"alert", a}});
  } else if (alert.level == 2) {
    finding("tls-alert", Severity::kError,
            fmt::format("fatal TLS alert {} from the {} on {}", alert.description_name(), sender,
                        s.server),
            {{"session", s.id}, {"frame", frame}, {"alert", a}});
  }
}

void Trace::Impl::report_handshake(TcpSession& s, std::uint64_t frame, double time) {
  if (s.handshake_reported) return;
  s.handshake_reported = true;
  s.handshake_time = time;
  s.gate.run([this, &s, frame, time] { emit_handshake_phase(s, frame, time); });
}

void Trace::Impl::emit_handshake_phase(TcpSession& s, std::uint64_t frame, double time) {
  const tls::Summary& sum = s.tls->summary();
  std::string who = fmt::format("tls#{}", s.id);
  if (!sum.handshake_seen && !s.saw_client_hello_record) {
    // Not a failure: the handshake happened before the capture started.
    phase(Phase::kTlsHandshake, who, s.id, time, frame, PhaseStatus::kIncomplete,
          "no handshake in the capture (it starts mid-session)");
    return;
  }
  std::string version = sum.version        ? tls::version_name(*sum.version)
                        : s.record_version ? tls::version_name(s.record_version)
                                           : "TLS";
  std::string text = fmt::format("{} with {}", version, sum.sni.value_or(s.server));
  if (sum.cipher_suite) text += ", " + tls::cipher_suite_name(*sum.cipher_suite);
  if (sum.key_exchange_group) text += ", " + tls::named_group_name(*sum.key_exchange_group);
  if (!sum.server_certificates.empty()) {
    text += fmt::format(", server chain {} certificate{}", sum.server_certificates.size(),
                        sum.server_certificates.size() == 1 ? "" : "s");
  }
  if (sum.resumption != tls::Resumption::kNone) {
    text += fmt::format(", resumed ({})", tls::resumption_name(sum.resumption));
  }
  text += sum.client_certificate_requested
              ? fmt::format(", client certificate requested ({} CA names{})",
                            sum.client_ca_names.size(),
                            sum.client_ca_names.empty() ? "" : ": " + sum.client_ca_names[0])
              : ", no client certificate requested";
  Json details = {{"client", s.client}, {"server", s.server}};
  if (!sum.client_ca_names.empty()) details["client_ca_names"] = sum.client_ca_names;
  phase(Phase::kTlsHandshake, who, s.id, time, frame,
        sum.handshake_seen ? PhaseStatus::kOk : PhaseStatus::kInferred, text, details);
}

TcpSession* Trace::Impl::tunnel_for(const net::Address& client, const net::Address& server) {
  TcpSession* best = nullptr;
  auto consider = [&](TcpSession* s) {
    if (s->tunnel && s->key.src == client && s->key.dst == server &&
        (!best || s->tunnel_time > best->tunnel_time)) {
      best = s;
    }
  };
  for (auto& [k, s] : tcp) consider(s.get());
  for (auto& s : done_tcp) consider(s.get());
  return best;
}

// ------------------------------------------------------------------------------------------
// Capture

Trace::Trace(TraceOptions options, Sink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}
Trace::~Trace() = default;
const TraceCounts& Trace::counts() const { return impl_->counts; }

net::CaptureEnd Trace::read(const net::CaptureSpec& spec) {
  Impl& im = *impl_;
  std::optional<net::TcpReassembler> reassembler;
  std::optional<net::PacketDecoder> decoder;
  net::CaptureHandlers h;
  h.begin = [&](const std::string& source, int link_type) {
    im.pcap = source;
    reassembler.emplace([&im](const net::StreamChunk& c) { im.on_stream(c); },
                        [&im](const net::FlowKey& f, net::StreamEvent e, std::uint64_t frame) {
                          im.on_stream_event(f, e, frame);
                        });
    decoder.emplace(
        link_type, [&](const net::Transport& t) { im.on_transport(t, *reassembler); },
        [&im](const net::Anomaly& a) { im.anomaly(a.frame, a.code, a.message); });
  };
  h.packet = [&](const net::RawPacket& packet) {
    ++im.counts.frames;
    decoder->feed(packet);
  };
  h.end = [&](const std::string&, std::uint64_t last_frame, const std::string& truncation) {
    decoder->flush();
    reassembler->flush();
    if (truncation.empty()) return;
    im.capture_truncated = true;
    im.anomaly(last_frame, "capture-truncated", truncation);
  };
  return net::run_capture(spec, h);
}

void Trace::Impl::on_transport(const net::Transport& t, net::TcpReassembler& reassembler) {
  if (t0 < 0) t0 = t.info.time();
  last_time = std::max(last_time, t.info.time());
  if (t.kind == net::TransportKind::kTcp) {
    reassembler.add(t);
  } else if (t.kind == net::TransportKind::kUdp) {
    on_udp(t);
  } else if (t.ip.protocol == 1 || t.ip.protocol == 58) {
    on_icmp(t);
  }
}

void Trace::Impl::anomaly(std::uint64_t frame, const std::string& code,
                          const std::string& message) {
  ++counts.anomalies;
  sink.record("anomaly", {{"frame", frame}, {"code", code}, {"message", message}});
}

void Trace::finish() {
  Impl& im = *impl_;
  for (auto& [k, s] : im.tcp) im.finish_session(*s);
  for (auto& [k, f] : im.dtls) im.finish_dtls(*f);
  im.classify_remaining();
  im.report_reconnects();
  im.report_keylog_mismatch();
}

// Cisco clients whose DTLS never comes up (or whose tunnel keeps dropping) reconnect the CSTP
// tunnel over and over, typically about once a minute: several CONNECTs from one client to one
// gateway in one capture are worth a line with their spacing.
void Trace::Impl::report_reconnects() {
  std::map<std::pair<net::Address, net::Address>, std::vector<const TcpSession*>> tunnels;
  auto add = [&](const TcpSession* s) {
    if (s->tunnel) tunnels[{s->key.src, s->key.dst}].push_back(s);
  };
  for (auto& [k, s] : tcp) add(s.get());
  for (auto& s : done_tcp) add(s.get());
  for (auto& [pair, list] : tunnels) {
    if (list.size() < 3) continue;
    std::sort(list.begin(), list.end(), [](const TcpSession* a, const TcpSession* b) {
      return a->tunnel_time < b->tunnel_time;
    });
    Json intervals = Json::array();
    std::string text;
    for (std::size_t i = 1; i < list.size(); ++i) {
      double iv = list[i]->tunnel_time - list[i - 1]->tunnel_time;
      intervals.push_back(round6(iv));
      text += fmt::format("{}{:.1f}", text.empty() ? "" : ", ", iv);
    }
    finding(
        "tunnel-reconnects", Severity::kWarning,
        fmt::format("{} CSTP tunnels from {} to {} in one capture, {} s apart: the client keeps "
                    "reconnecting",
                    list.size(), pair.first.to_string(), pair.second.to_string(), text),
        {{"session", list.front()->id}, {"intervals", intervals}});
  }
}

Judgement Trace::judge() const { return sslvpn::judge(impl_->verdict_facts()); }

}  // namespace sslvpn
