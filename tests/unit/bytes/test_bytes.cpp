#include <catch2/catch.hpp>

#include "seckit/bytes.hpp"

using seckit::bytes::Reader;

TEST_CASE("reader decodes big and little endian integers", "[bytes]") {
  const std::uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                               0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13};
  Reader r(data);
  CHECK(r.u8() == 0x01);
  CHECK(r.be16() == 0x0203);
  CHECK(r.be24() == 0x040506);
  CHECK(r.be32() == 0x0708090au);
  CHECK(r.le16() == 0x0c0b);
  CHECK(r.le32() == 0x100f0e0du);
  CHECK(r.remaining() == 3);
  CHECK(r.ok());
}

TEST_CASE("reader reads 64-bit values both ways", "[bytes]") {
  const std::uint8_t data[] = {0, 0, 0, 0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0};
  Reader r(data);
  CHECK(r.be64() == 0x0102u);
  CHECK(r.le64() == 0x0102u);
}

TEST_CASE("reading past the end fails sticky and returns zero", "[bytes]") {
  const std::uint8_t data[] = {0xff, 0xff, 0xff};
  Reader r(data);
  CHECK(r.be32() == 0);
  CHECK(r.failed());
  CHECK(r.u8() == 0);  // stays failed even though a byte is left
  CHECK(r.remaining() == 0);
  CHECK(r.bytes(1).empty());
  auto err = r.error("header");
  CHECK(err.message.find("truncated") != std::string::npos);
}

TEST_CASE("a sub-reader cannot read past its declared length", "[bytes]") {
  const std::uint8_t data[] = {0x00, 0x02, 0xaa, 0xbb, 0xcc, 0xdd};
  Reader r(data);
  auto len = r.be16();
  Reader inner = r.sub(len);
  CHECK(inner.u8() == 0xaa);
  CHECK(inner.u8() == 0xbb);
  CHECK(inner.u8() == 0);
  CHECK(inner.failed());
  CHECK(r.ok());
  CHECK(r.u8() == 0xcc);
  CHECK(inner.absolute_offset() == 4);
}

TEST_CASE("a sub-reader longer than the input fails the outer reader", "[bytes]") {
  const std::uint8_t data[] = {0x00, 0x09, 0xaa};
  Reader r(data);
  Reader inner = r.sub(r.be16());
  CHECK(r.failed());
  CHECK(inner.failed());
  CHECK(inner.u8() == 0);
}

TEST_CASE("the truncation sweep calls the parser on every prefix", "[bytes]") {
  const std::uint8_t data[] = {1, 2, 3, 4};
  std::vector<std::size_t> lengths;
  seckit::bytes::for_each_truncation(data,
                                     [&](seckit::bytes::Bytes b) { lengths.push_back(b.size()); });
  CHECK(lengths == std::vector<std::size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("hex dump shows offsets, bytes and printable text like hexdump -C", "[bytes]") {
  auto dump = seckit::bytes::hex_dump(seckit::bytes::as_bytes("ABCDEFGHIJKLMNOPQ"));
  // Same layout as `printf ABCDEFGHIJKLMNOPQ | hexdump -C` (without the final offset line).
  CHECK(dump ==
        "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
        "00000010  51                                                |Q|\n");
}
