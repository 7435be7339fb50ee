#include "pcap_audit.hpp"

#include <fmt/format.h>

#include "binding.hpp"
#include "ldap_msg.hpp"
#include "ldap_stream.hpp"
#include "seckit/enc.hpp"
#include "seckit/http.hpp"
#include "smb2_stream.hpp"
#include "token.hpp"

namespace cbaudit {

namespace net = seckit::net;
namespace tls = seckit::tls;
namespace http = seckit::http;
using seckit::bytes::Bytes;

namespace {

net::FlowKey reversed(const net::FlowKey& k) { return {k.dst, k.src, k.dst_port, k.src_port}; }
net::FlowKey canonical(const net::FlowKey& k) {
  net::FlowKey r = reversed(k);
  return r < k ? r : k;
}
std::string endpoint(const net::Address& a, std::uint16_t port) {
  return a.version == 6 ? fmt::format("[{}]:{}", a.to_string(), port)
                        : fmt::format("{}:{}", a.to_string(), port);
}

constexpr std::int64_t kLdapSaslBindInProgress = 14;  // RFC 4511 4.1.9 resultCode

enum class Proto { kUnknown, kHttp, kLdap, kSmb2, kTls, kIgnore };

Proto sniff(Bytes data) {
  if (data.empty()) return Proto::kUnknown;
  if (tls::looks_like_tls(data)) return Proto::kTls;
  if (data[0] == 0x30) return Proto::kLdap;
  if (data.size() >= 8 && data[0] == 0x00 && (data[4] == 0xfe || data[4] == 0xff) &&
      data[5] == 'S' && data[6] == 'M' && data[7] == 'B')
    return Proto::kSmb2;
  std::size_t i = 0;
  while (i < data.size() && i < 10 && data[i] >= 'A' && data[i] <= 'Z') ++i;
  if (i >= 3 && i < data.size() && data[i] == ' ') return Proto::kHttp;
  return Proto::kIgnore;
}

}  // namespace

struct PcapAuditor::Conn {
  // User-provided: the implicit default constructor counts as noexcept, and clang-tidy's
  // bugprone-exception-escape then follows its member initializers into code that can throw.
  explicit Conn(PcapAuditor* auditor) : owner(auditor) {}
  PcapAuditor* owner = nullptr;
  net::FlowKey client;  // client -> server direction
  bool decided = false;
  Proto outer = Proto::kUnknown;
  Proto inner = Proto::kUnknown;
  bool counted_tls = false;
  std::unique_ptr<tls::TlsConnection> tls;
  std::unique_ptr<http::Connection> http;
  ldap::MessageFramer ldap_framer[2];  // per direction: client to server, server to client
  smb2::NbssFramer smb2_framer[2];
  std::optional<std::vector<std::uint8_t>> expected;
  std::string expected_source;
  bool expected_checked = false;
  seckit::out::Json pending = nullptr;  // authentication waiting for the server's answer
  std::uint64_t frame = 0;
  double time = 0;

  bool is_client(const net::FlowKey& k) const { return k == client; }

  void resolve_expected() {
    if (expected_checked || !tls) return;
    const auto& s = tls->summary();
    if (s.server_certificates.empty()) return;
    expected_checked = true;
    auto cert = seckit::x509::from_der(s.server_certificates.front());
    if (!cert) return;
    auto ep = end_point_expectation(*cert);
    std::vector<std::uint8_t> hash = ep.defined ? ep.hash : ep.windows_hash;
    expected = channel_bindings_hash(application_data("tls-server-end-point", hash));
    expected_source = "certificate in the TLS session: " +
                      seckit::x509::name_rfc4514(X509_get_subject_name(cert->x509.get()));
  }

  void flush_pending(const seckit::out::Json& result) {
    if (pending.is_null()) return;
    pending["server_result"] = result;
    owner->emit_("cb_audit", pending);
    pending = nullptr;
  }

