#include "ga_buffer.hpp"

#include <limits>

namespace otpgen {
namespace {

bool is_newline(char c) { return c == '\r' || c == '\n'; }
// C's isspace in the "C" locale, which strtoul skips before a number.
bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::size_t skip_newlines(const std::string& text, std::size_t pos) {
  while (pos < text.size() && is_newline(text[pos])) ++pos;
  return pos;
}

std::size_t line_end(const std::string& text, std::size_t pos) {
  while (pos < text.size() && !is_newline(text[pos])) ++pos;
  return pos;
}

// strtoul(3) as the module calls it (base 10), then the module's cast to int.
struct ScanResult {
  bool ok = false;         // digits were read and did not overflow
  std::int64_t value = 0;  // (int) of the unsigned long
  std::size_t end = 0;
};
ScanResult scan_unsigned(const std::string& text, std::size_t pos) {
  ScanResult result;
  while (pos < text.size() && is_c_space(text[pos])) ++pos;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  std::size_t digits_start = pos;
  unsigned long long value = 0;  // NOLINT(google-runtime-int): strtoul's unsigned long
  bool overflow = false;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    const unsigned digit = static_cast<unsigned>(text[pos] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == digits_start) return result;
  if (negative) value = 0 - value;
  result.ok = !overflow;
  result.value = static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  result.end = pos;
  return result;
}

// The next scratch-code line at or after `pos` by the module's scan, or nothing where it stops.
struct ScratchLine {
  std::size_t start = 0, end = 0;  // the line, end past its number
  std::int64_t value = 0;
};
std::optional<ScratchLine> next_scratch_line(const std::string& text, std::size_t pos) {
  for (;;) {
    pos = skip_newlines(text, pos);
    if (pos < text.size() && text[pos] == '"') {
      pos = text.find('\n', pos);
      if (pos == std::string::npos) return std::nullopt;
      continue;
    }
    ScanResult number = scan_unsigned(text, pos);
    if (!number.ok || (number.end < text.size() && !is_newline(text[number.end])) ||
        number.value < 10000000 || number.value > 99999999) {
      return std::nullopt;
    }
    return ScratchLine{pos, number.end, number.value};
  }
}

}  // namespace

std::string_view GaBuffer::secret_line() const {
  return std::string_view(text_).substr(0, text_.find('\n'));
}

std::optional<std::pair<std::size_t, std::size_t>> GaBuffer::find_option(std::string_view key,
                                                                         std::size_t from) const {
  std::size_t line = from;
  while (line < text_.size()) {
    const std::size_t after = line + 2 + key.size();
    if (text_.compare(line, 2, "\" ") == 0 && text_.compare(line + 2, key.size(), key) == 0 &&
        (after >= text_.size() || is_blank(text_[after]) || is_newline(text_[after]))) {
      return std::make_pair(line, skip_newlines(text_, line_end(text_, line)));
    }
    line = skip_newlines(text_, line_end(text_, line));
  }
  return std::nullopt;
}

std::optional<std::string> GaBuffer::value(std::string_view key) const {
  auto found = find_option(key, 0);
  if (!found) return std::nullopt;
  std::size_t pos = found->first + 2 + key.size();
  while (pos < text_.size() && is_blank(text_[pos])) ++pos;
  return text_.substr(pos, line_end(text_, pos) - pos);
}

void GaBuffer::set(std::string_view key, std::string_view value) {
  std::string line = "\" " + std::string(key) + " " + std::string(value) + "\n";
  auto found = find_option(key, 0);
  std::size_t start = 0;
  if (found) {
    start = found->first;
    text_.replace(found->first, found->second - found->first, line);
  } else {
    start = skip_newlines(text_, line_end(text_, 0));
    text_.insert(start, line);
  }
  // Later lines of the same key go away.
  const std::size_t from = start + line.size();
  while (auto dup = find_option(key, from)) text_.erase(dup->first, dup->second - dup->first);
}

bool GaBuffer::use_scratch_code(std::uint32_t code) {
  std::size_t pos = text_.find('\n');
  if (pos == std::string::npos) return false;
  while (auto line = next_scratch_line(text_, pos)) {
    if (line->value == static_cast<std::int64_t>(code)) {
      text_.erase(line->start, skip_newlines(text_, line->end) - line->start);
      return true;
    }
    pos = line->end;
  }
  return false;
}

std::size_t GaBuffer::scratch_code_count() const {
  std::size_t count = 0;
  std::size_t pos = text_.find('\n');
  if (pos == std::string::npos) return 0;
  while (auto line = next_scratch_line(text_, pos)) {
    ++count;
    pos = line->end;
  }
  return count;
}

}  // namespace otpgen
