#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "seckit/error.hpp"
#include "seckit/fs.hpp"
#include "test_support.hpp"

namespace sfs = seckit::fs;
namespace stdfs = std::filesystem;

using seckit::test::TempDir;

TEST_CASE("atomic write creates the file with the requested mode and no temp left", "[fs]") {
  TempDir dir;
  sfs::WriteOptions opts;
  opts.mode = 0400;
  sfs::atomic_write(dir.file("secret"), "hello\n", opts);
  CHECK(sfs::read_file(dir.file("secret")) == "hello\n");
  CHECK(sfs::stat_file(dir.file("secret")).mode == 0400);
  CHECK(std::distance(stdfs::directory_iterator(dir.path()), stdfs::directory_iterator()) == 1);
}

TEST_CASE("a non-durable atomic write still replaces the whole file", "[fs]") {
  TempDir dir;
  sfs::WriteOptions opts;
  opts.durable = false;
  sfs::atomic_write(dir.file("cache.json"), "first\n", opts);
  sfs::atomic_write(dir.file("cache.json"), "second, longer\n", opts);
  CHECK(sfs::read_file(dir.file("cache.json")) == "second, longer\n");
  CHECK(sfs::stat_file(dir.file("cache.json")).mode == 0600);
  CHECK(std::distance(stdfs::directory_iterator(dir.path()), stdfs::directory_iterator()) == 1);
}

TEST_CASE("atomic write without overwrite refuses an existing file and leaves it intact", "[fs]") {
  TempDir dir;
  sfs::WriteOptions opts;
  sfs::atomic_write(dir.file("f"), "first", opts);
  opts.overwrite = false;
  CHECK_THROWS_AS(sfs::atomic_write(dir.file("f"), "second", opts), seckit::ToolError);
  CHECK(sfs::read_file(dir.file("f")) == "first");
  CHECK(std::distance(stdfs::directory_iterator(dir.path()), stdfs::directory_iterator()) == 1);
}

TEST_CASE("atomic write into a missing directory is an input error", "[fs]") {
  try {
    sfs::atomic_write("/nonexistent-dir-seckit/x", "a", {});
    FAIL("expected ToolError");
  } catch (const seckit::ToolError& e) {
    CHECK(e.code() == seckit::kExitUsage);
  }
}

TEST_CASE("reading refuses symlinks", "[fs]") {
  TempDir dir;
  sfs::atomic_write(dir.file("target"), "x", {});
  stdfs::create_symlink(dir.file("target"), dir.file("link"));
  CHECK_THROWS_AS(sfs::read_file(dir.file("link")), seckit::ToolError);
  CHECK_THROWS_AS(sfs::read_secret_file(dir.file("link")), seckit::ToolError);
}

TEST_CASE("secret files readable by others are refused", "[fs]") {
  TempDir dir;
  sfs::WriteOptions opts;
  opts.mode = 0644;
  sfs::atomic_write(dir.file("pw"), "hunter2\n", opts);
  CHECK_THROWS_AS(sfs::read_secret_file(dir.file("pw")), seckit::ToolError);
  ::chmod(dir.file("pw").c_str(), 0600);
  CHECK(sfs::read_secret_file(dir.file("pw")) == "hunter2");
}

TEST_CASE("secure file check names owner and mode problems", "[fs]") {
  sfs::FileInfo info;
  info.uid = 1000;
  info.mode = 0644;
  CHECK(sfs::check_secure_file(info, 1000, 0600).value().find("0644") != std::string::npos);
  CHECK(sfs::check_secure_file(info, 0, 0777).value().find("uid") != std::string::npos);
  info.mode = 0400;
  CHECK_FALSE(sfs::check_secure_file(info, 1000, 0600).has_value());
}

// Twenty processes each increment a counter stored in the file through LockedFile::replace.
// With the lock re-checking the inode after every rename, no increment is lost.
TEST_CASE("locked read-modify-write across processes loses no update", "[fs]") {
  TempDir dir;
  const std::string path = dir.file("counter");
  sfs::WriteOptions opts;
  opts.mode = 0400;
  sfs::atomic_write(path, "0", opts);
  constexpr int kProcesses = 20;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int status = 0;
      try {
        sfs::LockedFile file(path);
        int value = std::stoi(file.content());
        file.replace(std::to_string(value + 1));
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(sfs::read_file(path) == std::to_string(kProcesses));
  CHECK(sfs::stat_file(path).mode == 0400);
}
