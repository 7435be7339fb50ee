// common/tls record layer + handshake parsing + decryption paths. Input layout:
//   byte 0: mode (even: TLS over a stream, odd: DTLS datagrams)
//   TLS:  bytes 1-2 = length of the client->server part; the rest is server->client. Both are
//         fed in small chunks (byte 3 picks the chunk size) so record reassembly is exercised.
//   DTLS: datagrams separated by 0xFE 0xED; the first bit of each picks the direction.
// A key log maps the all-zero client random to fixed secrets, so inputs with such a
// ClientHello reach the decryption code (and fail its MAC/tag checks) too.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "seckit/tls.hpp"

namespace {
const seckit::tls::KeyLog& keylog() {
  static const seckit::tls::KeyLog log = [] {
    seckit::tls::KeyLog k;
    std::string zero(64, '0');
    std::string secret(64, '1');
    std::string master(96, '2');
    k.load_text("CLIENT_RANDOM " + zero + " " + master + "\n" + "CLIENT_HANDSHAKE_TRAFFIC_SECRET " +
                zero + " " + secret + "\n" + "SERVER_HANDSHAKE_TRAFFIC_SECRET " + zero + " " +
                secret + "\n" + "CLIENT_TRAFFIC_SECRET_0 " + zero + " " + secret + "\n" +
                "SERVER_TRAFFIC_SECRET_0 " + zero + " " + secret + "\n" + "EXPORTER_SECRET " +
                zero + " " + secret + "\n");
    return k;
  }();
  return log;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace seckit::tls;
  if (size < 4) return 0;
  Options options;
  options.keylog = &keylog();
  options.record_events = true;
  options.max_handshake_message = 4096;
  auto sink = [](const Event& e) {
    if (e.kind == EventKind::kHandshake) (void)e.handshake->type_name();
  };
  if (data[0] % 2 == 0) {
    std::size_t split = std::min<std::size_t>(size - 4, (data[1] << 8) | data[2]);
    std::size_t chunk = 1 + data[3] % 64;
    std::vector<std::uint8_t> c2s(data + 4, data + 4 + split);
    std::vector<std::uint8_t> s2c(data + 4 + split, data + size);
    TlsConnection conn(options, sink);
    std::size_t a = 0, b = 0;
    std::uint64_t frame = 0;
    while (a < c2s.size() || b < s2c.size()) {
      if (a < c2s.size()) {
        std::size_t n = std::min(chunk, c2s.size() - a);
        std::vector<std::uint8_t> piece(c2s.begin() + a, c2s.begin() + a + n);
        conn.feed(Direction::kClientToServer, piece, ++frame, 0);
        a += n;
      }
      if (b < s2c.size()) {
        std::size_t n = std::min(chunk, s2c.size() - b);
        std::vector<std::uint8_t> piece(s2c.begin() + b, s2c.begin() + b + n);
        conn.feed(Direction::kServerToClient, piece, ++frame, 0);
        b += n;
      }
    }
    conn.finish();
    (void)conn.export_keying_material("EXPORTER", std::nullopt, 32);
  } else {
    DtlsConnection conn(options, sink);
    std::size_t start = 1;
    std::uint64_t frame = 0;
    for (std::size_t i = 1; i <= size; ++i) {
      bool cut = i == size || (i + 1 < size && data[i] == 0xfe && data[i + 1] == 0xed);
      if (!cut) continue;
      if (i > start) {
        std::vector<std::uint8_t> datagram(data + start + 1, data + i);
        Direction d = (data[start] & 1) ? Direction::kServerToClient : Direction::kClientToServer;
        conn.feed(d, datagram, ++frame, 0);
      }
      start = i + 2;
    }
    conn.finish();
  }
  // The handshake parsers on the raw input too (each type, TLS 1.2 and 1.3 layouts).
  for (std::uint8_t type : {1, 2, 3, 4, 8, 11, 12, 13, 15, 16, 20, 24}) {
    ParseContext ctx;
    ctx.version = data[1] & 1 ? kTls13 : kTls12;
    ctx.cipher_suite = static_cast<std::uint16_t>((data[2] << 8) | data[3]);
    ctx.dtls = data[1] & 2;
    (void)parse_handshake(type, {data + 4, size - 4}, ctx);
  }
  return 0;
}
