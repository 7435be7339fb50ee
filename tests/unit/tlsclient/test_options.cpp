// --connect/--sni/--starttls/--ca-file/--timeout: parsing of HOST:PORT, resolution into a spec,
// the names sent and verified, and the shared CLI11 option group itself.
#include <catch2/catch.hpp>

#include "seckit/error.hpp"
#include "seckit/tlsclient.hpp"

namespace tc = seckit::tlsclient;

TEST_CASE("HOST:PORT, [v6]:PORT and a default port", "[tlsclient]") {
  auto plain = tc::parse_endpoint("mail.example.com:25", std::nullopt);
  CHECK(plain.host == "mail.example.com");
  CHECK(plain.port == 25);
  auto v6 = tc::parse_endpoint("[2001:db8::1]:636", std::nullopt);
  CHECK(v6.host == "2001:db8::1");
  CHECK(v6.port == 636);
  CHECK(v6.text() == "[2001:db8::1]:636");
  CHECK(tc::parse_endpoint("www.example.com", 443).port == 443);
  CHECK(tc::parse_endpoint("[::1]", 443).host == "::1");
}

TEST_CASE("a bad HOST:PORT is a usage error", "[tlsclient]") {
  for (const char* bad : {"host", "host:", ":443", "host:0", "host:65536", "host:https", "[::1",
                          "[::1]x", "2001:db8::1", "host:44x"}) {
    INFO(bad);
    CHECK_THROWS_AS(tc::parse_endpoint(bad, std::nullopt), seckit::ToolError);
  }
  CHECK_THROWS_AS(tc::parse_endpoint("", 443), seckit::ToolError);
}

TEST_CASE("the flags resolve into a spec; --starttls and --sni need --connect", "[tlsclient]") {
  tc::ConnectFlags flags;
  CHECK_FALSE(tc::resolve_connect(flags));
  flags.starttls = "smtp";
  CHECK_THROWS_AS(tc::resolve_connect(flags), seckit::ToolError);
  flags.connect = "127.0.0.1:2525";
  flags.sni = "mail.example.test";
  flags.ca_file = "ca.pem";
  flags.timeout_seconds = 3;
  auto spec = tc::resolve_connect(flags);
  REQUIRE(spec);
  CHECK(spec->starttls == tc::StartTls::kSmtp);
  CHECK(spec->endpoint.port == 2525);
  CHECK(spec->ca_file == "ca.pem");
  CHECK(spec->timeout_seconds == 3);
  CHECK(spec->verify == tc::VerifyMode::kRequire);
  flags.starttls = "pop3";
  CHECK_THROWS_AS(tc::resolve_connect(flags), seckit::ToolError);
  flags.starttls = "";
  flags.timeout_seconds = 0;
  CHECK_THROWS_AS(tc::resolve_connect(flags), seckit::ToolError);
  tc::ConnectFlags sni_only;
  sni_only.sni = "x.example";
  CHECK_THROWS_AS(tc::resolve_connect(sni_only), seckit::ToolError);
}

TEST_CASE("every protocol name round-trips", "[tlsclient]") {
  CHECK(tc::starttls_names() ==
        std::vector<std::string>{"smtp", "imap", "ftp", "ldap", "postgres"});
  for (const auto& name : tc::starttls_names()) {
    auto p = tc::starttls_from_name(name);
    REQUIRE(p);
    CHECK(tc::starttls_name(*p) == name);
  }
  CHECK(tc::starttls_from_name("") == tc::StartTls::kNone);
  CHECK_FALSE(tc::starttls_from_name("SMTP"));
}

TEST_CASE("SNI is the host unless it is an address; the verified name follows --sni",
          "[tlsclient]") {
  tc::ConnectSpec spec;
  spec.endpoint = {"vpn.example.test", 443};
  CHECK(tc::effective_sni(spec) == "vpn.example.test");
  CHECK(tc::effective_verify_name(spec) == "vpn.example.test");
  spec.endpoint.host = "127.0.0.1";
  CHECK(tc::effective_sni(spec).empty());  // RFC 6066 3: literal addresses are not sent
  CHECK(tc::effective_verify_name(spec) == "127.0.0.1");
  spec.endpoint.host = "::1";
  CHECK(tc::effective_sni(spec).empty());
  spec.sni = "mail.example.test";
  CHECK(tc::effective_sni(spec) == "mail.example.test");
  CHECK(tc::effective_verify_name(spec) == "mail.example.test");
  spec.verify_name = "ldap.internal";
  CHECK(tc::effective_verify_name(spec) == "ldap.internal");
}

TEST_CASE("a verification is described with its trust, name and reason", "[tlsclient]") {
  tc::Verification v;
  CHECK(tc::describe(v) == "not verified (verification disabled)");
  v.checked = true;
  v.trust = "system trust store";
  v.name = "127.0.0.1";
  v.error = "unable to get local issuer certificate";
  v.error_depth = 1;
  v.error_subject = "/CN=Test Int";
  CHECK(tc::describe(v) ==
        "NOT verified against the system trust store for 127.0.0.1: unable to get local issuer "
        "certificate (at depth 1, /CN=Test Int)");
  v.verified = true;
  CHECK(tc::describe(v) == "verified against the system trust store for 127.0.0.1");
}
