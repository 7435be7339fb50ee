#include "otp.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <ctime>

#include "seckit/enc.hpp"

namespace otpgen {

namespace {

std::uint32_t truncate(const std::uint8_t* mac, std::size_t size) {
  // The offset nibble comes from the last byte of whatever digest is in use (RFC 6238 keeps the
  // RFC 4226 rule for SHA-256/512).
  std::size_t offset = mac[size - 1] & 0x0f;
  return (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
         static_cast<std::uint32_t>(mac[offset + 3]);
}

void counter_bytes(std::uint64_t counter, std::uint8_t (&message)[8]) {
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
}

std::string decimal_code(std::uint64_t value, int digits) {
  std::uint64_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  value %= modulus;
  std::string code(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0 && value > 0; --i) {
    code[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

}  // namespace

OtpKey::OtpKey(Digest digest, std::span<const std::uint8_t> key) : hmac_(digest, key) {}

std::uint32_t OtpKey::truncated_value(std::uint64_t counter) const {
  std::uint8_t message[8];
  counter_bytes(counter, message);
  std::array<std::uint8_t, 64> mac{};  // the largest supported output (SHA-512)
  const std::size_t size = hmac_.mac(std::span<const std::uint8_t>(message, 8), mac);
  return truncate(mac.data(), size);
}

std::string OtpKey::code(std::uint64_t counter, int digits) const {
  return decimal_code(truncated_value(counter), digits);
}

std::uint32_t truncated_value(Digest digest, std::span<const std::uint8_t> key,
                              std::uint64_t counter) {
  std::uint8_t message[8];
  counter_bytes(counter, message);
  auto mac = seckit::crypto::small_hmac(digest, key, std::span<const std::uint8_t>(message, 8));
  return truncate(mac.data(), mac.size());
}

std::string hotp(Digest digest, std::span<const std::uint8_t> key, std::uint64_t counter,
                 int digits) {
  return decimal_code(truncated_value(digest, key, counter), digits);
}

std::uint64_t time_step(std::int64_t unix_time, std::uint32_t period) {
  if (unix_time < 0 || period == 0) return 0;
  return static_cast<std::uint64_t>(unix_time) / period;
}

std::string steam_code(std::span<const std::uint8_t> key, std::uint64_t counter) {
  static constexpr std::string_view kAlphabet = "23456789BCDFGHJKMNPQRTVWXY";
  std::uint32_t value = truncated_value(Digest::kSha1, key, counter);
  std::string code;
  for (int i = 0; i < 5; ++i) {
    code += kAlphabet[value % kAlphabet.size()];
    value /= static_cast<std::uint32_t>(kAlphabet.size());
  }
  return code;
}

std::string_view otp_type_name(OtpType type) { return type == OtpType::kTotp ? "totp" : "hotp"; }

std::optional<Digest> parse_otp_algorithm(std::string_view name) {
  const std::string lower = seckit::enc::ascii_lower(name);
  if (lower == "sha1") return Digest::kSha1;
  if (lower == "sha256") return Digest::kSha256;
  if (lower == "sha512") return Digest::kSha512;
  return std::nullopt;
}

std::string algorithm_upper(Digest digest) {
  switch (digest) {
    case Digest::kSha256:
      return "SHA256";
    case Digest::kSha512:
      return "SHA512";
    default:
      return "SHA1";
  }
}

std::size_t default_secret_bytes(Digest digest) {
  switch (digest) {
    case Digest::kSha256:
      return 32;
    case Digest::kSha512:
      return 64;
    default:
      return 20;
  }
}

namespace {

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view text) {
  if (!text.empty() && text[0] == '@') text.remove_prefix(1);
  std::int64_t value = 0;
  if (parse_int(text, value)) return value;
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a space may replace the T.
  if (text.size() < 20) return std::nullopt;
  auto field = [&](std::size_t pos, std::size_t len, std::int64_t& out) {
    return parse_int(text.substr(pos, len), out);
  };
  std::int64_t year, month, day, hour, minute, second;
  if (!field(0, 4, year) || text[4] != '-' || !field(5, 2, month) || text[7] != '-' ||
      !field(8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !field(11, 2, hour) || text[13] != ':' || !field(14, 2, minute) || text[16] != ':' ||
      !field(17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  std::int64_t offset = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    std::int64_t oh, om;
    if (!parse_int(zone.substr(1, 2), oh) || !parse_int(zone.substr(4, 2), om)) return std::nullopt;
    offset = (oh * 60 + om) * 60 * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

}  // namespace otpgen
