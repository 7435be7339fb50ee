// The capture driver: reads packets through common/net, finds IKE in them (UDP 500, UDP 4500
// behind the non-ESP marker, TCP 4500 per RFC 8229, and any UDP port whose payload passes the
// header sanity check), parses, decrypts when keys are known, tracks sessions and hands every
// record to the sink as soon as it exists.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ike_anomalies.hpp"
#include "ike_decrypt.hpp"
#include "ike_decrypt_v1.hpp"
#include "ike_message.hpp"
#include "ike_session.hpp"
#include "ike_verdict.hpp"
#include "seckit/net.hpp"
#include "seckit/out.hpp"

namespace ikedecode {

struct CaptureOptions {
  std::vector<std::uint16_t> ike_ports{500};
  std::vector<std::uint16_t> natt_ports{4500};
  bool heuristics = true;  // IKE on other UDP ports by header sanity
  bool progress = false;   // progress on stderr
  const KeyStore* keys = nullptr;
};

// An SKF message that completed its reassembly (RFC 7383).
struct SkfSummary {
  std::uint16_t total_fragments = 0;
  std::vector<std::uint64_t> frames;
  bool decrypted = false;
};

// One decoded message and everything its ike_message record says besides the message itself.
struct MessageEvent {
  const IkeMessage& message;
  const IkeContext& ctx;
  const MessageRelation& relation;
  std::string_view pcap;
  bool nonstandard_port = false;         // neither an IKE port nor behind the non-ESP marker
  const SkfSummary* skf = nullptr;       // when this message completed an SKF reassembly
  std::optional<std::string> inference;  // what a short encrypted response most likely is
};

// The ike_message record's data object (ike_records_json.cpp), and the same as a tree (tests).
void write_message_record(seckit::out::JsonWriter& w, const MessageEvent& event);
Json message_record_json(const MessageEvent& event);
// The anomaly record's data object, and the same as a tree (tests).
void write_anomaly_record(seckit::out::JsonWriter& w, const seckit::Anomaly& anomaly,
                          std::string_view pcap);
Json anomaly_record_json(const seckit::Anomaly& anomaly, std::string_view pcap);

// Receives every record in order, typed; JSON and text are the sink's to render.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void message(const MessageEvent& event) = 0;
  virtual void certificate(const Json& data) = 0;
  // One anomaly kind with its repeat count (AnomalyRepeats), from capture `pcap`.
  virtual void anomaly(const seckit::Anomaly& anomaly, std::string_view pcap) = 0;
  virtual void sa(const SaReport& sa, const std::vector<seckit::out::Finding>& findings) = 0;
  // A finding about the run rather than one SA (keys that matched nothing).
  virtual void finding(const seckit::out::Finding& finding) = 0;
};

struct CaptureCounts {
  std::uint64_t frames = 0, bytes = 0, ip = 0, udp = 0, tcp = 0;
  std::uint64_t ip_fragments = 0, ip_reassembled = 0;
  std::uint64_t ike_messages = 0, ike_malformed = 0, esp = 0, nat_keepalives = 0, l2tp = 0;
  std::uint64_t certificates = 0, anomalies = 0, decrypted = 0;
  std::uint64_t sas = 0, established = 0, failed = 0, timed_out = 0, incomplete = 0;
  Json to_json() const;
};

class CaptureAnalyzer {
 public:
  CaptureAnalyzer(CaptureOptions options, RecordSink& sink);
  ~CaptureAnalyzer();
  // Reads one capture file completely (throws ToolError when it cannot be opened).
  // Reads the captures of spec (files in order, or live from an interface) until they end or a
  // limit stops them.
  seckit::net::CaptureEnd read(const seckit::net::CaptureSpec& spec);
  // Ends every open session (emits the ike_sa records) and reports keys that matched nothing.
  void finish();
  const CaptureCounts& counts() const { return counts_; }
  // What the run saw, for the verdict (error_findings is the caller's to fill).
  RunEvidence evidence() const;

  // One UDP/TCP payload as the decoder delivers it; public for the fuzz target and tests.
  void on_transport(const seckit::net::Transport& t);

 private:
  void on_ike(const IkeContext& ctx, Bytes wire);
  void end_source(seckit::net::PacketDecoder& decoder);
  std::optional<SkfSummary> decrypt(const IkeContext& ctx, IkeMessage& m);
  void emit_certificates(const IkeContext& ctx, const IkeMessage& m, const MessageRelation& rel);
  void on_tcp_chunk(const seckit::net::StreamChunk& chunk);
  // repeat_key: repeat_fingerprint of the message an anomaly is about (AnomalyRepeats).
  void anomaly(std::uint64_t frame, const std::string& code, const std::string& message,
               std::uint64_t repeat_key = 0);
  const IkeV2Keys* find_keys(const IkeMessage& m);
  void report_unused_keys();
  CaptureOptions options_;
  RecordSink& sink_;
  SessionTracker tracker_;
  CaptureCounts counts_;
  AnomalyRepeats anomalies_;  // one record per kind, with its count
  std::string pcap_;
  bool filtered_ = false;  // a BPF filter hid part of the capture
  std::unique_ptr<seckit::net::TcpReassembler> tcp_;
  struct TcpFraming;
  std::map<seckit::net::FlowKey, TcpFraming> tcp_framing_;
  SkfReassembler skf_;
  SkCipherCache ciphers_;               // keyed once per SA and direction
  std::unique_ptr<IkeV1Decryptor> v1_;  // when keys were given
  // Cisco IKEv1 fragmentation (payload 132): fragments by (initiator cookie, fragment ID).
  struct CiscoFragments {
    std::map<std::uint8_t, std::vector<std::uint8_t>> parts;
    std::uint8_t last = 0;
    std::size_t bytes = 0;
    std::vector<std::uint64_t> frames;
    std::uint64_t order = 0;
  };
  std::map<std::pair<std::string, std::uint16_t>, CiscoFragments> cisco_;
  std::uint64_t cisco_counter_ = 0;
  int depth_ = 0;
  bool cisco_fragment(const IkeContext& ctx, const IkeMessage& m);
  void report_cisco(const std::pair<std::string, std::uint16_t>& key, const CiscoFragments& f,
                    const std::string& why);
  const seckit::net::Transport* current_ = nullptr;
  double capture_end_ = 0;              // time of the last packet read, any protocol
  std::vector<std::string> truncated_;  // captures that ended early
  // Key usage: key-file SAs that matched a message, and (a bounded sample of) the encrypted SAs
  // seen, to name both when the keys match nothing.
  std::set<std::string> keys_matched_;
  std::vector<std::string> encrypted_sas_seen_;
  std::uint64_t decrypt_failures_ = 0;
};

}  // namespace ikedecode
