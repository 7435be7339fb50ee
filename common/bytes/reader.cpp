#include <fmt/format.h>

#include "seckit/bytes.hpp"

namespace seckit::bytes {

bool Reader::take(std::size_t n) {
  if (failed_ || n > data_.size() - pos_) {
    failed_ = true;
    return false;
  }
  return true;
}

std::uint8_t Reader::u8() {
  if (!take(1)) return 0;
  return data_[pos_++];
}

std::uint16_t Reader::be16() {
  if (!take(2)) return 0;
  std::uint16_t v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t Reader::be24() {
  if (!take(3)) return 0;
  std::uint32_t v =
      (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
  pos_ += 3;
  return v;
}

std::uint32_t Reader::be32() {
  if (!take(4)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

std::uint64_t Reader::be64() {
  if (!take(8)) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

std::uint16_t Reader::le16() {
  if (!take(2)) return 0;
  std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return v;
}

std::uint32_t Reader::le32() {
  if (!take(4)) return 0;
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

std::uint64_t Reader::le64() {
  if (!take(8)) return 0;
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

Bytes Reader::bytes(std::size_t n) {
  if (!take(n)) return {};
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::string_view Reader::text(std::size_t n) {
  Bytes b = bytes(n);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

Reader Reader::sub(std::size_t n) {
  std::size_t start = absolute_offset();
  Bytes b = bytes(n);
  Reader inner(b, start);
  if (failed_) inner.failed_ = true;
  return inner;
}

Bytes Reader::rest() {
  if (failed_) return {};
  Bytes out = data_.subspan(pos_);
  pos_ = data_.size();
  return out;
}

Bytes Reader::peek(std::size_t n) const {
  if (failed_) return {};
  return data_.subspan(pos_, std::min(n, data_.size() - pos_));
}

bool Reader::skip(std::size_t n) {
  if (!take(n)) return false;
  pos_ += n;
  return true;
}

ParseError Reader::error(std::string_view what) const {
  if (failed_) {
    return parse_error(fmt::format("{}: truncated at offset {}", what, absolute_offset()),
                       absolute_offset());
  }
  return parse_error(fmt::format("{} at offset {}", what, absolute_offset()), absolute_offset());
}

std::string hex_dump(Bytes data, std::size_t max_bytes) {
  std::string out;
  std::size_t n = std::min(data.size(), max_bytes);
  for (std::size_t line = 0; line < n; line += 16) {
    out += fmt::format("{:08x}  ", line);
    for (std::size_t i = 0; i < 16; ++i) {
      if (line + i < n) {
        out += fmt::format("{:02x} ", data[line + i]);
      } else {
        out += "   ";
      }
      if (i == 7) out += ' ';
    }
    out += " |";
    for (std::size_t i = 0; i < 16 && line + i < n; ++i) {
      std::uint8_t c = data[line + i];
      out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
    }
    out += "|\n";
  }
  if (n < data.size()) out += fmt::format("... {} more bytes\n", data.size() - n);
  return out;
}

void for_each_truncation(Bytes input, const std::function<void(Bytes)>& parse) {
  for (std::size_t len = 0; len <= input.size(); ++len) {
    // A copy in its own allocation, so ASan catches a read one byte past the prefix.
    std::vector<std::uint8_t> prefix(input.begin(), input.begin() + static_cast<long>(len));
    parse(Bytes(prefix.data(), prefix.size()));
  }
}

}  // namespace seckit::bytes