  // One token seen on the wire. Client tokens that authenticate become cb_audit records.
  void token(Bytes data, bool from_client, const std::string& carrier) {
    auto a = analyze_token(data, owner->options_.keytab, Describe::kNo);
    ++owner->counts_.tokens;
    if (!a) {
      owner->anomaly(frame, "malformed-token", fmt::format("{}: {}", carrier, a.error().message));
      return;
    }
    if (!from_client || a->evidence.binding == Binding::kNotAuthentication) return;
    flush_pending(nullptr);
    resolve_expected();
    AuditOptions ao;
    ao.proxy = owner->options_.proxy;
    ao.expected = expected;
    std::string source = expected_source;
    if (!ao.expected && owner->options_.fallback_cbt) {
      ao.expected = owner->options_.fallback_cbt;
      source = "--cert " + owner->options_.fallback_subject;
    }
    ao.no_channel = outer != Proto::kTls && !ao.expected;
    seckit::out::Json d = seckit::out::Json::object();
    d["frame"] = frame;
    d["time"] = seckit::out::rfc3339(
        static_cast<std::int64_t>(time),
        static_cast<std::int32_t>((time - static_cast<std::int64_t>(time)) * 1e6));
    d["protocol"] = carrier;
    d["tls"] = outer == Proto::kTls;
    d["client"] = endpoint(client.src, client.src_port);
    d["server"] = endpoint(client.dst, client.dst_port);
    d["mechanism"] = a->mechanism;
    d["wrapping"] = a->wrapping;
    std::string identity;
    if (a->ntlm) {
      d["user"] = a->ntlm->user;
      d["domain"] = a->ntlm->domain;
      d["workstation"] = a->ntlm->workstation;
      d["ntlm_version"] = ntlm::ntlm_version(*a->ntlm);
      auto spn = ntlm::target_spn(*a->ntlm);
      d["target_spn"] = spn ? seckit::out::Json(std::move(*spn)) : seckit::out::Json(nullptr);
      d["mic_flag"] = ntlm::mic_flag(*a->ntlm);
      identity =
          fmt::format("{}\\{} from {}", a->ntlm->domain, a->ntlm->user, client.src.to_string());
    } else if (a->kerberos) {
      d["realm"] = a->kerberos->realm;
      d["sname"] = a->description["sname"];
      d["etype"] = a->description["ticket_etype"];
      identity = fmt::format("kerberos client {} ({})", client.src.to_string(),
                             a->description["sname"].get<std::string>());
      if (const auto& k = a->kerberos_decryption) {
        using seckit::out::Json;
        d["client_principal"] = k->client.empty() ? Json(nullptr) : Json(k->client);
        d["keytab_note"] = k->note.empty() ? Json(nullptr) : Json(k->note);
        if (!k->client.empty()) {
          identity = fmt::format("{} from {}", k->client, client.src.to_string());
        }
      }
    }
    seckit::out::Json audit = audit_json(a->evidence, owner->options_.level, ao);
    for (auto& [k, v] : audit.items()) d[k] = std::move(v);
    d["expected_from"] = ao.expected ? seckit::out::Json(source) : seckit::out::Json(nullptr);
    std::string verdict = d["verdict"].get<std::string>();
    ++owner->counts_.authentications;
    ++owner->counts_.verdicts[verdict];
    auto& state = owner->clients_[identity];
    state.fails = state.fails || verdict == "rejected";
    if (verdict == "unknown") {
      state.unclassified = true;
      count_unclassified(*a);
    }
    pending = std::move(d);
  }

  // Why an authentication stays unknown at the level: the Kerberos authenticator was not
  // opened, or the client's binding has nothing to be compared with.
  void count_unclassified(const TokenAnalysis& a) {
    auto& c = owner->counts_;
    if (a.evidence.binding == Binding::kOpaque) {
      ++c.opaque_bindings;
      if (c.first_keytab_note.empty() && a.kerberos_decryption) {
        c.first_keytab_note = a.kerberos_decryption->note;
      }
    } else {
      ++c.no_expected_binding;
    }
  }

  void http_message(const http::Message& m) {
    frame = m.first_frame;
    time = m.first_time;
    for (const char* name :
         {"Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate"}) {
      for (const auto& value : m.header_values(name)) {
        auto decoded = decode_token_text(value);
        if (!decoded) continue;  // Basic, Bearer, a bare "NTLM" offer...
        if (decoded->scheme.empty()) continue;
        token(decoded->bytes, m.is_request, "http");
      }
    }
    if (!m.is_request && !pending.is_null()) {
      flush_pending(fmt::format("HTTP {}", m.status));
    }
  }

