// Reading what admins point certcheck at. certcheck only reads certificates, so it follows
// symbolic links (the system trust store is symlinks: /etc/ssl/certs/*.0 -> *.pem); refusing
// them belongs where a tool writes (seckit::fs::atomic_write). Secrets may come from a pipe
// (`--password-file <(pass show p12)` is /dev/fd/63).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "certcheck.hpp"
#include "seckit/fs.hpp"

namespace certcheck {
namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string read_fd(int fd, const std::string& path, std::size_t max_bytes) {
  std::string data;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw seckit::input_error(path, fmt::format("cannot read: {}", std::strerror(errno)));
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      throw seckit::input_error(path, fmt::format("larger than {} bytes", max_bytes));
    }
  }
  return data;
}

bool is_fd_path(std::string_view path) {
  return path.rfind("/dev/fd/", 0) == 0 || path.rfind("/proc/self/fd/", 0) == 0;
}

}  // namespace

std::string read_input_file(const std::string& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) {
    throw seckit::input_error(path, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
    throw seckit::input_error(path, "not a regular file or pipe");
  }
  return read_fd(fd.fd, path, max_bytes);
}

std::string read_password_file(const std::string& path) {
  // A pipe the shell opened for us is private to this process: no mode to check.
  if (!is_fd_path(path)) return seckit::fs::read_secret_file(path);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) {
    throw seckit::input_error(path, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) throw seckit::input_error(path, "cannot stat");
  if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
    throw seckit::input_error(path, "secret file is accessible by others",
                              "chmod 600 the file behind it");
  }
  std::string content = read_fd(fd.fd, path, std::size_t{64} * 1024);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

}  // namespace certcheck
