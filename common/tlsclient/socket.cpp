// TCP with deadlines: a non-blocking connect tried on every resolved address, then poll() before
// every read and write, so no step can wait past the deadline the caller set.
#include "socket.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "seckit/error.hpp"

namespace seckit::tlsclient::detail {
namespace {

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

struct AddrinfoFree {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};

}  // namespace

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

void Socket::fail(const std::string& what, std::string hint) const {
  throw environment_error(origin_, what, std::move(hint));
}

void Socket::wait(short events, Clock::time_point deadline, std::string_view what) const {
  for (;;) {
    pollfd p{fd_, events, 0};
    int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc > 0) return;
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) fail(fmt::format("timed out waiting for {}", what), "raise --timeout");
    fail(fmt::format("poll: {}", std::strerror(errno)));
  }
}

void Socket::connect(const Endpoint& endpoint, Clock::time_point deadline) {
  origin_ = endpoint.text();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    fail(fmt::format("cannot resolve {}: {}", endpoint.host, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, AddrinfoFree> list(found);
  std::string last = "no address";
  for (addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        socklen_t len = sizeof err;
        err = ::poll(&p, 1, remaining_ms(deadline)) == 1 &&
                      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0
                  ? err
                  : ETIMEDOUT;
      }
    }
    if (err == 0) {
      fd_ = fd;
      return;
    }
    last = err == ETIMEDOUT ? "connection timed out" : std::strerror(err);
    ::close(fd);
  }
  fail(fmt::format("cannot connect: {}", last));
}

void Socket::send_all(bytes::Bytes data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      wait(POLLOUT, deadline, "the server to accept data");
      continue;
    }
    if (n <= 0) fail(fmt::format("send failed: {}", std::strerror(errno)));
    data = data.subspan(static_cast<std::size_t>(n));
  }
}

std::string Socket::read_line(Clock::time_point deadline) {
  std::string line;
  while (line.size() < kMaxLine) {
    char c = 0;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      wait(POLLIN, deadline, "the server's reply");
      continue;
    }
    if (n < 0) fail(fmt::format("receive failed: {}", std::strerror(errno)));
    if (n == 0) fail("the server closed the connection before TLS");
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    line += c;
  }
  fail(fmt::format("reply line longer than {} bytes", kMaxLine));
}

Buffer Socket::read_exact(std::size_t n, Clock::time_point deadline) {
  Buffer data(n);
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::recv(fd_, data.data() + got, n - got, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      wait(POLLIN, deadline, "the server's reply");
      continue;
    }
    if (r < 0) fail(fmt::format("receive failed: {}", std::strerror(errno)));
    if (r == 0) fail("the server closed the connection before TLS");
    got += static_cast<std::size_t>(r);
  }
  return data;
}

}  // namespace seckit::tlsclient::detail
