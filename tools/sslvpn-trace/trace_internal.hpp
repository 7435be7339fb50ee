// Internal state of the trace (shared by trace.cpp, trace_sessions.cpp and trace_dtls.cpp; not
// an interface).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config_auth.hpp"
#include "cstp.hpp"
#include "gateway.hpp"
#include "headers.hpp"
#include "records.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/http.hpp"
#include "seckit/net.hpp"
#include "seckit/tls.hpp"
#include "trace.hpp"
#include "verdict.hpp"

namespace sslvpn {

namespace net = seckit::net;
namespace tls = seckit::tls;
namespace http = seckit::http;

// Whether a session is part of the SSL VPN. Its phase lines, findings and records are held back
// while undecided: a decrypted session becomes VPN with its first AnyConnect/OpenConnect marker
// (or when another session proved its server to be the gateway); an opaque one when the end of
// the capture shows its server is the gateway. Everything else is context, never a phase.
enum class SessionClass { kUndecided, kVpn, kOther };

class OutputGate {
 public:
  // Runs now for VPN sessions, later (on classify) for undecided ones, never for others.
  void run(std::function<void()> output) {
    if (class_ == SessionClass::kVpn) {
      output();
    } else if (class_ == SessionClass::kUndecided && deferred_.size() < kMaxDeferred) {
      deferred_.push_back(std::move(output));
    }
  }
  // Decides once; returns the output held back (to run when VPN, to drop otherwise).
  std::vector<std::function<void()>> decide(SessionClass c) {
    class_ = c;
    return std::move(deferred_);
  }
  SessionClass session_class() const { return class_; }
  bool undecided() const { return class_ == SessionClass::kUndecided; }

