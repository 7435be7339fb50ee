// The otpauth:// Key URI format (Google Authenticator's de-facto standard): building the URI
// phones scan, and parsing what users paste. Parsing never throws; bad input is a ParseError.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "otp.hpp"
#include "seckit/enc.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace otpgen {

struct OtpAccount {
  OtpType type = OtpType::kTotp;
  std::vector<std::uint8_t> secret;
  std::string account;  // label part after "issuer:"
  std::string issuer;
  Digest algorithm = Digest::kSha1;
  int digits = 6;
  std::uint32_t period = 30;
  std::uint64_t counter = 0;
  bool padded_secret = false;  // the base32 text carried '=' padding
};

// Labels and parameters are percent-encoded with seckit::enc::percent_encode (so ' ' is %20,
// ':' in an account is %3A, '@' is %40): the label keeps exactly one literal issuer/account colon.
using seckit::enc::percent_decode;
using seckit::enc::percent_encode;

// otpauth://TYPE/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30
std::string build_otpauth_uri(const OtpAccount& account);
// The same URI with the secret replaced by "REDACTED" (what non-enroll commands print).
std::string redacted_otpauth_uri(const OtpAccount& account);

seckit::Result<OtpAccount> parse_otpauth_uri(std::string_view uri);

// Base32 text of a secret as the GA file and the URI write it: upper case, no padding.
std::string secret_base32(const OtpAccount& account);

// The JSON description of an account; the secret only when show_secret.
seckit::out::Json account_json(const OtpAccount& account, bool show_secret);

}  // namespace otpgen
