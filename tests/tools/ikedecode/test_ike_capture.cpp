// The capture driver on hand-built traffic (Cisco IKEv1 fragments, L2TP after IKEv1, the NAT-T
// marker and keepalives) and the truncation sweep over every IKE message of every committed
// capture.
#include <catch2/catch.hpp>
#include <filesystem>

#include "ike_builder.hpp"
#include "ike_capture.hpp"

using namespace ike_test;
using ikedecode::Json;

namespace {

struct Collect : ikedecode::RecordSink {
  std::vector<Json> messages, certificates, anomalies, sas;
  std::vector<seckit::out::Finding> findings;
  void message(const ikedecode::MessageEvent& e) override {
    messages.push_back(ikedecode::message_record_json(e));
  }
  void certificate(const Json& d) override { certificates.push_back(d); }
  void anomaly(const seckit::Anomaly& a, std::string_view pcap) override {
    anomalies.push_back(ikedecode::anomaly_record_json(a, pcap));
  }
  void sa(const ikedecode::SaReport& d, const std::vector<seckit::out::Finding>& f) override {
    sas.push_back(ikedecode::sa_record_json(d));
    findings.insert(findings.end(), f.begin(), f.end());
  }
  void finding(const seckit::out::Finding& f) override { findings.push_back(f); }
};

struct Feeder {
  std::vector<V> keep;
  void udp(ikedecode::CaptureAnalyzer& a, const V& payload, bool from_initiator,
           std::uint16_t sport = 500, std::uint16_t dport = 500, std::uint64_t frame = 1) {
    keep.push_back(payload);
    seckit::net::Transport t;
    t.kind = seckit::net::TransportKind::kUdp;
    t.info.frame = frame;
    auto i = *seckit::net::parse_address("192.0.2.1");
    auto r = *seckit::net::parse_address("192.0.2.2");
    t.ip.src = from_initiator ? i : r;
    t.ip.dst = from_initiator ? r : i;
    t.udp.src_port = sport;
    t.udp.dst_port = dport;
    t.payload = {keep.back().data(), keep.back().size()};
    a.on_transport(t);
  }
};

V cisco_fragment(std::uint16_t id, std::uint8_t number, bool last, const V& slice) {
  V body{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), number,
         static_cast<std::uint8_t>(last ? 1 : 0)};
  body.insert(body.end(), slice.begin(), slice.end());
  return message(1, 2, 0, 0, {{132, body}});
}

}  // namespace

TEST_CASE("cisco IKEv1 fragments are reassembled into the message they carry", "[ike][capture]") {
  V inner = message(1, 2, 0, 0, {{13, V(16, 0x42)}, {10, V(20, 7)}});
  V a(inner.begin(), inner.begin() + 30), b(inner.begin() + 30, inner.end());
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  feed.udp(analyzer, cisco_fragment(5, 2, true, b), true);  // out of order
  feed.udp(analyzer, cisco_fragment(5, 1, false, a), true);
  analyzer.finish();
  REQUIRE(sink.messages.size() == 3);
  CHECK(sink.messages[2]["payload_sequence"] == Json::array({"V", "NONCE"}));
  CHECK(sink.anomalies.empty());
}

TEST_CASE("a cisco fragment whose siblings never come is reported", "[ike][capture]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  feed.udp(analyzer, cisco_fragment(9, 2, true, V(10, 1)), true);
  analyzer.finish();
  REQUIRE(sink.anomalies.size() == 1);
  CHECK(sink.anomalies[0]["code"] == "cisco-fragments-incomplete");
  CHECK_THAT(sink.anomalies[0]["message"].get<std::string>(), Catch::Contains("missing 1"));
}

TEST_CASE("L2TP from a source port other than 1701 after IKEv1 is flagged (macOS)",
          "[ike][capture]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  feed.udp(analyzer, message(1, 2, 0, 0, {{13, V(16, 1)}}), true);
  feed.udp(analyzer, V(20, 0xc8), true, 50123, 1701);
  analyzer.finish();
  REQUIRE(sink.sas.size() == 1);
  CHECK(sink.sas[0]["l2tp_client_ports"] == Json::array({50123}));
  bool flagged = std::any_of(sink.findings.begin(), sink.findings.end(),
                             [](auto& f) { return f.code == "l2tp-source-port"; });
  CHECK(flagged);
}

TEST_CASE("UDP 4500 tells IKE, ESP and NAT keepalives apart by the non-ESP marker",
          "[ike][capture]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  V ike = message(2, 37, 0x08, 2, {{46, V(40, 0)}});
  ike.insert(ike.begin(), 4, 0);
  feed.udp(analyzer, ike, true, 4500, 4500);
  feed.udp(analyzer, V{0xff}, true, 4500, 4500);
  feed.udp(analyzer, V{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9, 9, 9, 9}, true, 4500, 4500);
  CHECK(analyzer.counts().ike_messages == 1);
  CHECK(analyzer.counts().nat_keepalives == 1);
  CHECK(analyzer.counts().esp == 1);
  REQUIRE(sink.messages.size() == 1);
  CHECK(sink.messages[0]["source"]["transport"] == "udp-natt");
}

TEST_CASE("IKE on a non-standard UDP port is found by header sanity", "[ike][capture]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  feed.udp(analyzer, message(2, 34, 0x08, 0, {{40, V(16, 1)}}), true, 40000, 7500);
  feed.udp(analyzer, V(64, 0x11), true, 40000, 7500);  // not IKE
  REQUIRE(sink.messages.size() == 1);
  CHECK(sink.messages[0]["source"]["nonstandard_port"] == true);
}

