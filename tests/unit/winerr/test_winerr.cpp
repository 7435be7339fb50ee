// seckit::winerr against numbers worked out by hand from winerror.h / raserror.h definitions:
// CERT_E_WRONG_USAGE = _HRESULT_TYPEDEF_(0x800B0110L); HRESULT_FROM_WIN32(x) =
// 0x80070000 | x; signed = value - 2^32.
#include <catch2/catch.hpp>

#include "seckit/winerr.hpp"

using seckit::winerr::Family;

TEST_CASE("every spelling of CERT_E_WRONG_USAGE finds it", "[winerr]") {
  for (const char* s : {"2148204816", "0x800B0110", "0X800b0110", "-2146762480", "800B0110h",
                        "CERT_E_WRONG_USAGE", "cert_e_wrong_usage"}) {
    INFO(s);
    auto e = seckit::winerr::lookup(std::string_view(s));
    REQUIRE(e);
    CHECK(e->name == "CERT_E_WRONG_USAGE");
    CHECK(e->hresult == 2148204816u);
    CHECK(e->signed_value() == -2146762480);
    CHECK(e->hex() == "0x800B0110");
    CHECK(e->family == Family::kCert);
    CHECK_FALSE(e->win32.has_value());
  }
}

TEST_CASE("IKE timeout 13805 is found as Win32 code and as HRESULT_FROM_WIN32", "[winerr]") {
  for (const char* s : {"13805", "0x35ED", "0x800735ED", "2147956205", "-2147011091"}) {
    INFO(s);
    auto e = seckit::winerr::lookup(std::string_view(s));
    REQUIRE(e);
    CHECK(e->name == "ERROR_IPSEC_IKE_TIMED_OUT");
    CHECK(e->win32 == 13805u);
    CHECK(e->hresult == 0x800735EDu);
    CHECK(e->family == Family::kIpsecIke);
    CHECK_FALSE(e->vpn_meaning().empty());
  }
}

TEST_CASE("RAS 809 is the VPN timeout", "[winerr]") {
  auto e = seckit::winerr::lookup(std::string_view("809"));
  REQUIRE(e);
  CHECK(e->name == "ERROR_VPN_TIMEOUT");
  CHECK(e->family == Family::kRas);
  CHECK(e->hresult == 0x80070329u);
}

TEST_CASE("the windows_error object carries name, hex, unsigned, signed and message", "[winerr]") {
  auto e = seckit::winerr::by_name("CERT_E_EXPIRED");
  REQUIRE(e);
  auto j = seckit::winerr::to_json(*e);
  CHECK(j["name"] == "CERT_E_EXPIRED");
  CHECK(j["hex"] == "0x800B0101");
  CHECK(j["unsigned"] == 2148204801u);
  CHECK(j["signed"] == -2146762495);
  CHECK(j["message"].get<std::string>().find("validity period") != std::string::npos);
}

TEST_CASE("codes outside every table and bad spellings are rejected", "[winerr]") {
  CHECK_FALSE(seckit::winerr::lookup(std::string_view("0x12345678")));
  CHECK_FALSE(seckit::winerr::lookup(std::string_view("0")));
  CHECK_FALSE(
      seckit::winerr::lookup(std::string_view("0x80070001")));  // ERROR_INVALID_FUNCTION: not ours
  CHECK_FALSE(seckit::winerr::parse_code("0x"));
  CHECK_FALSE(seckit::winerr::parse_code("12a"));
  CHECK_FALSE(seckit::winerr::parse_code("0x100000000"));
  CHECK_FALSE(seckit::winerr::parse_code("-2147483649"));
  CHECK_FALSE(seckit::winerr::parse_code("--5"));
  CHECK(seckit::winerr::parse_code(" 13805 ").value() == 13805u);
}

TEST_CASE("the tables hold the documented ranges", "[winerr]") {
  std::size_t ike = 0, ras = 0, hresult = 0;
  for (const auto& e : seckit::winerr::all()) {
    if (e.family == Family::kIpsecIke) {
      ++ike;
      CHECK(*e.win32 >= 13800u);
      CHECK(*e.win32 <= 13999u);
    } else if (e.family == Family::kRas) {
      ++ras;
      CHECK(*e.win32 >= 600u);
      CHECK(*e.win32 <= 870u);
    } else {
      ++hresult;
      CHECK((e.hresult & 0x80000000u) != 0);
    }
  }
  CHECK(ike > 100);
  CHECK(ras > 200);
  CHECK(hresult > 100);
}
