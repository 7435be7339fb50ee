// Text encodings of binary data (RFC 4648) and a constant-time comparison.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/result.hpp"

namespace seckit::enc {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

// Upper-case RFC 4648 base32; padding is optional because OTP secrets are written unpadded.
std::string base32_encode(Bytes data, bool pad = false);
// Lenient: accepts lower case, spaces, dashes and missing padding (how people type OTP
// secrets). Rejects characters outside the alphabet, misplaced '=' and impossible lengths.
Result<Buffer> base32_decode(std::string_view text);

enum class Base64Alphabet { kStandard, kUrl };
std::string base64_encode(Bytes data, Base64Alphabet alphabet = Base64Alphabet::kStandard,
                          bool pad = true);
// Accepts padded or unpadded input; ASCII whitespace (line breaks of PEM/LDIF) is skipped.
Result<Buffer> base64_decode(std::string_view text,
                             Base64Alphabet alphabet = Base64Alphabet::kStandard);

std::string hex_encode(Bytes data);  // lower case, as every seckit identifier
// Accepts upper or lower case and optional ':' separators (as openssl prints fingerprints).
Result<Buffer> hex_decode(std::string_view text);

// RFC 3986 2.1 percent-encoding of every byte but the unreserved characters (ALPHA DIGIT - . _ ~),
// upper-case hex; and its inverse, which rejects truncated or non-hex escapes. plus_is_space: '+'
// means ' ' (HTML form encoding, as query strings of otpauth URIs use it).
std::string percent_encode(std::string_view text);
Result<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// ASCII letters A-Z mapped to a-z, every other byte unchanged (UTF-8 stays intact). For protocol
// names, which are case-insensitive in ASCII only; unlike std::tolower it ignores the locale.
std::string ascii_lower(std::string_view text);

// Time depends only on the lengths, never on where the inputs differ.
bool constant_time_equal(Bytes a, Bytes b);
bool constant_time_equal(std::string_view a, std::string_view b);

inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace seckit::enc
