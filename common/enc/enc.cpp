#include "seckit/enc.hpp"

#include <array>

namespace seckit::enc {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64Std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string base32_encode(Bytes data, bool pad) {
  std::string out;
  out.reserve((data.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  if (pad) {
    while (out.size() % 8 != 0) out += '=';
  }
  return out;
}

Result<Buffer> base32_decode(std::string_view text) {
  Buffer out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c) || c == '-') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return parse_error("base32: data after '=' padding", i);
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    auto index = kBase32Alphabet.find(c);
    if (index == std::string_view::npos) {
      return parse_error(std::string("base32: invalid character '") +
                             (c >= 0x20 && c < 0x7f ? std::string(1, c) : std::string("?")) + "'",
                         i);
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(index);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  // A final group of 1, 3 or 6 symbols cannot come from whole bytes (RFC 4648 section 6).
  std::size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return parse_error("base32: impossible length (" + std::to_string(symbols) + " symbols)",
                       text.size());
  }
  return out;
}

std::string base64_encode(Bytes data, Base64Alphabet alphabet, bool pad) {
  std::string_view table = alphabet == Base64Alphabet::kUrl ? kBase64Url : kBase64Std;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  std::size_t left = data.size() - i;
  if (left == 1) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (left == 2) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

namespace {

// Each byte's value in an alphabet, -1 for bytes outside it; built at compile time.
constexpr std::array<int, 256> base64_lookup(std::string_view table) {
  std::array<int, 256> lookup{};
  for (auto& v : lookup) v = -1;
  for (std::size_t i = 0; i < table.size(); ++i) {
    lookup[static_cast<unsigned char>(table[i])] = static_cast<int>(i);
  }
  return lookup;
}
constexpr auto kBase64StdLookup = base64_lookup(kBase64Std);
constexpr auto kBase64UrlLookup = base64_lookup(kBase64Url);

}  // namespace

Result<Buffer> base64_decode(std::string_view text, Base64Alphabet alphabet) {
  const auto& lookup = alphabet == Base64Alphabet::kUrl ? kBase64UrlLookup : kBase64StdLookup;

  Buffer out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  std::size_t pads = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c)) continue;
    if (c == '=') {
      ++pads;
      continue;
    }
    if (pads > 0) return parse_error("base64: data after '=' padding", i);
    int v = lookup[static_cast<unsigned char>(c)];
    if (v < 0) return parse_error("base64: invalid character", i);
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if (symbols % 4 == 1) return parse_error("base64: impossible length", text.size());
  if (pads > 2 || (pads > 0 && (symbols + pads) % 4 != 0)) {
    return parse_error("base64: wrong padding", text.size());
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string hex_encode(Bytes data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<Buffer> hex_decode(std::string_view text) {
  Buffer out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ':' && high < 0) continue;
    int v = hex_value(c);
    if (v < 0) return parse_error("hex: invalid character", i);
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) return parse_error("hex: odd number of digits", text.size());
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return parse_error("truncated percent escape", i);
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return parse_error("bad percent escape", i);
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool constant_time_equal(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  volatile std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace seckit::enc