 private:
  static constexpr std::size_t kMaxDeferred = 512;
  SessionClass class_ = SessionClass::kUndecided;
  std::vector<std::function<void()>> deferred_;
};

struct TcpSession {
  int id = 0;
  OutputGate gate;
  std::string marker;                   // the first AnyConnect/OpenConnect marker seen
  std::uint64_t pending_exchanges = 0;  // exchanges held back while undecided
  std::uint64_t http_messages = 0;      // exchanges read, VPN or not
  std::uint64_t unanswered_requests = 0;
  double handshake_time = -1;  // when phase 1 was reported
  double data_time = -1;       // first client application record after the handshake
  std::uint64_t data_frame = 0;
  net::FlowKey key;  // client -> server
  std::string client, server;
  std::uint64_t first_frame = 0;
  double first_time = 0, last_time = 0;
  std::unique_ptr<tls::TlsConnection> tls;
  std::unique_ptr<http::Connection> http;
  std::unique_ptr<CstpStream> cstp_c2s, cstp_s2c;
  TlsRecordScanner scan_c2s, scan_s2c;
  std::deque<http::Message> requests;
  bool handshake_reported = false;
  bool closed_c2s = false, closed_s2c = false, finished = false;
  std::string role;  // "auth", "download", "tunnel", "" (unknown)
  std::uint64_t exchanges = 0;
  bool tunnel = false;
  double tunnel_time = 0;
  Json tunnel_params;
  Json tunnel_request_headers, tunnel_response_headers;
  std::optional<tls::Buffer> psk;  // PSK-NEGOTIATE key derived from this session's exporter
  std::string dtls_session_id;     // X-DTLS-Session-ID (hex)
  std::string dtls_app_id;         // X-DTLS-App-ID (hex): the PSK ClientHello's session id
  std::string disconnect_reason, disconnect_from;
  // Record-level counts (own scan): application data records and the small ones.
  std::uint64_t records[2] = {0, 0};
  std::uint64_t app_records[2] = {0, 0};
  std::uint64_t app_bytes[2] = {0, 0};
  std::uint64_t small_records[2] = {0, 0};
  std::uint64_t handshake_records = 0;
  std::uint16_t record_version = 0;
  bool saw_client_hello_record = false;
  bool decrypted_any = false;
  std::vector<std::string> notes;
  Json alerts = Json::array();
  std::uint64_t certificates = 0;
  bool auth_success = false, auth_failed = false;
};

struct DtlsFlow {
  int id = 0;
  OutputGate gate;
  bool blocked = false;  // unanswered ClientHellos, with the evidence for it
  bool pending = false;  // unanswered, but the capture ends too soon to say blocked
  bool hello_verify = false;
  net::FlowKey key;  // client -> server
  std::string client, server;
  std::unique_ptr<tls::DtlsConnection> dtls;
  int tunnel_session = 0;  // TCP session whose CONNECT announced it (0 = unknown)
  std::vector<double> client_hello_times;
  std::vector<std::uint64_t> client_hello_frames;
  std::uint64_t datagrams[2] = {0, 0};
  std::uint16_t client_version = 0, server_version = 0;
  std::string mode;  // psk-negotiate, legacy-0x0100, dtls1.2-resumption, dtls1.2, unknown
  bool established = false;
  bool decrypted = false;
  bool reported_start = false;
  CstpCounts cstp[2];
  std::uint64_t icmp_unreachable = 0;
  std::uint64_t first_frame = 0;
  double first_time = 0, last_time = 0;
  std::vector<std::string> notes;
  std::string disconnect_reason;
};

namespace detail {

inline std::string endpoint(const net::Address& a, std::uint16_t port) {
  return a.version == 6 ? fmt::format("[{}]:{}", a.to_string(), port)
                        : fmt::format("{}:{}", a.to_string(), port);
}

inline double round6(double v) { return std::round(v * 1e6) / 1e6; }

inline std::string hex(tls::Bytes b) { return seckit::enc::hex_encode(b); }

inline bool in_ports(const std::vector<std::uint16_t>& ports, std::uint16_t p) {
  return std::find(ports.begin(), ports.end(), p) != ports.end();
}

inline std::string time_string(double t) {
  auto sec = static_cast<std::int64_t>(std::floor(t));
  auto usec = static_cast<std::int32_t>(std::llround((t - static_cast<double>(sec)) * 1e6));
  if (usec >= 1000000) {
    ++sec;
    usec -= 1000000;
  }
  return seckit::out::rfc3339(sec, usec);
}

// Certificate alerts a client sends when it rejects the server chain (RFC 8446 6.2).
// Timeline lines stay one line whatever the server put in its messages.
inline std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

inline bool is_certificate_alert(std::uint8_t d) {
  return d == 42 || d == 43 || d == 44 || d == 45 || d == 46 || d == 48 || d == 116;
}

// CSTP packets and bytes per type name ({"DATA": {"packets", "bytes"}, ...}), one direction.
inline Json cstp_counts_json(const CstpCounts& c) {
  Json j = Json::object();
  for (int t = 0; t < 256; ++t) {
    if (c.packets[t] == 0) continue;
    j[cstp_type_name(static_cast<std::uint8_t>(t))] = {{"packets", c.packets[t]},
                                                       {"bytes", c.bytes[t]}};
  }
  return j;
}

}  // namespace detail
using namespace detail;  // NOLINT: internal header
using seckit::out::Severity;

// A manifest file and which manifest announced it ("profile" or "core").
struct AnnouncedFile {
  std::string manifest;
  ManifestFile file;
};

struct Trace::Impl {
  TraceOptions options;
  Sink& sink;
  tls::KeyLog keylog;
  bool have_keylog = false;
  TraceCounts counts;
  std::string pcap;
  double t0 = -1;
  int next_id = 1;
  std::map<net::FlowKey, std::unique_ptr<TcpSession>> tcp;
  std::map<net::FlowKey, std::unique_ptr<DtlsFlow>> dtls;
  std::vector<std::unique_ptr<TcpSession>> done_tcp;  // tunnel facts outlive the connection
  // Facts for the verdict.
  // Facts for the verdict, set only by the output of VPN sessions.
  bool auth_success = false, auth_failed = false, connect_refused = false, tunnel_up = false;
  bool cert_rejected = false;
  std::uint64_t dpd_timeouts = 0;
  std::uint64_t error_findings = 0;
  // Servers ("addr:port") a decrypted session proved to be an SSL VPN gateway (markers).
  std::set<std::string> vpn_servers;
  std::set<std::string> vpn_addresses;  // their addresses, for the DTLS flows
  double last_time = 0;                 // of the last packet read
  bool capture_truncated = false;
  std::uint64_t gateways = 0;     // identified at the end of the capture
  std::string no_gateway_detail;  // why none was, for the verdict
  // Files announced in vpn-profile-manifest / vpn-core-manifest: what the downloader's GETs
  // (phase 4) are checked against.
  std::vector<AnnouncedFile> manifest_files;

  Impl(TraceOptions o, Sink& s) : options(std::move(o)), sink(s) {
    if (!options.keylog_path.empty()) {
      keylog.load_file(options.keylog_path);
      have_keylog = true;
      const tls::KeyLogStats& st = keylog.stats();
      if (st.entries == 0) {
        throw seckit::input_error(options.keylog_path,
                                  st.lines == 0
                                      ? "no key-log line in the file"
                                      : fmt::format("none of its {} lines is a key-log line ({})",
                                                    st.lines, st.first_bad_reason),
                                  "pass the SSLKEYLOGFILE (NSS key log) the VPN client wrote");
      }
    }
  }
  bool keylog_knows(const tls::Buffer& client_random) const;
  std::pair<std::uint64_t, std::uint64_t> keylog_match() const;
  void report_keylog_mismatch();

  double rel(double t) const { return t0 < 0 ? 0 : t - t0; }

