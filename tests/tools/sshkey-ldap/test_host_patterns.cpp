// Host pattern matching; the expected verdicts are what `ssh-keygen -F HOST` (ssh's own
// known_hosts matching) answers for the same lines (tests/integration/sshkey-ldap/lookup.sh
// compares the whole lookup with it against slapd).
#include <catch2/catch.hpp>

#include "host_patterns.hpp"

using sshkey_ldap::host_matches_patterns;
using sshkey_ldap::is_host_pattern;

TEST_CASE("a wildcard entry matches the hosts ssh-keygen -F finds for it", "[hosts]") {
  std::vector<std::string> ca = {"*.example.org", "!bad.example.org"};
  CHECK(host_matches_patterns("db.example.org", ca));
  CHECK(host_matches_patterns("DB.Example.ORG", ca));
  CHECK(host_matches_patterns("a.b.example.org", ca));
  CHECK_FALSE(host_matches_patterns("bad.example.org", ca));
  CHECK_FALSE(host_matches_patterns("example.org", ca));
  CHECK_FALSE(host_matches_patterns("[db.example.org]:2222", ca));
  CHECK(host_matches_patterns("db1.test.org", {"db?.test.org"}));
  CHECK_FALSE(host_matches_patterns("db12.test.org", {"db?.test.org"}));
  CHECK(host_matches_patterns("[x.example.net]:2222", {"[*.example.net]:2222"}));
  CHECK_FALSE(host_matches_patterns("x.example.net", {"[*.example.net]:2222"}));
  CHECK_FALSE(host_matches_patterns("anything", {"!other"}));
}

TEST_CASE("hostile patterns stay linear and never match past the end", "[hosts]") {
  std::string host(4000, 'a');
  CHECK_FALSE(host_matches_patterns(host + "b", {"*a*a*a*a*a*a*a*a*a*a*c"}));
  CHECK(host_matches_patterns(host, {"*a*a*a*a*a*a*a*a*a*a*"}));
  CHECK(is_host_pattern("*.example.org"));
  CHECK(is_host_pattern("!bad"));
  CHECK_FALSE(is_host_pattern("db.example.org"));
}
