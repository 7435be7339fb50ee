// HTTP inside the SSL VPN's TLS sessions: exchanges become phases 2-5 once the session is known to
// be AnyConnect/OpenConnect traffic (markers.hpp); CSTP disconnects. See trace.hpp.
#include <fmt/format.h>

#include "markers.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "trace_internal.hpp"

namespace sslvpn {

// Plain HTTPS on the gateway port (a web server, Exchange's NTLM 401s) shows no marker: its
// exchanges are held back while the session is undecided and never become phases. A marker
// proves the session's server to be the gateway, so the held-back exchanges are read after all.
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
  ++counts.http_exchanges;
  ++s.http_messages;
  std::string marker = vpn_marker(req, m, announced_paths());
  if (!marker.empty()) prove_vpn_server(s, marker);
  if (s.gate.undecided()) {
    constexpr std::uint64_t kMaxHeldBack = 16;  // plain HTTPS keeps going without a marker
    if (++s.pending_exchanges > kMaxHeldBack) {
      classify(s, SessionClass::kOther);
      return;
    }
  }
  s.gate.run([this, &s, req = std::move(req), resp = m] { on_exchange(s, req, resp); });
}

std::vector<std::string> Trace::Impl::announced_paths() const {
  std::vector<std::string> paths;
  paths.reserve(manifest_files.size());
  for (const auto& f : manifest_files) paths.push_back(f.file.uri.value_or(""));
  return paths;
}

