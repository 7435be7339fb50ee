// RFC 4515 section 4 and RFC 4514 section 4 examples are the expected values.
#include <catch2/catch.hpp>

#include "seckit/error.hpp"
#include "seckit/ldap.hpp"

using seckit::ldap::escape_dn_value;
using seckit::ldap::escape_filter_value;
using seckit::ldap::expand_filter;

TEST_CASE("filter values are escaped as in the RFC 4515 examples", "[ldap]") {
  CHECK(escape_filter_value("Parens R Us (for all your parenthetical needs)") ==
        "Parens R Us \\28for all your parenthetical needs\\29");
  CHECK(escape_filter_value("*") == "\\2a");
  CHECK(escape_filter_value("C:\\MyFile") == "C:\\5cMyFile");
  CHECK(escape_filter_value(std::string("\0\0\0\x04", 4)) == "\\00\\00\\00\x04");
  CHECK(escape_filter_value("Lu\xc4\x8di\xc4\x87") == "Lu\\c4\\8di\\c4\\87");
}

TEST_CASE("a hostile user name cannot change the filter", "[ldap]") {
  CHECK(expand_filter("(&(objectClass=ldapPublicKey)(uid=%s))", "*)(uid=*") ==
        "(&(objectClass=ldapPublicKey)(uid=\\2a\\29\\28uid=\\2a))");
  CHECK(expand_filter("(uid=%s)", "a\\00b") == "(uid=a\\5c00b)");
  CHECK(expand_filter("(|(cn=%s)(ipHostNumber=%s))", "h") == "(|(cn=h)(ipHostNumber=h))");
  CHECK(expand_filter("(description=100%%)", "x") == "(description=100%)");
  CHECK_THROWS_AS(expand_filter("(uid=%d)", "x"), seckit::ToolError);
}

TEST_CASE("DN values are escaped as in the RFC 4514 examples", "[ldap]") {
  CHECK(escape_dn_value("James \"Jim\" Smith, III") == "James \\\"Jim\\\" Smith\\, III");
  CHECK(escape_dn_value("Sue, Grabbit and Runn") == "Sue\\, Grabbit and Runn");
  CHECK(escape_dn_value("#start") == "\\#start");
  CHECK(escape_dn_value("end ") == "end\\ ");
}
