// common/http: an incremental HTTP/1.x parser for bytes reassembled from captures (sslvpn-trace
// reads AnyConnect's config-auth exchanges with it, cbaudit the Authorization/WWW-Authenticate
// headers). One Connection per TCP connection, fed the bytes of each direction as they arrive in
// chunks of any size; complete messages come out of a callback.
//
// What it understands: request and status lines, header fields (obsolete line folding joined),
// bodies delimited by Content-Length, chunked transfer coding (with trailers) or the end of the
// connection; responses without a body (HEAD, 1xx, 204, 304); CONNECT answered with 2xx and
// 101 Switching Protocols switch both directions to tunnel mode (AnyConnect's
// `CONNECT /CSCOSSLC/tunnel` -> `200 CONNECTED` carries CSTP afterwards), after which the bytes are
// handed over untouched. Every size is bounded (Limits): a line, the header block, the number of
// fields and the part of a body kept in memory. A violation stops that direction with one
// ParseError; nothing throws.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace seckit::http {

using bytes::Bytes;

enum class Direction { kClientToServer, kServerToClient };
std::string_view direction_name(Direction dir);  // "client-to-server" / "server-to-client"

struct Limits {
  std::size_t max_line =
      std::size_t{16} * 1024;  // request/status line, one header line, chunk size line
  std::size_t max_header_bytes =
      std::size_t{256} * 1024;    // the whole header block (or trailer block)
  std::size_t max_headers = 256;  // fields per message
  std::size_t max_body_kept = std::size_t{1024} * 1024;  // bytes of each body kept in Message::body
  std::size_t max_pending_tunnel =
      std::size_t{64} * 1024;  // client bytes held while a CONNECT is unanswered
};

struct Header {
  std::string name;   // as on the wire
  std::string value;  // leading/trailing whitespace removed, folded lines joined by one space
};

// Case-insensitive ASCII comparison of header names.
bool name_equals(std::string_view a, std::string_view b);
// Case-insensitive ASCII prefix test ("X-CSTP-" matches "x-cstp-mtu", "NTLM" matches "ntlm
// TlRM...").
bool name_starts_with(std::string_view s, std::string_view prefix);

struct Message {
  Direction direction = Direction::kClientToServer;
  bool is_request = true;
  std::uint64_t sequence = 0;  // n-th request and the n-th response share the number (from 0)
  // Request line
  std::string method;
  std::string target;
  // Status line
  int status = 0;
  std::string reason;
  std::string version;  // "HTTP/1.1"
  std::vector<Header> headers;
  std::vector<Header> trailers;  // chunked trailers
  // Body: what was kept (up to Limits::max_body_kept) and how much there was.
  std::string body;
  std::uint64_t body_length = 0;
  bool body_truncated = false;  // body_length > body.size()
  bool chunked = false;
  bool complete = true;        // false when the connection ended inside the body
  std::string request_method;  // responses: the method of the request it answers
  // Where it was on the wire (the tags passed to feed()).
  std::uint64_t first_frame = 0, last_frame = 0;
  double first_time = 0, last_time = 0;
  std::uint64_t stream_offset = 0;  // offset of the first byte in its direction's stream

  // First header with that name (case-insensitive), or nullptr.
  const Header* header(std::string_view name) const;
  // Every value of a repeated header (Set-Cookie, X-CSTP-Split-Include...).
  std::vector<std::string> header_values(std::string_view name) const;
  bool starts_tunnel() const;  // a 2xx answer to CONNECT or a 101
};

struct Handlers {
  std::function<void(const Message&)> on_message;
  // Bytes after the switch to tunnel mode, per direction, with the stream offset of data[0].
  std::function<void(Direction, Bytes data, std::uint64_t offset, std::uint64_t frame, double time)>
      on_tunnel;
  // The direction stopped parsing (protocol violation or a limit); it ignores later bytes.
  std::function<void(Direction, const ParseError&)> on_error;
};

class Connection {
 public:
  explicit Connection(Handlers handlers, Limits limits = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  // Bytes of one direction, in stream order. `gap` > 0: that many bytes were lost before these;
  // a direction inside HTTP cannot resynchronise and stops with an error, a tunnel carries on
  // (the tunnel consumer sees the jump in offsets).
  void feed(Direction dir, Bytes data, std::uint64_t frame = 0, double time = 0,
            std::uint64_t gap = 0);
  // End of one direction (FIN/RST or end of capture): completes an until-close body, reports a
  // message cut short as incomplete.
  void close(Direction dir, std::uint64_t frame = 0, double time = 0);

  bool in_tunnel() const;
  bool failed(Direction dir) const;
  std::uint64_t requests() const;
  std::uint64_t responses() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seckit::http
