#include "ike_session.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>

#include "ike_analysis.hpp"
#include "ike_tables.hpp"
#include "seckit/winerr.hpp"

namespace ikedecode {
namespace {
// The `windows_error` object of the shared table (common/winerr), null when there is none.
seckit::out::Json windows_ike_error(std::uint32_t win32) {
  if (win32 == 0) return nullptr;
  auto error = seckit::winerr::lookup(win32);
  return error ? seckit::winerr::to_json(*error) : seckit::out::Json(nullptr);
}
}  // namespace

using seckit::out::Finding;
using seckit::out::Severity;

struct SessionTracker::Session {
  std::uint8_t version = 0;
  std::array<std::uint8_t, 8> spi_i{}, spi_r{};
  seckit::net::Address initiator, responder;
  std::uint16_t initiator_port = 0, responder_port = 0;
  std::uint8_t first_exchange = 0;
  std::vector<MessageSummary> messages;
  std::size_t dropped_messages = 0;
  // Identical bytes seen before from the same side: (hash, direction) -> time last seen.
  std::map<std::pair<std::uint64_t, bool>, double> seen;
  // Outstanding requests by (message ID, sent by initiator): frame and time.
  std::map<std::pair<std::uint32_t, bool>, std::pair<std::uint64_t, double>> requests;
  SaSecurity security;  // proposals, groups, NAT-D, aggressive-mode material
  std::uint64_t order = 0;
  double first_time = 0, last_time = 0;
  std::int64_t first_sec = 0;
  std::int32_t first_usec = 0;
  bool natt = false;
  std::size_t certificates = 0;
  std::vector<std::uint16_t> l2tp_client_ports;
};

SessionTracker::SessionTracker(SaHandler on_sa, SessionLimits limits)
    : on_sa_(std::move(on_sa)), limits_(limits) {}
SessionTracker::~SessionTracker() = default;

namespace {

std::uint64_t fnv1a(Bytes data) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : data) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

bool spi_zero(const std::array<std::uint8_t, 8>& spi) {
  return std::all_of(spi.begin(), spi.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

MessageRelation SessionTracker::add(const IkeContext& ctx, const IkeMessage& m) {
  MessageRelation rel;
  // IKEv2 SAs are identified by the initiator's SPI (the responder's is zero in the first
  // message); IKEv1 by the initiator cookie. The version keeps the two apart.
  std::string key = fmt::format("{}:{}", m.major, hex(m.spi_i));
  auto it = sessions_.find(key);
  if (it == sessions_.end()) {
    if (sessions_.size() >= limits_.max_sessions) {
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
        return a.second->order < b.second->order;
      });
      finish(oldest);
    }
    auto session = std::make_unique<Session>();
    session->version = m.major;
    session->spi_i = m.spi_i;
    // The sender of the first message we see is the initiator, unless an IKEv2 flag says
    // otherwise (a capture that starts mid-SA).
    bool sender_is_initiator = m.major == 1 || m.from_initiator();
    session->initiator = sender_is_initiator ? ctx.src : ctx.dst;
    session->responder = sender_is_initiator ? ctx.dst : ctx.src;
    session->initiator_port = sender_is_initiator ? ctx.src_port : ctx.dst_port;
    session->responder_port = sender_is_initiator ? ctx.dst_port : ctx.src_port;
    session->first_exchange = m.exchange;
    session->first_time = ctx.info.time();
    session->first_sec = ctx.info.ts_sec;
    session->first_usec = ctx.info.ts_usec;
    it = sessions_.emplace(key, std::move(session)).first;
  }
  Session& s = *it->second;
  s.order = ++counter_;
  s.last_time = ctx.info.time();
  if (spi_zero(s.spi_r) && !spi_zero(m.spi_r)) s.spi_r = m.spi_r;
  if (ctx.non_esp_marker) s.natt = true;

  bool from_initiator = m.major == 2 ? m.from_initiator() : ctx.src == s.initiator;
  rel.direction = from_initiator ? "initiator->responder" : "responder->initiator";

  std::uint64_t h = fnv1a(m.raw);
  auto seen = s.seen.find({h, from_initiator});
  if (seen != s.seen.end()) {
    rel.retransmission = true;
    rel.retransmit_interval = ctx.info.time() - seen->second;
    seen->second = ctx.info.time();
  } else if (s.seen.size() < 4 * limits_.max_messages_per_session) {
    s.seen.emplace(std::make_pair(h, from_initiator), ctx.info.time());
  }

  bool response = m.major == 2 ? m.is_response() : false;
  if (m.major == 2) {
    if (!response) {
      if (!rel.retransmission) {
        s.requests[{m.message_id, from_initiator}] = {ctx.info.frame, ctx.info.time()};
      }
    } else {
      auto req = s.requests.find({m.message_id, !from_initiator});
      if (req != s.requests.end()) {
        rel.request_frame = req->second.first;
        rel.response_time = ctx.info.time() - req->second.second;
      }
    }
  }

  MessageSummary summary;
  summary.frame = ctx.info.frame;
  summary.time = ctx.info.time();
  summary.from_initiator = from_initiator;
  summary.response = response;
  summary.retransmission = rel.retransmission;
  summary.exchange = m.exchange;
  summary.message_id = m.message_id;
  summary.length = m.raw.size();
  summary.payloads = payload_summary(m);
  summary.encrypted = m.encrypted;
  summary.decrypted = m.decrypted;
  summary.encrypted_length = m.encrypted_length;
  summary.ip_fragmented = !ctx.ip_fragment_frames.empty();
  summary.natt = ctx.non_esp_marker;
  for (const Payload& p : m.payloads) {
    if (p.notify) summary.notifies.push_back(p.notify->type);
    if (m.major == 2 && p.type == 39) summary.has_auth = true;
    if ((m.major == 2 && p.type == 37) || (m.major == 1 && p.type == 6)) ++s.certificates;
  }
  if (s.messages.size() < limits_.max_messages_per_session) {
    s.messages.push_back(std::move(summary));
  } else {
    ++s.dropped_messages;
  }

  rel.nat_detection = s.security.observe(m, ctx, from_initiator);
  return rel;
}

void SessionTracker::note_l2tp(const IkeContext& ctx) {
  for (auto& [key, session] : sessions_) {
    Session& s = *session;
    if (s.version != 1) continue;
    bool from_client = ctx.src == s.initiator && ctx.dst == s.responder;
    bool to_client = ctx.dst == s.initiator && ctx.src == s.responder;
    if (!from_client && !to_client) continue;
    std::uint16_t client_port = from_client ? ctx.src_port : ctx.dst_port;
    if (std::find(s.l2tp_client_ports.begin(), s.l2tp_client_ports.end(), client_port) ==
            s.l2tp_client_ports.end() &&
        s.l2tp_client_ports.size() < 16) {
      s.l2tp_client_ports.push_back(client_port);
    }
  }
}

void SessionTracker::finish_all() {
  while (!sessions_.empty()) finish(sessions_.begin());
}

namespace {

struct Verdict {
  std::string verdict;  // established, failed, timed_out, incomplete
  std::string reason;
  std::optional<std::uint16_t> notify;
  std::uint32_t windows_error = 0;
};

std::uint32_t windows_error_for_notify(std::uint8_t version, std::uint16_t type) {
  if (version == 2) {
    switch (type) {
      case 24:
      case 46:
        return 13801;  // AUTHENTICATION_FAILED, AUTHORIZATION_FAILED
      case 14:
      case 17:
      case 38:
      case 39:
        return 13802;  // proposals, KE group, selectors
      default:
        return 13804;
    }
  }
  switch (type) {
    case 24:
    case 25:
    case 20:
    case 22:
      return 13801;
    case 14:
    case 12:
    case 13:
    case 15:
      return 13802;
    default:
      return 13804;
  }
}

Json schedule_json(const std::vector<MessageSummary>& sent) {
  Json intervals = Json::array();
  for (std::size_t i = 1; i < sent.size(); ++i) {
    intervals.push_back(std::round((sent[i].time - sent[i - 1].time) * 1000.0) / 1000.0);
  }
  return intervals;
}

}  // namespace

void SessionTracker::finish(SessionMap::iterator it) {
  Session& s = *it->second;
  std::vector<Finding> findings;
  const auto& msgs = s.messages;
  auto exchange_of = [&](std::uint8_t e) { return exchange_name(s.version, e); };

  Verdict v;
  // First error notify in a message from the responder side of an exchange, or any
  // INFORMATIONAL error: what killed the SA.
  const MessageSummary* fatal = nullptr;
  std::uint16_t fatal_notify = 0;
  for (const auto& msg : msgs) {
    for (std::uint16_t n : msg.notifies) {
      if (!notify_is_error(s.version, n)) continue;
      if (s.version == 2 && !msg.response) continue;
      if (fatal == nullptr) {
        fatal = &msg;
        fatal_notify = n;
      }
    }
  }
  bool retried_after_fatal = false;
  if (fatal != nullptr && s.version == 2 && (fatal_notify == 17)) {
    // INVALID_KE_PAYLOAD is recoverable: the initiator retries IKE_SA_INIT with the group asked.
    for (const auto& msg : msgs) {
      if (msg.time > fatal->time && msg.exchange == 34 && !msg.response) retried_after_fatal = true;
    }
  }

  std::vector<MessageSummary> last_request_sends;
  bool any_response = std::any_of(msgs.begin(), msgs.end(), [&](const MessageSummary& m) {
    return s.version == 2 ? m.response : !m.from_initiator;
  });
  if (!msgs.empty()) {
    // The last request and every retransmission of it.
    const MessageSummary* last_request = nullptr;
    for (const auto& m : msgs) {
      if (s.version == 2 ? !m.response : m.from_initiator) last_request = &m;
    }
    if (last_request != nullptr) {
      for (const auto& m : msgs) {
        if (m.from_initiator == last_request->from_initiator &&
            m.message_id == last_request->message_id && m.exchange == last_request->exchange &&
            (s.version == 2 ? !m.response : true) && m.length == last_request->length) {
          last_request_sends.push_back(m);
        }
      }
    }
  }
  bool last_unanswered = false;
  if (!last_request_sends.empty()) {
    const auto& last = last_request_sends.front();
    last_unanswered = std::none_of(msgs.begin(), msgs.end(), [&](const MessageSummary& m) {
      if (m.time < last.time) return false;
      if (s.version == 2) return m.response && m.message_id == last.message_id;
      return m.from_initiator != last.from_initiator;
    });
  }

  auto has_exchange_response = [&](std::uint8_t exchange) {
    return std::any_of(msgs.begin(), msgs.end(), [&](const MessageSummary& m) {
      return m.exchange == exchange && (s.version == 2 ? m.response : !m.from_initiator);
    });
  };

  // An error notify next to an AUTH payload in IKE_AUTH: the IKE SA is up, its first CHILD_SA
  // was refused (RFC 7296 1.2: NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE... about the child only).
  std::optional<std::uint16_t> child_failure;
  if (fatal != nullptr && s.version == 2 && fatal->exchange == 35 && fatal->has_auth) {
    child_failure = fatal_notify;
    fatal = nullptr;
  }
  if (fatal != nullptr && !retried_after_fatal) {
    v.verdict = "failed";
    v.notify = fatal_notify;
    v.windows_error = windows_error_for_notify(s.version, fatal_notify);
    v.reason = fmt::format("{} answered with {} (frame {})", exchange_of(fatal->exchange),
                           notify_name(s.version, fatal_notify), fatal->frame);
  } else if (!any_response && !msgs.empty()) {
    v.verdict = "timed_out";
    v.windows_error = 13805;
    v.reason = fmt::format("{} sent {} time(s) over {:.1f} s, never answered",
                           exchange_of(msgs.front().exchange), last_request_sends.size(),
                           last_request_sends.empty()
                               ? 0.0
                               : last_request_sends.back().time - last_request_sends.front().time);
  } else if (last_unanswered && last_request_sends.size() >= 2) {
    v.verdict = "timed_out";
    v.windows_error = 13805;
    const auto& req = last_request_sends.front();
    v.reason = fmt::format("{} request (message ID {}) sent {} times, never answered",
                           exchange_of(req.exchange), req.message_id, last_request_sends.size());
    if (req.ip_fragmented) {
      v.reason +=
          "; it was IP-fragmented: fragments are likely dropped on the path "
          "(enable IKEv2 fragmentation, RFC 7383)";
    }
  } else if (s.version == 2) {
    const MessageSummary* auth_response = nullptr;
    for (const auto& m : msgs) {
      if (m.exchange == 35 && m.response && !m.retransmission) auth_response = &m;
    }
    bool later_exchanges = std::any_of(msgs.begin(), msgs.end(), [](const MessageSummary& m) {
      return (m.exchange == 36 || m.exchange == 37) && m.response;
    });
    if (child_failure) {
      v.verdict = "established";
      v.reason = fmt::format("IKE SA established, but its first CHILD_SA was refused with {}",
                             notify_name(2, *child_failure));
    } else if (auth_response != nullptr && auth_response->decrypted) {
      v.verdict = "established";
      v.reason = fmt::format("IKE_AUTH completed (frame {}, decrypted)", auth_response->frame);
    } else if (auth_response != nullptr && later_exchanges) {
      v.verdict = "established";
      v.reason = "IKE_AUTH answered and later exchanges were protected with the SA's keys";
    } else if (auth_response != nullptr && auth_response->encrypted_length <= 96) {
      v.verdict = "failed";
      v.windows_error = 13801;
      v.reason = fmt::format(
          "IKE_AUTH answered with only {} encrypted bytes and the SA was never used: likely an "
          "error notify such as AUTHENTICATION_FAILED (decrypt with --keys to confirm)",
          auth_response->encrypted_length);
    } else if (auth_response != nullptr) {
      v.verdict = "established";
      v.reason = fmt::format("IKE_AUTH answered with {} encrypted bytes (frame {})",
                             auth_response->encrypted_length, auth_response->frame);
    } else if (has_exchange_response(34)) {
      v.verdict = "incomplete";
      v.reason = "IKE_SA_INIT completed; IKE_AUTH not in the capture";
    } else {
      v.verdict = "incomplete";
      v.reason = "no complete exchange in the capture";
    }
  } else {
    std::size_t responder_msgs = std::count_if(
        msgs.begin(), msgs.end(), [](auto& m) { return !m.from_initiator && !m.retransmission; });
    std::size_t initiator_msgs = std::count_if(
        msgs.begin(), msgs.end(), [](auto& m) { return m.from_initiator && !m.retransmission; });
    bool quick = std::any_of(msgs.begin(), msgs.end(), [](auto& m) { return m.exchange == 32; });
    bool main_done = s.first_exchange == 2 && responder_msgs >= 3;
    bool aggressive_done = s.first_exchange == 4 && initiator_msgs >= 2 && responder_msgs >= 1;
    if (quick || main_done || aggressive_done) {
      v.verdict = "established";
      v.reason = quick ? "phase 1 completed and quick mode followed" : "phase 1 completed";
    } else {
      v.verdict = "incomplete";
      v.reason = fmt::format("{}: the responder answered {} message(s), the initiator sent {}",
                             exchange_of(s.first_exchange), responder_msgs, initiator_msgs);
      if (responder_msgs >= 1 && initiator_msgs == 1) {
        v.reason += " (a probe such as ike-scan, or the initiator gave up)";
      }
    }
  }

  Json sa;
  sa["version"] = fmt::format("{}.0", s.version);
  sa["spi_i"] = hex(s.spi_i);
  sa["spi_r"] = hex(s.spi_r);
  sa["initiator"] = fmt::format("{}:{}", s.initiator.to_string(), s.initiator_port);
  sa["responder"] = fmt::format("{}:{}", s.responder.to_string(), s.responder_port);
  sa["first_exchange"] = exchange_of(s.first_exchange);
  sa["start"] = seckit::out::rfc3339(s.first_sec, s.first_usec);
  sa["duration"] = std::round((s.last_time - s.first_time) * 1e6) / 1e6;
  sa["messages"] = msgs.size() + s.dropped_messages;
  std::size_t retransmissions =
      std::count_if(msgs.begin(), msgs.end(), [](auto& m) { return m.retransmission; });
  sa["retransmissions"] = retransmissions;
  sa["verdict"] = v.verdict;
  sa["reason"] = v.reason;
  if (v.notify) sa["notify"] = notify_name(s.version, *v.notify);
  Json win = v.windows_error ? windows_ike_error(v.windows_error) : Json(nullptr);
  if (!win.is_null()) sa["windows_error"] = win;
  if (v.verdict == "timed_out") sa["retransmission_schedule"] = schedule_json(last_request_sends);
  sa["nat_t"] = s.natt;
  sa["certificates"] = s.certificates;
  Json ladder = Json::array();
  for (const auto& m : msgs) {
    Json step{{"frame", m.frame},
              {"time", std::round((m.time - s.first_time) * 1e6) / 1e6},
              {"direction", m.from_initiator ? "i->r" : "r->i"},
              {"exchange", exchange_of(m.exchange)},
              {"message_id", m.message_id},
              {"length", m.length},
              {"payloads", m.payloads}};
    if (s.version == 2) step["response"] = m.response;
    if (m.retransmission) step["retransmission"] = true;
    if (m.ip_fragmented) step["ip_fragmented"] = true;
    ladder.push_back(step);
  }
  sa["ladder"] = ladder;
  s.security.finish(sa, findings, s.version);
  if (!s.l2tp_client_ports.empty()) {
    sa["l2tp_client_ports"] = s.l2tp_client_ports;
    if (std::any_of(s.l2tp_client_ports.begin(), s.l2tp_client_ports.end(),
                    [](std::uint16_t p) { return p != 1701; })) {
      findings.push_back({"l2tp-source-port",
                          Severity::kWarning,
                          "L2TP client does not use UDP source port 1701 (macOS/iOS behaviour); "
                          "TMG/RRAS L2TP policies that expect 1701 drop it",
                          {{"ports", s.l2tp_client_ports}},
                          nullptr});
    }
  }
  if (child_failure) {
    sa["child_sa"] = {{"verdict", "failed"}, {"notify", notify_name(2, *child_failure)}};
    findings.push_back({"child-sa-failed",
                        Severity::kError,
                        fmt::format("IKE SA {}: CHILD_SA refused with {}", hex(s.spi_i),
                                    notify_name(2, *child_failure)),
                        {{"spi_i", hex(s.spi_i)}, {"notify", notify_name(2, *child_failure)}},
                        windows_ike_error(windows_error_for_notify(2, *child_failure))});
  }
  if (v.verdict == "failed" || v.verdict == "timed_out") {
    Finding f;
    f.code = v.verdict == "failed" ? "ike-sa-failed" : "ike-sa-timed-out";
    f.severity = Severity::kError;
    f.message = fmt::format("IKE SA {} {}: {}", hex(s.spi_i),
                            v.verdict == "failed" ? "failed" : "timed out", v.reason);
    f.details = {{"spi_i", hex(s.spi_i)}, {"spi_r", hex(s.spi_r)}};
    f.windows_error = win;
    findings.insert(findings.begin(), f);
  }
  if (on_sa_) on_sa_(sa, findings);
  sessions_.erase(it);
}

}  // namespace ikedecode
