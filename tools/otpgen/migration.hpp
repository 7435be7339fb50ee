// Google Authenticator's "Transfer accounts" export: otpauth-migration://offline?data=BASE64,
// where the data is a protobuf MigrationPayload (fields from the app's public .proto):
//   MigrationPayload { repeated OtpParameters otp_parameters = 1; int32 version = 2;
//                      int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5; }
//   OtpParameters { bytes secret = 1; string name = 2; string issuer = 3;
//                   Algorithm algorithm = 4;  // 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//                   DigitCount digits = 5;    // 1 SIX, 2 EIGHT
//                   OtpType type = 6;         // 1 HOTP, 2 TOTP
//                   int64 counter = 7; }
// Decoded by a small protobuf wire-format reader over seckit::bytes::Reader: no generated code,
// every length checked, unknown fields skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/result.hpp"
#include "uri.hpp"

namespace otpgen {

struct MigrationPayload {
  std::vector<OtpAccount> accounts;
  std::vector<std::string> skipped;  // accounts we cannot represent (MD5), with the reason
  std::int64_t version = 0;
  std::int64_t batch_size = 0;
  std::int64_t batch_index = 0;
  std::int64_t batch_id = 0;
};

seckit::Result<MigrationPayload> decode_migration_payload(std::span<const std::uint8_t> data);
// Accepts the full otpauth-migration:// URI.
seckit::Result<MigrationPayload> parse_migration_uri(std::string_view uri);

std::vector<std::uint8_t> encode_migration_payload(const MigrationPayload& payload);
std::string build_migration_uri(const MigrationPayload& payload);

}  // namespace otpgen
