// Incremental HTTP/1.x parsing (RFC 9112). Each direction is a small state machine that consumes
// whatever bytes it is given and keeps at most one line (or one bounded header block) buffered.
#include "seckit/http.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

namespace seckit::http {

std::string_view direction_name(Direction dir) {
  return dir == Direction::kClientToServer ? "client-to-server" : "server-to-client";
}

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Decimal without sign or overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::optional<std::uint64_t> parse_hex_size(std::string_view s) {
  auto semi = s.find(';');  // chunk extensions are ignored
  s = trim(s.substr(0, semi));
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return v;
}

enum class State {
  kStartLine,
  kHeaders,
  kBodyLength,
  kChunkSize,
  kChunkData,
  kChunkDataEnd,
  kTrailers,
  kBodyUntilClose,
  kAwaitTunnel,  // client sent CONNECT, the answer is not in yet
  kTunnel,
  kError,
};

}  // namespace

bool name_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool name_starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && name_equals(s.substr(0, prefix.size()), prefix);
}

const Header* Message::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (name_equals(h.name, name)) return &h;
  }
  return nullptr;
}

std::vector<std::string> Message::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const Header& h : headers) {
    if (name_equals(h.name, name)) out.push_back(h.value);
  }
  return out;
}

bool Message::starts_tunnel() const {
  if (is_request) return false;
  if (status == 101) return true;
  return name_equals(request_method, "CONNECT") && status >= 200 && status < 300;
}

struct Connection::Impl {
  struct Side {
    explicit Side(Direction d) : dir(d) {}
    Direction dir;
    State state = State::kStartLine;
    std::string line;
    std::size_t header_bytes = 0;
    Message msg;
    bool in_message = false;
    std::uint64_t remaining = 0;  // body or chunk bytes still to come
    std::uint64_t offset = 0;     // stream offset of the next byte
    std::uint64_t count = 0;      // messages completed
    std::string pending;          // client bytes held during kAwaitTunnel
    std::uint64_t pending_offset = 0;
    std::uint64_t pending_frame = 0;
    double pending_time = 0;
  };
  Handlers handlers;
  Limits limits;
  Side client = Side(Direction::kClientToServer);
  Side server = Side(Direction::kServerToClient);
  std::deque<std::string> unanswered;  // methods of requests awaiting a response

  Side& side(Direction d) { return d == Direction::kClientToServer ? client : server; }

  void fail(Side& s, std::string message) {
    if (s.state == State::kError) return;
    s.state = State::kError;
    s.line.clear();
    if (handlers.on_error) handlers.on_error(s.dir, ParseError{std::move(message), s.offset});
  }

  void begin_message(Side& s, std::uint64_t frame, double time) {
    s.msg = Message{};
    s.msg.direction = s.dir;
    s.msg.is_request = s.dir == Direction::kClientToServer;
    s.msg.first_frame = frame;
    s.msg.first_time = time;
    s.msg.stream_offset = s.offset;
    s.in_message = true;
    s.header_bytes = 0;
  }

  void append_body(Side& s, Bytes data) {
    s.msg.body_length += data.size();
    std::size_t room =
        limits.max_body_kept > s.msg.body.size() ? limits.max_body_kept - s.msg.body.size() : 0;
    std::size_t keep = std::min(room, data.size());
    s.msg.body.append(reinterpret_cast<const char*>(data.data()), keep);
    if (keep < data.size()) s.msg.body_truncated = true;
  }

  void finish_message(Side& s, std::uint64_t frame, double time) {
    s.msg.last_frame = frame;
    s.msg.last_time = time;
    s.msg.sequence = s.count++;
    s.in_message = false;
    s.state = State::kStartLine;
    Message done = std::move(s.msg);
    s.msg = Message{};
    bool tunnel = false;
    bool refused_connect = false;
    if (done.is_request) {
      unanswered.push_back(done.method);
      if (name_equals(done.method, "CONNECT")) s.state = State::kAwaitTunnel;
      s.pending.clear();
      s.pending_offset = s.offset;
    } else if (done.status >= 200 || done.status == 101) {
      // Interim 1xx answers (other than 101) leave the request waiting for its final answer.
      if (!unanswered.empty()) unanswered.pop_front();
      tunnel = done.starts_tunnel();
      refused_connect = name_equals(done.request_method, "CONNECT") && !tunnel;
    }
    if (handlers.on_message) handlers.on_message(done);
    if (tunnel) {
      server.state = State::kTunnel;
      if (client.state == State::kAwaitTunnel || client.state == State::kStartLine) {
        client.state = State::kTunnel;
        if (!client.pending.empty() && handlers.on_tunnel) {
          std::string held = std::move(client.pending);
          handlers.on_tunnel(Direction::kClientToServer, bytes::as_bytes(held),
                             client.pending_offset, client.pending_frame, client.pending_time);
        }
      }
      client.pending.clear();
    } else if (refused_connect && client.state == State::kAwaitTunnel) {
      client.state = State::kStartLine;
      std::string held = std::move(client.pending);
      client.pending.clear();
      client.offset = client.pending_offset;
      if (!held.empty())
        feed(client, bytes::as_bytes(held), client.pending_frame, client.pending_time);
    }
  }

