// CSTP deframing (TLS-carried stream split at every 0xFE byte, and each piece as a DTLS-carried
// packet) and the DTLS record header walk.
#include <cstdint>
#include <vector>

#include "cstp.hpp"
#include "records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t seen = 0;
  sslvpn::CstpStream stream([&](const sslvpn::CstpPacket& p) {
    seen += p.payload.size();
    if (p.type == sslvpn::kCstpDisconnect) seen += sslvpn::disconnect_reason(p.payload).size();
  });
  sslvpn::TlsRecordScanner scanner;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= size; ++i) {
    if (i < size && data[i] != 0xfe) continue;
    std::vector<std::uint8_t> piece(data + start, data + i);
    stream.feed(piece, i, 0);
    scanner.feed(piece, 0, [&](const sslvpn::RecordHeader& h) { seen += h.length; });
    sslvpn::CstpPacket p;
    if (sslvpn::parse_dtls_cstp(piece, p)) seen += p.payload.size();
    seen += sslvpn::dtls_record_headers(piece).size();
    start = i + 1;
  }
  return seen == 0xffffffff ? 1 : 0;
}
