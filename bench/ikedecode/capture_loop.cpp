// The floor for ikedecode with its own reader: common/net's PcapSource over the same file (every
// frame delivered, one byte per 64 touched, like pcap_loop.cpp), nothing decoded.
#include <cstdio>
#include <exception>

#include "seckit/net.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  try {
    seckit::net::PcapSource source(argv[1]);
    seckit::net::RawPacket packet;
    unsigned long frames = 0, sum = 0;
    while (source.next(packet)) {
      ++frames;
      for (std::size_t i = 0; i < packet.data.size(); i += 64) sum += packet.data[i];
    }
    std::printf("%lu frames (checksum %lu)\n", frames, sum);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