  // The header block is complete: decide how the body is delimited.
  void headers_done(Side& s, std::uint64_t frame, double time) {
    Message& m = s.msg;
    if (!m.is_request) {
      m.request_method = unanswered.empty() ? std::string() : unanswered.front();
    }
    const Header* te = m.header("Transfer-Encoding");
    std::optional<std::uint64_t> length;
    for (const Header& h : m.headers) {
      if (!name_equals(h.name, "Content-Length")) continue;
      auto v = parse_decimal(h.value);
      if (!v) return fail(s, fmt::format("bad Content-Length \"{}\"", h.value.substr(0, 40)));
      if (length && *length != *v) return fail(s, "conflicting Content-Length headers");
      length = v;
    }
    bool no_body = false;
    if (!m.is_request) {
      no_body = name_equals(m.request_method, "HEAD") || m.status / 100 == 1 || m.status == 204 ||
                m.status == 304 || m.starts_tunnel();
    }
    if (no_body) return finish_message(s, frame, time);
    if (te) {
      std::string_view v = trim(te->value);
      auto comma = v.rfind(',');
      std::string_view last = trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
      if (name_equals(last, "chunked")) {
        m.chunked = true;
        s.state = State::kChunkSize;
        return;
      }
      if (m.is_request) return fail(s, "request body with a transfer coding other than chunked");
      s.state = State::kBodyUntilClose;
      return;
    }
    if (length) {
      if (*length == 0) return finish_message(s, frame, time);
      s.remaining = *length;
      s.state = State::kBodyLength;
      return;
    }
    if (m.is_request) return finish_message(s, frame, time);
    s.state = State::kBodyUntilClose;
  }

