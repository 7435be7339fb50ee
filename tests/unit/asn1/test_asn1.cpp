// Expected values are the encodings printed in X.690 (2021) 8.19.5 and 8.3, and OIDs from
// RFC 4178 (SPNEGO) and MS-NLMP (NTLMSSP) as every SPNEGO capture shows them.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "seckit/asn1.hpp"

using seckit::asn1::read_tlv;
using seckit::asn1::TagClass;

namespace {
std::vector<std::uint8_t> v(std::initializer_list<int> list) {
  std::vector<std::uint8_t> out;
  for (int b : list) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}
}  // namespace

TEST_CASE("asn1 reads the X.690 example object identifier {2 100 3}", "[asn1]") {
  auto der = v({0x06, 0x03, 0x81, 0x34, 0x03});
  seckit::bytes::Reader reader(der);
  auto tlv = read_tlv(reader);
  REQUIRE(tlv.ok());
  CHECK(tlv->universal(seckit::asn1::kOid));
  CHECK(tlv->whole.size() == 5);
  CHECK(*seckit::asn1::oid_text(tlv->value) == "2.100.3");
}

TEST_CASE("asn1 decodes the SPNEGO and NTLMSSP mechanism OIDs", "[asn1]") {
  auto spnego = v({0x2b, 0x06, 0x01, 0x05, 0x05, 0x02});
  CHECK(*seckit::asn1::oid_text(spnego) == "1.3.6.1.5.5.2");
  auto ntlm = v({0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a});
  CHECK(*seckit::asn1::oid_text(ntlm) == "1.3.6.1.4.1.311.2.2.10");
  CHECK_FALSE(seckit::asn1::oid_text(v({0x2b, 0x86})).ok());
}

TEST_CASE("asn1 integers follow two's complement as X.690 8.3 shows", "[asn1]") {
  CHECK(*seckit::asn1::integer(v({0x00, 0x80})) == 128);
  CHECK(*seckit::asn1::integer(v({0xff, 0x7f})) == -129);
  CHECK(*seckit::asn1::integer(v({0x7f})) == 127);
  CHECK_FALSE(seckit::asn1::integer({}).ok());
}

TEST_CASE("asn1 long-form lengths, context tags and children", "[asn1]") {
  // [APPLICATION 0] { [0] { OID 1.3.6.1.5.5.2 } } with a long-form length on the outer TLV.
  auto der = v({0x60, 0x81, 0x0a, 0xa0, 0x08, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02});
  seckit::bytes::Reader reader(der);
  auto outer = read_tlv(reader);
  REQUIRE(outer.ok());
  CHECK(outer->application(0));
  CHECK(outer->constructed);
  CHECK(outer->value.size() == 10);
  auto items = seckit::asn1::children(*outer);
  REQUIRE(items.ok());
  REQUIRE(items->size() == 1);
  auto ctx = seckit::asn1::find_context(*items, 0);
  REQUIRE(ctx);
  CHECK(ctx->offset == 3);
  CHECK(ctx->tag_class == TagClass::kContext);
}

TEST_CASE("asn1 rejects indefinite lengths and values past the end", "[asn1]") {
  auto indefinite = v({0x30, 0x80, 0x00, 0x00});
  seckit::bytes::Reader r1(indefinite);
  CHECK_FALSE(read_tlv(r1).ok());
  auto truncated = v({0x30, 0x05, 0x01});
  seckit::bytes::Reader r2(truncated);
  CHECK_FALSE(read_tlv(r2).ok());
  auto huge = v({0x04, 0x85, 1, 2, 3, 4, 5});
  seckit::bytes::Reader r3(huge);
  CHECK_FALSE(read_tlv(r3).ok());
  seckit::bytes::for_each_truncation(
      v({0x60, 0x81, 0x0a, 0xa0, 0x08, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02}),
      [](seckit::bytes::Bytes in) {
        seckit::bytes::Reader r(in);
        (void)read_tlv(r);
      });
}

TEST_CASE("asn1 writes the X.690 encodings back", "[asn1]") {
  using seckit::asn1::der;
  using seckit::asn1::der_oid;
  CHECK(der_oid("2.100.3") == v({0x06, 0x03, 0x81, 0x34, 0x03}));  // X.690 8.19.5
  CHECK(der_oid("1.3.6.1.5.5.2") == v({0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02}));
  CHECK(der_oid("1.3.6.1.4.1.311.2.2.10") ==
        v({0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a}));
  CHECK_THROWS_AS(der_oid("1"), std::invalid_argument);
  CHECK_THROWS_AS(der_oid("1..2"), std::invalid_argument);
  CHECK_THROWS_AS(der_oid("1.40"), std::invalid_argument);
  // X.690 8.1.3: lengths below 128 in one octet, 201 as 81 C9, 256 as 82 01 00.
  CHECK(der(0x04, std::vector<std::uint8_t>(127)).size() == 2 + 127);
  auto l201 = der(0x04, std::vector<std::uint8_t>(201));
  CHECK(std::vector<std::uint8_t>(l201.begin(), l201.begin() + 3) == v({0x04, 0x81, 0xc9}));
  auto l256 = der(0x30, std::vector<std::uint8_t>(256));
  CHECK(std::vector<std::uint8_t>(l256.begin(), l256.begin() + 4) == v({0x30, 0x82, 0x01, 0x00}));
  // And the reader reads what the writer wrote.
  auto nested = der(0x60, seckit::asn1::der_concat({der_oid("1.3.6.1.5.5.2"), l256}));
  seckit::bytes::Reader reader(nested);
  auto tlv = read_tlv(reader);
  REQUIRE(tlv.ok());
  CHECK(tlv->is(TagClass::kApplication, 0));
  CHECK(tlv->value.size() == 8 + 260);
}
