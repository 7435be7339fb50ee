// Certificate input detection and loading (PEM, DER, PKCS#7, PKCS#12, JSON records) on
// arbitrary bytes: must return a result or a ParseError, and describe() whatever loads.
#include <cstdint>
#include <cstdlib>

#include "seckit/x509.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  seckit::x509::Bytes bytes(data, size);
  (void)seckit::x509::detect_format(bytes);
  for (auto password : {std::optional<std::string>{}, std::optional<std::string>{"test-pass"}}) {
    auto loaded = seckit::x509::load(bytes, {"fuzz", password});
    if (!loaded) continue;
    for (const auto& cert : loaded->certificates) {
      auto record = seckit::x509::describe(cert, 0);
      if (!record.contains("der")) std::abort();
      (void)seckit::x509::matches_host(cert.x509.get(), "a.example.test");
    }
  }
  return 0;
}
