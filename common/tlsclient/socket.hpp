// Internal to common/tlsclient: a non-blocking TCP socket whose every wait is bounded by a
// deadline, and the STARTTLS dialogues that run on it before the handshake.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "seckit/tlsclient.hpp"

namespace seckit::tlsclient::detail {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  Socket() = default;
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Resolves and connects (every address in turn) before `deadline`; throws environment_error.
  void connect(const Endpoint& endpoint, Clock::time_point deadline);
  int fd() const { return fd_; }
  const std::string& origin() const { return origin_; }

  // Waits until readable (POLLIN) or writable (POLLOUT); throws on timeout, naming `what`.
  void wait(short events, Clock::time_point deadline, std::string_view what) const;
  void send_all(bytes::Bytes data, Clock::time_point deadline);
  // One line without its CR LF, at most kMaxLine bytes; read a byte at a time so nothing after
  // it (the server's TLS records) is consumed.
  std::string read_line(Clock::time_point deadline);
  // Exactly n bytes.
  Buffer read_exact(std::size_t n, Clock::time_point deadline);

  [[noreturn]] void fail(const std::string& what, std::string hint = {}) const;

 private:
  int fd_ = -1;
  std::string origin_;
};

// The plaintext dialogue of `protocol`, ending where the server expects a ClientHello.
void starttls(Socket& socket, const ConnectSpec& spec, Clock::time_point deadline);

}  // namespace seckit::tlsclient::detail