TEST_CASE("every truncation of every IKE message in the committed captures is survivable",
          "[ike][capture][truncation]") {
  std::size_t messages = 0, prefixes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(IKEDECODE_CAPTURES)) {
    if (entry.path().extension() != ".pcap") continue;
    seckit::net::PcapSource source(entry.path().string());
    seckit::net::PacketDecoder decoder(
        source.link_type(),
        [&](const seckit::net::Transport& t) {
          if (t.kind != seckit::net::TransportKind::kUdp) return;
          auto payload = t.payload;
          bool natt = t.udp.src_port == 4500 || t.udp.dst_port == 4500;
          bool ike = t.udp.src_port == 500 || t.udp.dst_port == 500;
          if (!natt && !ike) return;  // L2TP
          if (natt) {
            // ESP in UDP and NAT keepalives carry no marker.
            if (payload.size() < 4 || payload[0] != 0 || payload[1] != 0 || payload[2] != 0 ||
                payload[3] != 0)
              return;
            payload = payload.subspan(4);
          }
          ++messages;
          seckit::bytes::for_each_truncation(payload, [&](seckit::bytes::Bytes prefix) {
            ++prefixes;
            auto m = ikedecode::parse_ike_message(prefix);
            if (!m.ok()) {
              CHECK(prefix.size() < 28);
              return;
            }
            (void)ikedecode::message_json(*m).dump();
            if (prefix.size() < payload.size()) CHECK_FALSE(m->anomalies.empty());
          });
        },
        {});
    seckit::net::RawPacket packet;
    while (source.next(packet)) decoder.feed(packet);
  }
  CHECK(messages >= 28);
  CHECK(prefixes > 10000);
}

TEST_CASE("IKE over TCP (RFC 8229): IKETCP prefix, length framing, split across segments",
          "[ike][capture][tcp]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  V ike = message(2, 34, 0x08, 0, {{40, V(16, 1)}});
  // RFC 8229 3: "IKETCP" once, then 2-byte length (including itself), non-ESP marker, message.
  V stream{'I', 'K', 'E', 'T', 'C', 'P'};
  std::size_t len = 2 + 4 + ike.size();
  stream.push_back(static_cast<std::uint8_t>(len >> 8));
  stream.push_back(static_cast<std::uint8_t>(len));
  stream.insert(stream.end(), 4, 0);
  stream.insert(stream.end(), ike.begin(), ike.end());
  std::vector<V> keep;
  auto segment = [&](std::uint32_t seq, std::uint8_t flags, V data, std::uint64_t frame) {
    keep.push_back(std::move(data));
    seckit::net::Transport t;
    t.kind = seckit::net::TransportKind::kTcp;
    t.info.frame = frame;
    t.ip.src = *seckit::net::parse_address("192.0.2.1");
    t.ip.dst = *seckit::net::parse_address("192.0.2.2");
    t.tcp.src_port = 40001;
    t.tcp.dst_port = 4500;
    t.tcp.seq = seq;
    t.tcp.flags = flags;
    t.payload = {keep.back().data(), keep.back().size()};
    analyzer.on_transport(t);
  };
  segment(100, 0x02, {}, 1);
  // Second half first: the reassembler holds it until the first half arrives.
  segment(101 + 20, 0x18, V(stream.begin() + 20, stream.end()), 2);
  CHECK(sink.messages.empty());
  segment(101, 0x18, V(stream.begin(), stream.begin() + 20), 3);
  REQUIRE(sink.messages.size() == 1);
  CHECK(sink.messages[0]["source"]["transport"] == "tcp");
  CHECK(sink.messages[0]["exchange_name"] == "IKE_SA_INIT");
}

TEST_CASE("a datagram from UDP 1701 to 500 is IKE, not L2TP (issue 16)", "[ike][capture]") {
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  feed.udp(analyzer, message(2, 34, 0x08, 0, {{40, V(16, 1)}}), true, 1701, 500);
  feed.udp(analyzer, V(20, 0xc8), true, 1701, 1701);
  analyzer.finish();
  CHECK(sink.messages.size() == 1);
  CHECK(analyzer.counts().ike_messages == 1);
  CHECK(analyzer.counts().l2tp == 1);
}

TEST_CASE("a malformed payload repeated in every retransmission is one anomaly with its count",
          "[ike][capture]") {
  // A Notify payload whose body is shorter than its own header (RFC 7296 3.10: 4 bytes before
  // the SPI), sent three times: the initiator retransmitting the same request.
  V request = message(2, 34, 0x08, 0, {{41, V(2, 0)}});
  Collect sink;
  ikedecode::CaptureAnalyzer analyzer({}, sink);
  Feeder feed;
  for (std::uint64_t frame : {3, 7, 12}) feed.udp(analyzer, request, true, 500, 500, frame);
  V other = message(2, 34, 0x08, 0, {{41, V(2, 0)}}, V(8, 9));  // another SA: its own record
  feed.udp(analyzer, other, true, 500, 500, 13);
  analyzer.finish();
  REQUIRE(sink.messages.size() == 4);
  REQUIRE(sink.anomalies.size() == 2);
  CHECK(sink.anomalies[0]["code"] == "ike-payload-malformed");
  CHECK(sink.anomalies[0]["frame"] == 3);
  CHECK(sink.anomalies[0]["count"] == 3);
  CHECK(sink.anomalies[0]["last_frame"] == 12);
  CHECK(sink.anomalies[1]["frame"] == 13);
  CHECK(sink.anomalies[1]["count"] == 1);
  CHECK_FALSE(sink.anomalies[1].contains("last_frame"));
}
