// LDAP bind messages (RFC 4511 4.2) in BER, with the Microsoft "sicily" NTLM choices
// (sicilyPackageDiscovery [9], sicilyNegotiate [10], sicilyResponse [11]) and SASL GSS-SPNEGO:
// enough to find the NTLM/SPNEGO tokens of a bind in a capture and to drive our own bind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace cbaudit::ldap {

using Buffer = std::vector<std::uint8_t>;

struct BindMessage {
  std::int64_t message_id = 0;
  bool request = false;  // BindRequest; false = BindResponse
  // request
  std::string name;
  std::string
      auth_kind;  // "simple", "sasl", "sicily-discovery", "sicily-negotiate", "sicily-response"
  std::string sasl_mechanism;
  Buffer credentials;  // SASL credentials or the sicily token
  // response
  std::int64_t result_code = -1;
  std::string matched_dn;  // sicily puts the NTLM CHALLENGE here
  std::string diagnostic;
  Buffer server_sasl_creds;
};

// One LDAPMessage. Returns nullopt (not an error) for operations other than bind.
seckit::Result<std::optional<BindMessage>> parse_message(seckit::bytes::Bytes data);
// Size of the complete LDAPMessage at the start of data, 0 when more bytes are needed, or an
// error when it cannot be an LDAP message.
seckit::Result<std::size_t> message_size(seckit::bytes::Bytes data);

Buffer encode_sicily_bind(std::int64_t id, std::uint32_t tag, const Buffer& token);
Buffer encode_sasl_bind(std::int64_t id, const std::string& mechanism, const Buffer& credentials);

}  // namespace cbaudit::ldap
