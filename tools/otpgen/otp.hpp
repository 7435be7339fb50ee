// HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes. Pure functions of the secret and the
// moving factor, so every caller (code, verify, the GA-file semantics) shares one definition.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "seckit/digest.hpp"

namespace otpgen {

using seckit::crypto::Digest;

enum class OtpType { kTotp, kHotp };

inline constexpr int kMinDigits = 6;
inline constexpr int kMaxDigits = 10;

// An HMAC keyed once and reused for many counters: the skew search on a failed code computes
// thousands of codes, each then costing the counter block and the outer hash only. The HMAC is
// seckit's start-up-free one (seckit/digest.hpp), so otpgen never loads libcrypto.
class OtpKey {
 public:
  OtpKey(Digest digest, std::span<const std::uint8_t> key);
  // RFC 4226 section 5.3 dynamic truncation of HMAC(key, counter).
  std::uint32_t truncated_value(std::uint64_t counter) const;
  std::string code(std::uint64_t counter, int digits) const;

 private:
  seckit::crypto::SmallHmac hmac_;
};

// RFC 4226 section 5.3 dynamic truncation: the 31-bit number the digits are taken from.
std::uint32_t truncated_value(Digest digest, std::span<const std::uint8_t> key,
                              std::uint64_t counter);

// Zero-padded decimal code with `digits` digits (6..10; 10 digits keep all 31 bits).
std::string hotp(Digest digest, std::span<const std::uint8_t> key, std::uint64_t counter,
                 int digits);

// The RFC 6238 time step T = floor((unix_time - T0) / period) with T0 = 0; negative times are
// clamped to step 0 (they cannot be represented as a counter).
std::uint64_t time_step(std::int64_t unix_time, std::uint32_t period);

// Steam Guard: SHA-1 TOTP (30 s) whose truncated value is written as 5 characters of Steam's
// 26-letter alphabet, least significant first.
std::string steam_code(std::span<const std::uint8_t> key, std::uint64_t counter);

std::string_view otp_type_name(OtpType type);                      // "totp" | "hotp"
std::optional<Digest> parse_otp_algorithm(std::string_view name);  // sha1|sha256|sha512 (any case)
std::string algorithm_upper(Digest digest);  // "SHA1" as the otpauth URI writes it

// Default secret size for an algorithm: its HMAC block-free output size (RFC 6238 test keys).
std::size_t default_secret_bytes(Digest digest);

// Parses "1700000000", "@1700000000" or RFC 3339 ("2040-01-01T00:00:00Z", offsets allowed).
std::optional<std::int64_t> parse_time(std::string_view text);

}  // namespace otpgen
