// What a server says before TLS starts (common/tlsclient): the first byte picks the parser, the
// rest is the server's bytes. SMTP/FTP reply lines (RFC 5321 4.2, RFC 959 4.2), IMAP response
// lines (RFC 3501 7.1), and the LDAP ExtendedResponse to StartTLS (RFC 4511 4.12, 4.14.1) framed
// by its BER length. None may crash; a parsed reply code is 100-599 (RFC 959 4.2).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "seckit/tlsclient.hpp"

namespace tc = seckit::tlsclient;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  switch (data[0] % 3) {
    case 0: {
      auto line = tc::parse_reply_line(text);
      if (line && (line->code < 100 || line->code > 599)) std::abort();
      break;
    }
    case 1:
      (void)tc::parse_imap_line(text);
      break;
    default: {
      auto element = tc::ber_element_size(rest, std::size_t{64} * 1024);
      if (element && *element) {
        if (**element > rest.size()) break;  // needs more bytes
        (void)tc::parse_ldap_extended_response(rest.first(**element));
      }
      break;
    }
  }
  return 0;
}