  // One framed LDAPMessage: bind requests carry the client's token, responses the server's
  // token and, once the bind is no longer in progress, the result of the pending audit.
  void ldap_message(Bytes message) {
    auto m = ldap::parse_message(message);
    if (!m || !*m) return;
    const auto& b = **m;
    if (b.request && !b.credentials.empty()) {
      token(b.credentials, true,
            b.auth_kind == "sasl" ? "ldap-sasl-" + b.sasl_mechanism : "ldap-" + b.auth_kind);
    } else if (!b.request) {
      if (!b.server_sasl_creds.empty()) token(b.server_sasl_creds, false, "ldap");
      if (!pending.is_null() && b.result_code != kLdapSaslBindInProgress) {
        flush_pending(fmt::format("resultCode {}{}{}", b.result_code,
                                  b.diagnostic.empty() ? "" : ": ", b.diagnostic));
      }
    }
  }

  // One framed SMB2 message: SESSION_SETUP requests and responses carry the tokens; a response
  // other than MORE_PROCESSING_REQUIRED ends the authentication.
  void smb2_message(Bytes message) {
    auto setup = smb2::parse_session_setup(message);
    if (!setup) return;
    if (!setup->security_buffer.empty()) token(setup->security_buffer, !setup->response, "smb2");
    if (setup->response && !pending.is_null() &&
        setup->status != smb2::kStatusMoreProcessingRequired) {
      flush_pending(fmt::format("NTSTATUS 0x{:08x}", setup->status));
    }
  }

  void inner_bytes(bool from_client, Bytes data, std::uint64_t f, double t, std::uint64_t gap) {
    frame = f;
    time = t;
    int dir = from_client ? 0 : 1;
    if (inner == Proto::kUnknown) {
      if (!from_client) return;  // wait for the client's first bytes
      inner = sniff(data);
      if (inner == Proto::kTls) inner = Proto::kIgnore;  // TLS in TLS: not followed
      if (inner == Proto::kHttp) {
        http::Handlers h;
        h.on_message = [this](const http::Message& m) { http_message(m); };
        http = std::make_unique<http::Connection>(h);
      }
    }
    switch (inner) {
      case Proto::kHttp:
        http->feed(
            from_client ? http::Direction::kClientToServer : http::Direction::kServerToClient, data,
            f, t, gap);
        break;
      case Proto::kLdap:
        if (gap) ldap_framer[dir].fail();
        ldap_framer[dir].feed(data, [this](Bytes m) { ldap_message(m); });
        break;
      case Proto::kSmb2:
        if (gap) smb2_framer[dir].fail();
        smb2_framer[dir].feed(data, [this](Bytes m) { smb2_message(m); });
        break;
      default:
        break;
    }
  }

