// common/net: link layers, IPv4/IPv6, fragment reassembly, UDP, TCP stream reassembly, and the
// libpcap source. Packets are written out byte by byte from the RFC 791/8200/768/793 layouts so
// the expected values come from the layouts, not from the decoder.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "seckit/error.hpp"
#include "seckit/net.hpp"
#include "test_support.hpp"

using namespace seckit::net;
using seckit::test::cat;
using seckit::test::span;
using V = seckit::test::Buffer;

namespace {

V udp(std::uint16_t sport, std::uint16_t dport, const V& payload) {
  std::uint16_t len = static_cast<std::uint16_t>(8 + payload.size());
  return cat({{std::uint8_t(sport >> 8), std::uint8_t(sport), std::uint8_t(dport >> 8),
               std::uint8_t(dport), std::uint8_t(len >> 8), std::uint8_t(len), 0, 0},
              payload});
}

// IPv4 header (no options) from 192.0.2.1 to 198.51.100.2.
V ipv4(std::uint8_t proto, const V& payload, std::uint16_t id = 0x1234, std::uint16_t frag = 0,
       std::optional<std::uint16_t> total = std::nullopt) {
  std::uint16_t len = total.value_or(static_cast<std::uint16_t>(20 + payload.size()));
  return cat({{0x45,
               0,
               std::uint8_t(len >> 8),
               std::uint8_t(len),
               std::uint8_t(id >> 8),
               std::uint8_t(id),
               std::uint8_t(frag >> 8),
               std::uint8_t(frag),
               64,
               proto,
               0,
               0,
               192,
               0,
               2,
               1,
               198,
               51,
               100,
               2},
              payload});
}

V ethernet(std::uint16_t ethertype, const V& payload,
           const std::vector<std::uint16_t>& vlans = {}) {
  V out{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (std::uint16_t tag : vlans) {
    out.insert(out.end(), {0x81, 0x00, std::uint8_t(tag >> 8), std::uint8_t(tag)});
  }
  out.insert(out.end(), {std::uint8_t(ethertype >> 8), std::uint8_t(ethertype)});
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace

TEST_CASE("ethernet with two 802.1Q tags yields the inner IPv4 packet", "[net]") {
  V frame = ethernet(0x0800, ipv4(17, udp(500, 500, {1, 2, 3})), {100, 200});
  auto link = decode_link(DLT_EN10MB, span(frame));
  REQUIRE(link.ok());
  CHECK(link->ethertype == 0x0800);
  CHECK(link->vlans == std::vector<std::uint16_t>{100, 200});
  auto ip = parse_ip(link->payload);
  REQUIRE(ip.ok());
  CHECK(ip->src.to_string() == "192.0.2.1");
  CHECK(ip->dst.to_string() == "198.51.100.2");
  CHECK(ip->protocol == 17);
  auto u = parse_udp(ip->payload);
  REQUIRE(u.ok());
  CHECK(u->src_port == 500);
  CHECK(u->payload.size() == 3);
}

TEST_CASE("ethernet padding after a short IPv4 packet is not payload", "[net]") {
  V packet = ipv4(17, udp(4500, 4500, {0xff}));
  V frame = ethernet(0x0800, cat({packet, V(17, 0)}));  // padded to the 60-byte minimum
  auto link = decode_link(DLT_EN10MB, span(frame));
  REQUIRE(link.ok());
  auto ip = parse_ip(link->payload);
  REQUIRE(ip.ok());
  auto u = parse_udp(ip->payload);
  REQUIRE(u.ok());
  CHECK(u->payload.size() == 1);
}

TEST_CASE("linux cooked SLL, SLL2, BSD NULL/LOOP and raw links all reach the IP header", "[net]") {
  V packet = ipv4(17, udp(500, 500, {9}));
  // SLL: packet type 0, ARPHRD_ETHER 1, address length 6, 8 address bytes, protocol.
  V sll = cat({{0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00}, packet});
  // SLL2: protocol, reserved, interface index, ARPHRD, packet type, address length, address.
  V sll2 = cat({{0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0}, packet});
  V null_le = cat({{2, 0, 0, 0}, packet});  // AF_INET in little-endian host order
  V loop_be = cat({{0, 0, 0, 2}, packet});  // DLT_LOOP: network order
  for (auto [dlt, frame] : std::vector<std::pair<int, V>>{{DLT_LINUX_SLL, sll},
                                                          {DLT_LINUX_SLL2, sll2},
                                                          {DLT_NULL, null_le},
                                                          {DLT_LOOP, loop_be},
                                                          {DLT_RAW, packet},
                                                          {228, packet}}) {
    auto link = decode_link(dlt, span(frame));
    INFO("link type " << dlt);
    REQUIRE(link.ok());
    CHECK(link->ethertype == 0x0800);
    CHECK(link->payload.size() == packet.size());
  }
  CHECK_FALSE(decode_link(229, span(packet)).ok());  // LINKTYPE_IPV6 with an IPv4 packet
  CHECK_FALSE(decode_link(DLT_EN10MB, span(V{1, 2, 3})).ok());
}

TEST_CASE("ipv6 walks hop-by-hop and destination options to UDP", "[net]") {
  V payload = udp(500, 500, {0xaa, 0xbb});
  V hop = {60, 0, 1, 4, 0, 0, 0, 0};   // next = destination options, 8 bytes, PadN
  V dest = {17, 0, 1, 4, 0, 0, 0, 0};  // next = UDP
  V body = cat({hop, dest, payload});
  V ip6 = cat({{0x60, 0, 0, 0, std::uint8_t(body.size() >> 8), std::uint8_t(body.size()), 0, 64},
               {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
               {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
               body});
  auto ip = parse_ip(span(ip6));
  REQUIRE(ip.ok());
  CHECK(ip->version == 6);
  CHECK(ip->src.to_string() == "2001:db8::1");
  CHECK(ip->protocol == 17);
  CHECK(ip->extension_headers == std::vector<std::uint8_t>{0, 60});
  CHECK(ip->payload.size() == payload.size());
}

TEST_CASE("ipv6 extension header longer than the packet is an error, not a read past it", "[net]") {
  V body = {17, 200, 0, 0};  // hop-by-hop claiming 201*8 bytes
  V ip6 = cat({{0x60, 0, 0, 0, 0, 4, 0, 64}, V(32, 0), body});
  CHECK_FALSE(parse_ip(span(ip6)).ok());
}

TEST_CASE("ipv4 fragments reassemble in any order, overlap differences are reported", "[net]") {
  V payload(3000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  V whole = udp(500, 500, payload);  // 3008 bytes of UDP
  // Offsets in 8-byte units: 0..1479, 1480..2959, 2960..3007.
  V f1 = ipv4(17, V(whole.begin(), whole.begin() + 1480), 0x77, 0x2000);
  V f2 = ipv4(17, V(whole.begin() + 1480, whole.begin() + 2960), 0x77, 0x2000 | 185);
  V f3 = ipv4(17, V(whole.begin() + 2960, whole.end()), 0x77, 370);
  std::vector<Anomaly> anomalies;
  FragmentReassembler r({}, [&](const Anomaly& a) { anomalies.push_back(a); });
  FrameInfo info;
  for (const V* frag : {&f3, &f1}) {
    auto ip = parse_ip(span(*frag));
    REQUIRE(ip.ok());
    REQUIRE(ip->fragment);
    info.frame++;
    CHECK_FALSE(r.add(info, *ip).has_value());
  }
  auto ip2 = parse_ip(span(f2));
  info.frame++;
  auto done = r.add(info, *ip2);
  REQUIRE(done.has_value());
  CHECK(done->data == whole);
  CHECK(done->frames == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(anomalies.empty());
  CHECK(r.in_progress() == 0);
}

TEST_CASE("fragments that never complete are reported at flush and expire by time", "[net]") {
  std::vector<Anomaly> anomalies;
  FragmentReassembler r({4, 128, 30.0}, [&](const Anomaly& a) { anomalies.push_back(a); });
  V f1 = ipv4(17, V(1480, 1), 0x99, 0x2000);
  auto ip = parse_ip(span(f1));
  FrameInfo info{1, 100, 0, 0, 0};
  CHECK_FALSE(r.add(info, *ip).has_value());
  // Another datagram 31 s later expires the first.
  V g1 = ipv4(17, V(1480, 2), 0x9a, 0x2000);
  FrameInfo later{2, 131, 0, 0, 0};
  CHECK_FALSE(r.add(later, *parse_ip(span(g1))).has_value());
  REQUIRE(anomalies.size() == 1);
  CHECK(anomalies[0].code == "fragments-incomplete");
  r.flush();
  CHECK(anomalies.size() == 2);
  CHECK(r.in_progress() == 0);
}

TEST_CASE("a flood of fragments stays within the reassembly limits", "[net]") {
  std::size_t anomalies = 0;
  FragmentReassembler r({8, 16, 30.0}, [&](const Anomaly&) { ++anomalies; });
  FrameInfo info;
  for (std::uint32_t i = 0; i < 65000; ++i) {
    // Every fragment a different datagram, or the same one beyond max_fragments.
    std::uint16_t id = static_cast<std::uint16_t>(i % 2 ? i : 1);
    V f = ipv4(17, V(8, 0), id, static_cast<std::uint16_t>(0x2000 | (i % 8000)));
    info.frame = i + 1;
    (void)r.add(info, *parse_ip(span(f)));
    REQUIRE(r.in_progress() <= 8);
  }
  CHECK(anomalies > 0);
}

TEST_CASE("overlapping fragments with different bytes raise fragment-overlap", "[net]") {
  std::vector<std::string> codes;
  FragmentReassembler r({}, [&](const Anomaly& a) { codes.push_back(a.code); });
  FrameInfo info;
  (void)r.add(info, *parse_ip(span(ipv4(17, V(16, 1), 5, 0x2000))));
  (void)r.add(info, *parse_ip(span(ipv4(17, V(16, 2), 5, 0x2000 | 1))));  // overlaps 8..15
  auto done = r.add(info, *parse_ip(span(ipv4(17, V(8, 3), 5, 3))));
  REQUIRE(done.has_value());
  CHECK(done->data.size() == 32);
  CHECK(done->data[8] == 1);  // the first copy wins
  CHECK(std::find(codes.begin(), codes.end(), "fragment-overlap") != codes.end());
}

TEST_CASE("packet decoder delivers the reassembled UDP datagram once", "[net]") {
  V whole = udp(500, 500, V(2000, 0x5a));
  V f1 = ethernet(0x0800, ipv4(17, V(whole.begin(), whole.begin() + 1480), 0x42, 0x2000));
  V f2 = ethernet(0x0800, ipv4(17, V(whole.begin() + 1480, whole.end()), 0x42, 185));
  std::vector<std::size_t> sizes;
  std::vector<std::vector<std::uint64_t>> frames;
  PacketDecoder d(DLT_EN10MB,
                  [&](const Transport& t) {
                    sizes.push_back(t.payload.size());
                    frames.push_back(t.fragment_frames);
                  },
                  {});
  RawPacket p;
  p.info.frame = 1;
  p.data = span(f1);
  d.feed(p);
  p.info.frame = 2;
  p.data = span(f2);
  d.feed(p);
  REQUIRE(sizes == std::vector<std::size_t>{2000});
  CHECK(frames[0] == std::vector<std::uint64_t>{1, 2});
  CHECK(d.stats().fragments == 2);
  CHECK(d.stats().reassembled == 1);
}

namespace {
Transport tcp_segment(std::uint32_t seq, std::uint8_t flags, const std::string& data,
                      std::uint64_t frame, std::vector<V>& keep) {
  keep.emplace_back(data.begin(), data.end());
  Transport t;
  t.kind = TransportKind::kTcp;
  t.info.frame = frame;
  t.ip.src = *parse_address("192.0.2.1");
  t.ip.dst = *parse_address("192.0.2.2");
  t.tcp.src_port = 40000;
  t.tcp.dst_port = 4500;
  t.tcp.seq = seq;
  t.tcp.flags = flags;
  t.payload = span(keep.back());
  return t;
}
}  // namespace

TEST_CASE("tcp reassembly orders segments, drops retransmissions and trims overlaps", "[net]") {
  std::string stream;
  std::vector<std::uint64_t> gaps;
  TcpReassembler r([&](const StreamChunk& c) {
    stream.append(reinterpret_cast<const char*>(c.data.data()), c.data.size());
    gaps.push_back(c.gap);
  });
  std::vector<V> keep;
  std::uint32_t isn = 0xfffffff0;  // wraps during the stream
  r.add(tcp_segment(isn, 0x02, "", 1, keep));
  r.add(tcp_segment(isn + 1 + 10, 0x10, "klmnopqrst", 2, keep));  // early
  r.add(tcp_segment(isn + 1, 0x10, "abcdefghij", 3, keep));       // fills the hole
  r.add(tcp_segment(isn + 1, 0x10, "abcdefghij", 4, keep));       // retransmission
  r.add(tcp_segment(isn + 1 + 15, 0x10, "pqrstuvw", 5, keep));    // overlaps the end
  r.add(tcp_segment(isn + 1 + 23, 0x11, "xyz", 6, keep));         // FIN with data
  CHECK(stream == "abcdefghijklmnopqrstuvwxyz");
  CHECK(std::all_of(gaps.begin(), gaps.end(), [](auto g) { return g == 0; }));
  CHECK(r.flows() == 0);
}

TEST_CASE("tcp reassembly reports a gap it cannot fill", "[net]") {
  std::string stream;
  std::uint64_t gap = 0;
  TcpReassembler r(
      [&](const StreamChunk& c) {
        stream.append(reinterpret_cast<const char*>(c.data.data()), c.data.size());
        gap += c.gap;
      },
      {}, TcpLimits{16, 8});
  std::vector<V> keep;
  r.add(tcp_segment(1000, 0x02, "", 1, keep));
  r.add(tcp_segment(1001, 0x10, "abc", 2, keep));
  r.add(tcp_segment(1001 + 5, 0x10, "fghij", 3, keep));   // 2 bytes lost
  r.add(tcp_segment(1001 + 10, 0x10, "klmno", 4, keep));  // buffer over 8 bytes: give up the hole
  CHECK(gap == 2);
  CHECK(stream == "abcfghijklmno");
  r.flush();
  CHECK(r.flows() == 0);
}

TEST_CASE("pcap source reads what libpcap wrote, with a BPF filter", "[net]") {
  seckit::test::TempDir dir;
  const std::string path = dir.file("three.pcap");
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  REQUIRE(dumper != nullptr);
  V a = ethernet(0x0800, ipv4(17, udp(500, 500, {1})));
  V b = ethernet(0x0800, ipv4(17, udp(53, 53, {2})));
  for (const V* frame : {&a, &b, &a}) {
    pcap_pkthdr h{};
    h.ts.tv_sec = 1700000000;
    h.ts.tv_usec = 250000;
    h.caplen = h.len = static_cast<bpf_u_int32>(frame->size());
    pcap_dump(reinterpret_cast<u_char*>(dumper), &h, frame->data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
  {
    PcapSource source(path);
    CHECK(source.link_type() == DLT_EN10MB);
    CHECK(link_type_name(source.link_type()) == "EN10MB");
    RawPacket p;
    int n = 0;
    while (source.next(p)) {
      ++n;
      CHECK(p.info.ts_sec == 1700000000);
      CHECK(p.info.ts_usec == 250000);
    }
    CHECK(n == 3);
    CHECK(source.error().empty());
  }
  {
    PcapSource source(path);
    source.set_filter("udp port 500");
    RawPacket p;
    int n = 0;
    while (source.next(p)) ++n;
    CHECK(n == 2);
    CHECK_THROWS_AS(source.set_filter("udp port"), seckit::ToolError);
  }
  // Truncated in the middle of the last record: the first two arrive, then an error.
  REQUIRE(truncate(path.c_str(), 24 + 2 * (16 + static_cast<long>(a.size())) + 20) == 0);
  {
    PcapSource source(path);
    RawPacket p;
    int n = 0;
    while (source.next(p)) ++n;
    CHECK(n == 2);
    CHECK_FALSE(source.error().empty());
  }
  CHECK_THROWS_AS(PcapSource("/nonexistent/capture.pcap"), seckit::ToolError);
}

namespace {
// A pcap of the given Ethernet frames, written by libpcap's own dumper.
std::string write_pcap(const seckit::test::TempDir& dir, const std::string& name,
                       const std::vector<V>& frames) {
  const std::string path = dir.file(name);
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  REQUIRE(dumper != nullptr);
  for (const V& frame : frames) {
    pcap_pkthdr h{};
    h.ts.tv_sec = 1700000000;
    h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper), &h, frame.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
  return path;
}

CaptureSpec files(std::vector<std::string> paths) {
  CaptureSpec spec;
  spec.files = std::move(paths);
  return spec;
}

struct Seen {
  std::vector<std::string> begins;
  std::vector<std::uint64_t> frames;
  std::vector<std::string> truncations;
  CaptureHandlers handlers() {
    CaptureHandlers h;
    h.begin = [this](const std::string& source, int) { begins.push_back(source); };
    h.packet = [this](const RawPacket& p) { frames.push_back(p.info.frame); };
    h.end = [this](const std::string&, std::uint64_t, const std::string& truncation) {
      truncations.push_back(truncation);
    };
    return h;
  }
};
}  // namespace

TEST_CASE("capture driver reads files in order, filters, counts and words truncation", "[net]") {
  seckit::test::TempDir dir;
  V ike = ethernet(0x0800, ipv4(17, udp(500, 500, {1})));
  V dns = ethernet(0x0800, ipv4(17, udp(53, 53, {2})));
  std::string one = write_pcap(dir, "one.pcap", {ike, dns, ike});
  std::string two = write_pcap(dir, "two.pcap", {dns, ike});
  SECTION("every packet of every file, frame numbers per file") {
    Seen seen;
    CHECK(run_capture(files({one, two}), seen.handlers()) == CaptureEnd::kComplete);
    CHECK(seen.begins == std::vector<std::string>{one, two});
    CHECK(seen.frames == std::vector<std::uint64_t>{1, 2, 3, 1, 2});
    CHECK(seen.truncations == std::vector<std::string>{"", ""});
  }
  SECTION("a BPF filter applies to every file") {
    Seen seen;
    CaptureSpec spec = files({one, two});
    spec.filter = "udp port 500";
    CHECK(run_capture(spec, seen.handlers()) == CaptureEnd::kComplete);
    CHECK(seen.frames.size() == 3);
  }
  SECTION("a packet count stops across files") {
    Seen seen;
    CaptureSpec spec = files({one, two});
    spec.count = 4;
    CHECK(run_capture(spec, seen.handlers()) == CaptureEnd::kCount);
    CHECK(seen.frames == std::vector<std::uint64_t>{1, 2, 3, 1});
  }
  SECTION("a file cut inside its last record is read up to it and said so once") {
    REQUIRE(truncate(one.c_str(), 24 + 2 * (16 + static_cast<long>(ike.size())) + 20) == 0);
    Seen seen;
    CHECK(run_capture(files({one}), seen.handlers()) == CaptureEnd::kComplete);
    CHECK(seen.frames.size() == 2);
    REQUIRE(seen.truncations.size() == 1);
    CHECK(seen.truncations[0].starts_with("capture ends early after frame 2: "));
  }
  SECTION("bad inputs are errors before any packet") {
    Seen seen;
    CaptureSpec bad_filter = files({one});
    bad_filter.filter = "udp port";
    CHECK_THROWS_AS(run_capture(bad_filter, seen.handlers()), seckit::ToolError);
    CHECK_THROWS_AS(run_capture(files({"/nonexistent.pcap"}), seen.handlers()), seckit::ToolError);
    CaptureSpec no_device;
    no_device.interface = "seckit-no-such-if0";
    try {
      (void)run_capture(no_device, seen.handlers());
      FAIL("a missing interface must throw");
    } catch (const seckit::ToolError& e) {
      CHECK(e.code() == seckit::kExitEnvironment);
    }
    CHECK(seen.frames.empty());
  }
}

TEST_CASE("capture driver captures live on lo and stops at the packet count", "[net][live]") {
  if (geteuid() != 0) {
    WARN("live capture needs root or CAP_NET_RAW: not run");
    return;
  }
  // Datagrams to a port nobody listens on, sent once the capture is active (begin).
  const std::uint16_t port = static_cast<std::uint16_t>(40000 + getpid() % 20000);
  CaptureSpec spec;
  spec.interface = "lo";
  spec.filter = fmt::format("udp and dst host 127.0.0.1 and dst port {}", port);
  spec.count = 2;
  spec.duration = 20;  // a safety net: the count ends it long before
  std::vector<std::string> payloads;
  CaptureHandlers h;
  h.begin = [port](const std::string& source, int) {
    CHECK(source == "lo");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (const char* text : {"first", "second"}) {
      CHECK(sendto(fd, text, std::strlen(text), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
            static_cast<ssize_t>(std::strlen(text)));
    }
    close(fd);
  };
  h.packet = [&payloads](const RawPacket& p) {
    auto link = decode_link(DLT_EN10MB, p.data);  // lo is Ethernet-framed on Linux
    REQUIRE(link);
    auto ip = parse_ip(link->payload);
    REQUIRE(ip);
    auto u = parse_udp(ip->payload);
    REQUIRE(u);
    payloads.emplace_back(reinterpret_cast<const char*>(u->payload.data()), u->payload.size());
  };
  CHECK(run_capture(spec, h) == CaptureEnd::kCount);
  CHECK(payloads == std::vector<std::string>{"first", "second"});
}
