// SMB2 over TCP: Direct TCP framing in arbitrary chunks and SESSION_SETUP parsing of every
// framed message, with the security buffer analysed like a captured token.
#include "smb2_stream.hpp"

#include <algorithm>
#include <cstdint>

#include "token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cbaudit::smb2::NbssFramer framer(1u << 20);
  auto on_message = [](cbaudit::smb2::Bytes message) {
    auto setup = cbaudit::smb2::parse_session_setup(message);
    if (setup && !setup->security_buffer.empty()) {
      (void)cbaudit::analyze_token(setup->security_buffer);
    }
  };
  // The first byte picks the chunk size, so segment boundaries fall everywhere.
  std::size_t chunk = size ? (data[0] % 61) + 1 : 1;
  for (std::size_t pos = size ? 1 : 0; pos < size; pos += chunk) {
    framer.feed({data + pos, std::min(chunk, size - pos)}, on_message);
  }
  return 0;
}