  void close() {
    if (tls) tls->finish();
    if (http) {
      http->close(http::Direction::kClientToServer);
      http->close(http::Direction::kServerToClient);
    }
    flush_pending(nullptr);
    if (tls && counted_tls) {
      const auto& s = tls->summary();
      auto& c = owner->counts_;
      if (s.decrypted) {
        ++c.tls_decrypted;
      } else {
        ++c.tls_opaque;
        if (s.opaque_reason == "no-key") ++c.tls_no_key;
        if (s.opaque_reason == "wrong-key") ++c.tls_wrong_key;
      }
    }
  }
};

PcapAuditor::PcapAuditor(PcapAuditOptions options, Emit emit)
    : options_(std::move(options)), emit_(std::move(emit)) {}
PcapAuditor::~PcapAuditor() = default;

void PcapAuditor::on_chunk(const net::StreamChunk& chunk) {
  net::FlowKey key = canonical(chunk.flow);
  auto& slot = conns_[key];
  if (!slot) {
    slot = std::make_unique<Conn>(this);
    ++counts_.tcp_connections;
  }
  Conn& c = *slot;
  if (!c.decided) {
    Proto p = sniff(chunk.data);
    if (p == Proto::kUnknown) return;
    if (p == Proto::kIgnore) {
      // Server-first or unknown bytes: wait for the other side unless this is the client.
      return;
    }
    c.decided = true;
    c.client = chunk.flow;
    c.outer = p;
    if (p == Proto::kTls) {
      ++counts_.tls_sessions;
      c.counted_tls = true;
      tls::Options o;
      o.keylog = options_.keylog;
      Conn* cp = &c;
      c.tls = std::make_unique<tls::TlsConnection>(o, [cp](const tls::Event& e) {
        if (e.kind == tls::EventKind::kApplicationData && e.decrypted) {
          cp->inner_bytes(e.direction == tls::Direction::kClientToServer, e.plaintext, e.frame,
                          e.time, 0);
        }
      });
    } else {
      c.inner = Proto::kUnknown;
    }
  }
  bool from_client = c.is_client(chunk.flow);
  if (c.outer == Proto::kTls) {
    c.tls->feed(from_client ? tls::Direction::kClientToServer : tls::Direction::kServerToClient,
                chunk.data, chunk.frame, chunk.time, chunk.gap);
  } else {
    c.inner_bytes(from_client, chunk.data, chunk.frame, chunk.time, chunk.gap);
  }
}

void PcapAuditor::on_event(const net::FlowKey& key, net::StreamEvent event, std::uint64_t) {
  if (event == net::StreamEvent::kOpen) return;
  auto it = conns_.find(canonical(key));
  if (it == conns_.end()) return;
  // Both directions end separately; the connection is closed once, on its first end event
  // after which nothing more can be audited reliably only at the capture end, so keep it.
  if (event == net::StreamEvent::kReset || event == net::StreamEvent::kEvicted) {
    it->second->close();
    conns_.erase(it);
  }
}

net::CaptureEnd PcapAuditor::read(const net::CaptureSpec& spec) {
  std::optional<net::TcpReassembler> tcp;
  std::optional<net::PacketDecoder> decoder;
  net::CaptureHandlers h;
  h.begin = [&](const std::string&, int link_type) {
    tcp.emplace(
        [this](const net::StreamChunk& c) { on_chunk(c); },
        [this](const net::FlowKey& k, net::StreamEvent e, std::uint64_t f) { on_event(k, e, f); });
    decoder.emplace(
        link_type,
        [&](const net::Transport& t) {
          if (t.kind == net::TransportKind::kTcp) tcp->add(t);
        },
        [this](const net::Anomaly& a) { anomaly(a.frame, a.code, a.message); });
  };
  h.packet = [&](const net::RawPacket& packet) {
    ++counts_.frames;
    decoder->feed(packet);
  };
  h.end = [&](const std::string& source, std::uint64_t, const std::string& truncation) {
    decoder->flush();
    tcp->flush();
    for (auto& [key, conn] : conns_) conn->close();
    conns_.clear();
    if (truncation.empty()) return;
    counts_.truncated = fmt::format("{}: {}", source, truncation);
    anomaly(counts_.frames, "capture-truncated", counts_.truncated);
  };
  return net::run_capture(spec, h);
}

void PcapAuditor::anomaly(std::uint64_t frame, const std::string& code,
                          const std::string& message) {
  ++counts_.anomalies;
  emit_("anomaly", {{"frame", frame}, {"code", code}, {"message", message}});
}

void PcapAuditor::finish() {}

Readiness PcapAuditor::readiness() const {
  Readiness r;
  r.level = options_.level;
  r.clients = clients_.size();
  r.authentications = counts_.authentications;
  for (const auto& [client, state] : clients_) {
    if (state.fails) {
      r.failing.push_back(client);
    } else if (state.unclassified) {
      r.undecided.push_back(client);
    }
  }
  return r;
}

std::string_view readiness_result_name(ReadinessResult result) {
  switch (result) {
    case ReadinessResult::kReady:
      return "ready";
    case ReadinessResult::kClientsWouldFail:
      return "clients-would-fail";
    case ReadinessResult::kUndecided:
      return "undecided";
  }
  return "undecided";
}

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The TLS sessions that hide what is inside them, and how to open them.
std::string tls_reason(const PcapCounts& c, const PcapInputs& in) {
  std::string head = fmt::format("{} of {} not decrypted", c.tls_opaque,
                                 plural(c.tls_sessions, "TLS session", "TLS sessions"));
  if (in.keylog.empty()) {
    return head +
           " (no key log given): authentications inside them are not seen; pass "
           "--keylog FILE written by the client (SSLKEYLOGFILE)";
  }
  std::string why;
  if (c.tls_no_key) why = fmt::format("{} has no line for {}", in.keylog, c.tls_no_key);
  if (c.tls_wrong_key) {
    why += fmt::format("{}{} has a line that does not decrypt {}", why.empty() ? "" : "; ",
                       in.keylog, c.tls_wrong_key);
  }
  std::uint64_t other = c.tls_opaque - c.tls_no_key - c.tls_wrong_key;
  if (other) {
    why += fmt::format("{}{} for other reasons (capture starts mid-session, cipher)",
                       why.empty() ? "" : "; ", other);
  }
  return fmt::format(
      "{}: {}; authentications inside them are not seen; pass --keylog FILE "
      "written by the client of this capture",
      head, why);
}

std::string opaque_reason(const PcapCounts& c, const PcapInputs& in) {
  std::string n = plural(c.opaque_bindings, "Kerberos authentication keeps its",
                         "Kerberos authentications keep their");
  if (in.keytab.empty()) {
    return n +
           " channel binding inside the encrypted authenticator (no keytab given): pass "
           "--keytab FILE holding the service's key to classify them";
  }
  return fmt::format(
      "{} channel binding closed: --keytab {} did not open them ({}); pass "
      "--keytab FILE holding the key of the service they were sent to",
      n, in.keytab, c.first_keytab_note);
}

}  // namespace

