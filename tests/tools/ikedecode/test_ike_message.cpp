#include <catch2/catch.hpp>

#include "ike_analysis.hpp"
#include "ike_builder.hpp"
#include "ike_message.hpp"
#include "ike_session.hpp"
#include "ike_tables.hpp"
#include "test_support.hpp"

using namespace ike_test;
using ikedecode::parse_ike_message;

namespace {
using seckit::test::span;

V ike_sa_init_request() {
  // SA (AES-CBC-256, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256, MODP-2048), KE, Ni, NAT-D source.
  V sa = proposal(true, 1, 1,
                  {transform(false, 1, 12, 256), transform(false, 3, 12), transform(false, 2, 5),
                   transform(true, 4, 14)});
  V ke{0, 14, 0, 0};
  ke.resize(4 + 256, 0xab);
  V nonce(32, 0x11);
  return message(2, 34, 0x08, 0,
                 {{33, sa}, {34, ke}, {40, nonce}, {41, notify_v2(16388, V(20, 0x22))}});
}
}  // namespace

TEST_CASE("ikev2 IKE_SA_INIT header fields come out as written", "[ike]") {
  V wire = ike_sa_init_request();
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->major == 2);
  CHECK(m->exchange == 34);
  CHECK(m->from_initiator());
  CHECK_FALSE(m->is_response());
  CHECK(m->message_id == 0);
  CHECK(m->length == wire.size());
  CHECK(ikedecode::hex(m->spi_i) == "0102030405060708");
  CHECK(m->anomalies.empty());
  REQUIRE(m->payloads.size() == 4);
  auto j = ikedecode::message_json(*m);
  CHECK(j["exchange_name"] == "IKE_SA_INIT");
  CHECK(j["payload_sequence"] == ikedecode::Json::array({"SA", "KE", "No", "N"}));
}

TEST_CASE("ikev2 SA payload lists every transform with its key length", "[ike]") {
  V wire = ike_sa_init_request();
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  const auto& sa = m->payloads[0];
  REQUIRE(sa.proposals().size() == 1);
  const auto& p = sa.proposals()[0];
  CHECK(p.protocol == 1);
  REQUIRE(p.transforms.size() == 4);
  CHECK(p.transforms[0].type == 1);
  CHECK(p.transforms[0].id == 12);
  CHECK(p.transforms[0].key_length == 256);
  auto t = ikedecode::payload_json(*m, sa)["proposals"][0]["transforms"];
  CHECK(t[0]["id_name"] == "ENCR_AES_CBC");
  CHECK(t[1]["id_name"] == "AUTH_HMAC_SHA2_256_128");
  CHECK(t[2]["id_name"] == "PRF_HMAC_SHA2_256");
  CHECK(t[3]["id_name"] == "MODP_2048");
  const auto* ke = std::get_if<ikedecode::KePayload>(&m->payloads[1].parsed);
  REQUIRE(ke != nullptr);
  CHECK(ke->group == 14);
  CHECK(ke->key_data_length == 256);
  CHECK(ikedecode::payload_json(*m, m->payloads[1])["group_name"] == "MODP_2048");
  CHECK(ikedecode::payload_json(*m, m->payloads[1])["key_data_length"] == 256);
  CHECK(ikedecode::payload_json(*m, m->payloads[2])["nonce_length"] == 32);
}

TEST_CASE("ikev2 notify types carry their IANA names and decoded data", "[ike]") {
  // RFC 7296 3.10.1: 14 NO_PROPOSAL_CHOSEN, 17 INVALID_KE_PAYLOAD (data = group), 24
  // AUTHENTICATION_FAILED, 16390 COOKIE; RFC 7383: 16430 IKEV2_FRAGMENTATION_SUPPORTED.
  CHECK(ikedecode::notify_name(2, 14) == "NO_PROPOSAL_CHOSEN");
  CHECK(ikedecode::notify_name(2, 24) == "AUTHENTICATION_FAILED");
  CHECK(ikedecode::notify_name(2, 38) == "TS_UNACCEPTABLE");
  CHECK(ikedecode::notify_name(2, 16430) == "IKEV2_FRAGMENTATION_SUPPORTED");
  CHECK(ikedecode::notify_name(1, 14) == "NO-PROPOSAL-CHOSEN");
  CHECK(ikedecode::notify_name(1, 36136) == "R-U-THERE");
  CHECK(ikedecode::notify_is_error(2, 17));
  CHECK_FALSE(ikedecode::notify_is_error(2, 16390));
  V wire = message(2, 34, 0x20, 0, {{41, notify_v2(17, {0, 19})}});
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  REQUIRE(m->payloads[0].notify() != nullptr);
  CHECK(ikedecode::payload_json(*m, m->payloads[0])["data"]["accepted_group_name"] == "ECP_256");
}

