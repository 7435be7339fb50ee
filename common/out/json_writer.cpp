#include "seckit/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "seckit/enc.hpp"
#include "seckit/out.hpp"

namespace seckit::out {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The length of the UTF-8 sequence that starts at s[i] when it is well-formed (RFC 3629 section
// 4: the second byte's range depends on the first, which excludes overlong forms, surrogates and
// values past U+10FFFF), else how many bytes to replace with one U+FFFD before reading on: the
// bytes that did form a valid prefix (at least one).
struct Utf8Step {
  std::size_t length;
  bool valid;
};

Utf8Step utf8_step(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= s.size()) return {k, false};
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return {k, false};
  }
  return {length, true};
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

// Bytes that end a run of plain ASCII: control characters, '"', '\\' and every non-ASCII byte.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < 256; ++c) table[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  return table;
}();

// How many leading bytes need no escaping, eight at a time (the records are mostly hex and
// names): a word passes when none of its bytes is below 0x20, at or above 0x80, '"' or '\\'.
std::size_t plain_prefix(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, s.data() + i, 8);
    const std::uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
    const std::uint64_t special = (x - kOnes * 0x20) | x | (quote - kOnes) | (backslash - kOnes);
    // A byte's high bit in `special` is set when it is below 0x20 (the subtraction borrows), at or
    // above 0x80, or equal to '"' or '\\' (its xor is 0 and 0 - 1 borrows); borrows only ever
    // come from a byte that is itself special, so a clean word has no false negatives.
    if ((special & kHigh) != 0) break;
  }
  return i;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of plain ASCII are copied in one go.
    std::size_t run = plain_prefix(text.substr(i)) + i;
    while (run < text.size() && !kSpecial[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      append_escape(out, c);
      ++i;
      continue;
    }
    Utf8Step step = utf8_step(text, i);
    if (step.valid) {
      out.append(text.data() + i, step.length);
    } else {
      out += kReplacement;
    }
    i += step.length;
  }
  out += '"';
}

// nlohmann's own double formatter (Grisu2, laid out like printf's %g with fixed notation for
// exponents -4..15 and ".0" on integral values), so that a record written here reads exactly as
// the same record dumped from a tree. Grisu2 is not always the shortest text (11.053064 comes out
// as 11.053063999999999) but it always reads back as the same double.
void append_json_double(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  std::array<char, 64> buf{};
  char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), number);
  out.append(buf.data(), end);
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_ += '{';
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_ += '[';
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  separate();
  append_json_double(out_, number);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::signed_value(std::int64_t number) {
  separate();
  std::array<char, 24> buf{};
  auto result = std::to_chars(buf.data(), buf.data() + buf.size(), number);
  out_.append(buf.data(), result.ptr);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t number) {
  separate();
  std::array<char, 24> buf{};
  auto result = std::to_chars(buf.data(), buf.data() + buf.size(), number);
  out_.append(buf.data(), result.ptr);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::wire_text(std::string_view data) {
  begin_object();
  if (is_valid_utf8(data)) {
    field("text", data);
  } else {
    field("bytes", enc::base64_encode(enc::as_bytes(data)));
  }
  return end_object();
}

void JsonWriter::rollback(const Mark& mark) {
  out_.resize(mark.size);
  comma_ = mark.comma;
}

bool JsonWriter::last_container_empty() const {
  if (out_.size() < 2) return false;
  std::string_view tail(out_.data() + out_.size() - 2, 2);
  return tail == "{}" || tail == "[]";
}

}  // namespace seckit::out
