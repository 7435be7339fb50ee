#include <cstdlib>
#include <string_view>

#include "uri.hpp"

// Parsing never crashes, and whatever parses builds a URI that parses to the same account.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = otpgen::parse_otpauth_uri(text);
  if (!parsed) return 0;
  auto again = otpgen::parse_otpauth_uri(otpgen::build_otpauth_uri(*parsed));
  if (!again || again->secret != parsed->secret || again->account != parsed->account ||
      again->issuer != parsed->issuer || again->digits != parsed->digits) {
    std::abort();
  }
  return 0;
}
