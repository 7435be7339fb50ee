// The MigrationPayload decoder on bytes assembled by hand from the protobuf wire format
// (https://protobuf.dev/programming-guides/encoding/) and the public field numbers; the
// otpauth-migration round trip through the real protoc is in cli.sh.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "migration.hpp"
#include "seckit/bytes.hpp"

using namespace otpgen;

namespace {

std::vector<std::uint8_t> hand_payload() {
  std::vector<std::uint8_t> inner = {0x0a, 0x0a, 'H',  'e',  'l',  'l',
                                     'o',  '!',  0xde, 0xad, 0xbe, 0xef};
  const std::string name = "Example:alice@example.com";  // the app's "issuer:account" name
  inner.push_back(0x12);
  inner.push_back(static_cast<std::uint8_t>(name.size()));
  inner.insert(inner.end(), name.begin(), name.end());
  const std::string issuer = "Example";
  inner.push_back(0x1a);
  inner.push_back(static_cast<std::uint8_t>(issuer.size()));
  inner.insert(inner.end(), issuer.begin(), issuer.end());
  for (std::uint8_t b : {0x20, 0x02, 0x28, 0x02, 0x30, 0x01, 0x38, 0xac, 0x02, 0x48, 0x05}) {
    inner.push_back(b);  // SHA256, EIGHT, HOTP, counter 300, unknown field 9
  }
  std::vector<std::uint8_t> payload = {0x0a, static_cast<std::uint8_t>(inner.size())};
  payload.insert(payload.end(), inner.begin(), inner.end());
  for (std::uint8_t b : {0x10, 0x01, 0x18, 0x01, 0x20, 0x00, 0x28, 0x96, 0x01})
    payload.push_back(b);
  return payload;
}

}  // namespace

TEST_CASE("a hand-assembled MigrationPayload decodes field by field", "[migration]") {
  auto decoded = decode_migration_payload(hand_payload());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->accounts.size() == 1);
  const auto& a = decoded->accounts[0];
  CHECK(a.secret ==
        std::vector<std::uint8_t>{'H', 'e', 'l', 'l', 'o', '!', 0xde, 0xad, 0xbe, 0xef});
  CHECK(a.account == "alice@example.com");
  CHECK(a.issuer == "Example");
  CHECK(a.algorithm == Digest::kSha256);
  CHECK(a.digits == 8);
  CHECK(a.type == OtpType::kHotp);
  CHECK(a.counter == 300);
  CHECK(decoded->version == 1);
  CHECK(decoded->batch_size == 1);
  CHECK(decoded->batch_id == 150);
}

TEST_CASE("the encoder writes the same wire bytes a protobuf encoder would", "[migration]") {
  MigrationPayload payload;
  OtpAccount account;
  account.secret = {'H', 'i'};
  account.account = "bob";
  payload.accounts.push_back(account);
  payload.version = 1;
  payload.batch_size = 1;
  auto bytes = encode_migration_payload(payload);
  // secret(1) "Hi", name(2) "bob", SHA1, SIX, TOTP; then version 1, size 1, index 0, id 0.
  const std::vector<std::uint8_t> expected = {0x0a, 0x0f, 0x0a, 0x02, 'H',  'i',  0x12, 0x03, 'b',
                                              'o',  'b',  0x20, 0x01, 0x28, 0x01, 0x30, 0x02, 0x10,
                                              0x01, 0x18, 0x01, 0x20, 0x00, 0x28, 0x00};
  CHECK(bytes == expected);
}

TEST_CASE("truncated or malformed migration payloads are errors, never crashes", "[migration]") {
  auto payload = hand_payload();
  seckit::bytes::for_each_truncation(
      payload, [](seckit::bytes::Bytes b) { (void)decode_migration_payload(b); });
  CHECK_FALSE(decode_migration_payload(std::vector<std::uint8_t>{0x0a, 0x7f, 0x00}).ok());
  CHECK_FALSE(decode_migration_payload(std::vector<std::uint8_t>{0x0a}).ok());
  CHECK_FALSE(
      decode_migration_payload(std::vector<std::uint8_t>{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                         0xff, 0xff, 0xff, 0xff, 0x01})
          .ok());  // an 11-byte varint
  CHECK_FALSE(parse_migration_uri("otpauth-migration://offline?data=%%%").ok());
  CHECK_FALSE(parse_migration_uri("otpauth://totp/x?secret=AA").ok());
}
