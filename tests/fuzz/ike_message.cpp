// The IKE message parser and everything a message goes through after it (JSON rendering,
// session tracking, verdicts): never a crash, never a read outside the input.
#include "ike_message.hpp"

#include <cstdint>

#include "ike_capture.hpp"

namespace {
class NullSink : public ikedecode::RecordSink {
 public:
  void message(const ikedecode::MessageEvent& e) override {
    std::string text;
    seckit::out::JsonWriter w(text);
    ikedecode::write_message_record(w, e);
  }
  void finding(const seckit::out::Finding&) override {}
  void certificate(const ikedecode::Json&) override {}
  void anomaly(const seckit::Anomaly&, std::string_view) override {}
  void sa(const ikedecode::SaReport& d, const std::vector<seckit::out::Finding>&) override {
    std::string text;
    seckit::out::JsonWriter w(text);
    ikedecode::write_sa_record(w, d);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  seckit::bytes::Bytes input(data, size);
  auto message = ikedecode::parse_ike_message(input);
  if (message.ok()) {
    (void)ikedecode::message_json(*message).dump(-1, ' ', false,
                                                 ikedecode::Json::error_handler_t::replace);
    (void)ikedecode::payload_summary(*message);
  }
  // The same bytes as a UDP/500 payload and behind the NAT-T marker, through the session
  // tracker (twice, so retransmission and response matching run too).
  NullSink sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  seckit::net::Transport t;
  t.kind = seckit::net::TransportKind::kUdp;
  t.ip.src = *seckit::net::parse_address("192.0.2.1");
  t.ip.dst = *seckit::net::parse_address("192.0.2.2");
  t.udp.src_port = 500;
  t.udp.dst_port = 500;
  t.payload = input;
  analyzer.on_transport(t);
  std::swap(t.ip.src, t.ip.dst);
  analyzer.on_transport(t);
  analyzer.finish();
  return 0;
}
