#include "ike_output.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "ike_tables.hpp"

namespace ikedecode {
namespace {

// "sent again after 1.0, 1.4, 2.0 and 2.7 s; the capture goes on 170.0 s after the last send"
std::string retransmits_sentence(const SaReport& sa) {
  std::vector<std::string> gaps;
  for (double gap : sa.retransmission_schedule) gaps.push_back(fmt::format("{:.1f}", gap));
  std::string list;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == gaps.size() ? " and " : ", ") + gaps[i];
  }
  std::string out = gaps.empty() ? "sent once" : fmt::format("sent again after {} s", list);
  out += fmt::format("; the capture goes on {:.1f} s after the last send",
                     sa.capture_after_last_request);
  return out;
}

std::string side_nat(const std::optional<bool>& behind, const char* who) {
  if (!behind) return fmt::format("NAT-D tells nothing about the {}", who);
  return fmt::format("the {} is {}behind a NAT", who, *behind ? "" : "not ");
}

// "the initiator is behind a NAT, the responder is not behind a NAT (NAT-D hashes ...)"
std::string nat_sentence(const NatSummary& nat) {
  std::string out = side_nat(nat.initiator_behind_nat, "initiator") + ", " +
                    side_nat(nat.responder_behind_nat, "responder");
  if (nat.behind_nat()) out += fmt::format(" ({})", kNatNote);
  return out;
}

std::string identity_text(const std::optional<Identity>& id) {
  return id ? fmt::format("{} ({})", id->value, id->type_name) : "not seen";
}

std::string selector_text(const Selector& s) {
  if (s.start_address.empty()) return s.type_name;
  std::string out = s.start_address == s.end_address
                        ? s.start_address
                        : fmt::format("{}-{}", s.start_address, s.end_address);
  if (s.ip_protocol != 0) out += fmt::format(" protocol {}", s.ip_protocol);
  if (s.start_port != 0 || s.end_port != 65535) {
    out += s.start_port == s.end_port ? fmt::format(" port {}", s.start_port)
                                      : fmt::format(" ports {}-{}", s.start_port, s.end_port);
  }
  return out;
}

std::string selectors_text(const std::vector<Selector>& list) {
  std::vector<std::string> parts;
  parts.reserve(list.size());
  for (const Selector& s : list) parts.push_back(selector_text(s));
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

// "ENCR_AES_CBC/128, PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, CURVE25519" after the protocol.
std::string proposal_text(const NegotiatedProposal& p) {
  std::vector<std::string> parts;
  if (p.encryption) {
    parts.push_back(p.encryption->name +
                    (p.key_length ? fmt::format("/{}", *p.key_length) : std::string()));
  }
  for (const auto* named : {&p.prf, &p.integrity, &p.hash, &p.dh_group, &p.esn}) {
    if (*named) parts.push_back((*named)->name);
  }
  return fmt::format("{}: {}", p.protocol, fmt::join(parts, ", "));
}

std::string auth_text(const SaDetails& d) {
  if (d.auth_negotiated) return d.auth_negotiated->name + " (the accepted transform's)";
  return fmt::format("initiator {}, responder {}", d.auth_i ? d.auth_i->name : "not seen",
                     d.auth_r ? d.auth_r->name : "not seen");
}

bool undecrypted_messages(const SaReport& sa) {
  return std::any_of(sa.ladder->begin(), sa.ladder->end(),
                     [](const MessageSummary& m) { return m.encrypted && !m.decrypted; });
}

// The -v lines: who, how, what was agreed. Absent ones say why rather than guess.
void add_details(seckit::out::KeyValue& kv, const SaReport& sa) {
  const SaDetails& d = sa.details;
  if (d.identity_i || d.identity_r) {
    kv.add("identities",
           fmt::format("{} -> {}", identity_text(d.identity_i), identity_text(d.identity_r)));
  }
  if (d.auth_i || d.auth_r || d.auth_negotiated) kv.add("auth", auth_text(d));
  if (!d.ts_from.empty()) {
    kv.add("selectors",
           fmt::format("{} === {} ({})", selectors_text(d.ts_i), selectors_text(d.ts_r),
                       d.ts_from == "response" ? "agreed in the IKE_AUTH response"
                                               : "proposed; no readable response"));
  }
  if (d.ike) kv.add("ike-sa", proposal_text(*d.ike));
  if (d.child) kv.add("child-sa", proposal_text(*d.child));
  if (!d.identity_i && !d.identity_r && undecrypted_messages(sa)) {
    kv.add("identities", sa.version == 2 ? "encrypted in IKE_AUTH (pass --keys to read them)"
                                         : "encrypted (pass --keys to read them)");
  }
}

}  // namespace

void EmitterSink::message(const MessageEvent& event) {
  if (!choice_.messages) return;
  auto& e = tool_.emitter();
  if (e.json()) {
    e.write_record("ike_message",
                   [&](seckit::out::JsonWriter& w) { write_message_record(w, event); });
    return;
  }
  message_line(event);
}

