// Key files (Wireshark IKEv1/IKEv2 tables, tcpdump ikev2 lines, charon logs) and decryption:
// the input is key text, a NUL, then IKE messages each behind a 2-byte big-endian length, fed
// in order (so the IKEv1 phase-1 state, IV chaining and SKF reassembly run) to an analyzer that
// holds those keys. Never a crash, never a read outside the input.
#include "ike_decrypt.hpp"

#include <cstdint>
#include <sstream>
#include <string>

#include "ike_capture.hpp"

namespace {
class NullSink : public ikedecode::RecordSink {
 public:
  void message(const ikedecode::MessageEvent& e) override {
    std::string text;
    seckit::out::JsonWriter w(text);
    ikedecode::write_message_record(w, e);
  }
  void certificate(const ikedecode::Json&) override {}
  void anomaly(const seckit::Anomaly&, std::string_view) override {}
  void sa(const ikedecode::SaReport&, const std::vector<seckit::out::Finding>&) override {}
  void finding(const seckit::out::Finding&) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t split = 0;
  while (split < size && data[split] != 0) ++split;
  std::string text(reinterpret_cast<const char*>(data), split);
  ikedecode::KeyStore keys;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) keys.add_line(line, nullptr);
  std::istringstream log(text);
  keys.add_charon_log(log);

  NullSink sink;
  ikedecode::CaptureOptions options;
  options.keys = &keys;
  ikedecode::CaptureAnalyzer analyzer(options, sink);
  seckit::net::Transport t;
  t.kind = seckit::net::TransportKind::kUdp;
  t.ip.src = *seckit::net::parse_address("192.0.2.1");
  t.ip.dst = *seckit::net::parse_address("192.0.2.2");
  t.udp.src_port = 500;
  t.udp.dst_port = 500;
  std::size_t pos = split + 1;
  int n = 0;
  while (pos + 2 <= size && n++ < 64) {
    std::size_t len = (std::size_t{data[pos]} << 8) | data[pos + 1];
    pos += 2;
    if (len > size - pos) len = size - pos;
    t.payload = seckit::bytes::Bytes(data + pos, len);
    pos += len;
    analyzer.on_transport(t);
    std::swap(t.ip.src, t.ip.dst);  // alternate initiator and responder
  }
  analyzer.finish();
  return 0;
}