  void start_line(Side& s, std::string_view line) {
    Message& m = s.msg;
    if (m.is_request) {
      auto sp1 = line.find(' ');
      auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos)
        return fail(s, "request line is not METHOD TARGET VERSION");
      m.method = std::string(line.substr(0, sp1));
      m.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
      m.version = std::string(line.substr(sp2 + 1));
      if (m.method.empty() || !std::all_of(m.method.begin(), m.method.end(), is_token_char)) {
        return fail(s, "request method is not a token");
      }
      if (m.version.rfind("HTTP/1.", 0) != 0 || m.target.empty()) {
        return fail(s, "request line is not HTTP/1.x");
      }
    } else {
      if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
        return fail(s, "status line is not HTTP/1.x");
      }
      m.version = std::string(line.substr(0, 8));
      auto code = parse_decimal(line.substr(9, 3));
      if (!code || *code < 100 || *code > 999) return fail(s, "status code is not 3 digits");
      m.status = static_cast<int>(*code);
      m.reason = std::string(trim(line.size() > 12 ? line.substr(13) : std::string_view()));
    }
    s.state = State::kHeaders;
  }

  void header_line(Side& s, std::string_view line, bool trailer, std::uint64_t frame, double time) {
    std::vector<Header>& list = trailer ? s.msg.trailers : s.msg.headers;
    if (line.empty()) {
      if (trailer) return finish_message(s, frame, time);
      return headers_done(s, frame, time);
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (list.empty()) return fail(s, "continuation line before any header");
      list.back().value += " ";
      list.back().value += std::string(trim(line));
      return;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail(s, "header line without a name");
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) {
      return fail(s, "header name is not a token");
    }
    if (list.size() >= limits.max_headers) {
      return fail(s, fmt::format("more than {} header fields", limits.max_headers));
    }
    list.push_back(Header{std::string(name), std::string(trim(line.substr(colon + 1)))});
  }

  // One complete line (without CR LF) in a line-oriented state.
  void on_line(Side& s, std::string_view line, std::uint64_t frame, double time) {
    switch (s.state) {
      case State::kStartLine:
        if (line.empty()) return;  // RFC 9112 2.2: tolerate empty lines before a message
        start_line(s, line);
        return;
      case State::kHeaders:
        return header_line(s, line, false, frame, time);
      case State::kTrailers:
        return header_line(s, line, true, frame, time);
      case State::kChunkSize: {
        auto size = parse_hex_size(line);
        if (!size) return fail(s, "bad chunk size line");
        if (*size == 0) {
          s.state = State::kTrailers;
          return;
        }
        s.remaining = *size;
        s.state = State::kChunkData;
        return;
      }
      case State::kChunkDataEnd:
        if (!line.empty()) return fail(s, "chunk data not followed by CRLF");
        s.state = State::kChunkSize;
        return;
      default:
        return;
    }
  }

  static bool line_state(State st) {
    return st == State::kStartLine || st == State::kHeaders || st == State::kTrailers ||
           st == State::kChunkSize || st == State::kChunkDataEnd;
  }

  void feed(Side& s, Bytes data, std::uint64_t frame, double time) {
    bytes::Reader in(data);
    while (!in.empty() && s.state != State::kError) {
      if (s.state == State::kTunnel) {
        Bytes rest = in.rest();
        if (handlers.on_tunnel) handlers.on_tunnel(s.dir, rest, s.offset, frame, time);
        s.offset += rest.size();
        return;
      }
      if (s.state == State::kAwaitTunnel) {
        Bytes rest = in.rest();
        if (s.pending.empty()) {
          s.pending_frame = frame;
          s.pending_time = time;
        }
        if (s.pending.size() + rest.size() > limits.max_pending_tunnel) {
          return fail(s, "too many bytes sent before the CONNECT was answered");
        }
        s.pending.append(reinterpret_cast<const char*>(rest.data()), rest.size());
        s.offset += rest.size();
        return;
      }
      if (line_state(s.state)) {
        if (s.state == State::kStartLine && !s.in_message) begin_message(s, frame, time);
        Bytes avail = in.peek(in.remaining());
        auto nl = std::find(avail.begin(), avail.end(), std::uint8_t('\n'));
        std::size_t take =
            nl == avail.end() ? avail.size() : static_cast<std::size_t>(nl - avail.begin()) + 1;
        std::string_view piece = in.text(take);
        s.offset += take;
        if (s.state == State::kHeaders || s.state == State::kTrailers) {
          s.header_bytes += take;
          if (s.header_bytes > limits.max_header_bytes) {
            return fail(s, fmt::format("header block over {} bytes", limits.max_header_bytes));
          }
        }
        if (s.line.size() + piece.size() > limits.max_line + 2) {
          return fail(s, fmt::format("line over {} bytes", limits.max_line));
        }
        s.line.append(piece);
        if (nl == avail.end()) return;  // wait for the rest of the line
        std::string line = std::move(s.line);
        s.line.clear();
        line.pop_back();  // '\n'
        if (!line.empty() && line.back() == '\r') line.pop_back();
        on_line(s, line, frame, time);
        continue;
      }
      if (s.state == State::kBodyLength || s.state == State::kChunkData) {
        std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(s.remaining, in.remaining()));
        append_body(s, in.bytes(n));
        s.offset += n;
        s.remaining -= n;
        if (s.remaining == 0) {
          if (s.state == State::kBodyLength) {
            finish_message(s, frame, time);
          } else {
            s.state = State::kChunkDataEnd;
          }
        }
        continue;
      }
      if (s.state == State::kBodyUntilClose) {
        Bytes rest = in.rest();
        append_body(s, rest);
        s.offset += rest.size();
        return;
      }
    }
  }
};

Connection::Connection(Handlers handlers, Limits limits) : impl_(std::make_unique<Impl>()) {
  impl_->handlers = std::move(handlers);
  impl_->limits = limits;
}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

void Connection::feed(Direction dir, Bytes data, std::uint64_t frame, double time,
                      std::uint64_t gap) {
  Impl::Side& s = impl_->side(dir);
  if (gap > 0) {
    if (s.state == State::kTunnel) {
      s.offset += gap;
    } else if (s.state != State::kError) {
      s.offset += gap;
      impl_->fail(s, fmt::format("{} bytes missing from the capture", gap));
      return;
    }
  }
  impl_->feed(s, data, frame, time);
}

void Connection::close(Direction dir, std::uint64_t frame, double time) {
  Impl::Side& s = impl_->side(dir);
  if (s.state == State::kBodyUntilClose) {
    impl_->finish_message(s, frame, time);
    return;
  }
  if (s.in_message && s.state != State::kStartLine && s.state != State::kError &&
      s.state != State::kTunnel && s.state != State::kAwaitTunnel) {
    bool had_headers = s.state != State::kHeaders;
    if (had_headers && impl_->handlers.on_message) {
      s.msg.complete = false;
      s.msg.last_frame = frame;
      s.msg.last_time = time;
      s.msg.sequence = s.count++;
      impl_->handlers.on_message(s.msg);
    }
    s.in_message = false;
    impl_->fail(s, had_headers ? "connection closed inside a message body"
                               : "connection closed inside a header block");
  } else if (s.state == State::kStartLine && !s.line.empty()) {
    impl_->fail(s, "connection closed inside a start line");
  }
}

bool Connection::in_tunnel() const { return impl_->server.state == State::kTunnel; }
bool Connection::failed(Direction dir) const { return impl_->side(dir).state == State::kError; }
std::uint64_t Connection::requests() const { return impl_->client.count; }
std::uint64_t Connection::responses() const { return impl_->server.count; }

}  // namespace seckit::http
