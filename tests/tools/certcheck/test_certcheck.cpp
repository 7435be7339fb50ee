#include <catch2/catch.hpp>

#include "certcheck.hpp"

TEST_CASE("durations accept days, hours, weeks and bare days", "[certcheck]") {
  CHECK(certcheck::parse_duration("30d") == 30 * 86400);
  CHECK(certcheck::parse_duration("30") == 30 * 86400);
  CHECK(certcheck::parse_duration("12h") == 12 * 3600);
  CHECK(certcheck::parse_duration("2w") == 14 * 86400);
  CHECK(certcheck::parse_duration("90m") == 90 * 60);
  CHECK_FALSE(certcheck::parse_duration("30x"));
  CHECK_FALSE(certcheck::parse_duration("-3d"));
  CHECK_FALSE(certcheck::parse_duration("d"));
  CHECK_FALSE(certcheck::parse_duration("99999999999999999999d"));
}

TEST_CASE("the TMG profile needs server auth, client auth and IKE intermediate", "[certcheck]") {
  const auto* p = certcheck::find_profile("tmg-rras");
  REQUIRE(p);
  CHECK(p->required_ekus.size() == 3);
  CHECK(certcheck::find_profile("nope") == nullptr);
  CHECK(certcheck::profiles().size() == 10);
}
