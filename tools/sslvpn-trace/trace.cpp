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
  event(fmt::format("tls#{}", raw->id), time,
        fmt::format("TCP {} -> {} (frame {})", raw->client, raw->server, frame), 3);
  tcp[key] = std::move(s);
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

void Trace::Impl::emit_certificates(TcpSession& s, const tls::Certificate& c, std::uint64_t frame,
                                    bool encrypted) {
  int index = 0;
  for (const auto& der : c.certificates) {
    ++counts.certificates;
    ++s.certificates;
    Json source = {{"pcap", pcap},     {"frame", frame},        {"sender", "server"},
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
      if (m.type == tls::kCertificate && !c2s) {
        if (auto* c = std::get_if<tls::Certificate>(&m.parsed)) {
          emit_certificates(s, *c, e.frame, m.encrypted);
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
      bool close_notify = e.alert.description == 0;
      if (!close_notify) {
        std::string sender = c2s ? "client" : "server";
        event(who(), e.time,
              fmt::format("TLS alert from the {}: {} {}", sender, e.alert.level_name(),
                          e.alert.description_name()),
              2);
        if (is_certificate_alert(e.alert.description) && c2s) {
          cert_rejected = true;
          finding("certificate-rejected", 2,
                  fmt::format("the client rejected the server certificate of {} ({} alert)",
                              s.server, e.alert.description_name()),
                  {{"session", s.id}, {"frame", e.frame}, {"alert", a}});
        } else if (e.alert.level == 2) {
          finding("tls-alert", 2,
                  fmt::format("fatal TLS alert {} from the {} on {}", e.alert.description_name(),
                              sender, s.server),
                  {{"session", s.id}, {"frame", e.frame}, {"alert", a}});
        }
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
        finding("keylog-mismatch", 1,
                fmt::format("the key log entry for {} does not decrypt it: {}", s.server,
                            e.note.message),
                {{"session", s.id}, {"frame", e.frame}});
      } else if (e.note.code == "mid-session") {
        event(who(), e.time, "capture starts mid-session: no handshake seen", 1);
      }
      break;
    default:
      break;
  }
}

void Trace::Impl::report_handshake(TcpSession& s, std::uint64_t frame, double time) {
  if (s.handshake_reported) return;
  s.handshake_reported = true;
  const tls::Summary& sum = s.tls->summary();
  std::string who = fmt::format("tls#{}", s.id);
  if (!sum.handshake_seen && !s.saw_client_hello_record) {
    phase(1, "tls-handshake", who, s.id, time, frame, "failed",
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
  phase(1, "tls-handshake", who, s.id, time, frame, sum.handshake_seen ? "ok" : "inferred", text,
        details);
}

void Trace::Impl::on_http_message(TcpSession& s, const http::Message& m) {
  if (m.is_request) {
    if (s.requests.size() < 64) s.requests.push_back(m);
    return;
  }
  if (m.status / 100 == 1 && m.status != 101) return;
  http::Message req;
  if (!s.requests.empty()) {
    req = std::move(s.requests.front());
    s.requests.pop_front();
  }
  on_exchange(s, req, m);
}

namespace {
std::optional<Json> config_auth_of(const http::Message& m, bool show, std::string* error) {
  if (m.body.find("<config-auth") == std::string::npos) return std::nullopt;
  ConfigAuthOptions o;
  o.show_secrets = show;
  auto r = parse_config_auth(m.body, o);
  if (!r) {
    if (error) *error = r.error().message;
    return std::nullopt;
  }
  return *r;
}

std::string decoded_path(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  auto decoded = seckit::enc::percent_decode(path);
  return decoded ? *decoded : path;
}

std::string file_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The manifest entry a downloader GET fetches: the same path once percent-decoded, else the same
// file name (ocserv announces /profiles/NAME but openconnect asks for /profiles%2FNAME).
const Json* manifest_entry_for(const std::vector<Json>& files, const std::string& target) {
  std::string path = decoded_path(target);
  for (const auto& f : files)
    if (decoded_path(f.value("uri", "")) == path) return &f;
  for (const auto& f : files)
    if (!file_name(path).empty() && file_name(decoded_path(f.value("uri", ""))) == file_name(path))
      return &f;
  return nullptr;
}

// Phase 4: the downloaded file against the hash its manifest announced.
Json check_download(const std::vector<Json>& files, const http::Message& req,
                    const http::Message& resp) {
  Json out = {{"bytes", resp.body_length}};
  const Json* entry = manifest_entry_for(files, req.target);
  if (!entry) {
    out["verified"] = nullptr;
    out["note"] = "not in any manifest seen in this capture";
    return out;
  }
  std::string type = entry->value("hash_type", "sha1");
  std::string expected = seckit::enc::ascii_lower(entry->value("hash", ""));
  out["manifest"] = entry->value("manifest", "");
  out["uri"] = entry->value("uri", "");
  out["hash_type"] = type;
  out["expected_hash"] = expected;
  auto digest = seckit::crypto::parse_digest(type);
  if (resp.status != 200 || !resp.complete || resp.body_truncated || !digest) {
    out["verified"] = nullptr;
    out["note"] = !digest               ? "unknown hash type " + type
                  : resp.status != 200  ? "no file: HTTP " + std::to_string(resp.status)
                  : resp.body_truncated ? "body larger than the part kept in memory"
                                        : "body incomplete in the capture";
    return out;
  }
  std::string got =
      seckit::enc::hex_encode(seckit::crypto::digest(*digest, seckit::enc::as_bytes(resp.body)));
  out["hash"] = got;
  out["verified"] = got == expected;
  return out;
}
}  // namespace

void Trace::Impl::on_exchange(TcpSession& s, const http::Message& req, const http::Message& resp) {
  ++counts.http_exchanges;
  ++s.exchanges;
  bool show = options.show_secrets;
  std::string who = fmt::format("tls#{}", s.id);
  // Findings follow the phase line they explain.
  std::vector<std::function<void()>> findings;
  std::string req_error, resp_error;
  auto req_xml = config_auth_of(req, show, &req_error);
  auto resp_xml = config_auth_of(resp, show, &resp_error);
  std::string method = req.method;
  bool connect = http::name_equals(method, "CONNECT");
  int number = 0;
  std::string name;
  if (connect) {
    number = 5;
    name = "cstp-connect";
  } else if (http::name_equals(method, "POST")) {
    std::string type = req_xml ? req_xml->value("type", "") : "";
    bool init = type == "init" || (!req_xml && s.exchanges == 1);
    number = init ? 2 : 3;
    name = init ? "group-selection" : "user-authentication";
  } else {
    number = 4;
    name = "download";
  }
  if (s.role.empty()) s.role = number == 4 ? "download" : number == 5 ? "tunnel" : "auth";
  if (number == 5) s.role = "tunnel";

  Json data = {{"session", s.id},
               {"phase", number},
               {"time", time_string(req.first_time ? req.first_time : resp.first_time)},
               {"relative_time", round6(rel(req.first_time ? req.first_time : resp.first_time))},
               {"request",
                {{"method", req.method},
                 {"target", req.target},
                 {"version", req.version},
                 {"frame", req.first_frame},
                 {"headers", headers_json(req, show)},
                 {"body_length", req.body_length}}},
               {"response",
                {{"status", resp.status},
                 {"reason", resp.reason},
                 {"version", resp.version},
                 {"frame", resp.first_frame},
                 {"headers", headers_json(resp, show)},
                 {"body_length", resp.body_length},
                 {"complete", resp.complete}}}};
  if (req_xml) data["request"]["config_auth"] = *req_xml;
  if (resp_xml) data["response"]["config_auth"] = *resp_xml;
  if (!req_error.empty()) data["request"]["config_auth_error"] = req_error;
  if (!resp_error.empty()) data["response"]["config_auth_error"] = resp_error;

  std::string text =
      fmt::format("{} {} -> {} {}", req.method, req.target, resp.status, resp.reason);
  std::string status = resp.status >= 200 && resp.status < 400 ? "ok" : "failed";
  if (number == 2 || number == 3) {
    if (req_xml) {
      std::string t = req_xml->value("type", "");
      text += fmt::format(" [client {}", t);
      if (req_xml->contains("group_select")) {
        text += ", group-select " + (*req_xml)["group_select"].get<std::string>();
      }
      if (req_xml->contains("username")) {
        text += ", username " + (*req_xml)["username"].get<std::string>();
      }
      if (req_xml->contains("password"))
        text += ", password " + (*req_xml)["password"].get<std::string>();
      text += "]";
    }
    if (resp_xml) {
      std::string t = resp_xml->value("type", "");
      const Json& auth = resp_xml->contains("auth") ? (*resp_xml)["auth"] : Json::object();
      std::string auth_id = auth.value("id", "");
      text += fmt::format(" [server {}", t);
      if (!auth_id.empty()) text += ", auth id " + auth_id;
      if (auth.contains("error")) text += ", error \"" + auth["error"].get<std::string>() + "\"";
      if (auth.contains("message")) text += ", \"" + auth["message"].get<std::string>() + "\"";
      if (resp_xml->contains("session_token"))
        text += ", session-token " + (*resp_xml)["session_token"].get<std::string>();
      for (const char* key : {"profile_manifest", "core_manifest"}) {
        if (!resp_xml->contains(key)) continue;
        for (const auto& f : (*resp_xml)[key]) {
          Json entry = f;
          entry["manifest"] = std::string(key) == "profile_manifest" ? "profile" : "core";
          manifest_files.push_back(std::move(entry));
        }
      }
      if (resp_xml->contains("profile_manifest")) {
        for (const auto& f : (*resp_xml)["profile_manifest"]) {
          text += ", profile " + f.value("uri", "?");
          if (f.contains("hash"))
            text += " " + f.value("hash_type", "") + " " + f.value("hash", "");
        }
      }
      text += "]";
      bool success = auth_id == "success" || t == "complete";
      // ocserv answers a wrong password with the same auth-request again (no <error>); Cisco
      // gateways add <error id="..."> or answer with auth id "failure".
      bool password_sent = req_xml && req_xml->contains("password");
      bool failure = !success && (auth.contains("error") || auth_id == "failure" ||
                                  (password_sent && t == "auth-request"));
      if (success) {
        s.auth_success = auth_success = true;
      } else if (failure) {
        s.auth_failed = auth_failed = true;
        status = "failed";
        findings.push_back([=, this, &s] {
          finding("auth-failed", 2,
                  fmt::format("authentication failed at {}: {}", s.server,
                              auth.value("error", auth.value("message", "auth id " + auth_id))),
                  {{"session", s.id}, {"frame", resp.first_frame}});
        });
      }
    }
  } else if (number == 4) {
    Json dl = check_download(manifest_files, req, resp);
    if (resp.status >= 400) {
      status = "failed";
      findings.push_back([=, this, &s] {
        finding(
            "download-failed", 2,
            fmt::format("download of {} failed: HTTP {} {}", req.target, resp.status, resp.reason),
            {{"session", s.id}, {"frame", resp.first_frame}});
      });
    } else if (dl["verified"].is_boolean()) {
      std::string type = seckit::enc::ascii_lower(dl.value("hash_type", ""));
      if (dl["verified"].get<bool>()) {
        text += fmt::format(", {} bytes, {} matches the {} manifest", resp.body_length, type,
                            dl.value("manifest", ""));
      } else {
        status = "failed";
        text += fmt::format(", {} bytes, {} differs from the {} manifest", resp.body_length, type,
                            dl.value("manifest", ""));
        findings.push_back([=, this, &s] {
          finding("download-hash-mismatch", 2,
                  fmt::format("{} downloaded from {} has {} {}, the manifest says {}", req.target,
                              s.server, type, dl.value("hash", ""), dl.value("expected_hash", "")),
                  {{"session", s.id}, {"frame", resp.first_frame}, {"download", dl}});
        });
      }
    } else {
      text += fmt::format(", {} bytes, not verified: {}", resp.body_length, dl.value("note", ""));
    }
    data["download"] = dl;
  }
  if (connect) {
    if (resp.starts_tunnel()) {
      s.tunnel = true;
      s.tunnel_time = req.first_time ? req.first_time : resp.first_time;
      tunnel_up = true;
      ++counts.tunnels;
      s.tunnel_params = tunnel_parameters(req, resp);
      s.tunnel_request_headers = tunnel_headers_json(req, show);
      s.tunnel_response_headers = tunnel_headers_json(resp, show);
      const Json& p = s.tunnel_params;
      text += fmt::format(": address {}", p.value("address", "?"));
      if (p.contains("netmask")) text += "/" + p["netmask"].get<std::string>();
      if (p.contains("cstp_mtu")) text += fmt::format(", X-CSTP-MTU {}", p["cstp_mtu"].get<long>());
      if (p.contains("dtls_mtu")) text += fmt::format(", X-DTLS-MTU {}", p["dtls_mtu"].get<long>());
      if (p.contains("dtls_port"))
        text += fmt::format(", DTLS port {}", p["dtls_port"].get<long>());
      if (p.contains("dtls_cipher_suite"))
        text += ", DTLS cipher " + p["dtls_cipher_suite"].get<std::string>();
      if (p.contains("dpd")) text += fmt::format(", DPD {} s", p["dpd"].get<long>());
      if (p.contains("keepalive"))
        text += fmt::format(", keepalive {} s", p["keepalive"].get<long>());
      // Harvest what the DTLS channel needs: the legacy resumption pair and the PSK.
      const auto* sid = resp.header("X-DTLS-Session-ID");
      const auto* ms = req.header("X-DTLS-Master-Secret");
      if (sid) s.dtls_session_id = sid->value;
      if (const auto* app = resp.header("X-DTLS-App-ID")) s.dtls_app_id = app->value;
      if (sid && ms) {
        auto sid_bytes = seckit::enc::hex_decode(sid->value);
        auto ms_bytes = seckit::enc::hex_decode(ms->value);
        if (sid_bytes && ms_bytes) keylog.add_session_master(*sid_bytes, *ms_bytes);
      }
      const auto* cs = resp.header("X-DTLS-CipherSuite");
      if (cs && cs->value == "PSK-NEGOTIATE") {
        s.psk = s.tls->export_keying_material("EXPORTER-openconnect-psk", std::nullopt, 32);
      }
      data["tunnel"] = p;
    } else {
      connect_refused = true;
      status = "failed";
      findings.push_back([=, this, &s] {
        finding("connect-refused", 2,
                fmt::format("CONNECT /CSCOSSLC/tunnel refused by {}: HTTP {} {}", s.server,
                            resp.status, resp.reason),
                {{"session", s.id}, {"frame", resp.first_frame}});
      });
    }
  }
  sink.record("http_exchange", data);
  phase(number, name, who, s.id, req.first_time ? req.first_time : resp.first_time, req.first_frame,
        status, text);
  for (auto& f : findings) f();
}

void Trace::Impl::on_cstp(TcpSession& s, bool c2s, const CstpPacket& p) {
  if (p.type == kCstpDisconnect || p.type == kCstpTerminate) {
    s.disconnect_reason = disconnect_reason(p.payload);
    s.disconnect_from = c2s ? "client" : "server";
    event(fmt::format("tls#{}", s.id), p.time,
          fmt::format("CSTP {} from the {}{}", cstp_type_name(p.type), s.disconnect_from,
                      s.disconnect_reason.empty() ? "" : ": \"" + s.disconnect_reason + "\""),
          1);
  }
}

namespace {
Json cstp_counts_json(const CstpCounts& c) {
  Json j = Json::object();
  for (int t = 0; t < 256; ++t) {
    if (c.packets[t] == 0) continue;
    j[cstp_type_name(static_cast<std::uint8_t>(t))] = {{"packets", c.packets[t]},
                                                       {"bytes", c.bytes[t]}};
  }
  return j;
}
std::uint64_t packets_of(const CstpCounts& c, std::uint8_t type) { return c.packets[type]; }
}  // namespace

void Trace::Impl::finish_session(TcpSession& s) {
  if (s.finished) return;
  s.finished = true;
  s.tls->finish();
  s.http->close(http::Direction::kClientToServer, 0, s.last_time);
  s.http->close(http::Direction::kServerToClient, 0, s.last_time);
  if (!s.handshake_reported && (s.saw_client_hello_record || s.handshake_records > 0)) {
    report_handshake(s, s.first_frame, s.first_time);
  }
  const tls::Summary& sum = s.tls->summary();
  std::string who = fmt::format("tls#{}", s.id);
  bool decrypted = sum.decrypted || s.decrypted_any;
  // Without plaintext, say what the record sizes and timing suggest.
  if (!decrypted && s.app_records[0] + s.app_records[1] > 0) {
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
    phase(guess == "tunnel" ? 5 : 2, guess == "tunnel" ? "cstp-connect" : "group-selection", who,
          s.id, s.first_time, s.first_frame, "inferred", text,
          {{"reason", sum.opaque_reason.empty() ? "no key log" : sum.opaque_reason}});
  }
  Json data = {{"session", s.id},
               {"client", s.client},
               {"server", s.server},
               {"role", s.role.empty() ? "unknown" : s.role},
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
  sink.record("tls_session", data);

  if (s.tunnel) {
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
    std::uint64_t unanswered =
        (packets_of(c, kCstpDpdRequest) > packets_of(v, kCstpDpdResponse)
             ? packets_of(c, kCstpDpdRequest) - packets_of(v, kCstpDpdResponse)
             : 0) +
        (packets_of(v, kCstpDpdRequest) > packets_of(c, kCstpDpdResponse)
             ? packets_of(v, kCstpDpdRequest) - packets_of(c, kCstpDpdResponse)
             : 0);
    t["dpd_unanswered"] = unanswered;
    sink.record("cstp_tunnel", t);
    if (unanswered >= 3) {
      ++dpd_timeouts;
      finding("dpd-timeout", 1,
              fmt::format("{} CSTP DPD requests went unanswered on {}", unanswered, s.server),
              {{"session", s.id}});
    }
    event(who, s.last_time,
          fmt::format("CSTP tunnel closed after {:.1f} s: client {} data / {} DPD / {} keepalive, "
                      "server {} data / {} DPD / {} keepalive packets",
                      s.last_time - s.tunnel_time, packets_of(c, kCstpData),
                      packets_of(c, kCstpDpdRequest) + packets_of(c, kCstpDpdResponse),
                      packets_of(c, kCstpKeepalive), packets_of(v, kCstpData),
                      packets_of(v, kCstpDpdRequest) + packets_of(v, kCstpDpdResponse),
                      packets_of(v, kCstpKeepalive)),
          3);
  }
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

void Trace::read_file(const std::string& path) {
  Impl& im = *impl_;
  net::PcapSource source(path);
  if (!im.options.filter.empty()) source.set_filter(im.options.filter);
  im.pcap = path;
  net::TcpReassembler reassembler([&im](const net::StreamChunk& c) { im.on_stream(c); },
                                  [&im](const net::FlowKey& f, net::StreamEvent e,
                                        std::uint64_t frame) { im.on_stream_event(f, e, frame); });
  net::PacketDecoder decoder(
      source.link_type(),
      [&](const net::Transport& t) {
        if (im.t0 < 0) im.t0 = t.info.time();
        if (t.kind == net::TransportKind::kTcp) {
          reassembler.add(t);
        } else if (t.kind == net::TransportKind::kUdp) {
          im.on_udp(t);
        } else if (t.ip.protocol == 1 || t.ip.protocol == 58) {
          im.on_icmp(t);
        }
      },
      [&im](const net::Anomaly& a) {
        ++im.counts.anomalies;
        im.sink.record("anomaly", {{"frame", a.frame}, {"code", a.code}, {"message", a.message}});
      });
  net::RawPacket packet;
  while (source.next(packet)) {
    ++im.counts.frames;
    decoder.feed(packet);
  }
  decoder.flush();
  reassembler.flush();
  if (!source.error().empty()) {
    ++im.counts.anomalies;
    im.sink.record(
        "anomaly",
        {{"frame", im.counts.frames}, {"code", "capture-truncated"}, {"message", source.error()}});
  }
}

void Trace::finish() {
  Impl& im = *impl_;
  for (auto& [k, s] : im.tcp) im.finish_session(*s);
  for (auto& [k, f] : im.dtls) im.finish_dtls(*f);
  im.report_reconnects();
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
        "tunnel-reconnects", 1,
        fmt::format("{} CSTP tunnels from {} to {} in one capture, {} s apart: the client keeps "
                    "reconnecting",
                    list.size(), pair.first.to_string(), pair.second.to_string(), text),
        {{"session", list.front()->id}, {"intervals", intervals}});
  }
}

std::string Trace::verdict() const {
  const Impl& im = *impl_;
  if (im.counts.tls_sessions == 0 && im.dtls.empty()) return "no-vpn-traffic";
  if (im.cert_rejected) return "certificate-rejected";
  if (im.auth_failed && !im.tunnel_up) return "auth-failed";
  if (im.connect_refused && !im.tunnel_up) return "connect-refused";
  if (im.tunnel_up && im.dtls_established) return "connected-dtls";
  if (im.tunnel_up && im.dtls_blocked) return "connected-dtls-blocked";
  if (im.tunnel_up) return "connected-tls-only";
  if (im.dtls_established) return "dtls-seen";
  if (im.dtls_blocked) return "dtls-blocked";
  return im.counts.decrypted_sessions > 0 ? "incomplete" : "opaque";
}

}  // namespace sslvpn
