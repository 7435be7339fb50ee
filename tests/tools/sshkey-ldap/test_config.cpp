#include <catch2/catch.hpp>

#include "config.hpp"
#include "seckit/error.hpp"
#include "test_support.hpp"

using sshkey_ldap::Config;

TEST_CASE("durations accept ms, s, m and h", "[config]") {
  CHECK(sshkey_ldap::parse_duration("5", "t").count() == 5000);
  CHECK(sshkey_ldap::parse_duration("1.5s", "t").count() == 1500);
  CHECK(sshkey_ldap::parse_duration("250ms", "t").count() == 250);
  CHECK(sshkey_ldap::parse_duration("2m", "t").count() == 120000);
  CHECK_THROWS_AS(sshkey_ldap::parse_duration("soon", "t"), seckit::ToolError);
  CHECK_THROWS_AS(sshkey_ldap::parse_duration("5 parsecs", "t"), seckit::ToolError);
}

TEST_CASE("the config file sets every key and adds repeated uri lines", "[config]") {
  seckit::test::TempDir dir;
  auto path =
      dir.write("sshkey-ldap.conf",
                "# comment\nuri = ldap://a/ ldap://b/\nuri ldaps://c/\nbase=dc=example,dc=org\n"
                "starttls = yes\ntimeout = 2s\ncache_ttl = 5m\nstale_ok = true\n"
                "key_attribute = ipaSshPubKey\npage_size = 100\n");
  Config config;
  config.load_file(path);
  CHECK(config.uris == std::vector<std::string>{"ldap://a/", "ldap://b/", "ldaps://c/"});
  CHECK(config.base == "dc=example,dc=org");
  CHECK(config.starttls);
  CHECK(config.timeout.count() == 2000);
  CHECK(config.cache_ttl.count() == 300);
  CHECK(config.stale_ok);
  CHECK(config.key_attribute == "ipaSshPubKey");
  CHECK(config.page_size == 100);
}

TEST_CASE("an inline bind password is refused", "[config]") {
  Config config;
  CHECK_THROWS_AS(config.set("bind_password", "x", "t"), seckit::ToolError);
  CHECK_THROWS_AS(config.set("no_such_key", "x", "t"), seckit::ToolError);
}
