// `certcheck errcode` input: any text must parse to a code or a ParseError, and a found entry
// must round-trip through its hex spelling.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "seckit/winerr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto found = seckit::winerr::lookup(text);
  if (found) {
    auto again = seckit::winerr::lookup(std::string_view(found->hex()));
    if (!again || again->name != found->name) std::abort();
  }
  return 0;
}
