#include <catch2/catch.hpp>

#include "certcheck.hpp"

TEST_CASE("durations accept days, hours, weeks and bare days", "[certcheck]") {
  CHECK(certcheck::parse_duration("30d") == 30 * 86400);
  CHECK(certcheck::parse_duration("30") == 30 * 86400);
  CHECK(certcheck::parse_duration("12h") == 12 * 3600);
  CHECK(certcheck::parse_duration("2w") == 14 * 86400);
  CHECK(certcheck::parse_duration("90min") == 90 * 60);
  CHECK(certcheck::parse_duration("3mo") == 90 * 86400);
  CHECK(certcheck::parse_duration("45s") == 45);
  CHECK_FALSE(certcheck::parse_duration("90m"));  // minute or month? refused
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

TEST_CASE("CRL reason names are RFC 5280 5.3.1's CRLReason", "[certcheck][crl]") {
  CHECK(certcheck::crl_reason_name(0) == "unspecified");
  CHECK(certcheck::crl_reason_name(1) == "keyCompromise");
  CHECK(certcheck::crl_reason_name(2) == "cACompromise");
  CHECK(certcheck::crl_reason_name(4) == "superseded");
  CHECK(certcheck::crl_reason_name(6) == "certificateHold");
  CHECK(certcheck::crl_reason_name(7).empty());  // not assigned
  CHECK(certcheck::crl_reason_name(8) == "removeFromCRL");
  CHECK(certcheck::crl_reason_name(10) == "aACompromise");
  CHECK(certcheck::crl_reason_name(11).empty());
}

TEST_CASE("a --crl file without a CRL is an input error (exit 2)", "[certcheck][crl]") {
  auto fails = [](std::string_view text) {
    try {
      (void)certcheck::parse_crls("x.crl", seckit::bytes::as_bytes(text));
    } catch (const seckit::ToolError& e) {
      return e.code() == seckit::kExitUsage && e.context() == "x.crl";
    }
    return false;
  };
  CHECK(fails(""));
  CHECK(fails("garbage"));
  CHECK(fails(std::string_view("\x30\x03\x02\x01", 4)));  // truncated DER SEQUENCE
  CHECK(fails("-----BEGIN X509 CRL-----\nMIIB\n"));       // no END line
  CHECK(fails("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"));        // not DER
  CHECK(fails("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));  // no CRL
}
