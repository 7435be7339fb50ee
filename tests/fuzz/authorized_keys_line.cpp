// authorized_keys line parser: any bytes, never a crash; a parsed line re-parses identically.
#include <cstdlib>
#include <string_view>

#include "sshkey.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = sshkey::parse_authorized_key_line(text);
  if (key.ok()) {
    auto again = sshkey::parse_authorized_key_line(key->line());
    if (!again.ok() || again->key.blob != key->key.blob) std::abort();
    (void)sshkey::fingerprint_sha256(key->key);
  }
  return 0;
}
