// Helpers every Catch2 test may use (linked into each seckit_catch_test): bytes from hex text,
// byte concatenation, a temporary directory that removes itself, whole-file reads. The hex
// codec here is written independently of seckit::enc, so enc's own tests never check
// hex_decode against itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace seckit::test {

using Buffer = std::vector<std::uint8_t>;

// Bytes from hex text as RFCs and dumps print it: spaces and newlines are skipped, either case
// is accepted. Anything else (an odd digit count, a non-hex character) throws
// std::invalid_argument, which Catch2 reports as a failed test.
Buffer hex(std::string_view text);

// Lowercase hex, no separators.
std::string to_hex(std::span<const std::uint8_t> bytes);

// A view of the bytes (for calls that take std::span and a braced or temporary vector).
inline std::span<const std::uint8_t> span(const Buffer& bytes) { return bytes; }

// The parts, one after the other.
Buffer cat(std::initializer_list<Buffer> parts);

// The bytes of a string, without its terminating NUL.
Buffer bytes_of(std::string_view text);

// The whole file, or std::runtime_error.
std::string read_file(const std::filesystem::path& path);

// A fresh directory under $TMPDIR (default /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path()/name as a string, for APIs that take file names.
  std::string file(std::string_view name) const;
  // Writes `content` to path()/name and returns that path.
  std::string write(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace seckit::test
