#include <cstdlib>
#include <span>
#include <string_view>

#include "migration.hpp"

// The protobuf reader never crashes on any bytes, the URI wrapper on any text, and what decodes
// re-encodes to a payload that decodes to the same secrets.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = otpgen::decode_migration_payload(std::span<const std::uint8_t>(data, size));
  if (decoded) {
    auto again = otpgen::decode_migration_payload(otpgen::encode_migration_payload(*decoded));
    if (!again || again->accounts.size() != decoded->accounts.size()) std::abort();
    for (std::size_t i = 0; i < again->accounts.size(); ++i) {
      if (again->accounts[i].secret != decoded->accounts[i].secret) std::abort();
    }
  }
  (void)otpgen::parse_migration_uri(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
