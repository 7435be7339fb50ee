#include <cstdlib>
#include <string_view>

#include "seckit/enc.hpp"

// Decoding never crashes, and whatever decodes re-encodes to a canonical form that decodes to
// the same bytes.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = seckit::enc::base32_decode(text);
  if (decoded.ok()) {
    auto again = seckit::enc::base32_decode(seckit::enc::base32_encode(*decoded));
    if (!again.ok() || *again != *decoded) std::abort();
  }
  return 0;
}
