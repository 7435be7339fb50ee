#include "seckit/fs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"

namespace seckit::fs {
namespace {

// Permission problems are the environment's fault (exit 3); a missing path or a bad name is
// the caller's input (exit 2).
ToolError errno_error(const std::string& context, const std::string& what, int err) {
  std::string message = fmt::format("{}: {}", what, std::strerror(err));
  if (err == EACCES || err == EPERM || err == EROFS) return environment_error(context, message);
  return input_error(context, message);
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string directory_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw errno_error(path, "cannot write", errno);
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_all(int fd, const std::string& path, std::size_t max_bytes) {
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw errno_error(path, "cannot read", errno);
    }
    if (n == 0) break;
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      throw input_error(path, fmt::format("file is larger than {} bytes", max_bytes));
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

FileInfo info_from(const struct stat& st) {
  FileInfo info;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.mode = st.st_mode & 07777;
  info.size = st.st_size;
  info.inode = st.st_ino;
  info.device = st.st_dev;
  return info;
}

}  // namespace

void atomic_write(const std::string& path, std::string_view content, const WriteOptions& options) {
  const std::string dir = directory_of(path);
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) throw errno_error(dir, "cannot open directory", errno);

  const std::string base = std::filesystem::path(path).filename().string();
  std::string temp_name;
  Fd fd;
  for (int attempt = 0; attempt < 16 && fd.get() < 0; ++attempt) {
    std::uint8_t random[6] = {};
    if (::getrandom(random, sizeof random, 0) != sizeof random) {
      throw environment_error(path, "getrandom failed for a temporary name");
    }
    temp_name = fmt::format(".{}.{}.tmp", base, enc::hex_encode(random));
    fd.reset(::openat(dir_fd.get(), temp_name.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0 && errno != EEXIST)
      throw errno_error(path, "cannot create temporary file", errno);
  }
  if (fd.get() < 0) throw errno_error(path, "cannot create temporary file", EEXIST);

  // From here on, any failure removes the temporary file.
  struct Cleanup {
    int dir;
    const std::string& name;
    bool armed = true;
    ~Cleanup() {
      if (armed) ::unlinkat(dir, name.c_str(), 0);
    }
  } cleanup{dir_fd.get(), temp_name};

  write_all(fd.get(), content, path);
  if (options.owner || options.group) {
    uid_t uid = options.owner.value_or(static_cast<uid_t>(-1));
    gid_t gid = options.group.value_or(static_cast<gid_t>(-1));
    if (::fchown(fd.get(), uid, gid) != 0) throw errno_error(path, "cannot set owner", errno);
  }
  if (::fchmod(fd.get(), options.mode) != 0) throw errno_error(path, "cannot set mode", errno);
  if (options.durable && ::fsync(fd.get()) != 0) throw errno_error(path, "cannot fsync", errno);
  if (::close(fd.release()) != 0) throw errno_error(path, "cannot close", errno);

  if (options.overwrite) {
    if (::renameat(dir_fd.get(), temp_name.c_str(), dir_fd.get(), base.c_str()) != 0) {
      throw errno_error(path, "cannot rename into place", errno);
    }
  } else {
    if (::syscall(SYS_renameat2, dir_fd.get(), temp_name.c_str(), dir_fd.get(), base.c_str(),
                  RENAME_NOREPLACE) != 0) {
      int err = errno;
      if (err == EEXIST) throw input_error(path, "file exists", "use --force to replace it");
      throw errno_error(path, "cannot rename into place", err);
    }
  }
  cleanup.armed = false;
  // The rename itself is only durable once the directory is on disk.
  if (options.durable && ::fsync(dir_fd.get()) != 0 && errno != EINVAL) {
    throw errno_error(dir, "cannot fsync directory", errno);
  }
}

std::string read_file(const std::string& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ELOOP) throw input_error(path, "is a symbolic link (refused)");
    throw errno_error(path, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw errno_error(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) throw input_error(path, "not a regular file");
  return read_all(fd.get(), path, max_bytes);
}

FileInfo stat_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw errno_error(path, "cannot stat", errno);
  return info_from(st);
}

std::optional<std::string> check_secure_file(const FileInfo& info, uid_t uid, mode_t max_mode) {
  if (info.uid != uid) return fmt::format("owned by uid {}, expected uid {}", info.uid, uid);
  if ((info.mode & ~max_mode) != 0) {
    return fmt::format("mode {:04o} is too open (at most {:04o})", info.mode, max_mode);
  }
  return std::nullopt;
}

std::string read_secret_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ELOOP) throw input_error(path, "is a symbolic link (refused for a secret)");
    throw errno_error(path, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw errno_error(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) throw input_error(path, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    throw input_error(
        path, fmt::format("secret file is accessible by others (mode {:04o})", st.st_mode & 07777),
        fmt::format("chmod 600 {}", path));
  }
  std::string content = read_all(fd.get(), path, std::size_t{64} * 1024);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

LockedFile::LockedFile(const std::string& path, std::size_t max_bytes) : path_(path) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ELOOP) throw input_error(path, "is a symbolic link (refused)");
      throw errno_error(path, "cannot open", errno);
    }
    int rc;
    do {
      rc = ::flock(fd.get(), LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) throw errno_error(path, "cannot lock", errno);

    struct stat locked {
    }, current{};
    if (::fstat(fd.get(), &locked) != 0) throw errno_error(path, "cannot stat", errno);
    if (::lstat(path.c_str(), &current) != 0) {
      if (errno == ENOENT) continue;  // replaced and not yet renamed back: try again
      throw errno_error(path, "cannot stat", errno);
    }
    if (locked.st_ino != current.st_ino || locked.st_dev != current.st_dev) continue;
    if (!S_ISREG(locked.st_mode)) throw input_error(path, "not a regular file");

    info_ = info_from(locked);
    content_ = read_all(fd.get(), path, max_bytes);
    fd_ = fd.release();
    return;
  }
  throw environment_error(path, "cannot lock: the file keeps being replaced");
}

LockedFile::~LockedFile() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

void LockedFile::replace(std::string_view content, std::optional<mode_t> mode) {
  WriteOptions options;
  options.mode = mode.value_or(info_.mode);
  if (::geteuid() == 0) {
    options.owner = info_.uid;
    options.group = info_.gid;
  }
  atomic_write(path_, content, options);
  content_.assign(content);
  // Keep holding the lock on the old inode until we are destroyed: the waiters then notice the
  // inode changed and re-open the new file, so no update can be lost.
}

}  // namespace seckit::fs
