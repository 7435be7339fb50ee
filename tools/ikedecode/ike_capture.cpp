#include "ike_capture.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "ike_tables.hpp"
#include "ike_verdict.hpp"
#include "seckit/enc.hpp"

namespace ikedecode {

using seckit::net::Transport;
using seckit::net::TransportKind;

Json CaptureCounts::to_json() const {
  return {{"frames", frames},
          {"bytes", bytes},
          {"ip_fragments", ip_fragments},
          {"ip_reassembled", ip_reassembled},
          {"ike_messages", ike_messages},
          {"ike_malformed", ike_malformed},
          {"decrypted", decrypted},
          {"esp_packets", esp},
          {"nat_keepalives", nat_keepalives},
          {"l2tp_packets", l2tp},
          {"certificates", certificates},
          {"anomalies", anomalies},
          {"sas", sas},
          {"established", established},
          {"failed", failed},
          {"timed_out", timed_out},
          {"incomplete", incomplete}};
}

// RFC 8229 framing state of one TCP direction: "IKETCP" once from the initiator, then
// length-prefixed records (2-byte length including itself), IKE behind a non-ESP marker.
struct CaptureAnalyzer::TcpFraming {
  bool prefix_checked = false;
  std::vector<std::uint8_t> buffer;
  std::uint64_t frame = 0;
};

CaptureAnalyzer::CaptureAnalyzer(CaptureOptions options, RecordSink& sink)
    : options_(std::move(options)),
      sink_(sink),
      tracker_([this](const SaReport& sa, const std::vector<seckit::out::Finding>& findings) {
        ++counts_.sas;
        const std::string& verdict = sa.verdict;
        if (verdict == "established") ++counts_.established;
        if (verdict == "failed") ++counts_.failed;
        if (verdict == "timed_out") ++counts_.timed_out;
        if (verdict == "incomplete") ++counts_.incomplete;
        sink_.sa(sa, findings);
      }),
      anomalies_(
          [this](const seckit::Anomaly& a, const std::string& pcap) {
            ++counts_.anomalies;
            sink_.anomaly(a, pcap);
          },
          kGiveUpHorizon) {
  if (options_.keys != nullptr) v1_ = std::make_unique<IkeV1Decryptor>(*options_.keys);
  tcp_ = std::make_unique<seckit::net::TcpReassembler>(
      [this](const seckit::net::StreamChunk& chunk) { on_tcp_chunk(chunk); });
}

CaptureAnalyzer::~CaptureAnalyzer() = default;

void CaptureAnalyzer::anomaly(std::uint64_t frame, const std::string& code,
                              const std::string& message, std::uint64_t repeat_key) {
  anomalies_.add({frame, code, message}, pcap_, capture_end_, repeat_key);
}

seckit::net::CaptureEnd CaptureAnalyzer::read(const seckit::net::CaptureSpec& spec) {
  filtered_ = !spec.filter.empty();
  std::optional<seckit::net::PacketDecoder> decoder;
  seckit::net::CaptureHandlers h;
  h.begin = [&](const std::string& source, int link_type) {
    pcap_ = source;
    decoder.emplace(
        link_type, [this](const Transport& t) { on_transport(t); },
        [this](const seckit::net::Anomaly& a) { anomaly(a.frame, a.code, a.message); });
  };
  h.packet = [&](const seckit::net::RawPacket& packet) {
    capture_end_ = std::max(capture_end_, packet.info.time());
    tracker_.expire(capture_end_);
    anomalies_.expire(capture_end_);
    decoder->feed(packet);
  };
  h.end = [&](const std::string& source, std::uint64_t last_frame, const std::string& truncation) {
    if (!truncation.empty()) {
      anomaly(last_frame, "capture-truncated", truncation);
      truncated_.push_back(fmt::format("{}: {}", source, truncation));
    }
    end_source(*decoder);
  };
  seckit::net::CaptureSpec with_progress = spec;
  with_progress.progress = options_.progress;
  return seckit::net::run_capture(with_progress, h);
}

// What is left of one capture source once its packets are read: buffered fragments and TCP
// streams, counters, fragmented messages that never completed.
void CaptureAnalyzer::end_source(seckit::net::PacketDecoder& decoder) {
  decoder.flush();
  tcp_->flush();
  tcp_framing_.clear();
  const auto& stats = decoder.stats();
  counts_.frames += stats.frames;
  counts_.bytes += stats.bytes;
  counts_.ip_fragments += stats.fragments;
  counts_.ip_reassembled += stats.reassembled;
  for (const auto& [key, frags] : cisco_) report_cisco(key, frags, "end of capture");
  cisco_.clear();
  for (const auto& gone : skf_.take_incomplete()) {
    anomaly(gone.frames.empty() ? 0 : gone.frames.back(), "skf-incomplete",
            fmt::format("IKEv2 fragmented message (SPI {}, message ID {}) incomplete: {} of {} "
                        "fragments missing ({})",
                        gone.spi_i, gone.message_id, gone.missing.size(), gone.total,
                        fmt::join(gone.missing, ",")));
  }
}

void CaptureAnalyzer::finish() {
  for (const auto& [key, frags] : cisco_) report_cisco(key, frags, "end of capture");
  cisco_.clear();
  anomalies_.flush();
  tracker_.finish_all(capture_end_);
  report_unused_keys();
}

RunEvidence CaptureAnalyzer::evidence() const {
  RunEvidence e;
  e.frames = counts_.frames;
  e.ike_messages = counts_.ike_messages;
  e.sas = counts_.sas;
  e.established = counts_.established;
  e.failed = counts_.failed;
  e.timed_out = counts_.timed_out;
  e.incomplete = counts_.incomplete;
  e.truncated = truncated_;
  e.filtered = filtered_;
  if (options_.keys != nullptr) {
    e.keys.given = true;
    e.keys.entries = options_.keys->size();
    e.keys.matched = keys_matched_.size();
    e.keys.decrypt_failures = decrypt_failures_;
  }
  return e;
}

// The keys of this message's SA (IKEv2), noting which key-file SAs matched and which encrypted
// SAs the capture holds. IKEv1 messages are only noted: their decryptor looks the key up itself.
const IkeV2Keys* CaptureAnalyzer::find_keys(const IkeMessage& m) {
  if (options_.keys == nullptr || !m.encrypted) return nullptr;
  std::string name = m.major == 2 ? hex(m.spi_i) + "/" + hex(m.spi_r) : hex(m.spi_i) + " (IKEv1)";
  const IkeV2Keys* keys = nullptr;
  bool matched = false;
  if (m.major == 2) {
    keys = options_.keys->find(m.spi_i, m.spi_r);
    matched = keys != nullptr;
  } else {
    matched = options_.keys->find_v1(m.spi_i) != nullptr;
  }
  if (matched) keys_matched_.insert(name);
  constexpr std::size_t kNamed = 16;
  if (encrypted_sas_seen_.size() < kNamed &&
      std::find(encrypted_sas_seen_.begin(), encrypted_sas_seen_.end(), name) ==
          encrypted_sas_seen_.end()) {
    encrypted_sas_seen_.push_back(name);
  }
  return keys;
}

// Keys the user gave that match no SA in the capture are named, next to the SAs the capture
// holds, so a key file for another capture (or another run of the same peers) is spotted.
void CaptureAnalyzer::report_unused_keys() {
  if (options_.keys == nullptr) return;
  std::vector<std::string> unused;
  for (const auto& name : options_.keys->sa_names()) {
    if (keys_matched_.count(name) == 0) unused.push_back(name);
  }
  if (unused.empty()) return;
  bool none = keys_matched_.empty();
  seckit::out::Finding f;
  f.code = "keys-unused";
  f.severity = none ? seckit::out::Severity::kWarning : seckit::out::Severity::kInfo;
  std::string seen =
      encrypted_sas_seen_.empty()
          ? "the capture holds no encrypted IKE message"
          : fmt::format("encrypted SAs in the capture: {}", fmt::join(encrypted_sas_seen_, ", "));
  f.message = fmt::format(
      "{} of the {} SA(s) in the key files match nothing in the capture{}: {}; {}", unused.size(),
      options_.keys->size(), none ? ", nothing was decrypted" : "", fmt::join(unused, ", "), seen);
  f.details = {{"unused_keys", unused}, {"encrypted_sas_seen", encrypted_sas_seen_}};
  sink_.finding(f);
}

void CaptureAnalyzer::report_cisco(const std::pair<std::string, std::uint16_t>& key,
                                   const CiscoFragments& f, const std::string& why) {
  std::vector<unsigned> missing;
  std::uint8_t top = f.last ? f.last : (f.parts.empty() ? 0 : f.parts.rbegin()->first);
  for (unsigned n = 1; n <= top; ++n) {
    if (!f.parts.count(static_cast<std::uint8_t>(n))) missing.push_back(n);
  }
  anomaly(f.frames.empty() ? 0 : f.frames.back(), "cisco-fragments-incomplete",
          fmt::format("IKEv1 fragmented message (cookie {}, fragment ID {}) dropped ({}): {} "
                      "fragment(s) held, missing {}{}",
                      key.first, key.second, why, f.parts.size(),
                      missing.empty() ? "the last" : fmt::format("{}", fmt::join(missing, ",")),
                      f.last ? "" : " (last fragment never seen)"));
}

// Cisco's IKEv1 fragmentation: each fragment payload carries a slice of a whole ISAKMP message;
// once every number up to the one flagged "last" is there, the slices are that message.
bool CaptureAnalyzer::cisco_fragment(const IkeContext& ctx, const IkeMessage& m) {
  const Payload* frag = nullptr;
  for (const Payload& p : m.payloads) {
    if (p.type == 132) frag = &p;
  }
  if (frag == nullptr || frag->body.size() < 4 || depth_ > 0) return false;
  std::uint16_t id = static_cast<std::uint16_t>((frag->body[0] << 8) | frag->body[1]);
  std::uint8_t number = frag->body[2];
  bool last = (frag->body[3] & 1) != 0;
  auto key = std::make_pair(hex(m.spi_i), id);
  auto it = cisco_.find(key);
  if (it == cisco_.end()) {
    if (cisco_.size() >= 32) {
      auto oldest = std::min_element(cisco_.begin(), cisco_.end(), [](auto& a, auto& b) {
        return a.second.order < b.second.order;
      });
      report_cisco(oldest->first, oldest->second, "too many in progress");
      cisco_.erase(oldest);
    }
    it = cisco_.emplace(key, CiscoFragments{}).first;
    it->second.order = ++cisco_counter_;
  }
  CiscoFragments& f = it->second;
  if (f.frames.size() < 256) f.frames.push_back(ctx.info.frame);
  if (number == 0 || f.parts.count(number)) return true;
  Bytes data = frag->body.subspan(4);
  if (f.bytes + data.size() > 65535 || f.parts.size() >= 64) {
    report_cisco(key, f, "larger than 64 KiB or 64 fragments");
    cisco_.erase(it);
    return true;
  }
  f.parts[number].assign(data.begin(), data.end());
  f.bytes += data.size();
  if (last) f.last = number;
  if (f.last == 0 || f.parts.size() < f.last) return true;
  std::vector<std::uint8_t> whole;
  for (auto& [n, part] : f.parts) whole.insert(whole.end(), part.begin(), part.end());
  cisco_.erase(it);
  ++depth_;
  on_ike(ctx, Bytes(whole.data(), whole.size()));
  --depth_;
  return true;
}

namespace {
bool contains(const std::vector<std::uint16_t>& ports, std::uint16_t port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}
}  // namespace

void CaptureAnalyzer::on_transport(const Transport& t) {
  IkeContext ctx;
  ctx.info = t.info;
  ctx.src = t.ip.src;
  ctx.dst = t.ip.dst;
  ctx.ip_fragment_frames = t.fragment_frames;
  if (t.kind == TransportKind::kUdp) {
    ++counts_.udp;
    ctx.src_port = t.udp.src_port;
    ctx.dst_port = t.udp.dst_port;
    Bytes payload = t.payload;
    // A datagram to or from an IKE port is IKE whatever the other port (a client whose source
    // port is 1701 still speaks IKE to 500); only then is 1701 L2TP.
    if (contains(options_.natt_ports, ctx.src_port) ||
        contains(options_.natt_ports, ctx.dst_port)) {
      if (payload.size() == 1 && payload[0] == 0xff) {
        ++counts_.nat_keepalives;
        return;
      }
      if (payload.size() >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 0 &&
          payload[3] == 0) {
        ctx.non_esp_marker = true;
        on_ike(ctx, payload.subspan(4));
        return;
      }
      ++counts_.esp;  // ESP-in-UDP: counted, not decoded
      return;
    }
    if (contains(options_.ike_ports, ctx.src_port) || contains(options_.ike_ports, ctx.dst_port)) {
      on_ike(ctx, payload);
      return;
    }
    if (ctx.src_port == 1701 || ctx.dst_port == 1701) {
      ++counts_.l2tp;
      tracker_.note_l2tp(ctx);
      return;
    }
    if (options_.heuristics && looks_like_ike(payload)) on_ike(ctx, payload);
    return;
  }
  if (t.kind == TransportKind::kTcp) {
    ++counts_.tcp;
    if (contains(options_.natt_ports, t.tcp.src_port) ||
        contains(options_.natt_ports, t.tcp.dst_port)) {
      current_ = &t;
      tcp_->add(t);
      current_ = nullptr;
    }
    return;
  }
  if (t.ip.protocol == 50) ++counts_.esp;
}

void CaptureAnalyzer::on_tcp_chunk(const seckit::net::StreamChunk& chunk) {
  TcpFraming& f = tcp_framing_[chunk.flow];
  if (chunk.gap > 0) {
    anomaly(chunk.frame, "tcp-gap",
            fmt::format("{} bytes missing in IKE-over-TCP stream; resynchronising", chunk.gap));
    f.buffer.clear();
    f.prefix_checked = true;
  }
  if (f.buffer.size() + chunk.data.size() > std::size_t{256} * 1024) {
    anomaly(chunk.frame, "tcp-oversized", "IKE-over-TCP record larger than 256 KiB; dropped");
    f.buffer.clear();
    return;
  }
  f.buffer.insert(f.buffer.end(), chunk.data.begin(), chunk.data.end());
  if (!f.prefix_checked) {
    static constexpr char kPrefix[] = "IKETCP";
    if (f.buffer.size() < 6) return;
    if (std::equal(kPrefix, kPrefix + 6, f.buffer.begin())) {
      f.buffer.erase(f.buffer.begin(), f.buffer.begin() + 6);
    }
    f.prefix_checked = true;
  }
  std::size_t pos = 0;
  while (f.buffer.size() - pos >= 2) {
    std::size_t length = (std::size_t{f.buffer[pos]} << 8) | f.buffer[pos + 1];
    if (length < 2) {
      anomaly(chunk.frame, "tcp-framing", "IKE-over-TCP record length below 2");
      f.buffer.clear();
      return;
    }
    if (f.buffer.size() - pos < length) break;
    Bytes record(f.buffer.data() + pos + 2, length - 2);
    pos += length;
    if (record.size() >= 4 && record[0] == 0 && record[1] == 0 && record[2] == 0 &&
        record[3] == 0) {
      IkeContext ctx;
      ctx.info.frame = chunk.frame;
      ctx.info.ts_sec = static_cast<std::int64_t>(chunk.time);
      ctx.info.ts_usec = static_cast<std::int32_t>(
          std::llround((chunk.time - std::floor(chunk.time)) * 1e6) % 1000000);
      ctx.src = chunk.flow.src;
      ctx.dst = chunk.flow.dst;
      ctx.src_port = chunk.flow.src_port;
      ctx.dst_port = chunk.flow.dst_port;
      ctx.tcp = true;
      ctx.non_esp_marker = true;
      on_ike(ctx, record.subspan(4));
    } else {
      ++counts_.esp;
    }
  }
  f.buffer.erase(f.buffer.begin(), f.buffer.begin() + static_cast<std::ptrdiff_t>(pos));
}

// Decrypts the message when keys are known (IKEv1 through its decryptor, IKEv2 SK/SKF) and
// parses the plaintext payloads into it; returns the SKF reassembly it completed, if any.
std::optional<SkfSummary> CaptureAnalyzer::decrypt(const IkeContext& ctx, IkeMessage& m) {
  std::optional<SkfSummary> skf;
  std::string decrypt_error;
  const IkeV2Keys* keys = find_keys(m);
  std::optional<DecryptResult> plain;
  if (v1_ != nullptr && m.major == 1) {
    plain = v1_->process(m, fmt::format("{}:{}", ctx.src.to_string(), ctx.src_port));
    if (plain && !plain->error.empty()) {
      decrypt_error = plain->error;
      plain.reset();
    }
  } else if (keys != nullptr) {
    plain = decrypt_sk(m, *keys, ciphers_);
    if (plain && !plain->error.empty()) {
      decrypt_error = plain->error;
      plain.reset();
    } else if (plain && !plain->integrity_ok) {
      decrypt_error = "integrity check failed (wrong keys?)";
      plain.reset();
    }
  }
  bool is_skf = std::any_of(m.payloads.begin(), m.payloads.end(),
                            [](const Payload& p) { return p.type == 53; });
  if (is_skf) {
    auto done = skf_.add(m, ctx.info.frame, plain ? &plain->plaintext : nullptr);
    if (done) {
      skf = SkfSummary{done->total, done->frames, done->decrypted};
      if (done->decrypted) {
        m.owned.push_back(std::move(done->plaintext));
        parse_payload_chain(m, done->first_payload, m.owned.back(), true);
        m.decrypted = true;
        ++counts_.decrypted;
      }
    }
  } else if (plain) {
    m.owned.push_back(std::move(plain->plaintext));
    parse_payload_chain(m, m.encrypted_first_payload, m.owned.back(), true);
    m.decrypted = true;
    ++counts_.decrypted;
  }
  if (!decrypt_error.empty()) {
    ++decrypt_failures_;
    anomaly(ctx.info.frame, "decrypt-failed",
            fmt::format("SPI {}/{} message ID {}: {}", hex(m.spi_i), hex(m.spi_r), m.message_id,
                        decrypt_error),
            repeat_fingerprint(m.raw));
  }

  return skf;
}

namespace {

// What a short encrypted IKE_AUTH response most likely is (without keys to read it).
std::optional<std::string> message_inference(const IkeMessage& m) {
  bool is_skf = std::any_of(m.payloads.begin(), m.payloads.end(),
                            [](const Payload& p) { return p.type == 53; });
  if (m.encrypted && !m.decrypted && m.major == 2 && m.exchange == 35 && m.is_response() &&
      m.encrypted_length <= 96 && !is_skf) {
    return fmt::format("IKE_AUTH answered with {} encrypted bytes: likely an error notify",
                       m.encrypted_length);
  }
  return std::nullopt;
}

}  // namespace

void CaptureAnalyzer::emit_certificates(const IkeContext& ctx, const IkeMessage& m,
                                        const MessageRelation& rel) {
  for (const Payload& p : m.payloads) {
    bool cert = (m.major == 2 && p.type == 37) || (m.major == 1 && p.type == 6);
    if (!cert || p.body.size() < 2 || p.body[0] != 4) continue;
    ++counts_.certificates;
    Bytes der = p.body.subspan(1);
    sink_.certificate(
        {{"der", seckit::enc::base64_encode(der)},
         {"source",
          {{"pcap", pcap_},
           {"frame", ctx.info.frame},
           {"spi_i", hex(m.spi_i)},
           {"spi_r", hex(m.spi_r)},
           {"direction", rel.direction},
           {"sender", rel.direction.rfind("initiator", 0) == 0 ? "initiator" : "responder"},
           {"exchange", exchange_name(m.major, m.exchange)},
           {"message_id", m.message_id},
           {"encrypted", p.inner}}}});
  }
}

void CaptureAnalyzer::on_ike(const IkeContext& ctx, Bytes wire) {
  auto parsed = parse_ike_message(wire);
  if (!parsed.ok()) {
    ++counts_.ike_malformed;
    anomaly(ctx.info.frame, "ike-malformed",
            fmt::format("{}:{} -> {}:{}: {} (byte {})", ctx.src.to_string(), ctx.src_port,
                        ctx.dst.to_string(), ctx.dst_port, parsed.error().message,
                        parsed.error().offset),
            repeat_fingerprint(wire));
    return;
  }
  IkeMessage& m = *parsed;
  ++counts_.ike_messages;
  std::optional<SkfSummary> skf = decrypt(ctx, m);
  MessageRelation rel = tracker_.add(ctx, m);
  bool standard_port = contains(options_.ike_ports, ctx.src_port) ||
                       contains(options_.ike_ports, ctx.dst_port) || ctx.non_esp_marker;
  sink_.message(MessageEvent{m, ctx, rel, pcap_, !standard_port, skf ? &*skf : nullptr,
                             message_inference(m)});
  emit_certificates(ctx, m, rel);
  for (const std::string& text : m.anomalies) {
    anomaly(ctx.info.frame, "ike-payload-malformed",
            fmt::format("SPI {} message ID {}: {}", hex(m.spi_i), m.message_id, text),
            repeat_fingerprint(m.raw));
  }
  // After the fragment's own record: the reassembled message, when this completed it.
  if (m.major == 1 && !m.encrypted) cisco_fragment(ctx, m);
}

}  // namespace ikedecode
