// ByteReader: the only way seckit reads untrusted bytes. Every read is length-checked. A read past
// the end does not throw: it returns zero/empty and makes the reader "failed" (sticky), so a parser
// reads a whole structure and checks ok() once, and can never touch memory outside the span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/result.hpp"

namespace seckit::bytes {

using Bytes = std::span<const std::uint8_t>;

class Reader {
 public:
  Reader() = default;
  explicit Reader(Bytes data, std::size_t base_offset = 0) : data_(data), base_(base_offset) {}

  std::uint8_t u8();
  std::uint16_t be16();
  std::uint32_t be24();
  std::uint32_t be32();
  std::uint64_t be64();
  std::uint16_t le16();
  std::uint32_t le32();
  std::uint64_t le64();
  Bytes bytes(std::size_t n);            // empty span (and failed) when fewer than n remain
  std::string_view text(std::size_t n);  // the same bytes viewed as characters
  Reader sub(std::size_t n);             // an inner reader that cannot read past n bytes
  Bytes rest();                          // everything left; consumes it
  Bytes peek(std::size_t n) const;       // up to n bytes without consuming
  bool skip(std::size_t n);

  bool ok() const { return !failed_; }
  bool failed() const { return failed_; }
  bool empty() const { return pos_ >= data_.size(); }
  std::size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // Offset in the outermost input, for error messages that point at the byte.
  std::size_t absolute_offset() const { return base_ + pos_; }
  // A ParseError that names the place where the reader failed.
  ParseError error(std::string_view what) const;

 private:
  bool take(std::size_t n);
  Bytes data_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;
  bool failed_ = false;
};

// Classic 16-bytes-per-line hex dump with offsets and printable characters.
std::string hex_dump(Bytes data, std::size_t max_bytes = 4096);

// Test helper (used by unit tests and the fuzz replay): calls parse on every prefix of input,
// from empty to complete, so a parser is shown never to crash on a truncated message.
void for_each_truncation(Bytes input, const std::function<void(Bytes)>& parse);

inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace seckit::bytes
