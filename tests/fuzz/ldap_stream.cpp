// LDAP over TCP: LDAPMessage framing in arbitrary chunks and bind parsing of every framed
// message.
#include "ldap_stream.hpp"

#include <algorithm>
#include <cstdint>

#include "ldap_msg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cbaudit::ldap::MessageFramer framer(1u << 20);
  auto on_message = [](seckit::bytes::Bytes message) {
    (void)cbaudit::ldap::parse_message(message);
  };
  std::size_t chunk = size ? (data[0] % 61) + 1 : 1;
  for (std::size_t pos = size ? 1 : 0; pos < size; pos += chunk) {
    framer.feed({data + pos, std::min(chunk, size - pos)}, on_message);
  }
  return 0;
}
