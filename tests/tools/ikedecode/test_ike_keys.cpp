// Key-file lines: the three line formats, and what a malformed line must not load.
#include <catch2/catch.hpp>

#include "ike_builder.hpp"
#include "ike_decrypt.hpp"

namespace {
std::array<std::uint8_t, 8> spi(std::uint8_t first) {
  std::array<std::uint8_t, 8> s{};
  for (std::size_t i = 0; i < 8; ++i) s[i] = static_cast<std::uint8_t>(first + i);
  return s;
}
}  // namespace

TEST_CASE("tcpdump ikev2 lines: one direction each, merged per SA", "[ike][keys]") {
  ikedecode::KeyStore keys;
  std::string error;
  REQUIRE(
      keys.add_line("ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0xaabb "
                    "aes256-cbc:0x" +
                        std::string(64, '1'),
                    &error));
  const auto* k = keys.find(spi(0), spi(8));
  REQUIRE(k != nullptr);
  CHECK(k->cipher == "aes-256-cbc");
  CHECK(k->integrity == "SHA1");
  CHECK(k->icv_length == 12);  // HMAC-SHA1-96
  CHECK(k->sk_ei.size() == 32);
  CHECK(k->sk_ai == std::vector<std::uint8_t>{0xaa, 0xbb});
  CHECK(k->sk_er.empty());
  REQUIRE(
      keys.add_line("ikev2 R 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0xccdd "
                    "aes256:0x" +
                        std::string(64, '2'),
                    &error));
  k = keys.find(spi(0), spi(8));
  CHECK(k->sk_ei.size() == 32);
  CHECK(k->sk_er.size() == 32);
  CHECK(k->sk_er[0] == 0x22);
  CHECK(k->sk_ar == std::vector<std::uint8_t>{0xcc, 0xdd});
  CHECK(keys.size() == 1);
  // The other direction with other algorithms is a contradiction, not a merge.
  CHECK_FALSE(
      keys.add_line("ikev2 R 0x0001020304050607 0x08090a0b0c0d0e0f md5:0x00 3des:0x00", &error));
}

TEST_CASE("malformed tcpdump lines load nothing", "[ike][keys]") {
  for (const char* line : {
           "ikev2 X 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0x00 aes128:0x00",
           "ikev2 I 0001020304050607 0x08090a0b0c0d0e0f sha1:0x00 aes128:0x00",
           "ikev2 I 0x00010203040506 0x08090a0b0c0d0e0f sha1:0x00 aes128:0x00",
           "ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0x00",
           "ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0x00 blowfish:0x00",
           "ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f whirlpool:0x00 aes128:0x00",
           "ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0xzz aes128:0x00",
       }) {
    ikedecode::KeyStore keys;
    std::string error;
    CHECK_FALSE(keys.add_line(line, &error));
    CHECK_FALSE(error.empty());
    CHECK(keys.size() == 0);
  }
}

TEST_CASE("Wireshark ikev1_decryption_table lines: cookie and key", "[ike][keys]") {
  ikedecode::KeyStore keys;
  std::string error;
  REQUIRE(keys.add_line("0001020304050607,00112233445566778899aabbccddeeff", &error));
  const auto* key = keys.find_v1(spi(0));
  REQUIRE(key != nullptr);
  CHECK(key->size() == 16);
  CHECK((*key)[15] == 0xff);
  CHECK(keys.find_v1(spi(1)) == nullptr);
  CHECK_FALSE(keys.add_line("00010203040506,0011", &error));        // short cookie
  CHECK_FALSE(keys.add_line("0001020304050607,", &error));          // no key
  CHECK_FALSE(keys.add_line("0001020304050607,00,11,22", &error));  // neither v1 nor v2
}

namespace {
// An IKE_AUTH request whose SK payload holds a 16-byte IV, two AES blocks and a 16-byte ICV.
std::vector<std::uint8_t> sk_message() {
  return ike_test::message(2, 35, 0x08, 1, {{46, std::vector<std::uint8_t>(16 + 32 + 16, 0x5a)}});
}

ikedecode::IkeV2Keys cbc_keys(std::size_t key_bytes) {
  ikedecode::IkeV2Keys k;
  k.cipher = "aes-128-cbc";
  k.iv_length = 16;
  k.integrity = "SHA256";
  k.icv_length = 16;
  k.sk_ei.assign(key_bytes, 0x11);
  k.sk_ai.assign(32, 0x22);
  return k;
}
}  // namespace

TEST_CASE("a key the cipher refuses is a decrypt failure, not a silent garbage plaintext",
          "[ike][keys]") {
  auto wire = sk_message();
  auto m = ikedecode::parse_ike_message({wire.data(), wire.size()});
  REQUIRE(m.ok());
  REQUIRE(m->encrypted);
  auto result = ikedecode::decrypt_sk(*m, cbc_keys(5));  // AES-128 needs 16 bytes
  REQUIRE(result);
  CHECK_FALSE(result->error.empty());
  CHECK(result->plaintext.empty());
  CHECK_FALSE(result->integrity_ok);
}

TEST_CASE("an ICV that does not verify fails integrity; the SA's cipher is keyed once",
          "[ike][keys]") {
  auto wire = sk_message();
  auto m = ikedecode::parse_ike_message({wire.data(), wire.size()});
  REQUIRE(m.ok());
  auto keys = cbc_keys(16);
  ikedecode::SkCipherCache ciphers;
  auto result = ikedecode::decrypt_sk(*m, keys, ciphers);
  REQUIRE(result);
  CHECK(result->error.empty());
  CHECK_FALSE(result->integrity_ok);  // the ICV is 0x5a bytes, not the HMAC
  auto first = ciphers.get(keys, true);
  auto again = ciphers.get(keys, true);
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(*first == *again);
  CHECK(ciphers.get(keys, false).ok() == false);  // no responder key in this SA
}
