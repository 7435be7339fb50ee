// The packet decoder from the link layer to UDP/TCP, fragment reassembly and TCP stream
// reassembly included. The first byte picks the link type; the rest is split into frames at
// every 0xFE 0xED pair so one input can hold fragments of the same datagram.
#include <pcap/dlt.h>

#include <cstdint>
#include <vector>

#include "seckit/net.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const int kLinks[] = {
      DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW, 228, 229};
  int link = kLinks[data[0] % (sizeof kLinks / sizeof kLinks[0])];
  seckit::net::TcpReassembler tcp([](const seckit::net::StreamChunk&) {}, {},
                                  seckit::net::TcpLimits{8, 4096});
  seckit::net::PacketDecoder decoder(
      link, [&](const seckit::net::Transport& t) { tcp.add(t); },
      [](const seckit::net::Anomaly&) {}, seckit::net::ReassemblyLimits{8, 16, 30.0});
  std::size_t start = 1;
  std::uint64_t frame = 0;
  for (std::size_t i = 1; i <= size; ++i) {
    bool cut = i == size || (i + 1 < size && data[i] == 0xfe && data[i + 1] == 0xed);
    if (!cut) continue;
    // Each frame in its own allocation so ASan sees reads past its end.
    std::vector<std::uint8_t> bytes(data + start, data + i);
    seckit::net::RawPacket packet;
    packet.info.frame = ++frame;
    packet.info.ts_sec = static_cast<std::int64_t>(frame);
    packet.info.caplen = packet.info.origlen = static_cast<std::uint32_t>(bytes.size());
    packet.data = seckit::bytes::Bytes(bytes.data(), bytes.size());
    decoder.feed(packet);
    start = i + 2;
  }
  decoder.flush();
  tcp.flush();
  return 0;
}
