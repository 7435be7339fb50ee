// Key text as check/add/remove/import read it (OpenSSH lines and RFC 4716 blocks): any bytes,
// never a crash; a line it yields is either an error with no text or text without a line break.
#include <cstdlib>
#include <string>

#include "key_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& line : sshkey_ldap::key_text_lines(text)) {
    if (!line.error.empty() && !line.text.empty()) std::abort();
    if (line.text.find('\n') != std::string::npos) std::abort();
  }
  return 0;
}
