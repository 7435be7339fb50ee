#include "ike_output.hpp"

#include <fmt/format.h>

#include "ike_tables.hpp"

namespace ikedecode {
namespace {

// "sent again after 1.0, 1.4, 2.0 and 2.7 s; nothing for 0.0 s after the last send"
std::string retransmits_sentence(const Json& sa) {
  std::vector<std::string> gaps;
  for (const auto& gap : sa["retransmission_schedule"]) {
    gaps.push_back(fmt::format("{:.1f}", gap.get<double>()));
  }
  std::string list;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == gaps.size() ? " and " : ", ") + gaps[i];
  }
  std::string out = gaps.empty() ? "sent once" : fmt::format("sent again after {} s", list);
  if (sa.contains("capture_after_last_request")) {
    out += fmt::format("; the capture goes on {:.1f} s after the last send",
                       sa["capture_after_last_request"].get<double>());
  }
  return out;
}

std::string side_nat(const Json& nat, const char* key, const char* who) {
  if (!nat.contains(key)) return fmt::format("NAT-D tells nothing about the {}", who);
  return fmt::format("the {} is {}behind a NAT", who, nat[key].get<bool>() ? "" : "not ");
}

// "the initiator is behind a NAT, the responder is not behind a NAT (NAT-D hashes ...)"
std::string nat_sentence(const Json& nat) {
  std::string out = side_nat(nat, "initiator_behind_nat", "initiator") + ", " +
                    side_nat(nat, "responder_behind_nat", "responder");
  if (nat.contains("note")) out += " (" + nat["note"].get<std::string>() + ")";
  return out;
}

}  // namespace

bool EmitterSink::wants_message_json() const { return choice_.messages && tool_.emitter().json(); }

void EmitterSink::message(const Json& data, const IkeMessage& m, const IkeContext& ctx,
                          const MessageRelation& rel) {
  if (!choice_.messages) return;
  auto& e = tool_.emitter();
  if (e.json()) {
    e.record("ike_message", data);
    return;
  }
  // One ladder line per message: frame, relative time, endpoints, exchange, payloads.
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
  if (data.contains("inference")) line += " " + style.yellow(data["inference"].get<std::string>());
  e.line(line);
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

void EmitterSink::anomaly(const Json& data) {
  auto& e = tool_.emitter();
  if (e.json()) {
    e.record("anomaly", data);
    return;
  }
  e.line(tool_.style().yellow(fmt::format("anomaly: frame {}: {}: {}", data.value("frame", 0),
                                          data.value("code", ""), data.value("message", ""))));
}

void EmitterSink::sa(const Json& data, const std::vector<seckit::out::Finding>& findings) {
  auto& e = tool_.emitter();
  if (choice_.sessions) {
    if (e.json()) {
      e.record("ike_sa", data);
    } else {
      const auto& style = tool_.style();
      std::string verdict = data.value("verdict", "");
      std::string shown = verdict == "established"  ? style.green(verdict)
                          : verdict == "incomplete" ? style.yellow(verdict)
                                                    : style.red(verdict);
      e.line("");
      e.line(style.bold(fmt::format("IKEv{} SA {}/{}  {} -> {}", data.value("version", "?")[0],
                                    data.value("spi_i", ""), data.value("spi_r", ""),
                                    data.value("initiator", ""), data.value("responder", ""))));
      seckit::out::KeyValue kv;
      kv.add("verdict", shown + ": " + data.value("reason", ""));
      if (data.contains("windows_error")) {
        const Json& w = data["windows_error"];
        // Event logs print Win32 errors (13805) in decimal, HRESULTs in hex.
        std::string number = w.contains("win32") ? std::to_string(w.value("win32", 0))
                                                 : w.value("hex", std::string());
        kv.add("windows",
               fmt::format("{} ({}) {}", number, w.value("name", ""), w.value("message", "")));
      }
      if (data.contains("retransmission_schedule")) {
        kv.add("retransmits", retransmits_sentence(data));
      }
      if (data.contains("offered_proposals")) {
        kv.add("offered", data.value("offered_proposals", ""));
        kv.add("fingerprint", data.value("proposal_fingerprint", ""));
      }
      if (data.contains("accepted_proposal"))
        kv.add("accepted", data.value("accepted_proposal", ""));
      if (data.contains("nat")) kv.add("nat", nat_sentence(data["nat"]));
      if (data.contains("psk_crack")) kv.add("psk-crack", data.value("psk_crack", ""));
      kv.add("messages", fmt::format("{} ({} retransmissions)", data.value("messages", 0),
                                     data.value("retransmissions", 0)));
      e.line(kv.render(2));
    }
  }
  for (const auto& f : findings) finding(f);
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
