#include "ike_session.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>

#include "ike_analysis.hpp"
#include "ike_tables.hpp"
#include "ike_verdict.hpp"
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
  SaDetailsCollector details;
  std::uint64_t order = 0;
  double first_time = 0, last_time = 0;
  std::int64_t first_sec = 0;
  std::int32_t first_usec = 0;
  bool natt = false;
  std::size_t certificates = 0;
  std::vector<std::uint16_t> l2tp_client_ports;
  std::list<Activity>::iterator activity;  // this SA's place in by_activity_
};

std::size_t SaKeyHash::operator()(const SaKey& key) const {
  std::uint64_t h = key.version;
  for (std::uint8_t b : key.spi_i) h = (h << 8 | h >> 56) ^ b;
  return std::hash<std::uint64_t>{}(h);
}

namespace {
std::string address_pair(const seckit::net::Address& a, const seckit::net::Address& b) {
  Bytes x = a.view(), y = b.view();
  std::string key(x.begin(), x.end());
  key += '|';
  key.append(y.begin(), y.end());
  return key;
}
}  // namespace

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

SessionTracker::SessionMap::iterator SessionTracker::create(const SaKey& key, const IkeContext& ctx,
                                                            const IkeMessage& m) {
  if (sessions_.size() >= limits_.max_sessions) {
    finish(sessions_.find(by_activity_.front().key), ctx.info.time(), Why::kEvicted);
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
  session->order = ++counter_;
  session->activity = by_activity_.insert(by_activity_.end(), Activity{key, ctx.info.time()});
  if (m.major == 1) {
    v1_by_addresses_[address_pair(session->initiator, session->responder)].push_back(key);
  }
  return sessions_.emplace(key, std::move(session)).first;
}

MessageRelation SessionTracker::add(const IkeContext& ctx, const IkeMessage& m) {
  MessageRelation rel;
  SaKey key{m.major, m.spi_i};
  auto it = sessions_.find(key);
  if (it == sessions_.end()) it = create(key, ctx, m);
  Session& s = *it->second;
  by_activity_.splice(by_activity_.end(), by_activity_, s.activity);
  s.activity->last_time = ctx.info.time();
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
    if (const Notify* n = p.notify()) summary.notifies.push_back(n->type);
    if (m.major == 2 && p.type == 39) summary.has_auth = true;
    if ((m.major == 2 && p.type == 37) || (m.major == 1 && p.type == 6)) ++s.certificates;
  }
  if (s.messages.size() < limits_.max_messages_per_session) {
    s.messages.push_back(std::move(summary));
  } else {
    ++s.dropped_messages;
  }

  rel.nat_detection = s.security.observe(m, ctx, from_initiator);
  s.details.observe(m, from_initiator);
  return rel;
}

void SessionTracker::note_l2tp(const IkeContext& ctx) {
  for (bool from_client : {true, false}) {
    const auto& client = from_client ? ctx.src : ctx.dst;
    const auto& server = from_client ? ctx.dst : ctx.src;
    auto found = v1_by_addresses_.find(address_pair(client, server));
    if (found == v1_by_addresses_.end()) continue;
    std::uint16_t client_port = from_client ? ctx.src_port : ctx.dst_port;
    for (const SaKey& key : found->second) {
      Session& s = *sessions_.at(key);
      auto& ports = s.l2tp_client_ports;
      if (std::find(ports.begin(), ports.end(), client_port) == ports.end() && ports.size() < 16) {
        ports.push_back(client_port);
      }
    }
  }
}

void SessionTracker::expire(double now) {
  while (!by_activity_.empty()) {
    if (now - by_activity_.front().last_time < kGiveUpHorizon) return;
    finish(sessions_.find(by_activity_.front().key), now, Why::kIdle);
  }
}

void SessionTracker::finish_all(double capture_end) {
  std::vector<std::pair<std::uint64_t, SaKey>> open;
  open.reserve(sessions_.size());
  for (const auto& [key, session] : sessions_) open.emplace_back(session->order, key);
  std::sort(open.begin(), open.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, key] : open) finish(sessions_.find(key), capture_end, Why::kEnd);
}

