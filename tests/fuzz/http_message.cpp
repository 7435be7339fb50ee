// The HTTP/1.x stream parser (common/http). The input is cut into pieces at every 0xFE byte; the
// pieces go alternately to the client and the server direction, so one input exercises request/
// response pairing, CONNECT and the tunnel switch, and every split position of a line.
#include <cstdint>
#include <vector>

#include "seckit/http.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  seckit::http::Limits limits;
  limits.max_line = 256;
  limits.max_header_bytes = 1024;
  limits.max_headers = 16;
  limits.max_body_kept = 64;
  limits.max_pending_tunnel = 128;
  seckit::http::Handlers handlers;
  std::size_t seen = 0;
  handlers.on_message = [&](const seckit::http::Message& m) {
    seen += m.headers.size() + m.body.size();
    (void)m.header("content-length");
    (void)m.starts_tunnel();
  };
  handlers.on_tunnel = [&](seckit::http::Direction, seckit::bytes::Bytes b, std::uint64_t,
                           std::uint64_t, double) { seen += b.size(); };
  seckit::http::Connection connection(handlers, limits);
  std::size_t start = 0;
  bool client = true;
  for (std::size_t i = 0; i <= size; ++i) {
    if (i < size && data[i] != 0xfe) continue;
    // Each piece in its own allocation so ASan sees reads past its end.
    std::vector<std::uint8_t> piece(data + start, data + i);
    connection.feed(client ? seckit::http::Direction::kClientToServer
                           : seckit::http::Direction::kServerToClient,
                    piece, i);
    client = !client;
    start = i + 1;
  }
  connection.close(seckit::http::Direction::kClientToServer);
  connection.close(seckit::http::Direction::kServerToClient);
  return seen == 0xffffffff ? 1 : 0;
}
