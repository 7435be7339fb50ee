// Per-SA details from typed payloads: numbers and names as RFC 7296 (IKEv2) and RFC 2409 /
// RFC 2407 (IKEv1) define them, and the rule that the responder's choice is what was agreed.
#include <catch2/catch.hpp>

#include "ike_sa_details.hpp"

namespace {

ikedecode::Transform v2_transform(std::uint8_t type, std::uint16_t id,
                                  std::optional<std::uint16_t> key_length = std::nullopt) {
  ikedecode::Transform t;
  t.type = type;
  t.id = id;
  t.key_length = key_length;
  return t;
}

}  // namespace

TEST_CASE("ikev2 accepted proposal is read by transform type with its key length", "[ike]") {
  // RFC 7296 3.3.2: type 1 ENCR (12 = ENCR_AES_CBC), 2 PRF (5 = PRF_HMAC_SHA2_256),
  // 3 INTEG (12 = AUTH_HMAC_SHA2_256_128), 4 D-H (31 = Curve25519), 5 ESN (0 = none).
  ikedecode::Proposal p;
  p.protocol = 1;
  p.transforms = {v2_transform(1, 12, 256), v2_transform(3, 12), v2_transform(2, 5),
                  v2_transform(4, 31), v2_transform(1, 20, 128)};
  ikedecode::NegotiatedProposal n = ikedecode::negotiated_proposal(2, p);
  CHECK(n.protocol == "IKE");
  REQUIRE(n.encryption);
  CHECK(n.encryption->id == 12);
  CHECK(n.encryption->name == "ENCR_AES_CBC");
  CHECK(n.key_length == 256);  // the first ENCR transform's, not a later one's
  CHECK(n.prf->id == 5);
  CHECK(n.integrity->name == "AUTH_HMAC_SHA2_256_128");
  CHECK(n.dh_group->id == 31);
  CHECK_FALSE(n.esn);
  CHECK_FALSE(n.hash);
}

TEST_CASE("ikev1 phase 1 transform attributes become the negotiated IKE SA", "[ike]") {
  // RFC 2409 appendix A: 1 encryption (7 = AES-CBC), 2 hash (2 = SHA), 3 authentication method
  // (1 = pre-shared key), 4 group (14 = 2048-bit MODP), 14 key length.
  ikedecode::Proposal p;
  p.protocol = 1;
  ikedecode::Transform t;
  t.id = 1;  // KEY_IKE
  t.attributes = {{1, 7}, {2, 2}, {3, 1}, {4, 14}, {14, 128}};
  p.transforms = {t};
  ikedecode::NegotiatedProposal n = ikedecode::negotiated_proposal(1, p);
  CHECK(n.protocol == "ISAKMP");
  CHECK(n.encryption->id == 7);
  CHECK(n.key_length == 128);
  CHECK(n.hash->id == 2);
  CHECK(n.dh_group->id == 14);
  CHECK_FALSE(n.prf);
}

TEST_CASE("ikev1 quick mode transform: ESP transform ID and IPsec DOI attributes", "[ike]") {
  // RFC 2407 4.4.4 (ESP_AES = 12) and 4.5: 5 authentication algorithm (2 = HMAC-SHA),
  // 6 key length.
  ikedecode::Proposal p;
  p.protocol = 3;
  ikedecode::Transform t;
  t.id = 12;
  t.attributes = {{5, 2}, {6, 128}, {4, 1}};
  p.transforms = {t};
  ikedecode::NegotiatedProposal n = ikedecode::negotiated_proposal(1, p);
  CHECK(n.protocol == "IPSEC_ESP");
  CHECK(n.encryption->id == 12);
  CHECK(n.integrity->id == 2);
  CHECK(n.key_length == 128);
  CHECK_FALSE(n.dh_group);
}

TEST_CASE("identities render as text, addresses, or hex when they are neither", "[ike]") {
  const std::uint8_t fqdn[] = {'v', 'p', 'n', '.', 'e', 'x'};
  const std::uint8_t ipv4[] = {192, 0, 2, 7};
  const std::uint8_t bad[] = {0xff, 0xfe};
  const std::uint8_t key_id[] = {0x01, 0xab};
  CHECK(ikedecode::identity_of(2, ikedecode::IdPayload{2, {}, {}, ikedecode::Bytes(fqdn)}).value ==
        "vpn.ex");
  ikedecode::Identity a =
      ikedecode::identity_of(2, ikedecode::IdPayload{1, {}, {}, ikedecode::Bytes(ipv4)});
  CHECK(a.value == "192.0.2.7");
  CHECK(a.type_name == "ID_IPV4_ADDR");
  CHECK(ikedecode::identity_of(2, ikedecode::IdPayload{2, {}, {}, ikedecode::Bytes(bad)}).value ==
        "fffe");  // not UTF-8
  CHECK(
      ikedecode::identity_of(2, ikedecode::IdPayload{11, {}, {}, ikedecode::Bytes(key_id)}).value ==
      "01ab");
}

TEST_CASE("traffic selector ranges keep protocol, ports and addresses", "[ike]") {
  const std::uint8_t start[] = {10, 0, 0, 0};
  const std::uint8_t end[] = {10, 0, 0, 255};
  ikedecode::TrafficSelector ts;
  ts.type = 7;
  ts.ip_protocol = 17;
  ts.range = true;
  ts.start_port = 500;
  ts.end_port = 500;
  ts.start_address = ikedecode::Bytes(start);
  ts.end_address = ikedecode::Bytes(end);
  ikedecode::Selector s = ikedecode::selector_of(ts);
  CHECK(s.type_name == "TS_IPV4_ADDR_RANGE");
  CHECK(s.ip_protocol == 17);
  CHECK(s.start_port == 500);
  CHECK(s.start_address == "10.0.0.0");
  CHECK(s.end_address == "10.0.0.255");
}