// One ladder line per message: frame, relative time, endpoints, exchange, payloads.
void EmitterSink::message_line(const MessageEvent& event) {
  const IkeMessage& m = event.message;
  const IkeContext& ctx = event.ctx;
  const MessageRelation& rel = event.relation;
  double t = ctx.info.time();
  if (first_time_ < 0) first_time_ = t;
  const auto& style = tool_.style();
  std::string kind = m.major == 2 ? (m.is_response() ? "response" : "request") : "";
  std::string line =
      fmt::format("{:>6} {:>9.3f}  {:>21} -> {:<21} {} {}{} mid={} [ {} ] {}B", ctx.info.frame,
                  t - first_time_, fmt::format("{}:{}", ctx.src.to_string(), ctx.src_port),
                  fmt::format("{}:{}", ctx.dst.to_string(), ctx.dst_port),
                  m.major == 2 ? "IKEv2" : "IKEv1", style.bold(exchange_name(m.major, m.exchange)),
                  kind.empty() ? "" : " " + kind, m.message_id, payload_summary(m), m.raw.size());
  if (rel.retransmission) {
    line += style.yellow(fmt::format(" (retransmission +{:.1f}s)", *rel.retransmit_interval));
  }
  if (!ctx.ip_fragment_frames.empty()) {
    line += style.dim(
        fmt::format(" (IP-reassembled from {} fragments)", ctx.ip_fragment_frames.size()));
  }
  for (const Payload& p : m.payloads) {
    const Notify* n = p.notify();
    if (n != nullptr && notify_is_error(m.major, n->type)) {
      line += " " + style.red(notify_name(m.major, n->type));
    }
  }
  if (event.inference) line += " " + style.yellow(*event.inference);
  tool_.emitter().line(line);
}

void EmitterSink::certificate(const Json& data) {
  if (!choice_.certificates) return;
  auto& e = tool_.emitter();
  if (e.json()) {
    e.record("certificate", data);
    return;
  }
  const Json& s = data["source"];
  e.line(fmt::format(
      "       certificate from the {} in frame {} ({} bytes of DER; --json for the "
      "record certcheck reads)",
      s.value("sender", ""), s.value("frame", 0), data["der"].get<std::string>().size() * 3 / 4));
}

void EmitterSink::anomaly(const seckit::Anomaly& a, std::string_view pcap) {
  auto& e = tool_.emitter();
  if (e.json()) {
    e.write_record("anomaly",
                   [&](seckit::out::JsonWriter& w) { write_anomaly_record(w, a, pcap); });
    return;
  }
  std::string repeats =
      a.count > 1 ? fmt::format(" (seen {} times, last in frame {})", a.count, a.last_frame) : "";
  e.line(tool_.style().yellow(
      fmt::format("anomaly: frame {}: {}: {}{}", a.frame, a.code, a.message, repeats)));
}

void EmitterSink::sa(const SaReport& sa, const std::vector<seckit::out::Finding>& findings) {
  auto& e = tool_.emitter();
  if (choice_.sessions) {
    if (e.json()) {
      e.write_record("ike_sa", [&](seckit::out::JsonWriter& w) { write_sa_record(w, sa); });
    } else {
      sa_text(sa);
    }
  }
  for (const auto& f : findings) finding(f);
}

void EmitterSink::sa_text(const SaReport& sa) {
  auto& e = tool_.emitter();
  const auto& style = tool_.style();
  const std::string& verdict = sa.verdict;
  std::string shown = verdict == "established"  ? style.green(verdict)
                      : verdict == "incomplete" ? style.yellow(verdict)
                                                : style.red(verdict);
  e.line("");
  e.line(style.bold(fmt::format("IKEv{} SA {}/{}  {} -> {}", sa.version, sa.spi_i, sa.spi_r,
                                sa.initiator, sa.responder)));
  seckit::out::KeyValue kv;
  kv.add("verdict", shown + ": " + sa.reason);
  if (!sa.windows_error.is_null()) {
    const Json& w = sa.windows_error;
    // Event logs print Win32 errors (13805) in decimal, HRESULTs in hex.
    std::string number =
        w.contains("win32") ? std::to_string(w.value("win32", 0)) : w.value("hex", std::string());
    kv.add("windows",
           fmt::format("{} ({}) {}", number, w.value("name", ""), w.value("message", "")));
  }
  if (sa.from_unanswered) kv.add("retransmits", retransmits_sentence(sa));
  if (!sa.security.offered_proposals.empty()) {
    kv.add("offered", sa.security.offered_proposals);
    kv.add("fingerprint", sa.security.proposal_fingerprint);
  }
  if (!sa.security.accepted_proposal.empty()) kv.add("accepted", sa.security.accepted_proposal);
  if (sa.security.nat) kv.add("nat", nat_sentence(*sa.security.nat));
  if (!sa.security.psk_crack.empty()) kv.add("psk-crack", sa.security.psk_crack);
  if (choice_.verbose) add_details(kv, sa);
  kv.add("messages", fmt::format("{} ({} retransmissions)", sa.messages, sa.retransmissions));
  e.line(kv.render(2));
}

void EmitterSink::finding(const seckit::out::Finding& f) {
  auto& e = tool_.emitter();
  e.finding(f);
  if (!e.json()) {
    e.line(fmt::format(
        "  {}: {}",
        tool_.style().severity(f.severity, std::string(seckit::out::severity_name(f.severity))),
        f.message));
  }
}

}  // namespace ikedecode
