// LDAP BER bind messages (RFC 4511 + sicily): framing and parsing on arbitrary bytes.
#include <cstdint>

#include "ldap_msg.hpp"
#include "token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)cbaudit::ldap::message_size({data, size});
  auto m = cbaudit::ldap::parse_message({data, size});
  if (m && *m && !(*m)->credentials.empty()) (void)cbaudit::analyze_token((*m)->credentials);
  return 0;
}
