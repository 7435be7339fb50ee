// seckit::crypto::Cipher and CBC-CTS against published vectors: NIST SP 800-38A F.2 (AES-128
// CBC), McGrew & Viega's GCM test case 2 (the GCM specification submitted to NIST), RFC 3962
// Appendix B (AES-CTS as Kerberos uses it).
#include <catch2/catch.hpp>

#include "seckit/cipher.hpp"
#include "test_support.hpp"

using seckit::crypto::Buffer;
using seckit::crypto::Bytes;
using seckit::crypto::Cipher;
using seckit::test::hex;
using seckit::test::to_hex;

TEST_CASE("AES-128-CBC matches NIST SP 800-38A F.2.1/F.2.2 and checks its input", "[cipher]") {
  Buffer key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  Buffer iv = hex("000102030405060708090a0b0c0d0e0f");
  Buffer plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  const char* expected = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2";
  auto enc = Cipher::create("AES-128-CBC", key, Cipher::Direction::kEncrypt);
  REQUIRE(enc);
  CHECK(enc->block_size() == 16);
  CHECK(enc->iv_length() == 16);
  auto c = enc->crypt(iv, plain);
  REQUIRE(c);
  CHECK(to_hex(*c) == expected);
  auto dec = Cipher::create("AES-128-CBC", key);
  REQUIRE(dec);
  Buffer scratch;
  auto p = dec->crypt(iv, hex(expected), scratch);
  REQUIRE(p);
  CHECK(to_hex(Buffer(p->begin(), p->end())) == to_hex(plain));
  // The same context again with another IV: keyed once, IV per call.
  auto second = dec->crypt(Bytes(c->data(), 16), Bytes(c->data() + 16, 16), scratch);
  REQUIRE(second);
  CHECK(to_hex(Buffer(second->begin(), second->end())) == "ae2d8a571e03ac9c9eb76fac45af8e51");

  CHECK_FALSE(dec->crypt(iv, Bytes(plain.data(), 15)));               // not a whole block
  CHECK_FALSE(dec->crypt(Bytes(iv.data(), 8), plain));                // IV of the wrong size
  CHECK_FALSE(Cipher::create("AES-128-CBC", Bytes(key.data(), 15)));  // key of the wrong size
  auto unknown = Cipher::create("NO-SUCH-CIPHER", key);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("NO-SUCH-CIPHER") != std::string::npos);
}

TEST_CASE("AES-128-GCM opens McGrew-Viega test case 2 and refuses a changed tag", "[cipher]") {
  Buffer key(16, 0);
  Buffer nonce(12, 0);
  Buffer ciphertext = hex("0388dace60b6a392f328c2b971b2fe78");
  Buffer tag = hex("ab6e47d42cec13bdf53a67b21257bddf");
  auto gcm = Cipher::create("AES-128-GCM", key);
  REQUIRE(gcm);
  CHECK(gcm->aead());
  Buffer out;
  auto plain = gcm->open(nonce, {}, ciphertext, tag, out);
  REQUIRE(plain);
  CHECK(to_hex(Buffer(plain->begin(), plain->end())) == "00000000000000000000000000000000");
  tag[0] ^= 1;
  auto bad = gcm->open(nonce, {}, ciphertext, tag, out);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "bad-tag");
  CHECK_FALSE(gcm->crypt({}, ciphertext));  // an AEAD cipher is opened, not crypted
}

TEST_CASE("CBC-CTS matches RFC 3962 Appendix B, last blocks swapped even when full", "[cipher]") {
  Buffer key = hex("636869636b656e207465726979616b69");  // "chicken teriyaki", zero IV
  Buffer input =
      hex("4920776f756c64206c696b65207468652047656e6572616c20476175277320"
          "436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e");
  struct Case {
    std::size_t length;
    const char* output;
  };
  const Case cases[] = {
      {17, "c6353568f2bf8cb4d8a580362da7ff7f97"},
      {32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584"},
      {47,
       "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc"
       "98ebf5"},
  };
  auto enc = Cipher::create("AES-128-ECB", key, Cipher::Direction::kEncrypt);
  auto dec = Cipher::create("AES-128-ECB", key);
  REQUIRE(enc);
  REQUIRE(dec);
  for (const auto& c : cases) {
    INFO("length " << c.length);
    Bytes plain(input.data(), c.length);
    auto out = seckit::crypto::cts_encrypt(*enc, plain);
    REQUIRE(out);
    CHECK(to_hex(*out) == c.output);
    auto back = seckit::crypto::cts_decrypt(*dec, hex(c.output));
    REQUIRE(back);
    CHECK(to_hex(*back) == to_hex(Buffer(plain.begin(), plain.end())));
  }
  CHECK_FALSE(seckit::crypto::cts_decrypt(*dec, Bytes(input.data(), 15)));  // under one block
  auto cbc = Cipher::create("AES-128-CBC", key);
  REQUIRE(cbc);
  CHECK_FALSE(seckit::crypto::cts_decrypt(*cbc, input));  // wants the ECB block operation
}
