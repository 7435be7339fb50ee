// Test driver: every frame of a capture as one line "<sec>.<usec> <caplen> <origlen> <fnv-1a>",
// after a "link <DLT>" line, then "error: <why>" when the file ends early. Read by seckit's
// PcapSource (our reader; "-" = stdin), or with --libpcap by libpcap itself, the oracle that
// capture_files.sh compares the two against.
#include <fmt/format.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <exception>
#include <string>

#include "seckit/net.hpp"

namespace {

std::uint64_t fnv1a(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

void frame(long long sec, long usec, unsigned caplen, unsigned origlen, const std::uint8_t* d) {
  std::fputs(
      fmt::format("{}.{:06} {} {} {:016x}\n", sec, usec, caplen, origlen, fnv1a(d, caplen)).c_str(),
      stdout);
}

int with_libpcap(const char* path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (p == nullptr) {
    std::printf("open: %s\n", errbuf);
    return 0;
  }
  std::printf("link %d\n", pcap_datalink(p));
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
    frame(h->ts.tv_sec, h->ts.tv_usec, h->caplen, h->len, data);
  }
  if (rc == PCAP_ERROR) std::printf("error: %s\n", pcap_geterr(p));
  pcap_close(p);
  return 0;
}

int with_seckit(const char* path) {
  try {
    seckit::net::PcapSource source(path);
    std::printf("link %d\n", source.link_type());
    seckit::net::RawPacket packet;
    while (source.next(packet)) {
      frame(packet.info.ts_sec, packet.info.ts_usec, packet.info.caplen, packet.info.origlen,
            packet.data.data());
    }
    if (!source.error().empty()) std::printf("error: %s\n", source.error().c_str());
  } catch (const std::exception& e) {
    // libpcap's sentence without PcapSource's preamble, to compare with --libpcap.
    std::string why = e.what();
    const std::string preamble = "not a readable pcap/pcapng capture: ";
    if (why.starts_with(preamble)) why = why.substr(preamble.size());
    std::printf("open: %s\n", why.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--libpcap") return with_libpcap(argv[2]);
  if (argc == 2) return with_seckit(argv[1]);
  std::fputs("usage: capture_dump [--libpcap] FILE|-\n", stderr);
  return 2;
}
