#include <sstream>

#include "seckit/out.hpp"

// Arbitrary bytes as wire text never make the JSON writer throw.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::ostringstream sink;
  seckit::out::Emitter emitter(sink, true, "fuzz");
  std::span<const std::uint8_t> bytes(data, size);
  emitter.record(
      "wire", seckit::out::Json{{"value", seckit::out::wire_text(bytes)},
                                {"raw", std::string(reinterpret_cast<const char*>(data), size)}});
  return 0;
}
