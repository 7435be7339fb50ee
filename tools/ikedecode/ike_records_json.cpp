// The ike_message and ike_sa records, written with the streaming writer from the typed events
// the capture driver and the session tracker hand to the sink (no tree per record: building and
// freeing them was most of ikedecode's time on dense captures).
#include <fmt/format.h>

#include <cmath>

#include "ike_capture.hpp"
#include "ike_tables.hpp"

namespace ikedecode {

using seckit::out::JsonWriter;

namespace {

double micro_round(double seconds) { return std::round(seconds * 1e6) / 1e6; }

void write_source(JsonWriter& w, const MessageEvent& e) {
  const IkeContext& ctx = e.ctx;
  w.begin_object().field("pcap", e.pcap).field("frame", ctx.info.frame);
  w.field("time", seckit::out::rfc3339(ctx.info.ts_sec, ctx.info.ts_usec));
  w.field("src", ctx.src.to_string()).field("src_port", ctx.src_port);
  w.field("dst", ctx.dst.to_string()).field("dst_port", ctx.dst_port);
  w.field("transport", ctx.tcp ? "tcp" : ctx.non_esp_marker ? "udp-natt" : "udp");
  if (!ctx.ip_fragment_frames.empty()) {
    w.key("ip_fragment_frames").begin_array();
    for (std::uint64_t frame : ctx.ip_fragment_frames) w.value(frame);
    w.end_array();
  }
  if (e.nonstandard_port) w.field("nonstandard_port", true);
  w.end_object();
}

void write_nat_detection(JsonWriter& w, const NatDetection& n) {
  w.begin_object().field("hash", n.hash);
  if (n.source_matches) {
    w.field("source_matches", *n.source_matches).field("source_expected", n.source_expected);
  }
  if (n.destination_matches) {
    w.field("destination_matches", *n.destination_matches);
    w.field("destination_expected", n.destination_expected);
  }
  w.end_object();
}

template <typename Number>
void write_array(JsonWriter& w, std::string_view key, const std::vector<Number>& values) {
  w.key(key).begin_array();
  for (const Number& v : values) w.value(v);
  w.end_array();
}

void write_ladder(JsonWriter& w, const SaReport& sa) {
  w.key("ladder").begin_array();
  for (const MessageSummary& m : *sa.ladder) {
    w.begin_object().field("frame", m.frame).field("time", micro_round(m.time - sa.first_time));
    w.field("direction", m.from_initiator ? "i->r" : "r->i");
    w.field("exchange", exchange_name(sa.version, m.exchange));
    w.field("message_id", m.message_id).field("length", m.length).field("payloads", m.payloads);
    if (sa.version == 2) w.field("response", m.response);
    if (m.retransmission) w.field("retransmission", true);
    if (m.ip_fragmented) w.field("ip_fragmented", true);
    w.end_object();
  }
  w.end_array();
}

void write_security(JsonWriter& w, const SecuritySummary& s) {
  if (!s.offered_proposals.empty()) {
    w.field("offered_proposals", s.offered_proposals);
    w.field("proposal_fingerprint", s.proposal_fingerprint);
  }
  if (!s.accepted_proposal.empty()) w.field("accepted_proposal", s.accepted_proposal);
  if (s.ke_group_initiator) w.field("ke_group_initiator", *s.ke_group_initiator);
  if (s.ke_group_responder) w.field("ke_group_responder", *s.ke_group_responder);
  if (s.nat) {
    w.key("nat").begin_object();
    if (s.nat->initiator_behind_nat) w.field("initiator_behind_nat", *s.nat->initiator_behind_nat);
    if (s.nat->responder_behind_nat) w.field("responder_behind_nat", *s.nat->responder_behind_nat);
    if (s.nat->behind_nat()) w.field("note", kNatNote);
    w.end_object();
  }
  if (!s.weak_crypto.empty()) {
    write_array(w, "weak_crypto", s.weak_crypto);
  } else if (!s.weak_crypto_offered.empty()) {
    write_array(w, "weak_crypto_offered", s.weak_crypto_offered);
  }
  if (!s.psk_crack.empty()) w.field("psk_crack", s.psk_crack);
}

void write_named(JsonWriter& w, std::string_view key, const std::optional<NamedNumber>& named) {
  if (named)
    w.key(key).begin_object().field("id", named->id).field("name", named->name).end_object();
}

void write_identity(JsonWriter& w, std::string_view key, const std::optional<Identity>& id) {
  if (!id) return;
  w.key(key).begin_object().field("type", id->type).field("type_name", id->type_name);
  w.field("value", id->value).end_object();
}

void write_selectors(JsonWriter& w, std::string_view key, const std::vector<Selector>& list) {
  w.key(key).begin_array();
  for (const Selector& s : list) {
    w.begin_object().field("type", s.type).field("type_name", s.type_name);
    w.field("ip_protocol", s.ip_protocol);
    if (!s.start_address.empty()) {
      w.field("start_port", s.start_port).field("end_port", s.end_port);
      w.field("start_address", s.start_address).field("end_address", s.end_address);
    }
    w.end_object();
  }
  w.end_array();
}

void write_proposal(JsonWriter& w, std::string_view key,
                    const std::optional<NegotiatedProposal>& p) {
  if (!p) return;
  w.key(key).begin_object().field("protocol", p->protocol);
  if (p->encryption) {
    w.key("encryption").begin_object().field("id", p->encryption->id);
    w.field("name", p->encryption->name);
    if (p->key_length) w.field("key_length", *p->key_length);
    w.end_object();
  }
  write_named(w, "prf", p->prf);
  write_named(w, "integrity", p->integrity);
  write_named(w, "hash", p->hash);
  write_named(w, "dh_group", p->dh_group);
  write_named(w, "esn", p->esn);
  w.end_object();
}

// The per-SA details: each object only when the capture showed it in a readable payload.
void write_details(JsonWriter& w, const SaDetails& d) {
  if (d.identity_i || d.identity_r) {
    w.key("identities").begin_object();
    write_identity(w, "initiator", d.identity_i);
    write_identity(w, "responder", d.identity_r);
    w.end_object();
  }
  if (d.auth_i || d.auth_r || d.auth_negotiated) {
    w.key("authentication").begin_object();
    write_named(w, "initiator", d.auth_i);
    write_named(w, "responder", d.auth_r);
    write_named(w, "negotiated", d.auth_negotiated);
    w.end_object();
  }
  if (!d.ts_from.empty()) {
    w.key("traffic_selectors").begin_object().field("from", d.ts_from);
    write_selectors(w, "initiator", d.ts_i);
    write_selectors(w, "responder", d.ts_r);
    w.end_object();
  }
  if (d.ike || d.child) {
    w.key("negotiated").begin_object();
    write_proposal(w, "ike", d.ike);
    write_proposal(w, "child", d.child);
    w.end_object();
  }
}

}  // namespace

void write_message_record(JsonWriter& w, const MessageEvent& e) {
  const MessageRelation& rel = e.relation;
  w.begin_object().key("source");
  write_source(w, e);
  write_message_fields(w, e.message);
  w.field("direction", rel.direction);
  if (rel.retransmission) {
    w.field("retransmission", true)
        .field("retransmit_interval", micro_round(*rel.retransmit_interval));
  }
  if (rel.request_frame) {
    w.field("request_frame", *rel.request_frame);
    w.field("response_time", micro_round(*rel.response_time));
  }
  if (rel.nat_detection) {
    w.key("nat_detection");
    write_nat_detection(w, *rel.nat_detection);
  }
  if (e.skf != nullptr) {
    w.key("skf_reassembled").begin_object().field("total_fragments", e.skf->total_fragments);
    write_array(w, "frames", e.skf->frames);
    w.field("decrypted", e.skf->decrypted).end_object();
  }
  if (e.inference) w.field("inference", *e.inference);
  w.end_object();
}

void write_anomaly_record(JsonWriter& w, const seckit::Anomaly& a, std::string_view pcap) {
  w.begin_object().field("pcap", pcap).field("frame", a.frame);
  w.field("code", a.code).field("message", a.message).field("count", a.count);
  if (a.count > 1) w.field("last_frame", a.last_frame);
  w.end_object();
}

Json anomaly_record_json(const seckit::Anomaly& anomaly, std::string_view pcap) {
  std::string text;
  JsonWriter w(text);
  write_anomaly_record(w, anomaly, pcap);
  return Json::parse(text);
}

Json message_record_json(const MessageEvent& event) {
  std::string text;
  JsonWriter w(text);
  write_message_record(w, event);
  return Json::parse(text);
}

void write_sa_record(JsonWriter& w, const SaReport& sa) {
  w.begin_object().field("version", fmt::format("{}.0", sa.version));
  w.field("spi_i", sa.spi_i).field("spi_r", sa.spi_r);
  w.field("initiator", sa.initiator).field("responder", sa.responder);
  w.field("first_exchange", sa.first_exchange).field("start", sa.start);
  w.field("duration", sa.duration).field("messages", sa.messages);
  w.field("retransmissions", sa.retransmissions);
  w.field("verdict", sa.verdict).field("reason", sa.reason);
  if (sa.notify) w.field("notify", *sa.notify);
  if (!sa.windows_error.is_null()) {
    w.key("windows_error")
        .raw(sa.windows_error.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  if (sa.from_unanswered) {
    write_array(w, "retransmission_schedule", sa.retransmission_schedule);
    w.field("capture_after_last_request", sa.capture_after_last_request);
  }
  w.field("nat_t", sa.nat_t).field("certificates", sa.certificates);
  write_ladder(w, sa);
  write_security(w, sa.security);
  write_details(w, sa.details);
  if (!sa.l2tp_client_ports.empty()) write_array(w, "l2tp_client_ports", sa.l2tp_client_ports);
  if (sa.child_sa_notify) {
    w.key("child_sa").begin_object().field("verdict", "failed");
    w.field("notify", *sa.child_sa_notify).end_object();
  }
  w.end_object();
}

Json sa_record_json(const SaReport& sa) {
  std::string text;
  JsonWriter w(text);
  write_sa_record(w, sa);
  return Json::parse(text);
}

}  // namespace ikedecode