TEST_CASE("vendor IDs are recognised from their published hashes", "[ike]") {
  V ms{0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96,
       0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61, 0x00, 0x00, 0x00, 0x09};
  auto vid = ikedecode::vendor_id_name(span(ms));
  REQUIRE(vid.has_value());
  CHECK(vid->name == "MS NT5 ISAKMPOAKLEY");
  CHECK(vid->version == 9u);
  V natt{0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
         0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
  CHECK(ikedecode::vendor_id_name(span(natt))->name == "RFC 3947 NAT-T");
  CHECK_FALSE(ikedecode::vendor_id_name(span(V(16, 0))).has_value());
}

TEST_CASE("payload shorter than its generic header stops the walk with an anomaly", "[ike]") {
  V wire = message(2, 34, 0x08, 0, {{40, V(8, 1)}, {41, notify_v2(16388)}});
  wire[28 + 2] = 0;  // first payload length 2 (< 4)
  wire[28 + 3] = 2;
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->payloads.empty());
  REQUIRE(m->anomalies.size() == 1);
  CHECK_THAT(m->anomalies[0], Catch::Contains("length 2"));
}

TEST_CASE("payload claiming more bytes than the message holds is an anomaly", "[ike]") {
  V wire = message(2, 34, 0x08, 0, {{40, V(8, 1)}});
  wire[28 + 3] = 200;
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->payloads.empty());
  CHECK_THAT(m->anomalies.at(0), Catch::Contains("claims 200 bytes"));
}

TEST_CASE("proposal lying about its transform count is reported, transforms still listed",
          "[ike]") {
  V sa = proposal(true, 1, 1, {transform(false, 1, 12, 128), transform(true, 4, 19)}, 9);
  V wire = message(2, 34, 0x08, 0, {{33, sa}});
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  REQUIRE(m->payloads[0].proposals().size() == 1);
  CHECK(m->payloads[0].proposals()[0].transforms.size() == 2);
  CHECK_THAT(m->anomalies.at(0), Catch::Contains("declares 9 transforms, carries 2"));
}

TEST_CASE("transform length overrunning its proposal never reads past it", "[ike]") {
  V sa = proposal(true, 1, 1, {transform(true, 1, 12, 128)});
  sa[8 + 3] = 60;  // transform length far beyond the proposal
  V wire = message(2, 34, 0x08, 0, {{33, sa}});
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK_FALSE(m->anomalies.empty());
}

TEST_CASE("header problems are errors: short, bad version, length below 28", "[ike]") {
  V wire = ike_sa_init_request();
  CHECK_FALSE(parse_ike_message(span(V(wire.begin(), wire.begin() + 27))).ok());
  V bad = wire;
  bad[17] = 0x30;
  CHECK_FALSE(parse_ike_message(span(bad)).ok());
  bad = wire;
  bad[24] = bad[25] = bad[26] = 0;
  bad[27] = 20;
  CHECK_FALSE(parse_ike_message(span(bad)).ok());
}

TEST_CASE("every truncation of a message parses without crashing", "[ike]") {
  V wire = ike_sa_init_request();
  std::size_t ok = 0;
  seckit::bytes::for_each_truncation(span(wire), [&](seckit::bytes::Bytes prefix) {
    auto m = parse_ike_message(prefix);
    if (m.ok()) {
      ++ok;
      (void)ikedecode::message_json(*m).dump();
      if (prefix.size() < wire.size()) CHECK_FALSE(m->anomalies.empty());
    }
  });
  CHECK(ok == wire.size() - 28 + 1);
}