std::string readiness_message(const Readiness& r) {
  std::string shown = level_name(r.level);
  shown[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(shown[0])));
  if (r.clients == 0) return fmt::format("at {}: no authenticating client seen", shown);
  std::string message =
      fmt::format("at {}, {} of {} clients{} would fail", shown, r.failing.size(), r.clients,
                  r.failing.empty() ? "" : " (" + joined(r.failing) + ")");
  if (!r.undecided.empty()) {
    message += fmt::format(", {} undecided ({})", r.undecided.size(), joined(r.undecided));
  }
  return message;
}

seckit::out::Conclusion judge_pcap(const PcapCounts& c, const Readiness& r, const PcapInputs& in) {
  seckit::out::Conclusion out;
  if (!r.failing.empty()) out.fail("clients-would-fail", readiness_message(r));
  if (c.authentications == 0) {
    out.inconclusive(
        "no-authentication",
        fmt::format("0 NTLM or Kerberos authentications in {} ({}, {}): nothing to judge",
                    plural(c.frames, "frame", "frames"),
                    plural(c.tcp_connections, "TCP connection", "TCP connections"),
                    plural(c.tls_sessions, "TLS session", "TLS sessions")));
  }
  if (c.tls_opaque) out.inconclusive("tls-not-decrypted", tls_reason(c, in));
  if (c.opaque_bindings) out.inconclusive("binding-opaque", opaque_reason(c, in));
  if (c.no_expected_binding) {
    out.inconclusive(
        "no-expected-binding",
        fmt::format(
            "{} a channel binding but no expected value is known (no server certificate "
            "in the TLS session{}): pass --cert SERVER.pem",
            plural(c.no_expected_binding, "authentication carries", "authentications carry"),
            in.cert ? " and --cert does not apply" : ""));
  }
  if (!c.truncated.empty()) {
    out.inconclusive("capture-truncated",
                     fmt::format("the capture is cut short ({}): authentications after frame {} "
                                 "are not seen",
                                 c.truncated, c.frames));
  }
  return out;
}

ReadinessResult readiness_result(const seckit::out::Conclusion& conclusion) {
  switch (conclusion.verdict) {
    case seckit::out::Verdict::kPass:
      return ReadinessResult::kReady;
    case seckit::out::Verdict::kFail:
      return ReadinessResult::kClientsWouldFail;
    case seckit::out::Verdict::kInconclusive:
      return ReadinessResult::kUndecided;
  }
  return ReadinessResult::kUndecided;
}

seckit::out::Json readiness_json(const Readiness& r, const seckit::out::Conclusion& conclusion) {
  return {{"level", level_name(r.level)},
          {"result", readiness_result_name(readiness_result(conclusion))},
          {"clients", r.clients},
          {"would_fail", r.failing.size()},
          {"failing_clients", r.failing},
          {"undecided", r.undecided.size()},
          {"undecided_clients", r.undecided},
          {"authentications", r.authentications},
          {"message", readiness_message(r)}};
}

}  // namespace cbaudit