  void finding(const std::string& code, Severity severity, const std::string& message,
               const Json& details) {
    ++counts.findings;
    if (severity == Severity::kError) ++error_findings;
    sink.finding(code, severity, one_line(message), details);
  }

  void phase(Phase which, const std::string& who, int session, double time, std::uint64_t frame,
             PhaseStatus status, const std::string& text, const Json& details = Json::object()) {
    Json d = {{"phase", phase_number(which)},
              {"name", phase_name(which)},
              {"status", phase_status_name(status)},
              {"session", session},
              {"time", time_string(time)},
              {"relative_time", round6(rel(time))},
              {"frame", frame},
              {"text", text}};
    if (!details.empty()) d["details"] = details;
    sink.record("sslvpn_phase", d);
    std::string label = fmt::format("phase {} {}: ", phase_number(which), phase_name(which));
    sink.timeline(rel(time), who,
                  one_line(label + text + (status == PhaseStatus::kInferred ? " (inferred)" : "")),
                  tone_of(status));
  }

  void event(const std::string& who, double time, const std::string& text, Tone tone) {
    sink.timeline(rel(time), who, one_line(text), tone);
  }

  // --- TCP ---------------------------------------------------------------------------------
  TcpSession* session_for(const net::FlowKey& flow, bool& c2s, std::uint64_t frame, double time);
  void on_stream(const net::StreamChunk& chunk);
  void on_stream_event(const net::FlowKey& flow, net::StreamEvent ev, std::uint64_t frame);
  void on_tls_event(TcpSession& s, const tls::Event& e);
  void report_handshake(TcpSession& s, std::uint64_t frame, double time);
  void on_http_message(TcpSession& s, const http::Message& m);
  void on_exchange(TcpSession& s, const http::Message& req, const http::Message& resp);
  void describe_auth(TcpSession& s, const std::optional<ConfigAuth>& request,
                     const std::optional<ConfigAuth>& response, std::uint64_t resp_frame,
                     std::string& text, PhaseStatus& status,
                     std::vector<std::function<void()>>& findings);
  void describe_download(TcpSession& s, const http::Message& req, const http::Message& resp,
                         Json& data, std::string& text, PhaseStatus& status,
                         std::vector<std::function<void()>>& findings);
  void describe_connect(TcpSession& s, const http::Message& req, const http::Message& resp,
                        Json& data, std::string& text, PhaseStatus& status,
                        std::vector<std::function<void()>>& findings);
  void emit_handshake_phase(TcpSession& s, std::uint64_t frame, double time);
  void infer_phase(TcpSession& s);
  void report_session(TcpSession& s);
  void report_tunnel(TcpSession& s);
  void report_other(TcpSession& s);
  Json session_json(TcpSession& s, const std::string& role);
  void classify(TcpSession& s, SessionClass c);
  void classify(DtlsFlow& f, SessionClass c);
  void prove_vpn_server(TcpSession& s, const std::string& marker);
  void classify_remaining();
  std::vector<ServerEvidence> server_evidence() const;
  void report_gateway(const ServerEvidence& e, const GatewayDecision& d);
  void report_context(const std::vector<ServerEvidence>& evidence,
                      const std::vector<GatewayDecision>& decisions);
  VerdictFacts verdict_facts() const;
  std::vector<std::string> announced_paths() const;
  template <class F>
  void for_each_session(F&& f) {
    for (auto& [k, s] : tcp) f(*s);
    for (auto& s : done_tcp) f(*s);
  }
  template <class F>
  void for_each_session(F&& f) const {
    for (const auto& [k, s] : tcp) f(*s);
    for (const auto& s : done_tcp) f(*s);
  }
  void on_cstp(TcpSession& s, bool c2s, const CstpPacket& p);
  void finish_session(TcpSession& s);
  void emit_certificates(TcpSession& s, const tls::Certificate& c, std::uint64_t frame,
                         bool encrypted, const std::string& sender);
  void report_alert(TcpSession& s, const tls::Alert& alert, const Json& a, bool c2s,
                    std::uint64_t frame, double time);
  void on_transport(const net::Transport& t, net::TcpReassembler& reassembler);
  void anomaly(std::uint64_t frame, const std::string& code, const std::string& message);
  // --- UDP ---------------------------------------------------------------------------------
  void on_udp(const net::Transport& t);
  void on_icmp(const net::Transport& t);
  void on_dtls_event(DtlsFlow& f, const tls::Event& e);
  void finish_dtls(DtlsFlow& f);
  void report_dtls(DtlsFlow& f);
  void report_dtls_blocked(DtlsFlow& f, Json& data, const Json& schedule, const Json& intervals);
  Json dtls_json(const DtlsFlow& f, const Json& schedule, const Json& intervals);
  TcpSession* session_by_id(int id);
  TcpSession* tunnel_for(const net::Address& client, const net::Address& server);
  void report_reconnects();
};

}  // namespace sslvpn