TEST_CASE("a chain of 10000 empty payloads is cut at the payload limit", "[ike]") {
  V wire = message(2, 37, 0x08, 2, {});
  wire[16] = 43;  // first payload: Vendor ID
  for (int i = 0; i < 10000; ++i) wire.insert(wire.end(), {43, 0, 0, 4});
  std::size_t len = wire.size();
  wire[24] = static_cast<std::uint8_t>(len >> 24);
  wire[25] = static_cast<std::uint8_t>(len >> 16);
  wire[26] = static_cast<std::uint8_t>(len >> 8);
  wire[27] = static_cast<std::uint8_t>(len);
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->payloads.size() == 512);
  CHECK_FALSE(m->anomalies.empty());
}

TEST_CASE("ikev1 main mode SA decodes phase 1 attributes by name", "[ike]") {
  // RFC 2409 appendix A: encryption 5 = 3DES-CBC, hash 2 = SHA, auth 1 = pre-shared key,
  // group 2 = 1024-bit MODP, life type 1 = seconds, duration 28800 (TLV, 4 bytes).
  V attrs;
  for (auto [type, value] :
       std::vector<std::pair<unsigned, unsigned>>{{1, 5}, {2, 2}, {3, 1}, {4, 2}, {11, 1}}) {
    put16(attrs, 0x8000 | type);
    put16(attrs, value);
  }
  put16(attrs, 12);
  put16(attrs, 4);
  put32(attrs, 28800);
  V t{0, 0, 0, 0, 1, 1, 0, 0};  // transform payload: number 1, KEY_IKE
  t.insert(t.end(), attrs.begin(), attrs.end());
  t[3] = static_cast<std::uint8_t>(t.size());
  V p{0, 0, 0, 0, 1, 1, 0, 1};  // proposal 1, PROTO_ISAKMP, no SPI, 1 transform
  p.insert(p.end(), t.begin(), t.end());
  p[3] = static_cast<std::uint8_t>(p.size());
  V sa{0, 0, 0, 1, 0, 0, 0, 1};  // DOI 1 (IPsec), situation SIT_IDENTITY_ONLY
  sa.insert(sa.end(), p.begin(), p.end());
  V wire = message(1, 2, 0, 0, {{1, sa}});
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->anomalies.empty());
  auto tj = ikedecode::payload_json(*m, m->payloads[0])["proposals"][0]["transforms"][0];
  CHECK(tj["id_name"] == "KEY_IKE");
  CHECK(tj["attributes"][0]["value_name"] == "3DES-CBC");
  CHECK(tj["attributes"][1]["value_name"] == "SHA");
  CHECK(tj["attributes"][2]["value_name"] == "Pre-shared key");
  CHECK(tj["attributes"][3]["value_name"] == "MODP_1024");
  CHECK(tj["attributes"][5]["value"] == 28800);
  auto weak = ikedecode::SaSecurity::weak_algorithms(1, m->payloads[0].proposals());
  CHECK(weak == std::vector<std::string>{"3DES-CBC", "SHA", "MODP_1024"});
}

TEST_CASE("ikev1 encrypted message is flagged with its length, not walked", "[ike]") {
  V wire = message(1, 2, 0x01, 0, {{5, V(16, 0x99)}});
  auto m = parse_ike_message(span(wire));
  REQUIRE(m.ok());
  CHECK(m->encrypted);
  CHECK(m->payloads.empty());
  CHECK(m->encrypted_length == 20);
}

TEST_CASE("NAT-D hashes follow RFC 7296 2.23 and RFC 3947 3.2", "[ike][nat]") {
  // Expected values: SHA-1 / MD5 over SPIi | SPIr | address | port, computed independently
  // (Python hashlib) for these inputs.
  V spi_i{1, 2, 3, 4, 5, 6, 7, 8}, zero(8, 0);
  V spi_r{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
  auto a = *seckit::net::parse_address("192.0.2.1");
  CHECK(ikedecode::hex(ikedecode::natd_hash("SHA1", span(spi_i), span(zero), a, 500)) ==
        "644b4575455bd6fcc1efe2be8162a9218e448e5f");
  auto b = *seckit::net::parse_address("198.51.100.2");
  CHECK(ikedecode::hex(ikedecode::natd_hash("MD5", span(spi_i), span(spi_r), b, 4500)) ==
        "0d7a63a8dc13f0f256a49fb1f87a8fc7");
}
