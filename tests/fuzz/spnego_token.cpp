// SPNEGO / GSS / Kerberos AP-REQ tokens (ASN.1 DER) through the whole token analysis.
#include <cstdint>

#include "token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto a = cbaudit::analyze_token({data, size});
  if (a) (void)a->description.dump();
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)cbaudit::decode_token_file(text);
  return 0;
}