namespace {

using Session = SessionTracker::Session;

struct Verdict {
  std::string verdict;  // established, failed, timed_out, incomplete
  std::string reason;
  std::optional<std::uint16_t> notify;
  std::uint32_t windows_error = 0;
  std::optional<std::uint16_t> child_failure;  // IKE SA up, its first CHILD_SA refused
  std::vector<MessageSummary> last_request_sends;
  bool unanswered = false;       // the last request has no response after it
  bool from_unanswered = false;  // the verdict rests on that unanswered request
  double silence = 0;            // how long the capture goes on after its last send
  bool evicted = false;          // judged early: more SAs were open than the tracker keeps
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

std::vector<double> schedule(const std::vector<MessageSummary>& sent) {
  std::vector<double> intervals;
  for (std::size_t i = 1; i < sent.size(); ++i) {
    intervals.push_back(std::round((sent[i].time - sent[i - 1].time) * 1000.0) / 1000.0);
  }
  return intervals;
}

bool is_request(const Session& s, const MessageSummary& m) {
  return s.version == 2 ? !m.response : m.from_initiator;
}

std::string exchange_of(const Session& s, std::uint8_t exchange) {
  return exchange_name(s.version, exchange);
}

// The first error notify that ended the SA: in a response (IKEv2) or any message (IKEv1). An
// INVALID_KE_PAYLOAD followed by a new IKE_SA_INIT is recoverable and does not count.
const MessageSummary* fatal_message(const Session& s, std::uint16_t& notify) {
  const MessageSummary* fatal = nullptr;
  for (const auto& msg : s.messages) {
    for (std::uint16_t n : msg.notifies) {
      if (fatal != nullptr || !notify_is_error(s.version, n)) continue;
      if (s.version == 2 && !msg.response) continue;
      fatal = &msg;
      notify = n;
    }
  }
  if (fatal == nullptr || s.version != 2 || notify != 17) return fatal;
  bool retried = std::any_of(s.messages.begin(), s.messages.end(), [&](const MessageSummary& m) {
    return m.time > fatal->time && m.exchange == 34 && !m.response;
  });
  return retried ? nullptr : fatal;
}

// The last request, its retransmissions, whether anything answered it, and how long the capture
// goes on after its last send.
void find_last_request(const Session& s, double capture_end, Verdict& v) {
  const MessageSummary* last = nullptr;
  for (const auto& m : s.messages) {
    if (is_request(s, m)) last = &m;
  }
  if (last == nullptr) return;
  for (const auto& m : s.messages) {
    if (is_request(s, m) && m.from_initiator == last->from_initiator &&
        m.message_id == last->message_id && m.exchange == last->exchange &&
        m.length == last->length) {
      v.last_request_sends.push_back(m);
    }
  }
  const auto& first = v.last_request_sends.front();
  v.unanswered = std::none_of(s.messages.begin(), s.messages.end(), [&](const MessageSummary& m) {
    if (m.time < first.time) return false;
    if (s.version == 2) return m.response && m.message_id == first.message_id;
    return m.from_initiator != first.from_initiator;
  });
  v.silence = std::max(0.0, capture_end - v.last_request_sends.back().time);
}

std::string sends_text(const std::vector<MessageSummary>& sends) {
  if (sends.size() == 1) return "sent once";
  return fmt::format("sent {} times over {:.1f} s", sends.size(),
                     sends.back().time - sends.front().time);
}

// An unanswered request is a timeout only when the capture shows the initiator gave up: it goes
// on for longer than any initiator keeps retransmitting (kGiveUpHorizon) without a further send.
// Otherwise the capture simply ended too soon to tell.
void judge_unanswered(const Session& s, Verdict& v) {
  v.from_unanswered = true;
  const auto& req = v.last_request_sends.front();
  std::string what =
      fmt::format("{} request (message ID {}) {}, never answered", exchange_of(s, req.exchange),
                  req.message_id, sends_text(v.last_request_sends));
  if (v.silence >= kGiveUpHorizon) {
    v.verdict = "timed_out";
    v.windows_error = 13805;
    v.reason = fmt::format(
        "{}; the capture goes on {:.1f} s after the last send without another: the initiator "
        "gave up (initiators stop within {:.0f} s: RFC 7296 2.1, strongSwan's default schedule, "
        "Windows' retransmitDurationSecs)",
        what, v.silence, kGiveUpHorizon);
    if (req.ip_fragmented) {
      v.reason +=
          "; it was IP-fragmented: fragments are likely dropped on the path "
          "(enable IKEv2 fragmentation, RFC 7383)";
    }
    return;
  }
  v.verdict = "incomplete";
  if (v.evicted) {
    v.reason = fmt::format(
        "{}: still unanswered {:.1f} s after {} when more SAs were open than ikedecode keeps "
        "(the least recently active is judged early), so a timeout is not shown",
        what, v.silence, v.last_request_sends.size() == 1 ? "the request" : "its last send");
    return;
  }
  v.reason = fmt::format(
      "{}: the capture ends {:.1f} s after {}, before the initiator would give up (up to {:.0f} "
      "s: RFC 7296 2.1, strongSwan's default schedule), so a timeout is not shown; capture for "
      "longer",
      what, v.silence, v.last_request_sends.size() == 1 ? "the request" : "its last send",
      kGiveUpHorizon);
}

void judge_v2_progress(const Session& s, Verdict& v) {
  const auto& msgs = s.messages;
  const MessageSummary* auth_response = nullptr;
  for (const auto& m : msgs) {
    if (m.exchange == 35 && m.response && !m.retransmission) auth_response = &m;
  }
  bool later_exchanges = std::any_of(msgs.begin(), msgs.end(), [](const MessageSummary& m) {
    return (m.exchange == 36 || m.exchange == 37) && m.response;
  });
  bool init_done = std::any_of(msgs.begin(), msgs.end(), [](const MessageSummary& m) {
    return m.exchange == 34 && m.response;
  });
  v.verdict = "established";
  if (v.child_failure) {
    v.reason = fmt::format("IKE SA established, but its first CHILD_SA was refused with {}",
                           notify_name(2, *v.child_failure));
  } else if (auth_response != nullptr && auth_response->decrypted) {
    v.reason = fmt::format("IKE_AUTH completed (frame {}, decrypted)", auth_response->frame);
  } else if (auth_response != nullptr && later_exchanges) {
    v.reason = "IKE_AUTH answered and later exchanges were protected with the SA's keys";
  } else if (auth_response != nullptr && auth_response->encrypted_length <= 96) {
    v.verdict = "failed";
    v.windows_error = 13801;
    v.reason = fmt::format(
        "IKE_AUTH answered with only {} encrypted bytes and the SA was never used: likely an "
        "error notify such as AUTHENTICATION_FAILED (decrypt with --keys to confirm)",
        auth_response->encrypted_length);
  } else if (auth_response != nullptr) {
    v.reason = fmt::format("IKE_AUTH answered with {} encrypted bytes (frame {})",
                           auth_response->encrypted_length, auth_response->frame);
  } else {
    v.verdict = "incomplete";
    v.reason = init_done ? "IKE_SA_INIT completed; IKE_AUTH not in the capture"
                         : "no complete exchange in the capture";
  }
}

void judge_v1_progress(const Session& s, Verdict& v) {
  const auto& msgs = s.messages;
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
    return;
  }
  v.verdict = "incomplete";
  v.reason = fmt::format("{}: the responder answered {} message(s), the initiator sent {}",
                         exchange_of(s, s.first_exchange), responder_msgs, initiator_msgs);
  if (responder_msgs >= 1 && initiator_msgs == 1) {
    v.reason += " (a probe such as ike-scan, or the initiator gave up)";
  }
}

// The SA's verdict from its messages and the time the capture reached (`capture_end`).
Verdict judge(const Session& s, double capture_end, bool evicted) {
  Verdict v;
  v.evicted = evicted;
  std::uint16_t fatal_notify = 0;
  const MessageSummary* fatal = fatal_message(s, fatal_notify);
  // An error notify next to an AUTH payload in IKE_AUTH: the IKE SA is up, its first CHILD_SA
  // was refused (RFC 7296 1.2: NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE... about the child only).
  if (fatal != nullptr && s.version == 2 && fatal->exchange == 35 && fatal->has_auth) {
    v.child_failure = fatal_notify;
    fatal = nullptr;
  }
  find_last_request(s, capture_end, v);
  bool any_response = std::any_of(s.messages.begin(), s.messages.end(),
                                  [&](const MessageSummary& m) { return !is_request(s, m); });
  if (fatal != nullptr) {
    v.verdict = "failed";
    v.notify = fatal_notify;
    v.windows_error = windows_error_for_notify(s.version, fatal_notify);
    v.reason = fmt::format("{} answered with {} (frame {})", exchange_of(s, fatal->exchange),
                           notify_name(s.version, fatal_notify), fatal->frame);
  } else if (v.unanswered && (!any_response || v.last_request_sends.size() >= 2)) {
    judge_unanswered(s, v);
  } else if (s.version == 2) {
    judge_v2_progress(s, v);
  } else {
    judge_v1_progress(s, v);
  }
  return v;
}

SaReport sa_report(const Session& s, const Verdict& v) {
  SaReport sa;
  sa.version = s.version;
  sa.spi_i = hex(s.spi_i);
  sa.spi_r = hex(s.spi_r);
  sa.initiator = fmt::format("{}:{}", s.initiator.to_string(), s.initiator_port);
  sa.responder = fmt::format("{}:{}", s.responder.to_string(), s.responder_port);
  sa.first_exchange = exchange_of(s, s.first_exchange);
  sa.start = seckit::out::rfc3339(s.first_sec, s.first_usec);
  sa.first_time = s.first_time;
  sa.duration = std::round((s.last_time - s.first_time) * 1e6) / 1e6;
  sa.messages = s.messages.size() + s.dropped_messages;
  sa.retransmissions = static_cast<std::size_t>(std::count_if(
      s.messages.begin(), s.messages.end(), [](auto& m) { return m.retransmission; }));
  sa.verdict = v.verdict;
  sa.reason = v.reason;
  if (v.notify) sa.notify = notify_name(s.version, *v.notify);
  if (v.windows_error != 0) sa.windows_error = windows_ike_error(v.windows_error);
  if (v.from_unanswered) {
    sa.from_unanswered = true;
    sa.retransmission_schedule = schedule(v.last_request_sends);
    sa.capture_after_last_request = std::round(v.silence * 1e6) / 1e6;
  }
  sa.nat_t = s.natt;
  sa.certificates = s.certificates;
  sa.ladder = &s.messages;
  sa.security = s.security.summarize(s.version);
  sa.l2tp_client_ports = s.l2tp_client_ports;
  if (v.child_failure) sa.child_sa_notify = notify_name(2, *v.child_failure);
  sa.details = s.details.details();
  return sa;
}

void l2tp_findings(const SaReport& sa, std::vector<Finding>& findings) {
  const auto& ports = sa.l2tp_client_ports;
  if (std::any_of(ports.begin(), ports.end(), [](std::uint16_t p) { return p != 1701; })) {
    findings.push_back({"l2tp-source-port",
                        Severity::kWarning,
                        "L2TP client does not use UDP source port 1701 (macOS/iOS behaviour); "
                        "TMG/RRAS L2TP policies that expect 1701 drop it",
                        {{"ports", ports}},
                        nullptr});
  }
}

void verdict_findings(const SaReport& sa, const Verdict& v, std::vector<Finding>& findings) {
  if (sa.child_sa_notify) {
    const std::string& notify = *sa.child_sa_notify;
    findings.push_back({"child-sa-failed",
                        Severity::kError,
                        fmt::format("IKE SA {}: CHILD_SA refused with {}", sa.spi_i, notify),
                        {{"spi_i", sa.spi_i}, {"notify", notify}},
                        windows_ike_error(windows_error_for_notify(2, *v.child_failure))});
  }
  if (v.verdict == "failed" || v.verdict == "timed_out") {
    Finding f;
    f.code = v.verdict == "failed" ? "ike-sa-failed" : "ike-sa-timed-out";
    f.severity = Severity::kError;
    f.message = fmt::format("IKE SA {} {}: {}", sa.spi_i,
                            v.verdict == "failed" ? "failed" : "timed out", v.reason);
    f.details = {{"spi_i", sa.spi_i}, {"spi_r", sa.spi_r}};
    f.windows_error = sa.windows_error;
    findings.insert(findings.begin(), f);
  }
}

}  // namespace

void SessionTracker::finish(SessionMap::iterator it, double now, Why why) {
  Session& s = *it->second;
  Verdict v = judge(s, now, why == Why::kEvicted);
  SaReport sa = sa_report(s, v);
  std::vector<Finding> findings;
  SaSecurity::add_findings(sa.security, sa.spi_i, findings);
  l2tp_findings(sa, findings);
  verdict_findings(sa, v, findings);
  if (on_sa_) on_sa_(sa, findings);
  by_activity_.erase(s.activity);
  if (s.version == 1) {
    auto pair = v1_by_addresses_.find(address_pair(s.initiator, s.responder));
    auto& keys = pair->second;
    keys.erase(std::find(keys.begin(), keys.end(), it->first));
    if (keys.empty()) v1_by_addresses_.erase(pair);
  }
  sessions_.erase(it);
}

}  // namespace ikedecode