namespace {
std::optional<ConfigAuth> config_auth_of(const http::Message& m, bool show, std::string* error) {
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
const AnnouncedFile* manifest_entry_for(const std::vector<AnnouncedFile>& files,
                                        const std::string& target) {
  std::string path = decoded_path(target);
  for (const auto& f : files)
    if (decoded_path(f.file.uri.value_or("")) == path) return &f;
  for (const auto& f : files) {
    if (!file_name(path).empty() &&
        file_name(decoded_path(f.file.uri.value_or(""))) == file_name(path))
      return &f;
  }
  return nullptr;
}

// Phase 4: the downloaded file against the hash its manifest announced.
Json check_download(const std::vector<AnnouncedFile>& files, const http::Message& req,
                    const http::Message& resp) {
  Json out = {{"bytes", resp.body_length}};
  const AnnouncedFile* entry = manifest_entry_for(files, req.target);
  if (!entry) {
    out["verified"] = nullptr;
    out["note"] = "not in any manifest seen in this capture";
    return out;
  }
  std::string type = entry->file.hash_type.value_or("sha1");
  std::string expected = seckit::enc::ascii_lower(entry->file.hash.value_or(""));
  out["manifest"] = entry->manifest;
  out["uri"] = entry->file.uri.value_or("");
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

namespace {
// The phase an exchange belongs to, from its method and config-auth type.
Phase phase_of(const http::Message& req, const std::optional<ConfigAuth>& request,
               std::uint64_t exchange_number) {
  if (http::name_equals(req.method, "CONNECT")) return Phase::kCstpConnect;
  if (http::name_equals(req.method, "POST")) {
    bool init = request ? request->type == "init" : exchange_number == 1;
    return init ? Phase::kGroupSelection : Phase::kUserAuthentication;
  }
  return Phase::kDownload;
}

Json exchange_json(const http::Message& req, const http::Message& resp, bool show) {
  return {{"request",
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
}
}  // namespace

void Trace::Impl::on_exchange(TcpSession& s, const http::Message& req, const http::Message& resp) {
  ++s.exchanges;
  bool show = options.show_secrets;
  // Findings follow the phase line they explain.
  std::vector<std::function<void()>> findings;
  std::string req_error, resp_error;
  std::optional<ConfigAuth> request = config_auth_of(req, show, &req_error);
  std::optional<ConfigAuth> response = config_auth_of(resp, show, &resp_error);
  Phase which = phase_of(req, request, s.exchanges);
  if (s.role.empty()) {
    s.role = which == Phase::kDownload      ? "download"
             : which == Phase::kCstpConnect ? "tunnel"
                                            : "auth";
  }
  if (which == Phase::kCstpConnect) s.role = "tunnel";
  double time = req.first_time ? req.first_time : resp.first_time;
  Json data = {{"session", s.id},
               {"phase", phase_number(which)},
               {"time", time_string(time)},
               {"relative_time", round6(rel(time))}};
  data.update(exchange_json(req, resp, show));
  if (request) data["request"]["config_auth"] = to_json(*request);
  if (response) data["response"]["config_auth"] = to_json(*response);
  if (!req_error.empty()) data["request"]["config_auth_error"] = req_error;
  if (!resp_error.empty()) data["response"]["config_auth_error"] = resp_error;

  std::string text =
      fmt::format("{} {} -> {} {}", req.method, req.target, resp.status, resp.reason);
  PhaseStatus status =
      resp.status >= 200 && resp.status < 400 ? PhaseStatus::kOk : PhaseStatus::kFailed;
  if (which == Phase::kGroupSelection || which == Phase::kUserAuthentication) {
    describe_auth(s, request, response, resp.first_frame, text, status, findings);
  } else if (which == Phase::kDownload) {
    describe_download(s, req, resp, data, text, status, findings);
  } else {
    describe_connect(s, req, resp, data, text, status, findings);
  }
  sink.record("http_exchange", data);
  phase(which, fmt::format("tls#{}", s.id), s.id, time, req.first_frame, status, text);
  for (auto& f : findings) f();
}

namespace {
// " [client auth-reply, group-select G, username U, password <redacted 7 bytes>]"
std::string client_text(const ConfigAuth& request) {
  std::string text = fmt::format(" [client {}", request.type);
  if (request.group_select) text += ", group-select " + *request.group_select;
  if (request.username) text += ", username " + *request.username;
  if (request.password) text += ", password " + *request.password;
  return text + "]";
}

// " [server auth-request, auth id main, error "...", "message", session-token ..., profile U H]"
std::string server_text(const ConfigAuth& response) {
  std::string text = fmt::format(" [server {}", response.type);
  if (response.auth) {
    const ConfigAuthPrompt& auth = *response.auth;
    if (!auth.id.empty()) text += ", auth id " + auth.id;
    if (auth.error) text += ", error \"" + *auth.error + "\"";
    if (auth.message) text += ", \"" + *auth.message + "\"";
  }
  if (response.session_token) text += ", session-token " + *response.session_token;
  for (const auto& f : response.profile_manifest.value_or(std::vector<ManifestFile>{})) {
    text += ", profile " + f.uri.value_or("?");
    if (f.hash) text += " " + f.hash_type.value_or("") + " " + *f.hash;
  }
  return text + "]";
}
}  // namespace

void Trace::Impl::describe_auth(TcpSession& s, const std::optional<ConfigAuth>& request,
                                const std::optional<ConfigAuth>& response, std::uint64_t resp_frame,
                                std::string& text, PhaseStatus& status,
                                std::vector<std::function<void()>>& findings) {
  if (request) text += client_text(*request);
  if (!response) return;
  text += server_text(*response);
  for (const auto& [kind, files] : {std::pair{"profile", &response->profile_manifest},
                                    std::pair{"core", &response->core_manifest}}) {
    if (!*files) continue;
    for (const auto& f : **files) manifest_files.push_back({kind, f});
  }
  const ConfigAuthPrompt auth = response->auth.value_or(ConfigAuthPrompt{});
  bool success = auth.id == "success" || response->type == "complete";
  // ocserv answers a wrong password with the same auth-request again (no <error>); Cisco
  // gateways add <error id="..."> or answer with auth id "failure".
  bool password_sent = request && request->password;
  bool failure = !success && (auth.error || auth.id == "failure" ||
                              (password_sent && response->type == "auth-request"));
  if (success) {
    s.auth_success = auth_success = true;
  } else if (failure) {
    s.auth_failed = auth_failed = true;
    status = PhaseStatus::kFailed;
    std::string why = auth.error.value_or(auth.message.value_or("auth id " + auth.id));
    findings.push_back([=, this, &s] {
      finding("auth-failed", Severity::kError,
              fmt::format("authentication failed at {}: {}", s.server, why),
              {{"session", s.id}, {"frame", resp_frame}});
    });
  }
}

void Trace::Impl::describe_download(TcpSession& s, const http::Message& req,
                                    const http::Message& resp, Json& data, std::string& text,
                                    PhaseStatus& status,
                                    std::vector<std::function<void()>>& findings) {
  Json dl = check_download(manifest_files, req, resp);
  if (resp.status >= 400) {
    status = PhaseStatus::kFailed;
    findings.push_back([=, this, &s] {
      finding(
          "download-failed", Severity::kError,
          fmt::format("download of {} failed: HTTP {} {}", req.target, resp.status, resp.reason),
          {{"session", s.id}, {"frame", resp.first_frame}});
    });
  } else if (dl["verified"].is_boolean()) {
    std::string type = seckit::enc::ascii_lower(dl.value("hash_type", ""));
    if (dl["verified"].get<bool>()) {
      text += fmt::format(", {} bytes, {} matches the {} manifest", resp.body_length, type,
                          dl.value("manifest", ""));
    } else {
      status = PhaseStatus::kFailed;
      text += fmt::format(", {} bytes, {} differs from the {} manifest", resp.body_length, type,
                          dl.value("manifest", ""));
      findings.push_back([=, this, &s] {
        finding("download-hash-mismatch", Severity::kError,
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

void Trace::Impl::describe_connect(TcpSession& s, const http::Message& req,
                                   const http::Message& resp, Json& data, std::string& text,
                                   PhaseStatus& status,
                                   std::vector<std::function<void()>>& findings) {
  bool show = options.show_secrets;
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
    if (p.contains("dtls_port")) text += fmt::format(", DTLS port {}", p["dtls_port"].get<long>());
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
    status = PhaseStatus::kFailed;
    findings.push_back([=, this, &s] {
      finding("connect-refused", Severity::kError,
              fmt::format("CONNECT /CSCOSSLC/tunnel refused by {}: HTTP {} {}", s.server,
                          resp.status, resp.reason),
              {{"session", s.id}, {"frame", resp.first_frame}});
    });
  }
}

void Trace::Impl::on_cstp(TcpSession& s, bool c2s, const CstpPacket& p) {
  if (p.type == kCstpDisconnect || p.type == kCstpTerminate) {
    s.disconnect_reason = disconnect_reason(p.payload);
    s.disconnect_from = c2s ? "client" : "server";
    event(fmt::format("tls#{}", s.id), p.time,
          fmt::format("CSTP {} from the {}{}", cstp_type_name(p.type), s.disconnect_from,
                      s.disconnect_reason.empty() ? "" : ": \"" + s.disconnect_reason + "\""),
          Tone::kWarning);
  }
}

}  // namespace sslvpn
