#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "seckit/random.hpp"

using seckit::random::system_random_bytes;

TEST_CASE("system random bytes have the asked length and differ between calls", "[random]") {
  CHECK(system_random_bytes(0).empty());
  const auto a = system_random_bytes(32);
  const auto b = system_random_bytes(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
}

TEST_CASE("a large request is filled completely (getrandom may return short above 256 bytes)",
          "[random]") {
  const auto big = system_random_bytes(100000);
  REQUIRE(big.size() == 100000);
  // A buffer left partly unfilled would keep a long run of its initial zeros; 100000 random
  // bytes take every one of the 256 values.
  std::set<std::uint8_t> values(big.begin(), big.end());
  CHECK(values.size() == 256);
  std::size_t zero_run = 0;
  std::size_t longest = 0;
  for (auto byte : big) {
    zero_run = byte == 0 ? zero_run + 1 : 0;
    longest = std::max(longest, zero_run);
  }
  CHECK(longest < 16);
}
