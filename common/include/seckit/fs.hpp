// Files that must never be half-written or read through a symlink an attacker planted: atomic
// replacement (temp in the same directory + fsync + rename + fsync of the directory), advisory
// locks that survive the rename pattern, and ownership/mode checks for secret files.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace seckit::fs {

struct WriteOptions {
  mode_t mode = 0600;
  // When false the final path must not exist: the new file appears atomically or not at all
  // (renameat2 RENAME_NOREPLACE), so two enrollments never overwrite each other.
  bool overwrite = true;
  // Keep the uid/gid of the file being replaced (needed when root rewrites a user's file).
  std::optional<uid_t> owner;
  std::optional<gid_t> group;
  // When false the fsyncs of the file and of its directory are skipped: readers still see the
  // old or the new file, never a mix, but a crash may lose the update. For caches, whose writes
  // sit on a latency-critical path (sshd's AuthorizedKeysCommand) and can be lost harmlessly.
  bool durable = true;
};

// Writes `content` to `path` atomically. Throws ToolError (exit 2 for a missing directory,
// exit 3 for permission problems, exit 2 with "exists" when !overwrite and the path exists).
void atomic_write(const std::string& path, std::string_view content, const WriteOptions& options);

// Reads a whole regular file (no symlinks followed at the last component), at most max_bytes.
std::string read_file(const std::string& path, std::size_t max_bytes = 64u << 20);

struct FileInfo {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // permission bits only
  off_t size = 0;
  ino_t inode = 0;
  dev_t device = 0;
};

// An exclusive advisory lock on an existing file that is later replaced by atomic_write. After
// flock() succeeds it checks that the path still names the locked inode; if a concurrent writer
// replaced the file meanwhile, it re-opens and locks again. While held, content() is the file as
// it is now and nobody else holding a LockedFile on the same path can change it.
class LockedFile {
 public:
  explicit LockedFile(const std::string& path, std::size_t max_bytes = 1u << 20);
  ~LockedFile();
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& content() const { return content_; }
  const FileInfo& info() const { return info_; }
  // Replaces the file atomically with the same owner and group, keeping the lock; the mode stays
  // unless `mode` is given (pam_google_authenticator writes its file back as 0400).
  void replace(std::string_view content, std::optional<mode_t> mode = std::nullopt);

 private:
  std::string path_;
  std::string content_;
  FileInfo info_;
  int fd_ = -1;
};

FileInfo stat_file(const std::string& path);  // lstat; throws ToolError when missing

// "Regular file, owned by uid, with no permission bits outside max_mode". Returns a message
// describing the first violation, or nothing when the file is acceptable.
std::optional<std::string> check_secure_file(const FileInfo& info, uid_t uid, mode_t max_mode);

// Reads a secret (password file, OTP secret file): regular file, not a symlink, not readable
// by group or others (a warning is not enough for a secret), at most 64 KiB, trailing newline
// removed.
std::string read_secret_file(const std::string& path);

}  // namespace seckit::fs
