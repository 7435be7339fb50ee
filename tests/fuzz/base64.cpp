#include <cstdlib>
#include <string_view>

#include "seckit/enc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using seckit::enc::Base64Alphabet;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto alphabet : {Base64Alphabet::kStandard, Base64Alphabet::kUrl}) {
    auto decoded = seckit::enc::base64_decode(text, alphabet);
    if (decoded.ok()) {
      auto again =
          seckit::enc::base64_decode(seckit::enc::base64_encode(*decoded, alphabet), alphabet);
      if (!again.ok() || *again != *decoded) std::abort();
    }
  }
  return 0;
}
